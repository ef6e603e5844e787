// Input pipeline shared by every strategy: per-modality standardisation and batch assembly.
//
// Each modality's features are standardised with the mean and standard deviation of the TRAINING
// samples where that modality is present (stored with the model). Absent (or masked) inputs are
// then filled with one constant vector per modality:
//   - `raw-zero` (the naive complete-case baseline only): the raw value 0, standardised - what
//     zero-padding a concatenated input means for features on real, non-centred scales (a lab value
//     of 0 is far off the scale);
//   - `mean`: the training mean (standardised 0), for every shipped strategy: early fusion reads
//     presence indicators beside it, the others ignore absent inputs (placeholders, masked
//     attention, skipped late-fusion models).
import type {Dataset} from '../dataset.js'
import type {TrainingConfig} from '../config.js'

export type Fill = 'raw-zero' | 'mean'

export interface Stats {
  /** Per modality: feature means and standard deviations. */
  mean: Record<string, number[]>
  std: Record<string, number[]>
  /** Regression only: label mean and standard deviation. */
  label: {mean: number; std: number} | null
}

export function checkDataset(config: TrainingConfig, data: Dataset): void {
  for (const m of config.modalities) {
    const block = data.modalities[m.name]
    if (!block) throw new Error(`dataset has no block for modality ${m.name}`)
    if (block.size !== m.inputSize) throw new Error(`modality ${m.name}: dataset has ${block.size} features per sample, the config says ${m.inputSize}`)
    if (block.values.length !== data.n * block.size || block.present.length !== data.n) throw new Error(`modality ${m.name}: block length does not match n=${data.n}`)
  }
  if (data.labels.length !== data.n) throw new Error(`dataset has ${data.labels.length} labels for n=${data.n}`)
}

export function computeStats(config: TrainingConfig, data: Dataset, rows: Uint32Array): Stats {
  const mean: Record<string, number[]> = {}
  const std: Record<string, number[]> = {}
  for (const m of config.modalities) {
    const block = data.modalities[m.name]
    const d = m.inputSize
    const sum = new Float64Array(d)
    const sq = new Float64Array(d)
    let count = 0
    for (const r of rows) {
      if (!block.present[r]) continue
      count++
      const base = r * d
      for (let j = 0; j < d; j++) {
        const v = block.values[base + j]
        sum[j] += v
        sq[j] += v * v
      }
    }
    const mu: number[] = []
    const sd: number[] = []
    for (let j = 0; j < d; j++) {
      const a = count > 0 ? sum[j] / count : 0
      const variance = count > 1 ? Math.max(0, sq[j] / count - a * a) : 1
      // Round through float32 so that saved stats reload bit-identically.
      mu.push(Math.fround(a))
      sd.push(Math.fround(Math.max(Math.sqrt(variance), 1e-3 * Math.abs(a), 1e-6)))
    }
    mean[m.name] = mu
    std[m.name] = sd
  }
  let label: Stats['label'] = null
  if (config.task.type === 'regression') {
    let s = 0
    let s2 = 0
    for (const r of rows) {
      s += data.labels[r]
      s2 += data.labels[r] * data.labels[r]
    }
    const n = Math.max(1, rows.length)
    const mu = s / n
    label = {mean: Math.fround(mu), std: Math.fround(Math.max(Math.sqrt(Math.max(0, s2 / n - mu * mu)), 1e-6))}
  }
  return {mean, std, label}
}

export function fillVector(stats: Stats, name: string, fill: Fill): Float32Array {
  const mu = stats.mean[name]
  const sd = stats.std[name]
  return Float32Array.from(mu, (m, j) => (fill === 'raw-zero' ? (0 - m) / sd[j] : 0))
}

/** Presence flags of the given rows, row-major (rows x K). */
export function presenceOf(config: TrainingConfig, data: Dataset, rows: ArrayLike<number>): Uint8Array {
  const k = config.modalities.length
  const out = new Uint8Array(rows.length * k)
  config.modalities.forEach((m, j) => {
    const present = data.modalities[m.name].present
    for (let i = 0; i < rows.length; i++) out[i * k + j] = present[rows[i]]
  })
  return out
}

/**
 * Standardised inputs of the given rows, one Float32Array (rows x size) per modality, with
 * `presence` (rows x K, possibly masked) deciding which rows are filled instead of read.
 */
export function batchInputs(
  config: TrainingConfig,
  data: Dataset,
  rows: ArrayLike<number>,
  presence: Uint8Array,
  stats: Stats,
  fills: Record<string, Float32Array>,
): Float32Array[] {
  const k = config.modalities.length
  return config.modalities.map((m, j) => {
    const d = m.inputSize
    const src = data.modalities[m.name].values
    const out = new Float32Array(rows.length * d)
    const mu = stats.mean[m.name]
    const sd = stats.std[m.name]
    const fill = fills[m.name]
    for (let i = 0; i < rows.length; i++) {
      const o = i * d
      if (!presence[i * k + j]) {
        out.set(fill, o)
        continue
      }
      const base = rows[i] * d
      for (let f = 0; f < d; f++) out[o + f] = (src[base + f] - mu[f]) / sd[f]
    }
    return out
  })
}
