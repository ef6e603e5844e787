//   FuseplanGlobalPool        (n,H,W,F) [+ step mask (n,T,1)] -> (n,2F): mean and max over positions,
//                             only over valid steps when a mask is given (padded sequences).
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import {type FusionLayers, type LayerArgs, type Shape, type Tensor, list, shapes} from './common.js'

export function defineGlobalPool(tf: Tf): FusionLayers['GlobalPool'] {
  const Layer = tf.layers.Layer

  const maxOverPositions = tf.customGrad(((x: Tensor, save: (t: Tensor[]) => void) => {
    const y = tf.max(x, 1)
    save([x, y])
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ys] = saved
        // 1 where x equals the max (max - x is 0 there, > 0 elsewhere), else 0.
        const atMax = tf.sub(1, tf.step(tf.sub(ys.expandDims(1), xs)))
        return tf.mul(dy.expandDims(1), atMax)
      },
    }
  }) as unknown as Parameters<Tf['customGrad']>[0]) as unknown as (x: Tensor) => Tensor

  class GlobalPool extends Layer {
    static className = 'FuseplanGlobalPool'
    /** Steps of the mask per output position (2^pooled blocks). */
    private readonly stride: number
    constructor(args: LayerArgs & {stride?: number}) {
      super(args)
      this.stride = args.stride ?? 1
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = shapes(inputShape)[0]
      return [s[0], 2 * (s.at(-1) as number)]
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const [h4, mask] = list(inputs)
        const [n, H, W, F] = h4.shape as [number, number, number, number]
        const h = h4.reshape([n, H * W, F])
        if (!mask) return tf.concat([tf.mean(h, 1), maxOverPositions(h)], -1)
        // The step mask pooled like the features: a position is valid when any of its steps is.
        const T = mask.shape[1] as number
        const r = this.stride
        let m = mask.reshape([n, T])
        if (H * W * r !== T)
          m =
            H * W * r > T
              ? tf.pad(m, [
                  [0, 0],
                  [0, H * W * r - T],
                ])
              : m.slice([0, 0], [n, H * W * r])
        const valid = tf.max(m.reshape([n, H * W, r]), 2).reshape([n, H * W, 1])
        // Features are >= 0 (ReLU then averages), so zeroing padded positions keeps the max right.
        // One masked tensor serves the sum and the max (one product and its gradient, not two).
        const masked = tf.mul(h, valid)
        const count = tf.maximum(tf.sum(valid, 1), 1)
        return tf.concat([tf.div(tf.sum(masked, 1), count), maxOverPositions(masked)], -1)
      })
    }
    override getConfig(): TF.serialization.ConfigDict {
      return {...super.getConfig(), stride: this.stride}
    }
  }

  /** Rows of `table` (V,d) at the ids (n,T); ids outside 0..V-1 are clamped. */
  return GlobalPool
}
