//   FuseplanStackTokens       K tensors (n,d) -> (n,K,d), plus an optional learned modality embedding.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import {type FusionLayers, type LayerArgs, type Shape, type Tensor, list, shapes} from './common.js'

export function defineStackTokens(tf: Tf): FusionLayers['StackTokens'] {
  const Layer = tf.layers.Layer

  class StackTokens extends Layer {
    static className = 'FuseplanStackTokens'
    private typeEmb: TF.LayerVariable | undefined
    private readonly typeEmbedding: boolean
    private readonly seed: number | undefined
    constructor(args: LayerArgs & {typeEmbedding?: boolean; seed?: number}) {
      super(args)
      this.typeEmbedding = args.typeEmbedding ?? false
      this.seed = args.seed ?? undefined
    }
    override build(inputShape: Shape | Shape[]): void {
      const s = shapes(inputShape)
      if (this.typeEmbedding) {
        const d = s[0].at(-1) as number
        this.typeEmb = this.addWeight('modality_embedding', [s.length, d], 'float32', tf.initializers.randomNormal({mean: 0, stddev: 0.05, seed: this.seed}))
      }
      this.built = true
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = shapes(inputShape)
      return [s[0][0], s.length, s[0].at(-1) as number]
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const stacked = tf.stack(list(inputs), 1)
        return this.typeEmb ? tf.add(stacked, this.typeEmb.read().expandDims(0)) : stacked
      })
    }
    override getConfig(): TF.serialization.ConfigDict {
      return {...super.getConfig(), typeEmbedding: this.typeEmbedding, seed: this.seed ?? null}
    }
  }
  return StackTokens
}
