// Dataset operations used by training, evaluation and tests: row subsets, removing modalities,
// presence patterns. They never mutate their input.
import type {Dataset, ModalityBlock} from '../dataset.js'
import {Rng} from '../random.js'

export function subset(data: Dataset, rows: ArrayLike<number>): Dataset {
  const modalities: Record<string, ModalityBlock> = {}
  for (const [name, block] of Object.entries(data.modalities)) {
    const values = new Float32Array(rows.length * block.size)
    const present = new Uint8Array(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]
      values.set(block.values.subarray(r * block.size, (r + 1) * block.size), i * block.size)
      present[i] = block.present[r]
    }
    modalities[name] = {size: block.size, values, present}
    if (block.steps) modalities[name].steps = Uint32Array.from({length: rows.length}, (_, i) => (block.steps as Uint32Array)[rows[i]])
  }
  const out: Dataset = {n: rows.length, modalities, labels: Float32Array.from({length: rows.length}, (_, i) => data.labels[rows[i]])}
  if (data.cohort) out.cohort = Array.from({length: rows.length}, (_, i) => (data.cohort as string[])[rows[i]])
  return out
}

/** A copy where `absent(row, name)` decides which present modalities are removed. */
export function removeWhere(data: Dataset, absent: (row: number, name: string) => boolean): Dataset {
  const modalities: Record<string, ModalityBlock> = {}
  for (const [name, block] of Object.entries(data.modalities)) {
    const values = block.values.slice()
    const present = block.present.slice()
    for (let r = 0; r < data.n; r++) {
      if (present[r] && absent(r, name)) {
        present[r] = 0
        values.fill(0, r * block.size, (r + 1) * block.size)
      }
    }
    modalities[name] = block.steps ? {size: block.size, values, present, steps: block.steps} : {size: block.size, values, present}
  }
  return {...data, modalities}
}

/** Removes the named modality from every sample (leave-one-modality-out). */
export function withoutModality(data: Dataset, name: string): Dataset {
  return removeWhere(data, (_, m) => m === name)
}

/**
 * Removes each named modality independently with probability `rate` (robustness sweep). A row never
 * loses its last present modality: requests with nothing at all do not exist.
 */
export function dropAtRate(data: Dataset, names: string[], rate: number, seed: number): Dataset {
  const rng = new Rng(seed)
  const draws = new Map<string, Float64Array>(names.map((n) => [n, Float64Array.from({length: data.n}, () => rng.next())]))
  const all = Object.keys(data.modalities)
  const keep = new Map<number, string>()
  for (let r = 0; r < data.n; r++) {
    const present = all.filter((m) => data.modalities[m].present[r] === 1)
    const survivors = present.filter((m) => !(draws.get(m) !== undefined && (draws.get(m) as Float64Array)[r] < rate))
    if (present.length > 0 && survivors.length === 0) {
      // Keep the present modality whose draw was highest (deterministic).
      keep.set(
        r,
        present.reduce((best, m) => ((draws.get(m) as Float64Array)[r] > (draws.get(best) as Float64Array)[r] ? m : best)),
      )
    }
  }
  return removeWhere(data, (r, m) => {
    const d = draws.get(m)
    return d !== undefined && d[r] < rate && keep.get(r) !== m
  })
}

/** Presence pattern of each row as a sorted, comma-joined list of present modality names. */
export function patternKeys(data: Dataset, order: string[]): string[] {
  return Array.from({length: data.n}, (_, r) => order.filter((m) => data.modalities[m]?.present[r] === 1).join(','))
}

/** Rows whose presence pattern is exactly `present`. */
export function rowsWithPattern(data: Dataset, order: string[], present: string[]): Uint32Array {
  const want = order.filter((m) => present.includes(m)).join(',')
  const keys = patternKeys(data, order)
  const rows: number[] = []
  keys.forEach((k, r) => {
    if (k === want) rows.push(r)
  })
  return Uint32Array.from(rows)
}

export function rowsOfCohorts(data: Dataset, cohorts: string[]): Uint32Array {
  const rows: number[] = []
  data.cohort?.forEach((c, r) => {
    if (cohorts.includes(c)) rows.push(r)
  })
  return Uint32Array.from(rows)
}
