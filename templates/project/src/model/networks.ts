// The four fusion networks, built with the tfjs functional API from the training config.
//
// Inputs (in order): one `x_<i>` per modality in the shape its encoder reads (`modelShape`:
// flattened for mlp, [h, w, C] for conv2d, [T, C] for conv1d, [T] token ids for embedding1d),
// standardised (token ids are not); then - for every network that reads presence - one `p_<i>` per
// modality (1 present, 0 absent or dropped); then one step mask `s_<i>` (T, 1) per conv1d or
// embedding1d modality. Layer names use the modality's index, never its
// name from the profile; every encoder layer is named `enc_<i>_...` (the L2 penalty finds them so).
//
//   encoder_i     mlp: dense (ReLU) per hidden layer -> dropout -> dense embedding
//                 conv2d/conv1d: conv blocks -> global mean+max pool -> hidden dense -> dropout -> dense embedding
//                 embedding1d: token vectors -> the conv1d encoder over them
//   early         concat(x..., [p...]) -> dense -> dense -> output            (p only with indicators;
//                 conv modalities enter through their pooled conv features, not raw pixels)
//   intermediate  encoder_i(x_i) -> PresenceGate(placeholder_i) ; concat(..., p) -> dense -> output
//   attention     encoder_i(x_i) -> PresenceGate -> tokens -> masked multi-head attention (+residual) -> mean over present tokens ; concat(pooled, p) -> dense -> output
//   late          trunk_i(x_i) -> output_i per modality ; learned weighted mean over present ones.
//                 Outputs [combined, per-modality (n,K,C)].
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../backend.js'
import {modelShape, outputUnits, resolveEncoder, type Strategy, type TrainingConfig} from '../config.js'
import {fusionLayers} from './layers.js'

/** Prefix of every layer of modality i's encoder. */
export const encoderPrefix = (i: number) => `enc_${i}_`

export interface NetworkSpec {
  strategy: Strategy
  /** Whether presence inputs exist (indicators / presence bits / masks). */
  presenceInputs: boolean
  seed: number
}

export function buildNetwork(tf: Tf, config: TrainingConfig, spec: NetworkSpec): TF.LayersModel {
  const L = fusionLayers(tf)
  const C = outputUnits(config)
  let seed = spec.seed >>> 0
  const init = () => tf.initializers.glorotUniform({seed: seed++})
  const dense = (units: number, name: string, activation: 'relu' | 'linear' = 'relu') => tf.layers.dense({units, activation, name, kernelInitializer: init(), biasInitializer: 'zeros'})
  const concat = (xs: TF.SymbolicTensor[], name: string): TF.SymbolicTensor => (xs.length === 1 ? xs[0] : (tf.layers.concatenate({name}).apply(xs) as TF.SymbolicTensor))

  const shapesIn = config.modalities.map((m) => modelShape(m))
  const kinds = config.modalities.map((m) => resolveEncoder(m))
  const xs = config.modalities.map((_, i) => tf.input({shape: shapesIn[i], name: `x_${i}`}))
  const ps = spec.presenceInputs ? config.modalities.map((_, i) => tf.input({shape: [1], name: `p_${i}`})) : []
  const masks = new Map<number, TF.SymbolicTensor>()
  kinds.forEach((e, i) => {
    if (e.kind === 'conv1d' || e.kind === 'embedding1d') masks.set(i, tf.input({shape: [shapesIn[i][0], 1], name: `s_${i}`}))
  })
  const inputs = [...xs, ...ps, ...masks.values()]
  const presence = ps.length > 0 ? concat(ps, 'presence') : undefined
  const hidden = config.fusion.hidden

  /** Modality i's features before the embedding: conv blocks and pooling, hidden layers, dropout. */
  const trunk = (i: number, fallbackHidden: number[] = []): TF.SymbolicTensor => {
    const e = kinds[i]
    const p = encoderPrefix(i)
    let h: TF.SymbolicTensor = xs[i]
    if (e.kind !== 'mlp') {
      const is1d = e.kind !== 'conv2d'
      let [H, W] = is1d ? [1, shapesIn[i][0]] : shapesIn[i]
      if (e.kind === 'embedding1d') {
        h = new L.TokenEmbedding({name: `${p}tokens`, vocabulary: e.vocabulary, width: e.tokenEmbedding, seed: seed++}).apply(h) as TF.SymbolicTensor
      }
      const channels = e.kind === 'embedding1d' ? e.tokenEmbedding : (shapesIn[i][1] as number)
      if (is1d) h = tf.layers.reshape({targetShape: [1, W, channels], name: `${p}steps`}).apply(h) as TF.SymbolicTensor
      let stride = 1
      e.filters.forEach((f, l) => {
        const pool = [H >= 2 ? 2 : 1, W >= 2 ? 2 : 1]
        const kernel = [is1d ? 1 : e.kernel, e.kernel]
        h = new L.ConvBlock({name: `${p}conv_${l}`, filters: f, kernel, pool, seed: seed++}).apply(h) as TF.SymbolicTensor
        H = Math.ceil(H / pool[0])
        W = Math.ceil(W / pool[1])
        stride *= pool[1]
      })
      const mask = masks.get(i)
      h = new L.GlobalPool({name: `${p}pool`, stride}).apply(mask ? [h, mask] : h) as TF.SymbolicTensor
    }
    const layers = e.kind === 'mlp' && e.hidden.length === 0 ? fallbackHidden : e.hidden
    layers.forEach((units, l) => {
      h = dense(units, `${p}dense_${l}`).apply(h) as TF.SymbolicTensor
    })
    if (e.dropout > 0) h = tf.layers.dropout({rate: e.dropout, seed: seed++, name: `${p}dropout`}).apply(h) as TF.SymbolicTensor
    return h
  }
  const encoder = (i: number): TF.SymbolicTensor => dense(kinds[i].embedding, `${encoderPrefix(i)}embedding`, 'linear').apply(trunk(i)) as TF.SymbolicTensor

  switch (spec.strategy) {
    case 'early': {
      // Raw inputs for mlp modalities (the classic early fusion); conv modalities contribute their
      // pooled conv features, since raw pixels or steps through one dense layer do not learn.
      const parts = config.modalities.map((_, i) => (kinds[i].kind === 'mlp' ? xs[i] : trunk(i)))
      let h = concat(presence ? [...parts, presence] : parts, 'early_concat')
      h = dense(hidden, 'early_dense_0').apply(h) as TF.SymbolicTensor
      h = dense(Math.max(4, Math.floor(hidden / 2)), 'early_dense_1').apply(h) as TF.SymbolicTensor
      const out = dense(C, 'output', 'linear').apply(h) as TF.SymbolicTensor
      return tf.model({inputs, outputs: out, name: 'fuseplan_early'})
    }
    case 'intermediate': {
      if (!presence) throw new Error('intermediate fusion needs presence inputs')
      const gated = config.modalities.map((_, i) => new L.PresenceGate({name: `placeholder_${i}`, seed: seed++}).apply([encoder(i), ps[i]]) as TF.SymbolicTensor)
      const parts = config.masking.presenceBits ? [...gated, presence] : gated
      let h = concat(parts, 'fusion_concat')
      h = dense(hidden, 'fusion_dense').apply(h) as TF.SymbolicTensor
      const out = dense(C, 'output', 'linear').apply(h) as TF.SymbolicTensor
      return tf.model({inputs, outputs: out, name: 'fuseplan_intermediate'})
    }
    case 'attention': {
      if (!presence) throw new Error('attention fusion needs presence inputs')
      const width = kinds[0].embedding
      for (const e of kinds) {
        if (e.embedding !== width) throw new Error('attention fusion needs the same encoder.embedding for every modality')
      }
      const gated = config.modalities.map((_, i) => new L.PresenceGate({name: `placeholder_${i}`, seed: seed++}).apply([encoder(i), ps[i]]) as TF.SymbolicTensor)
      const tokens = new L.StackTokens({name: 'tokens', typeEmbedding: true, seed: seed++}).apply(gated) as TF.SymbolicTensor
      const attended = new L.MaskedAttention({name: 'attention', heads: config.fusion.heads, seed: (seed += 4)}).apply([tokens, presence]) as TF.SymbolicTensor
      const residual = tf.layers.add({name: 'attention_residual'}).apply([tokens, attended]) as TF.SymbolicTensor
      // No layer normalisation: with one attention block it adds little and is the slowest op on wasm.
      const pooled = new L.MaskedMeanPool({name: 'pool'}).apply([residual, presence]) as TF.SymbolicTensor
      let h = concat(config.masking.presenceBits ? [pooled, presence] : [pooled], 'fusion_concat')
      h = dense(hidden, 'fusion_dense').apply(h) as TF.SymbolicTensor
      const out = dense(C, 'output', 'linear').apply(h) as TF.SymbolicTensor
      return tf.model({inputs, outputs: out, name: 'fuseplan_attention'})
    }
    case 'late': {
      if (!presence) throw new Error('late fusion needs presence inputs')
      const outs = config.modalities.map((_, i) => dense(C, `late_${i}_output`, 'linear').apply(trunk(i, [hidden])) as TF.SymbolicTensor)
      const stacked = new L.StackTokens({name: 'per_modality'}).apply(outs) as TF.SymbolicTensor
      const combined = new L.PresenceWeightedMean({name: 'output'}).apply([stacked, presence]) as TF.SymbolicTensor
      return tf.model({inputs, outputs: [combined, stacked], name: 'fuseplan_late'})
    }
  }
}
