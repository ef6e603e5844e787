// late: trunk_i(x_i) -> output_i per modality ; learned weighted mean over present ones.
// Outputs [combined, per-modality (n,K,C)].
import type {StrategyNetwork} from './types.js'
import type * as TF from '@tensorflow/tfjs'

export const late: StrategyNetwork = {
  perModalityOutputs: true,
  build({tf, L, config, presence, inputs, hidden, C, dense, trunk}) {
    if (!presence) throw new Error('late fusion needs presence inputs')
    const outs = config.modalities.map((_, i) => dense(C, `late_${i}_output`, 'linear').apply(trunk(i, [hidden])) as TF.SymbolicTensor)
    const stacked = new L.StackTokens({name: 'per_modality'}).apply(outs) as TF.SymbolicTensor
    const combined = new L.PresenceWeightedMean({name: 'output'}).apply([stacked, presence]) as TF.SymbolicTensor
    return tf.model({inputs, outputs: [combined, stacked], name: 'fuseplan_late'})
  },
}
