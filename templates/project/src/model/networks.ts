// The four fusion networks, built with the tfjs functional API from the training config.
//
// Inputs (in order): one `x_<i>` per modality (standardised, flattened), then - for every network
// that reads presence - one `p_<i>` per modality (1 present, 0 absent or dropped). Layer names use
// the modality's index, never its name from the profile.
//
//   early         concat(x..., [p...]) -> dense -> dense -> output            (p only with indicators)
//   intermediate  encoder_i(x_i) -> PresenceGate(placeholder_i) ; concat(..., p) -> dense -> output
//   attention     encoder_i(x_i) -> PresenceGate -> tokens -> masked multi-head attention (+residual) -> mean over present tokens ; concat(pooled, p) -> dense -> output
//   late          model_i(x_i) -> output_i per modality ; learned weighted mean over present ones.
//                 Outputs [combined, per-modality (n,K,C)].
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../backend.js'
import {outputUnits, type Strategy, type TrainingConfig} from '../config.js'
import {fusionLayers} from './layers.js'

export interface NetworkSpec {
  strategy: Strategy
  /** Whether presence inputs exist (indicators / presence bits / masks). */
  presenceInputs: boolean
  seed: number
}

export function buildNetwork(tf: Tf, config: TrainingConfig, spec: NetworkSpec): TF.LayersModel {
  const L = fusionLayers(tf)
  const C = outputUnits(config)
  const K = config.modalities.length
  let seed = spec.seed >>> 0
  const init = () => tf.initializers.glorotUniform({seed: seed++})
  const dense = (units: number, name: string, activation: 'relu' | 'linear' = 'relu') =>
    tf.layers.dense({units, activation, name, kernelInitializer: init(), biasInitializer: 'zeros'})
  const concat = (xs: TF.SymbolicTensor[], name: string): TF.SymbolicTensor =>
    xs.length === 1 ? xs[0] : (tf.layers.concatenate({name}).apply(xs) as TF.SymbolicTensor)

  const xs = config.modalities.map((m, i) => tf.input({shape: [m.inputSize], name: `x_${i}`}))
  const ps = spec.presenceInputs ? config.modalities.map((_, i) => tf.input({shape: [1], name: `p_${i}`})) : []
  const inputs = [...xs, ...ps]
  const presence = ps.length > 0 ? concat(ps, 'presence') : undefined
  const hidden = config.fusion.hidden

  const encoder = (i: number): TF.SymbolicTensor => {
    const enc = config.modalities[i].encoder
    let h: TF.SymbolicTensor = xs[i]
    enc.hidden.forEach((units, l) => {
      h = dense(units, `enc_${i}_${l}`).apply(h) as TF.SymbolicTensor
    })
    return dense(enc.embedding, `enc_${i}_embedding`, 'linear').apply(h) as TF.SymbolicTensor
  }

  switch (spec.strategy) {
    case 'early': {
      let h = concat(presence ? [...xs, presence] : xs, 'early_concat')
      h = dense(hidden, 'early_dense_0').apply(h) as TF.SymbolicTensor
      h = dense(Math.max(4, Math.floor(hidden / 2)), 'early_dense_1').apply(h) as TF.SymbolicTensor
      const out = dense(C, 'output', 'linear').apply(h) as TF.SymbolicTensor
      return tf.model({inputs, outputs: out, name: 'fuseplan_early'})
    }
    case 'intermediate': {
      if (!presence) throw new Error('intermediate fusion needs presence inputs')
      const gated = config.modalities.map(
        (_, i) => new L.PresenceGate({name: `placeholder_${i}`, seed: seed++}).apply([encoder(i), ps[i]]) as TF.SymbolicTensor,
      )
      const parts = config.masking.presenceBits ? [...gated, presence] : gated
      let h = concat(parts, 'fusion_concat')
      h = dense(hidden, 'fusion_dense').apply(h) as TF.SymbolicTensor
      const out = dense(C, 'output', 'linear').apply(h) as TF.SymbolicTensor
      return tf.model({inputs, outputs: out, name: 'fuseplan_intermediate'})
    }
    case 'attention': {
      if (!presence) throw new Error('attention fusion needs presence inputs')
      const width = config.modalities[0].encoder.embedding
      for (const m of config.modalities) {
        if (m.encoder.embedding !== width) throw new Error('attention fusion needs the same encoder.embedding for every modality')
      }
      const gated = config.modalities.map(
        (_, i) => new L.PresenceGate({name: `placeholder_${i}`, seed: seed++}).apply([encoder(i), ps[i]]) as TF.SymbolicTensor,
      )
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
      const outs = config.modalities.map((m, i) => {
        let h: TF.SymbolicTensor = xs[i]
        const layers = m.encoder.hidden.length > 0 ? m.encoder.hidden : [hidden]
        layers.forEach((units, l) => {
          h = dense(units, `late_${i}_${l}`).apply(h) as TF.SymbolicTensor
        })
        return dense(C, `late_${i}_output`, 'linear').apply(h) as TF.SymbolicTensor
      })
      const stacked = new L.StackTokens({name: 'per_modality'}).apply(outs) as TF.SymbolicTensor
      const combined = new L.PresenceWeightedMean({name: 'output'}).apply([stacked, presence]) as TF.SymbolicTensor
      return tf.model({inputs, outputs: [combined, stacked], name: 'fuseplan_late'})
    }
  }
}
