// The conv blocks and pooling conv2d, conv1d and embedding1d share: each block halves the
// resolution (2x2 or 1x2 average pooling), then a global mean+max pool, masked by the step mask.
import type * as TF from '@tensorflow/tfjs'
import type {EncoderBuild} from './types.js'

/**
 * Conv blocks over `h` laid out as [H, W, C] (a sequence as [1, T, C]), then the pooling. `fromInput`:
 * `h` is the model's input (reshaped at most), so the first block need not compute its gradient.
 */
export function convStack(b: EncoderBuild, h: TF.SymbolicTensor, H: number, W: number, is1d: boolean, fromInput: boolean): TF.SymbolicTensor {
  const e = b.encoder
  let stride = 1
  e.filters.forEach((f, l) => {
    const pool = [H >= 2 ? 2 : 1, W >= 2 ? 2 : 1]
    const kernel = [is1d ? 1 : e.kernel, e.kernel]
    h = new b.L.ConvBlock({name: `${b.prefix}conv_${l}`, filters: f, kernel, pool, seed: b.nextSeed(), inputGradient: l > 0 || !fromInput}).apply(h) as TF.SymbolicTensor
    H = Math.ceil(H / pool[0])
    W = Math.ceil(W / pool[1])
    stride *= pool[1]
  })
  return new b.L.GlobalPool({name: `${b.prefix}pool`, stride}).apply(b.mask ? [h, b.mask] : h) as TF.SymbolicTensor
}

/** A sequence [T, C] as the image [1, T, C] the conv blocks read. */
export function asSteps(b: EncoderBuild, h: TF.SymbolicTensor, steps: number, channels: number): TF.SymbolicTensor {
  return b.tf.layers.reshape({targetShape: [1, steps, channels], name: `${b.prefix}steps`}).apply(h) as TF.SymbolicTensor
}
