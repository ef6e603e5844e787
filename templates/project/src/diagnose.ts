// Plain-words warnings when a trained model has not learned, printed by `npm run train` and
// `npm run evaluate`: a metric at or below chance, or a training loss that collapses while the
// validation loss rises (memorising instead of learning).
import type {Metric, TaskType, TrainingConfig} from './config.js'
import type {FitResult} from './model/index.js'
import {scheduleFor} from './model/masking.js'
import {higherIsBetter} from './metrics.js'

export interface History {
  loss: number[]
  valLoss: number[]
  bestEpoch: number
}

/** A metric this close to chance (absolute for scores, relative for errors) counts as chance. */
export const CHANCE_MARGIN = 0.02

export function atChance(metric: Metric, value: number, chance: number): boolean {
  if (!Number.isFinite(value)) return true
  return higherIsBetter(metric) ? value <= chance + CHANCE_MARGIN : value >= chance * (1 - CHANCE_MARGIN)
}

/**
 * Training loss collapsed while validation loss rose: the last training loss is under half the
 * first, and the last validation loss is over 1.2x its best, reached in the first half of training.
 */
export function overfitted(h: History | undefined): boolean {
  if (!h || h.valLoss.length < 3 || h.loss.length < 3) return false
  const best = Math.min(...h.valLoss)
  const bestAt = h.valLoss.indexOf(best)
  const last = h.valLoss[h.valLoss.length - 1]
  return h.loss[h.loss.length - 1] < 0.5 * h.loss[0] && last > 1.2 * best && bestAt < h.valLoss.length / 2
}

/** `value` is the metric on held-out data (omit it to check the loss history only). */
export function learningWarnings(opts: {metric: Metric; task: TaskType; value?: number; chance?: number; on?: string; history?: History}): string[] {
  const out: string[] = []
  const {metric, value, chance} = opts
  if (value !== undefined && chance !== undefined && atChance(metric, value, chance)) {
    out.push(
      `The model has not learned: ${metric} ${Number.isFinite(value) ? value.toFixed(3) : 'n/a'} on ${opts.on ?? 'held-out data'} is at or below chance (${chance.toFixed(3)}). ` +
        'Check that the labels belong to the inputs, then try more data, more epochs (npm run train -- --epochs N), or a lower training.learningRate in fuseplan.training.yaml.',
    )
  }
  const h = opts.history
  if (h && overfitted(h)) {
    const best = Math.min(...h.valLoss)
    out.push(
      `Training loss fell from ${h.loss[0].toFixed(3)} to ${h.loss[h.loss.length - 1].toFixed(3)} while validation loss rose from ${best.toFixed(3)} (epoch ${h.valLoss.indexOf(best) + 1}) to ${h.valLoss[h.valLoss.length - 1].toFixed(3)}: ` +
        'the model memorises the training samples instead of learning. Use more data, fewer epochs, or a smaller encoder (more dropout or l2, fewer filters or hidden units, a smaller resize) in fuseplan.training.yaml; the saved weights are those of the best validation epoch.',
    )
  }
  return out
}

/** Which epoch was kept and why, and why training ended: what `train` prints after training. */
export function selectionReport(config: TrainingConfig, result: FitResult, epochs: number): string[] {
  const ran = result.loss.length
  const end = result.stopped === 'patience' ? `stopped after ${ran} of ${epochs} epochs: no lower validation loss for ${config.training.patience} epochs` : `ran all ${epochs} epochs`
  if (result.valLoss.length === 0) return [`${end}; kept the last epoch (${ran}): fewer than 200 samples, so no validation split to choose by`]
  const {warmup, ramp} = scheduleFor(config, epochs)
  const masked = config.modalities.length > 1 && (warmup > 0 || ramp > 0)
  const why = masked
    ? `the lowest validation loss at the deployment presence mix among the epochs trained with the full masking plan (epoch ${result.selectFrom + 1} on: warm-up ${warmup}, ramp ${ramp})`
    : 'the lowest validation loss' + (config.modalities.length > 1 ? ' at the deployment presence mix' : '')
  return [`kept the weights averaged up to epoch ${result.bestEpoch + 1}: ${why}`, end]
}
