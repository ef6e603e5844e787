//   FuseplanConvBlock         (n,H,W,C) -> (n,H/ph,W/pw,F): 'same' convolution (odd kernel), bias,
//                             ReLU, then average pooling by [ph, pw]. Its gradients are written as
//                             forward convolutions: the wasm backend has no Conv2DBackpropFilter and
//                             a slow Conv2DBackpropInput, and this keeps one code path on every backend.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import {type FusionLayers, type LayerArgs, type Shape, type Tensor, list, shapes} from './common.js'

export function defineConvBlock(tf: Tf): FusionLayers['ConvBlock'] {
  const Layer = tf.layers.Layer

  const conv = tf.customGrad(((x: Tensor, w: Tensor, save: (t: Tensor[]) => void) => {
    save([x, w])
    return {
      value: tf.conv2d(x as TF.Tensor4D, w as TF.Tensor4D, 1, 'same'),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ws] = saved as [TF.Tensor4D, TF.Tensor4D]
        const [kh, kw] = ws.shape
        const d = dy as TF.Tensor4D
        // dx: the incoming gradient convolved with the flipped kernel, in and out channels swapped.
        const dx = tf.conv2d(d, tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as TF.Tensor4D, 1, 'same')
        // dW: the padded input (channels as batch) convolved with the gradient (batch as channels).
        const xp = tf.pad(xs, [
          [0, 0],
          [(kh - 1) / 2, (kh - 1) / 2],
          [(kw - 1) / 2, (kw - 1) / 2],
          [0, 0],
        ])
        const dw = tf.conv2d(tf.transpose(xp, [3, 1, 2, 0]) as TF.Tensor4D, tf.transpose(d, [1, 2, 0, 3]) as TF.Tensor4D, 1, 'valid')
        return [dx, tf.transpose(dw, [1, 2, 0, 3])]
      },
    }
  }) as unknown as Parameters<Tf['customGrad']>[0])

  class ConvBlock extends Layer {
    static className = 'FuseplanConvBlock'
    private readonly filters: number
    private readonly kernel: number[]
    private readonly pool: number[]
    private readonly seed: number | undefined
    private w: TF.LayerVariable | undefined
    private b: TF.LayerVariable | undefined
    constructor(args: LayerArgs & {filters: number; kernel: number[]; pool: number[]; seed?: number}) {
      super(args)
      this.filters = args.filters
      this.kernel = [...args.kernel]
      this.pool = [...args.pool]
      this.seed = args.seed ?? undefined
    }
    override build(inputShape: Shape | Shape[]): void {
      const c = shapes(inputShape)[0].at(-1) as number
      this.w = this.addWeight('kernel', [this.kernel[0], this.kernel[1], c, this.filters], 'float32', tf.initializers.heNormal({seed: this.seed}))
      this.b = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros())
      this.built = true
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      const s = shapes(inputShape)[0]
      return [s[0], Math.ceil((s[1] as number) / this.pool[0]), Math.ceil((s[2] as number) / this.pool[1]), this.filters]
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const [x] = list(inputs)
        let h = tf.relu(tf.add(conv(x, (this.w as TF.LayerVariable).read()), (this.b as TF.LayerVariable).read()))
        const [ph, pw] = this.pool
        if (ph * pw === 1) return h
        const [n, H, W, F] = h.shape as [number, number, number, number]
        const H2 = Math.ceil(H / ph)
        const W2 = Math.ceil(W / pw)
        if (H2 * ph !== H || W2 * pw !== W)
          h = tf.pad(h, [
            [0, 0],
            [0, H2 * ph - H],
            [0, W2 * pw - W],
            [0, 0],
          ])
        // Average pooling as reshape + mean: its gradient is a broadcast, much cheaper than AvgPoolGrad on wasm.
        return tf.mean(h.reshape([n, H2, ph, W2, pw, F]), [2, 4])
      })
    }
    override getConfig(): TF.serialization.ConfigDict {
      return {...super.getConfig(), filters: this.filters, kernel: this.kernel, pool: this.pool, seed: this.seed ?? null}
    }
  }

  /**
   * max over axis 1 of (n,P,F) with tf.max's gradient (dy to every position equal to the max).
   * tf.max's own gradient compares x with the broadcast max, and wasm's broadcasting Equal is about
   * 30x slower than the subtraction used here (19 ms against 0.6 ms on 64x32x32); same values.
   */
  return ConvBlock
}
