// intermediate: encoder_i(x_i) -> PresenceGate(placeholder_i) ; concat(..., p) -> dense -> output
import type {StrategyNetwork} from './types.js'
import type * as TF from '@tensorflow/tfjs'

export const intermediate: StrategyNetwork = {
  perModalityOutputs: false,
  build({tf, L, config, ps, presence, inputs, hidden, C, nextSeed, dense, concat, encoder}) {
    if (!presence) throw new Error('intermediate fusion needs presence inputs')
    const gated = config.modalities.map((_, i) => new L.PresenceGate({name: `placeholder_${i}`, seed: nextSeed()}).apply([encoder(i), ps[i]]) as TF.SymbolicTensor)
    const parts = config.masking.presenceBits ? [...gated, presence] : gated
    let h = concat(parts, 'fusion_concat')
    h = dense(hidden, 'fusion_dense').apply(h) as TF.SymbolicTensor
    const out = dense(C, 'output', 'linear').apply(h) as TF.SymbolicTensor
    return tf.model({inputs, outputs: out, name: 'fuseplan_intermediate'})
  },
}
