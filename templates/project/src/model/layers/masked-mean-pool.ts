//   FuseplanMaskedMeanPool    [tokens (n,K,d), presence (n,K)] -> (n,d): mean over present tokens only.
import type {Tf} from '../../backend.js'
import {type FusionLayers, type LayerArgs, type Shape, type Tensor, list, shapes} from './common.js'

export function defineMaskedMeanPool(tf: Tf): FusionLayers['MaskedMeanPool'] {
  const Layer = tf.layers.Layer

  class MaskedMeanPool extends Layer {
    static className = 'FuseplanMaskedMeanPool'
    constructor(args: LayerArgs = {}) {
      super(args)
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = shapes(inputShape)[0]
      return [s[0], s[2]]
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const [tokens, presence] = list(inputs)
        const [n, k] = tokens.shape as [number, number, number]
        const m = presence.reshape([n, k, 1])
        const total = tf.sum(tf.mul(tokens, m), 1)
        const count = tf.maximum(tf.sum(presence, 1, true), 1)
        return tf.div(total, count)
      })
    }
  }
  return MaskedMeanPool
}
