// Data loader for JSON Lines files: one sample per line.
//
//   {"label": 1, "cohort": "icu", "inputs": {"ehr": [0.4, 71, ...], "cxr": null}}
//
// - `inputs` maps a modality name to its values: a flat array of `inputSize` numbers, or nested
//   arrays matching `inputShape` (flattened row-major). A modality that is `null` or missing from
//   `inputs` is ABSENT in that sample - never write zeros for a missing modality.
// - Images ([H, W(, C)]) may instead be a path to a PNG or JPEG file, relative to the data file:
//   `"cxr": "images/0001.png"`. Any size is accepted and resized (area average) to the conv2d
//   encoder's `resize`, or to [H, W] for an mlp encoder; values are on the 0..255 scale.
// - Sequences ([T, C], time-major) may be shorter than T: `[[0.1, 72], [0.2, 75], ...]` with at most
//   T steps; the rest is padding that the conv1d encoder masks out.
// - Token ids (an embedding1d encoder) are a list of at most T integers, 0 .. vocabulary-1:
//   `"notes": [101, 2023, 2003, 102]`; id 0 is padding wherever it appears.
// - `label`: 0/1 for binary, the class index for multiclass, the value for regression. Optional for
//   prediction requests.
// - `cohort` (optional): the training cohort, used by the transfer plan.
// - Blank lines and lines starting with `#` are skipped. Unknown modality names are an error.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {modelShape, resolveEncoder, type ModalityConfig, type TrainingConfig} from '../config.js'
import type {Dataset, ModalityBlock} from '../dataset.js'
import {resizeImage} from '../model/pipeline.js'
import {DataError} from './errors.js'
import {decodeImage, encodeJpeg, toChannels} from './images.js'

export {DataError} from './errors.js'

const isImage = (m: ModalityConfig) => m.type === 'image' && (m.inputShape.length === 2 || m.inputShape.length === 3)
const isTokens = (m: ModalityConfig) => resolveEncoder(m).kind === 'embedding1d'
const isSequence = (m: ModalityConfig) => isTokens(m) || (m.inputShape.length === 2 && (m.type === 'timeseries' || m.type === 'text' || resolveEncoder(m).kind === 'conv1d'))
/** Shape a modality is stored in by the loader: conv2d images at their resize, the rest as given. */
const storedShape = (m: ModalityConfig) => (isImage(m) && resolveEncoder(m).kind === 'conv2d' ? modelShape(m) : m.inputShape)

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

/** Builds a Dataset from validated samples; image paths are relative to `baseDir`. */
export function toDataset(config: TrainingConfig, samples: Sample[], where: (i: number) => string = (i) => `sample ${i + 1}`, baseDir = '.'): Dataset {
  const n = samples.length
  const modalities: Record<string, ModalityBlock> = {}
  for (const m of config.modalities) {
    const size = storedShape(m).reduce((a, v) => a * v, 1)
    modalities[m.name] = {size, values: new Float32Array(n * size), present: new Uint8Array(n)}
    if (isSequence(m)) modalities[m.name].steps = new Uint32Array(n)
  }
  const labels = new Float32Array(n)
  const cohorts: string[] = []
  samples.forEach((s, i) => {
    labels[i] = s.label ?? 0
    if (s.cohort !== undefined) cohorts.push(s.cohort)
    for (const m of config.modalities) {
      const v = s.inputs[m.name]
      if (v === undefined || v === null) continue
      const block = modalities[m.name]
      const [H, W, C = 1] = m.inputShape
      const [h, w] = storedShape(m)
      if (typeof v === 'string') {
        if (!isImage(m)) throw new DataError(`${where(i)}: modality ${m.name} is not an image: give its values, not a file name`)
        const img = decodeImage(path.resolve(baseDir, v))
        resizeImage(toChannels(img, C), 0, img.height, img.width, C, h, w, block.values, i * block.size)
        block.present[i] = 1
        continue
      }
      const flat: number[] = []
      if (!flatten(v, flat)) throw new DataError(`${where(i)}: modality ${m.name} must be numbers (nested arrays allowed), or null when absent`)
      const step = m.inputShape[1] ?? 1
      if (isTokens(m)) {
        const vocabulary = resolveEncoder(m).vocabulary
        const bad = flat.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabulary)
        if (bad !== undefined) throw new DataError(`${where(i)}: modality ${m.name} holds token ids, integers 0..${vocabulary - 1} (encoder.vocabulary); found ${bad}`)
      }
      const shorter = block.steps && flat.length > 0 && flat.length < m.inputSize && flat.length % step === 0
      if (flat.length !== m.inputSize && !shorter) {
        const hint = block.steps ? ` or up to ${m.inputShape[0]} steps of ${step}` : ''
        throw new DataError(`${where(i)}: modality ${m.name} has ${flat.length} values, expected ${m.inputSize} (shape [${m.inputShape.join(', ')}])${hint}`)
      }
      if (block.size !== m.inputSize) resizeImage(flat, 0, H, W, C, h, w, block.values, i * block.size)
      else block.values.set(flat, i * m.inputSize)
      if (block.steps) block.steps[i] = flat.length / step
      block.present[i] = 1
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
  return toDataset(config, samples, (i) => `${file}:${lines[i]}`, path.dirname(file))
}

export function loadJsonl(config: TrainingConfig, file: string): Dataset {
  return parseJsonl(config, readFileSync(file, 'utf8'), file)
}

/**
 * JSON Lines of a Dataset (absent modalities as null, sequences trimmed to their valid steps).
 * With `images`, image modalities at their inputShape are written as JPEG files into
 * `images.dir` and referenced by a path relative to `images.base` (the data file's folder).
 */
export function jsonlLines(config: TrainingConfig, data: Dataset, images?: {dir: string; base: string; prefix: string}): string[] {
  const lines: string[] = []
  if (images) mkdirSync(images.dir, {recursive: true})
  const round = (v: number) => Math.round(v * 1e4) / 1e4
  for (let i = 0; i < data.n; i++) {
    const inputs: Record<string, unknown> = {}
    for (const m of config.modalities) {
      const b = data.modalities[m.name]
      if (!b.present[i]) {
        inputs[m.name] = null
        continue
      }
      const row = b.values.subarray(i * b.size, (i + 1) * b.size)
      if (images && isImage(m) && b.size === m.inputSize) {
        const [H, W, C = 1] = m.inputShape
        const file = path.join(images.dir, `${images.prefix}${i}-${m.name}.jpg`)
        writeFileSync(file, encodeJpeg(row, 0, H, W, C))
        inputs[m.name] = path.relative(images.base, file).split(path.sep).join('/')
      } else if (isTokens(m)) {
        inputs[m.name] = Array.from(row.subarray(0, Math.min(b.size, b.steps ? b.steps[i] : b.size)))
      } else if (isSequence(m)) {
        const [T, C] = m.inputShape
        const steps = Math.min(T, b.steps ? b.steps[i] : T)
        inputs[m.name] = Array.from({length: steps}, (_, t) => Array.from(row.subarray(t * C, (t + 1) * C), round))
      } else {
        inputs[m.name] = Array.from(row, round)
      }
    }
    const out: Record<string, unknown> = {label: data.labels[i]}
    if (data.cohort) out.cohort = data.cohort[i]
    out.inputs = inputs
    lines.push(JSON.stringify(out))
  }
  return lines
}

/** Writes a Dataset as JSON Lines (see jsonlLines). */
export function writeJsonl(config: TrainingConfig, data: Dataset, file: string): void {
  writeFileSync(file, jsonlLines(config, data).join('\n') + '\n')
}
