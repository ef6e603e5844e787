import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import {type FusionLayers, type LayerArgs, type Shape, type Tensor, list, shapes} from './common.js'

export function definePresenceGate(tf: Tf): FusionLayers['PresenceGate'] {
  const Layer = tf.layers.Layer

  class PresenceGate extends Layer {
    static className = 'FuseplanPresenceGate'
    private placeholder: TF.LayerVariable | undefined
    private readonly seed: number | undefined
    constructor(args: LayerArgs & {seed?: number}) {
      super(args)
      this.seed = args.seed ?? undefined
    }
    override build(inputShape: Shape | Shape[]): void {
      const d = shapes(inputShape)[0].at(-1) as number
      this.placeholder = this.addWeight('placeholder', [d], 'float32', tf.initializers.randomNormal({mean: 0, stddev: 0.05, seed: this.seed}))
      this.built = true
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return shapes(inputShape)[0]
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const [e, p] = list(inputs)
        const ph = (this.placeholder as TF.LayerVariable).read().reshape([1, -1])
        return tf.add(tf.mul(e, p), tf.mul(ph, tf.sub(1, p)))
      })
    }
    override getConfig(): TF.serialization.ConfigDict {
      return {...super.getConfig(), seed: this.seed ?? null}
    }
  }
  return PresenceGate
}
