// Custom tfjs layers used by the fusion models. Each has a SINGLE output (tfjs calls `call()` once
// per consumed output), is registered for serialization under a `Fuseplan*` class name, and
// round-trips through save/load.
//
//   FuseplanPresenceGate      [embedding (n,d), presence (n,1)] -> (n,d): the embedding where the
//                             modality is present, a learned placeholder where it is absent or dropped.
//   FuseplanStackTokens       K tensors (n,d) -> (n,K,d), plus an optional learned modality embedding.
//   FuseplanMaskedAttention   [tokens (n,K,d), presence (n,K)] -> (n,K,d): multi-head self-attention
//                             whose keys are restricted to present tokens (tfjs 4.22 has no public
//                             multi-head attention layer). Rows with no present token stay finite.
//   FuseplanMaskedMeanPool    [tokens (n,K,d), presence (n,K)] -> (n,d): mean over present tokens only.
//   FuseplanPresenceWeightedMean [per-modality outputs (n,K,C), presence (n,K)] -> (n,C): late fusion,
//                             a learned weighting renormalised over the present modalities only.
//   FuseplanConvBlock         (n,H,W,C) -> (n,H/ph,W/pw,F): 'same' convolution (odd kernel), bias,
//                             ReLU, then average pooling by [ph, pw]. Its gradients are written as
//                             forward convolutions: the wasm backend has no Conv2DBackpropFilter and
//                             a slow Conv2DBackpropInput, and this keeps one code path on every backend.
//   FuseplanGlobalPool        (n,H,W,F) [+ step mask (n,T,1)] -> (n,2F): mean and max over positions,
//                             only over valid steps when a mask is given (padded sequences).
//   FuseplanTokenEmbedding    token ids (n,T) -> (n,T,d): a learned vector per id. Looked up with
//                             gatherND and differentiated with scatterND: the wasm backend has no
//                             UnsortedSegmentSum (the gradient of tf.layers.embedding's gather), and
//                             its gather kernel is far slower than gatherND.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../backend.js'

type Tensor = TF.Tensor
type Shape = (number | null)[]
type LayerArgs = {name?: string; trainable?: boolean}

/** Large negative logit used to mask absent tokens; finite so that a fully masked row is uniform, not NaN. */
export const MASK_NEG = -1e9

export interface FusionLayers {
  PresenceGate: new (args: LayerArgs & {seed?: number}) => TF.layers.Layer
  StackTokens: new (args: LayerArgs & {typeEmbedding?: boolean; seed?: number}) => TF.layers.Layer
  MaskedAttention: new (args: LayerArgs & {heads: number; seed?: number}) => TF.layers.Layer
  MaskedMeanPool: new (args?: LayerArgs) => TF.layers.Layer
  PresenceWeightedMean: new (args?: LayerArgs) => TF.layers.Layer
  ConvBlock: new (args: LayerArgs & {filters: number; kernel: number[]; pool: number[]; seed?: number}) => TF.layers.Layer
  GlobalPool: new (args: LayerArgs & {stride?: number}) => TF.layers.Layer
  TokenEmbedding: new (args: LayerArgs & {vocabulary: number; width: number; seed?: number}) => TF.layers.Layer
}

let cached: FusionLayers | undefined

function list<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x]
}

function shapes(s: Shape | Shape[]): Shape[] {
  return Array.isArray(s[0]) || s.length === 0 ? (s as Shape[]) : [s as Shape]
}

/** Defines and registers the custom layers against the loaded tfjs module (once per process). */
export function fusionLayers(tf: Tf): FusionLayers {
  if (cached) return cached
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

  class MaskedAttention extends Layer {
    static className = 'FuseplanMaskedAttention'
    private readonly heads: number
    private readonly seed: number | undefined
    private w: TF.LayerVariable[] = []
    private b: TF.LayerVariable[] = []
    constructor(args: LayerArgs & {heads: number; seed?: number}) {
      super(args)
      this.heads = args.heads
      this.seed = args.seed ?? undefined
    }
    override build(inputShape: Shape | Shape[]): void {
      const d = shapes(inputShape)[0].at(-1) as number
      if (d % this.heads !== 0) throw new Error(`attention width ${d} is not divisible by ${this.heads} heads`)
      const names = ['query', 'key', 'value', 'output']
      this.w = names.map((n, i) => this.addWeight(`${n}_kernel`, [d, d], 'float32', tf.initializers.glorotUniform({seed: this.seed === undefined ? undefined : this.seed + i})))
      this.b = names.map((n) => this.addWeight(`${n}_bias`, [d], 'float32', tf.initializers.zeros()))
      this.built = true
    }
    override computeOutputShape(inputShape: Shape | Shape[]): Shape {
      return shapes(inputShape)[0]
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const [tokens, presence] = list(inputs)
        const [n, k, d] = tokens.shape as [number, number, number]
        const h = this.heads
        const dh = d / h
        const flat = tokens.reshape([n * k, d])
        const proj = (i: number) => tf.add(tf.matMul(flat, this.w[i].read()), this.b[i].read())
        const split = (t: Tensor) => t.reshape([n, k, h, dh]).transpose([0, 2, 1, 3]) // (n,h,k,dh)
        const q = split(proj(0))
        const kk = split(proj(1))
        const v = split(proj(2))
        let scores = tf.div(tf.matMul(q, kk, false, true), Math.sqrt(dh)) // (n,h,k,k)
        const keyMask = tf.mul(tf.sub(1, presence), MASK_NEG).reshape([n, 1, 1, k])
        scores = tf.add(scores, keyMask)
        const att = tf.softmax(scores, -1)
        const out = tf
          .matMul(att, v)
          .transpose([0, 2, 1, 3])
          .reshape([n * k, d])
        const projected = tf.add(tf.matMul(out, this.w[3].read()), this.b[3].read()).reshape([n, k, d])
        // Absent query rows carry nothing downstream.
        return tf.mul(projected, presence.reshape([n, k, 1]))
      })
    }
    override getConfig(): TF.serialization.ConfigDict {
      return {...super.getConfig(), heads: this.heads, seed: this.seed ?? null}
    }
  }

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

  for (const cls of [PresenceGate, StackTokens, MaskedAttention, MaskedMeanPool, PresenceWeightedMean, ConvBlock, GlobalPool, TokenEmbedding]) {
    tf.serialization.registerClass(cls as unknown as TF.serialization.SerializableConstructor<TF.serialization.Serializable>)
  }
  cached = {PresenceGate, StackTokens, MaskedAttention, MaskedMeanPool, PresenceWeightedMean, ConvBlock, GlobalPool, TokenEmbedding}
  return cached
}
