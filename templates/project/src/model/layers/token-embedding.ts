//   FuseplanTokenEmbedding    token ids (n,T) -> (n,T,d): a learned vector per id. Looked up with
//                             gatherND and differentiated with scatterND: the wasm backend has no
//                             UnsortedSegmentSum (the gradient of tf.layers.embedding's gather), and
//                             its gather kernel is far slower than gatherND.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import {type FusionLayers, type LayerArgs, type Shape, type Tensor, list, shapes} from './common.js'

export function defineTokenEmbedding(tf: Tf): FusionLayers['TokenEmbedding'] {
  const Layer = tf.layers.Layer

  const lookup = (x: Tensor, table: Tensor): Tensor =>
    (
      tf.customGrad(((ids: Tensor, t: Tensor, save: (ts: Tensor[]) => void) => {
        const [V, d] = t.shape as [number, number]
        const index = tf.cast(tf.clipByValue(ids, 0, V - 1), 'int32').expandDims(-1)
        save([index])
        return {
          value: tf.gatherND(t, index),
          // The ids get no gradient; the table gets each position's gradient added at its id.
          gradFunc: (dy: Tensor, saved: Tensor[]) => [tf.zerosLike(ids), tf.scatterND(saved[0].reshape([-1, 1]), dy.reshape([-1, d]), [V, d])],
        }
      }) as unknown as Parameters<Tf['customGrad']>[0]) as unknown as (a: Tensor, b: Tensor) => Tensor
    )(x, table)

  class TokenEmbedding extends Layer {
    static className = 'FuseplanTokenEmbedding'
    private readonly vocabulary: number
    private readonly width: number
    private readonly seed: number | undefined
    private table: TF.LayerVariable | undefined
    constructor(args: LayerArgs & {vocabulary: number; width: number; seed?: number}) {
      super(args)
      this.vocabulary = args.vocabulary
      this.width = args.width
      this.seed = args.seed ?? undefined
    }
    override build(): void {
      this.table = this.addWeight('embeddings', [this.vocabulary, this.width], 'float32', tf.initializers.randomUniform({minval: -0.05, maxval: 0.05, seed: this.seed}))
      this.built = true
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return [...shapes(inputShape)[0], this.width]
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => lookup(list(inputs)[0], (this.table as TF.LayerVariable).read()))
    }
    override getConfig(): TF.serialization.ConfigDict {
      return {...super.getConfig(), vocabulary: this.vocabulary, width: this.width, seed: this.seed ?? null}
    }
  }
  return TokenEmbedding
}
