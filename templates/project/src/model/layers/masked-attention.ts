//   FuseplanMaskedAttention   [tokens (n,K,d), presence (n,K)] -> (n,K,d): multi-head self-attention
//                             whose keys are restricted to present tokens (tfjs 4.22 has no public
//                             multi-head attention layer). Rows with no present token stay finite.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import {type FusionLayers, type LayerArgs, MASK_NEG, type Shape, type Tensor, list, shapes} from './common.js'

export function defineMaskedAttention(tf: Tf): FusionLayers['MaskedAttention'] {
  const Layer = tf.layers.Layer

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
  return MaskedAttention
}
