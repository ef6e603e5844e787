// The transfer plan as training stages (`transfer` in fuseplan.training.yaml, from the ADR):
//   1. pre-train every layer on the data-rich cohort, with the masking plan;
//   2. fine-tune on the other cohorts at `learningRateScale` of the learning rate, the encoders
//      frozen for the first `freezeEncoderEpochs` epochs so the fusion layers adapt before the
//      encoders move.
// Samples need a `cohort` for the plan to apply; without cohorts (or without samples of the
// fine-tuning cohorts) training is one stage on every sample, and `why` says so.
import type {TrainingConfig} from '../config.js'
import type {Dataset} from '../dataset.js'
import {rowsOfCohorts} from '../data/ops.js'

/** Fine-tuning without the numbers in the config (older configs): a third of the learning rate, nothing frozen. */
export const FINETUNE_DEFAULTS = {learningRateScale: 1 / 3, freezeEncoderEpochs: 0}

export interface Stage {
  label: string
  /** Rows of the dataset this stage trains on. */
  rows: Uint32Array
  learningRate: number
  freezeEncoders: number
}

export function transferStages(config: TrainingConfig, data: Dataset): {stages: Stage[]; why: string} {
  const all = Uint32Array.from({length: data.n}, (_, i) => i)
  const lr = config.training.learningRate
  const single = (why: string) => ({stages: [{label: 'train', rows: all, learningRate: lr, freezeEncoders: 0}], why})
  const t = config.transfer
  if (!t) return single('no transfer plan')
  if (!data.cohort) return single('the transfer plan needs a `cohort` on each sample; this data has none, so training is one stage on every sample')
  const pre = rowsOfCohorts(data, [t.pretrainCohort])
  const fine = rowsOfCohorts(data, t.finetuneCohorts)
  if (pre.length === 0 || fine.length === 0) {
    return single(
      `the data has ${pre.length} samples of ${t.pretrainCohort} and ${fine.length} of ${t.finetuneCohorts.join(', ') || '(no fine-tuning cohort)'}: the plan needs both, so training is one stage on every sample`,
    )
  }
  const scale = t.learningRateScale ?? FINETUNE_DEFAULTS.learningRateScale
  const freeze = t.freezeEncoderEpochs ?? FINETUNE_DEFAULTS.freezeEncoderEpochs
  return {
    stages: [
      {label: `pre-train on ${t.pretrainCohort}`, rows: pre, learningRate: lr, freezeEncoders: 0},
      {label: `fine-tune on ${t.finetuneCohorts.join(', ')}`, rows: fine, learningRate: lr * scale, freezeEncoders: freeze},
    ],
    why: `transfer plan: pre-train on ${t.pretrainCohort} (${pre.length} samples) at learning rate ${lr}, then fine-tune on ${t.finetuneCohorts.join(', ')} (${fine.length} samples) at ${Number(scale.toFixed(3))} of it with the encoders frozen for the first ${freeze} epochs`,
  }
}
