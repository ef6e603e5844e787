//   FuseplanPresenceWeightedMean [per-modality outputs (n,K,C), presence (n,K)] -> (n,C): late fusion,
//                             a learned weighting renormalised over the present modalities only.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import {type FusionLayers, type LayerArgs, MASK_NEG, type Shape, type Tensor, list, shapes} from './common.js'

export function definePresenceWeightedMean(tf: Tf): FusionLayers['PresenceWeightedMean'] {
  const Layer = tf.layers.Layer

  class PresenceWeightedMean extends Layer {
    static className = 'FuseplanPresenceWeightedMean'
    private logits: TF.LayerVariable | undefined
    constructor(args: LayerArgs = {}) {
      super(args)
    }
    override build(inputShape: Shape | Shape[]): void {
      const k = shapes(inputShape)[0][1] as number
      this.logits = this.addWeight('modality_weight_logits', [k], 'float32', tf.initializers.zeros())
      this.built = true
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = shapes(inputShape)[0]
      return [s[0], s[2]]
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const [outs, presence] = list(inputs)
        const [n, k] = outs.shape as [number, number, number]
        const logits = tf.add((this.logits as TF.LayerVariable).read().reshape([1, k]), tf.mul(tf.sub(1, presence), MASK_NEG))
        const weights = tf.softmax(logits, -1).reshape([n, k, 1])
        return tf.sum(tf.mul(outs, weights), 1)
      })
    }
  }

  /** conv2d 'same' (stride 1, odd kernel) with gradients computed by forward convolutions. */
  return PresenceWeightedMean
}
