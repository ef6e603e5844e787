// Modality dropout driven by the masking plan (`masking` in fuseplan.training.yaml). During training
// it removes present modalities from a batch so the model sees the deployment's missingness:
//   - warm-up epochs without masking, then a linear ramp to the plan's full drop probabilities;
//   - `independent` mode drops each present modality with its own probability;
//   - `patterns` mode samples a target presence pattern from the deployment distribution and keeps
//     only the modalities in it;
//   - it never drops every present modality of a sample.
// A dropped modality becomes indistinguishable from a truly absent one: presence bit 0, the same
// filled input, the same learned placeholder embedding. Randomness comes from a seeded PRNG so a
// training run is reproducible.
import type {MaskingConfig, TrainingConfig} from '../config.js'
import {Rng} from '../random.js'

export class ModalityDropout {
  private readonly names: string[]
  private readonly drop: Float64Array
  private readonly required: boolean[]
  private readonly patterns: {present: Uint8Array; share: number}[]

  constructor(
    config: TrainingConfig,
    plan: MaskingConfig,
    private readonly rng: Rng,
    /** Epochs of warm-up and ramp actually used (scaled to shorter runs, see scheduleFor). */
    private readonly schedule: {warmup: number; ramp: number},
  ) {
    this.names = config.modalities.map((m) => m.name)
    this.drop = new Float64Array(this.names.length)
    this.required = config.modalities.map((m) => m.required)
    for (const m of plan.modalities) {
      const i = this.names.indexOf(m.name)
      if (i >= 0) this.drop[i] = config.modalities[i].required ? 0 : m.dropProbability
    }
    this.patterns = (plan.mode === 'patterns' ? (plan.patterns ?? []) : [])
      .filter((p) => p.share > 0)
      .map((p) => ({present: Uint8Array.from(this.names, (n) => (p.present.includes(n) ? 1 : 0)), share: p.share}))
  }

  /** Share of the full masking applied at `epoch` (0-based): 0 during warm-up, then a linear ramp to 1. */
  strength(epoch: number): number {
    const {warmup, ramp} = this.schedule
    if (epoch < warmup) return 0
    if (ramp <= 0) return 1
    return Math.min(1, (epoch - warmup + 1) / ramp)
  }

  /**
   * Masks `presence` (b rows of K flags, row-major) in place for one batch and returns it.
   */
  apply(presence: Uint8Array, epoch: number): Uint8Array {
    const k = this.names.length
    const s = this.strength(epoch)
    if (s === 0) return presence
    const rows = presence.length / k
    const natural = new Uint8Array(k)
    for (let r = 0; r < rows; r++) {
      const row = presence.subarray(r * k, (r + 1) * k)
      natural.set(row)
      if (this.patterns.length > 0) {
        if (this.rng.next() < s) {
          const target = this.patterns[this.rng.pick(this.patterns.map((p) => p.share))].present
          for (let m = 0; m < k; m++) if (!this.required[m]) row[m] = row[m] & target[m]
        }
      } else {
        for (let m = 0; m < k; m++) if (row[m] && this.rng.next() < this.drop[m] * s) row[m] = 0
      }
      if (!row.some((v) => v === 1) && natural.some((v) => v === 1)) {
        // Never drop every present modality: restore one of them at random.
        const present = [...natural.keys()].filter((m) => natural[m] === 1)
        row[present[this.rng.int(present.length)]] = 1
      }
    }
    return presence
  }
}

/** First epoch (0-based) trained with the full masking plan: the end of warm-up plus ramp. */
export function fullMaskingFrom(schedule: {warmup: number; ramp: number}): number {
  return schedule.ramp > 0 ? schedule.warmup + schedule.ramp - 1 : schedule.warmup
}

/**
 * Presence of held-out rows as deployment would serve them, drawn once: model selection scores
 * the validation split at the deployment presence mix, not at the training data's own (which may
 * be complete). `patterns` mode samples a deployment pattern per row as the masking does at full
 * strength; `independent` mode keeps a present modality with probability a/t (deployment over
 * observed training availability, without the masking floor). Required modalities are never
 * removed and a row never loses every modality it has.
 */
export function deploymentPresence(config: TrainingConfig, natural: Uint8Array, trainingAvailability: ArrayLike<number>, rng: Rng): Uint8Array {
  const k = config.modalities.length
  const out = natural.slice()
  if (config.masking.mode === 'patterns' && (config.masking.patterns ?? []).some((p) => p.share > 0)) {
    return new ModalityDropout(config, config.masking, rng, {warmup: 0, ramp: 0}).apply(out, 0)
  }
  const keep = config.modalities.map((m, j) => (m.required || trainingAvailability[j] <= 0 ? 1 : Math.min(1, m.availability / trainingAvailability[j])))
  const rows = out.length / k
  for (let r = 0; r < rows; r++) {
    const row = out.subarray(r * k, (r + 1) * k)
    const had = natural.subarray(r * k, (r + 1) * k)
    for (let m = 0; m < k; m++) if (row[m] && rng.next() >= keep[m]) row[m] = 0
    if (!row.some((v) => v === 1) && had.some((v) => v === 1)) {
      const present = [...had.keys()].filter((m) => had[m] === 1)
      row[present[rng.int(present.length)]] = 1
    }
  }
  return out
}

/**
 * Warm-up and ramp for a run of `epochs` epochs. The plan's numbers are meant for the configured
 * `training.epochs`; shorter runs (tests, simulations) scale them down proportionally so masking
 * still takes effect.
 */
export function scheduleFor(config: TrainingConfig, epochs: number): {warmup: number; ramp: number} {
  const planned = Math.max(1, config.training.epochs)
  const {warmupEpochs, rampEpochs} = config.masking
  if (epochs >= planned) return {warmup: warmupEpochs, ramp: rampEpochs}
  const f = epochs / planned
  return {warmup: Math.floor(warmupEpochs * f), ramp: Math.floor(rampEpochs * f)}
}
