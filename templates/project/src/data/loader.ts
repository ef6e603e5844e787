// Data loader for JSON Lines files: one sample per line.
//
//   {"label": 1, "cohort": "icu", "inputs": {"ehr": [0.4, 71, ...], "cxr": null}}
//
// - `inputs` maps a modality name to its values: a flat array of `inputSize` numbers, or nested
//   arrays matching `inputShape` (flattened row-major). A modality that is `null` or missing from
//   `inputs` is ABSENT in that sample - never write zeros for a missing modality.
// - `label`: 0/1 for binary, the class index for multiclass, the value for regression. Optional for
//   prediction requests.
// - `cohort` (optional): the training cohort, used by the transfer plan.
// - Blank lines and lines starting with `#` are skipped. Unknown modality names are an error.
import {readFileSync, writeFileSync} from 'node:fs'
import type {TrainingConfig} from '../config.js'
import type {Dataset, ModalityBlock} from '../dataset.js'

export class DataError extends Error {
  override name = 'DataError'
}

export interface Sample {
  label?: number
  cohort?: string
  inputs: Record<string, unknown>
}

function flatten(value: unknown, out: number[]): boolean {
  if (typeof value === 'number') {
    out.push(value)
    return Number.isFinite(value)
  }
  if (Array.isArray(value)) return value.every((v) => flatten(v, out))
  return false
}

/** Validates one sample against the config; `where` prefixes error messages (e.g. "file:3"). */
export function checkSample(config: TrainingConfig, sample: unknown, where: string, needLabel: boolean): Sample {
  if (typeof sample !== 'object' || sample === null || Array.isArray(sample)) throw new DataError(`${where}: expected a JSON object`)
  const s = sample as Record<string, unknown>
  const inputs = s.inputs ?? {}
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) throw new DataError(`${where}: "inputs" must be an object of modality -> values`)
  const known = new Set(config.modalities.map((m) => m.name))
  for (const key of Object.keys(inputs)) {
    if (!known.has(key)) throw new DataError(`${where}: unknown modality "${key.slice(0, 60)}" (the config has ${[...known].join(', ')})`)
  }
  if (needLabel || s.label !== undefined) {
    if (typeof s.label !== 'number' || !Number.isFinite(s.label)) throw new DataError(`${where}: "label" must be a number`)
    if (config.task.type === 'binary' && s.label !== 0 && s.label !== 1) throw new DataError(`${where}: a binary label is 0 or 1`)
    if (config.task.type === 'multiclass' && (!Number.isInteger(s.label) || s.label < 0 || s.label >= (config.task.classes ?? 2))) {
      throw new DataError(`${where}: a multiclass label is a class index 0..${(config.task.classes ?? 2) - 1}`)
    }
  }
  if (s.cohort !== undefined && typeof s.cohort !== 'string') throw new DataError(`${where}: "cohort" must be a string`)
  return {label: s.label as number | undefined, cohort: s.cohort as string | undefined, inputs: inputs as Record<string, unknown>}
}

/** Builds a Dataset from validated samples. */
export function toDataset(config: TrainingConfig, samples: Sample[], where: (i: number) => string = (i) => `sample ${i + 1}`): Dataset {
  const n = samples.length
  const modalities: Record<string, ModalityBlock> = {}
  for (const m of config.modalities) modalities[m.name] = {size: m.inputSize, values: new Float32Array(n * m.inputSize), present: new Uint8Array(n)}
  const labels = new Float32Array(n)
  const cohorts: string[] = []
  samples.forEach((s, i) => {
    labels[i] = s.label ?? 0
    if (s.cohort !== undefined) cohorts.push(s.cohort)
    for (const m of config.modalities) {
      const v = s.inputs[m.name]
      if (v === undefined || v === null) continue
      const flat: number[] = []
      if (!flatten(v, flat)) throw new DataError(`${where(i)}: modality ${m.name} must be numbers (nested arrays allowed), or null when absent`)
      if (flat.length !== m.inputSize) throw new DataError(`${where(i)}: modality ${m.name} has ${flat.length} values, expected ${m.inputSize} (shape [${m.inputShape.join(', ')}])`)
      modalities[m.name].values.set(flat, i * m.inputSize)
      modalities[m.name].present[i] = 1
    }
  })
  const data: Dataset = {n, modalities, labels}
  if (cohorts.length === n && n > 0) data.cohort = cohorts
  return data
}

export function parseJsonl(config: TrainingConfig, text: string, file = 'data', opts: {needLabel?: boolean} = {}): Dataset {
  const samples: Sample[] = []
  const lines: number[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    let value: unknown
    try {
      value = JSON.parse(trimmed)
    } catch (error) {
      throw new DataError(`${file}:${i + 1}: not valid JSON (${(error as Error).message})`)
    }
    samples.push(checkSample(config, value, `${file}:${i + 1}`, opts.needLabel ?? true))
    lines.push(i + 1)
  })
  if (samples.length === 0) throw new DataError(`${file}: no samples`)
  return toDataset(config, samples, (i) => `${file}:${lines[i]}`)
}

export function loadJsonl(config: TrainingConfig, file: string): Dataset {
  return parseJsonl(config, readFileSync(file, 'utf8'), file)
}

/** Writes a Dataset as JSON Lines (absent modalities as null). */
export function writeJsonl(config: TrainingConfig, data: Dataset, file: string): void {
  const lines: string[] = []
  for (let i = 0; i < data.n; i++) {
    const inputs: Record<string, number[] | null> = {}
    for (const m of config.modalities) {
      const b = data.modalities[m.name]
      inputs[m.name] = b.present[i] ? Array.from(b.values.subarray(i * b.size, (i + 1) * b.size), (v) => Math.round(v * 1e4) / 1e4) : null
    }
    const row: Record<string, unknown> = {label: data.labels[i]}
    if (data.cohort) row.cohort = data.cohort[i]
    row.inputs = inputs
    lines.push(JSON.stringify(row))
  }
  writeFileSync(file, lines.join('\n') + '\n')
}
