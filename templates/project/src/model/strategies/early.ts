// early: concat(x..., [p...]) -> dense -> dense -> output (p only with indicators; conv modalities
// enter through their pooled conv features, not raw pixels).
import {ENCODERS} from '../encoders/index.js'
import type {StrategyNetwork} from './types.js'
import type * as TF from '@tensorflow/tfjs'

export const early: StrategyNetwork = {
  perModalityOutputs: false,
  build({tf, config, kinds, xs, presence, inputs, hidden, C, dense, concat, trunk}) {
    // Raw inputs for raw encoder kinds (the classic early fusion); conv modalities contribute their
    // pooled conv features, since raw pixels or steps through one dense layer do not learn.
    const parts = config.modalities.map((_, i) => (ENCODERS[kinds[i].kind].raw ? xs[i] : trunk(i)))
    let h = concat(presence ? [...parts, presence] : parts, 'early_concat')
    h = dense(hidden, 'early_dense_0').apply(h) as TF.SymbolicTensor
    h = dense(Math.max(4, Math.floor(hidden / 2)), 'early_dense_1').apply(h) as TF.SymbolicTensor
    const out = dense(C, 'output', 'linear').apply(h) as TF.SymbolicTensor
    return tf.model({inputs, outputs: out, name: 'fuseplan_early'})
  },
}
