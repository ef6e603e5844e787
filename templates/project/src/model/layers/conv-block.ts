//   FuseplanConvBlock         (n,H,W,C) -> (n,H/ph,W/pw,F): 'same' convolution (odd kernel), bias,
//                             ReLU, then average pooling by [ph, pw]. Its gradients are written by
//                             hand: the wasm backend has no Conv2DBackpropFilter, a slow
//                             Conv2DBackpropInput, and reductions over inner axes that transpose the
//                             whole tensor first, and this keeps one code path on every backend.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import {type FusionLayers, type LayerArgs, type Shape, type Tensor, list, shapes} from './common.js'

export function defineConvBlock(tf: Tf): FusionLayers['ConvBlock'] {
  const Layer = tf.layers.Layer

  /**
   * ReLU(conv(x, w) + b), one fused kernel forward. The gradients are forward convolutions and one
   * matrix product; dx is skipped (zeros) when `inputGradient` is false, for a block whose input is
   * the model's own input, where nothing reads it (a third of the block's backward pass).
   */
  const convBiasRelu = (inputGradient: boolean) =>
    tf.customGrad(((x: Tensor, w: Tensor, b: Tensor, save: (t: Tensor[]) => void) => {
      const y = tf.fused.conv2d({x: x as TF.Tensor4D, filter: w as TF.Tensor4D, strides: 1, pad: 'same', bias: b, activation: 'relu'})
      save([x, w, y])
      return {
        value: y,
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [xs, ws, ys] = saved as [TF.Tensor4D, TF.Tensor4D, TF.Tensor4D]
          const [kh, kw] = ws.shape
          const [n, H, W, F] = ys.shape
          // ReLU's gradient: dy where the output is positive.
          const d = tf.mul(dy, tf.step(ys)) as TF.Tensor4D
          // db: a product with a row of ones (a sum over n, H, W would transpose d first on wasm).
          const db = tf.matMul(tf.ones([1, n * H * W]), d.reshape([n * H * W, F])).reshape([F])
          // dx: the incoming gradient convolved with the flipped kernel, in and out channels swapped.
          const dx = inputGradient ? tf.conv2d(d, tf.transpose(tf.reverse(ws, [0, 1]), [0, 1, 3, 2]) as TF.Tensor4D, 1, 'same') : tf.zerosLike(xs)
          // dW: the input (channels as batch) convolved with the gradient (batch as channels), with the
          // forward pass's padding given to the convolution (a third faster on wasm than a pad op).
          const padding: Parameters<Tf['conv2d']>[3] = [
            [0, 0],
            [(kh - 1) / 2, (kh - 1) / 2],
            [(kw - 1) / 2, (kw - 1) / 2],
            [0, 0],
          ]
          const dw = tf.conv2d(tf.transpose(xs, [3, 1, 2, 0]) as TF.Tensor4D, tf.transpose(d, [1, 2, 0, 3]) as TF.Tensor4D, 1, padding)
          return [dx, tf.transpose(dw, [1, 2, 0, 3]), db]
        },
      }
    }) as unknown as Parameters<Tf['customGrad']>[0]) as unknown as (x: Tensor, w: Tensor, b: Tensor) => Tensor

  /**
   * Average pooling of (n,H,W,F) by exact windows [ph, pw] (H, W multiples of them). Forward: AvgPool
   * with 'valid' padding, right on every backend (only its 'same'-padding gradient is not). Backward:
   * each window's gradient spread evenly over its cells, a nearest-neighbour resize of dy / (ph pw):
   * exact, and cheaper on wasm than both AvgPoolGrad and a broadcast multiplication.
   */
  const averagePool = (ph: number, pw: number) =>
    tf.customGrad(((x: Tensor, save: (t: Tensor[]) => void) => {
      save([x])
      return {
        value: tf.avgPool(x as TF.Tensor4D, [ph, pw], [ph, pw], 'valid'),
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const [, H, W] = saved[0].shape as [number, number, number, number]
          return tf.image.resizeNearestNeighbor(tf.div(dy, ph * pw) as TF.Tensor4D, [H, W])
        },
      }
    }) as unknown as Parameters<Tf['customGrad']>[0]) as unknown as (x: Tensor) => Tensor

  class ConvBlock extends Layer {
    static className = 'FuseplanConvBlock'
    private readonly filters: number
    private readonly kernel: number[]
    private readonly pool: number[]
    private readonly seed: number | undefined
    private readonly inputGradient: boolean
    private readonly convolve: (x: Tensor, w: Tensor, b: Tensor) => Tensor
    private readonly average: (x: Tensor) => Tensor
    private w: TF.LayerVariable | undefined
    private b: TF.LayerVariable | undefined
    constructor(args: LayerArgs & {filters: number; kernel: number[]; pool: number[]; seed?: number; inputGradient?: boolean}) {
      super(args)
      this.filters = args.filters
      this.kernel = [...args.kernel]
      this.pool = [...args.pool]
      this.seed = args.seed ?? undefined
      this.inputGradient = args.inputGradient ?? true
      this.convolve = convBiasRelu(this.inputGradient)
      this.average = averagePool(this.pool[0], this.pool[1])
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
        let h = this.convolve(x, (this.w as TF.LayerVariable).read(), (this.b as TF.LayerVariable).read())
        const [ph, pw] = this.pool
        if (ph * pw === 1) return h
        const [, H, W] = h.shape as [number, number, number, number]
        const H2 = Math.ceil(H / ph)
        const W2 = Math.ceil(W / pw)
        if (H2 * ph !== H || W2 * pw !== W)
          h = tf.pad(h, [
            [0, 0],
            [0, H2 * ph - H],
            [0, W2 * pw - W],
            [0, 0],
          ])
        return this.average(h)
      })
    }
    override getConfig(): TF.serialization.ConfigDict {
      return {...super.getConfig(), filters: this.filters, kernel: this.kernel, pool: this.pool, seed: this.seed ?? null, inputGradient: this.inputGradient}
    }
  }

  return ConvBlock
}
