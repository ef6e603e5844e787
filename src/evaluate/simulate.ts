// Dataset surgery for the evaluation: keep or drop modalities per sample, and measure what the
// simulation produced. Removing modalities and taking row subsets are the generated project's own
// operations (templates/project/src/data/ops.ts); this file only adds the views evaluate needs.
import {removeWhere} from '../../templates/project/src/data/ops.js'
import type {Dataset, ModalityBlock} from '../../templates/project/src/dataset.js'
import {Rng, deriveSeed} from '../../templates/project/src/random.js'

/** Only the modalities of `present` kept, in every sample. */
export function imposePattern(data: Dataset, present: readonly string[]): Dataset {
  const set = new Set(present)
  return removeWhere(data, (_i, name) => !set.has(name))
}

/**
 * The robustness-sweep view of a complete test set at missing rate `rate`: each modality in `swept`
 * is dropped from each sample with probability `rate`, independently; the others are kept. When a
 * sample would be left with nothing, `anchor` is kept. The draws depend only on (seed, rate), so
 * every candidate sees the same samples with the same modalities.
 */
export function sweepDataset(data: Dataset, rate: number, swept: readonly string[], anchor: string, seed: number): Dataset {
  const rng = new Rng(deriveSeed(seed, `sweep:${rate.toFixed(4)}`))
  const names = Object.keys(data.modalities)
  const keep = new Map<string, Uint8Array>()
  for (const name of names) keep.set(name, new Uint8Array(data.n).fill(1))
  for (let i = 0; i < data.n; i++) {
    let any = false
    for (const name of names) {
      const drop = swept.includes(name) && rng.next() < rate
      if (drop) (keep.get(name) as Uint8Array)[i] = 0
      else if (data.modalities[name].present[i]) any = true
    }
    if (!any) (keep.get(anchor) as Uint8Array)[i] = 1
  }
  return removeWhere(data, (i, name) => (keep.get(name) as Uint8Array)[i] === 0)
}

/** Indices of the samples that carry every modality. */
export function completeCaseRows(data: Dataset): number[] {
  const blocks = Object.values(data.modalities)
  const rows: number[] = []
  for (let i = 0; i < data.n; i++) if (blocks.every((b) => b.present[i] === 1)) rows.push(i)
  return rows
}

/** Share of samples in which each modality is present. */
export function observedAvailability(data: Dataset): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [name, block] of Object.entries(data.modalities)) {
    let c = 0
    for (let i = 0; i < data.n; i++) c += block.present[i]
    out[name] = data.n === 0 ? 0 : c / data.n
  }
  return out
}

/** Share of each presence pattern (key: present modality names joined with '+', in dataset order). */
export function observedPatterns(data: Dataset): Map<string, number> {
  const names = Object.keys(data.modalities)
  const counts = new Map<string, number>()
  for (let i = 0; i < data.n; i++) {
    const key = names.filter((name) => data.modalities[name].present[i] === 1).join('+')
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  for (const [k, v] of counts) counts.set(k, v / Math.max(1, data.n))
  return counts
}

/**
 * Where a zero-filled input lies relative to the real measurements, per modality: the mean over
 * features of |mean| / sd, computed on the present rows. Near 0: zero-fill is (almost) mean
 * imputation. Several SDs: an absent modality looks like an extreme measurement.
 */
export function zeroOffsetSd(data: Dataset, name: string): number {
  const block = data.modalities[name]
  const d = block.size
  const sum = new Float64Array(d)
  const sq = new Float64Array(d)
  let n = 0
  for (let i = 0; i < data.n; i++) {
    if (!block.present[i]) continue
    n++
    for (let j = 0; j < d; j++) {
      const v = block.values[i * d + j]
      sum[j] += v
      sq[j] += v * v
    }
  }
  if (n < 2) return Number.NaN
  let total = 0
  for (let j = 0; j < d; j++) {
    const mean = sum[j] / n
    const sd = Math.sqrt(Math.max(1e-12, sq[j] / n - mean * mean))
    total += Math.abs(mean) / sd
  }
  return total / d
}

/** Per modality, the mean of every feature over the rows where it is present (raw values). */
export function presentMeans(data: Dataset): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {}
  for (const [name, block] of Object.entries(data.modalities)) {
    const sum = new Float64Array(block.size)
    let n = 0
    for (let i = 0; i < data.n; i++) {
      if (!block.present[i]) continue
      n++
      for (let j = 0; j < block.size; j++) sum[j] += block.values[i * block.size + j]
    }
    out[name] = sum.map((v) => (n > 0 ? v / n : 0))
  }
  return out
}

/**
 * Mean imputation: every absent modality filled with `means` and marked present, so a model that
 * zero-fills absent inputs sees the average measurement instead.
 */
export function meanImpute(data: Dataset, means: Record<string, ArrayLike<number>>): Dataset {
  const modalities: Record<string, ModalityBlock> = {}
  for (const [name, block] of Object.entries(data.modalities)) {
    const values = new Float32Array(block.values)
    const present = new Uint8Array(data.n).fill(1)
    const m = means[name]
    for (let i = 0; i < data.n; i++) {
      if (block.present[i]) continue
      for (let j = 0; j < block.size; j++) values[i * block.size + j] = m[j]
    }
    modalities[name] = block.steps ? {size: block.size, values, present, steps: block.steps} : {size: block.size, values, present}
  }
  const out: Dataset = {n: data.n, modalities, labels: data.labels}
  if (data.cohort) out.cohort = data.cohort
  return out
}
