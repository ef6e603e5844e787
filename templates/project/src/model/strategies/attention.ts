// attention: encoder_i(x_i) -> PresenceGate -> tokens -> masked multi-head attention (+residual) ->
// mean over present tokens ; concat(pooled, p) -> dense -> output
import type {StrategyNetwork} from './types.js'
import type * as TF from '@tensorflow/tfjs'

export const attention: StrategyNetwork = {
  perModalityOutputs: false,
  build({tf, L, config, kinds, ps, presence, inputs, hidden, C, nextSeed, skipSeeds, dense, concat, encoder}) {
    if (!presence) throw new Error('attention fusion needs presence inputs')
    const width = kinds[0].embedding
    for (const e of kinds) {
      if (e.embedding !== width) throw new Error('attention fusion needs the same encoder.embedding for every modality')
    }
    const gated = config.modalities.map((_, i) => new L.PresenceGate({name: `placeholder_${i}`, seed: nextSeed()}).apply([encoder(i), ps[i]]) as TF.SymbolicTensor)
    const tokens = new L.StackTokens({name: 'tokens', typeEmbedding: true, seed: nextSeed()}).apply(gated) as TF.SymbolicTensor
    const attended = new L.MaskedAttention({name: 'attention', heads: config.fusion.heads, seed: skipSeeds(4)}).apply([tokens, presence]) as TF.SymbolicTensor
    const residual = tf.layers.add({name: 'attention_residual'}).apply([tokens, attended]) as TF.SymbolicTensor
    // No layer normalisation: with one attention block it adds little and is the slowest op on wasm.
    const pooled = new L.MaskedMeanPool({name: 'pool'}).apply([residual, presence]) as TF.SymbolicTensor
    let h = concat(config.masking.presenceBits ? [pooled, presence] : [pooled], 'fusion_concat')
    h = dense(hidden, 'fusion_dense').apply(h) as TF.SymbolicTensor
    const out = dense(C, 'output', 'linear').apply(h) as TF.SymbolicTensor
    return tf.model({inputs, outputs: out, name: 'fuseplan_attention'})
  },
}
