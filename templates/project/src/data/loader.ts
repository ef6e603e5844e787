// Data loader for JSON Lines files: one sample per line.
//
//   {"label": 1, "cohort": "icu", "inputs": {"ehr": [0.4, 71, ...], "cxr": null}}
//
// - `inputs` maps a modality name to its values: a flat array of `inputSize` numbers, or nested
//   arrays matching `inputShape` (flattened row-major). A modality that is `null` or missing from
//   `inputs` is ABSENT in that sample - never write zeros for a missing modality.
// - Images ([H, W(, C)]) may instead be a path to a PNG or JPEG file, relative to the data file:
//   `"cxr": "images/0001.png"`. Any size is accepted and resized (area average) to the conv2d
//   encoder's `resize`, or to [H, W] for an mlp encoder; values are on the 0..255 scale. Images
//   are read only inside the data file's folder (or FUSEPLAN_DATA_ROOT), and only regular PNG or
//   JPEG files of at most FUSEPLAN_MAX_PIXELS pixels (see images.ts). An image whose size or
//   colour differs from `inputShape` by more than resizing explains gets a warning.
// - Sequences ([T, C], time-major) may be shorter than T: `[[0.1, 72], [0.2, 75], ...]` with at most
//   T steps; the rest is padding that the conv1d encoder masks out.
// - Token ids (an embedding1d encoder) are a list of at most T integers, 0 .. vocabulary-1:
//   `"notes": [101, 2023, 2003, 102]`; id 0 is padding wherever it appears.
// - `label`: 0/1 for binary, the class index for multiclass, the value for regression. Optional for
//   prediction requests.
// - `cohort` (optional): the training cohort, used by the transfer plan.
// - Blank lines and lines starting with `#` are skipped. Unknown modality names are an error.
//
// A bad sample is an error with its `file:line`. `readJsonl` with `skipBad` (what train and
// evaluate use) leaves such samples out instead, and reports each one and how many per reason.
import {closeSync, constants, fstatSync, mkdirSync, openSync, readSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {StringDecoder} from 'node:string_decoder'
import {encoderOf, modelShape, resolveEncoder, type ModalityConfig, type TrainingConfig} from '../config.js'
import type {Dataset, ModalityBlock} from '../dataset.js'
import {resizeImage} from '../model/pipeline.js'
import {DataError} from './errors.js'
import {encodeJpeg, imageAccess, readImage, resizeRgba, type ImageAccess, type ImageInfo} from './images.js'

export {DataError, printable} from './errors.js'

const isImage = (m: ModalityConfig) => m.type === 'image' && (m.inputShape.length === 2 || m.inputShape.length === 3)
const isTokens = (m: ModalityConfig) => encoderOf(m).tokens
const isSequence = (m: ModalityConfig) => isTokens(m) || (m.inputShape.length === 2 && (m.type === 'timeseries' || m.type === 'text' || encoderOf(m).steps))
/** Shape a modality is stored in by the loader: images at the size their kind reads them (conv2d's resize), the rest as given. */
const storedShape = (m: ModalityConfig) => (isImage(m) && encoderOf(m).resized ? modelShape(m) : m.inputShape)

/** Longest line read from a data file: far above any real sample (a 224x224x3 image inline is about 1 MB). */
export const MAX_LINE_CHARS = 64 * 1024 * 1024

export interface Sample {
  label?: number
  cohort?: string
  inputs: Record<string, unknown>
}

/** A sample that could not be used, or an image worth a warning. */
export interface Problem {
  /** Line in the data file, 1-based. */
  line: number
  /** `file:line` */
  where: string
  /** What is wrong, after the position. */
  text: string
  /** Category under which problems are counted ("image not found", "not valid JSON"...). */
  kind: string
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
    if (!known.has(key)) throw new DataError(`${where}: unknown modality ${JSON.stringify(key.slice(0, 60))} (the config has ${[...known].join(', ')})`, 'unknown modality')
  }
  if (needLabel || s.label !== undefined) {
    if (typeof s.label !== 'number' || !Number.isFinite(s.label)) throw new DataError(`${where}: "label" must be a number`, 'bad label')
    if (config.task.type === 'binary' && s.label !== 0 && s.label !== 1) throw new DataError(`${where}: a binary label is 0 or 1`, 'bad label')
    if (config.task.type === 'multiclass' && (!Number.isInteger(s.label) || s.label < 0 || s.label >= (config.task.classes ?? 2))) {
      throw new DataError(`${where}: a multiclass label is a class index 0..${(config.task.classes ?? 2) - 1}`, 'bad label')
    }
  }
  if (s.cohort !== undefined && typeof s.cohort !== 'string') throw new DataError(`${where}: "cohort" must be a string`)
  return {label: s.label as number | undefined, cohort: s.cohort as string | undefined, inputs: inputs as Record<string, unknown>}
}

/** The reasons an image is further from the configured shape than resizing explains, if any. */
export function imageShapeNotes(m: ModalityConfig, info: ImageInfo): string[] {
  const [H, W, C = 1] = m.inputShape
  const [h, w] = storedShape(m)
  const notes: string[] = []
  const greyConfig = C <= 2
  if (greyConfig !== (info.channels === 1))
    notes.push(info.channels === 1 ? `grey where inputShape [${m.inputShape.join(', ')}] has ${C} channels` : `in colour where inputShape [${m.inputShape.join(', ')}] is grey`)
  const ratio = info.width / info.height / (W / H)
  if (ratio > 1.25 || ratio < 0.8) notes.push(`its aspect ratio (width/height ${(info.width / info.height).toFixed(2)}) is not that of inputShape (${(W / H).toFixed(2)}): resizing stretches it`)
  if (info.width < w || info.height < h) notes.push(`smaller than the ${w}x${h} the model reads: enlarging it adds no detail`)
  return notes
}

/**
 * Fills a Dataset one sample at a time. A sample that fails leaves nothing behind, so a caller
 * can skip it and go on. Image paths are relative to `baseDir` and read under `access`.
 */
export class DatasetBuilder {
  private n = 0
  private capacity = 0
  private blocks: Record<string, ModalityBlock> = {}
  private labels = new Float32Array(0)
  private cohorts: (string | undefined)[] = []
  private readonly access: () => ImageAccess
  private readonly sizes: Record<string, number> = {}

  constructor(
    private readonly config: TrainingConfig,
    private readonly baseDir = '.',
    access?: ImageAccess,
  ) {
    let resolved = access
    this.access = () => (resolved ??= imageAccess(baseDir))
    for (const m of config.modalities) this.sizes[m.name] = storedShape(m).reduce((a, v) => a * v, 1)
    this.grow(16)
  }

  get size(): number {
    return this.n
  }

  private grow(capacity: number): void {
    const copy = <T extends Float32Array | Uint8Array | Uint32Array>(old: T, make: (k: number) => T, width: number): T => {
      const next = make(capacity * width)
      next.set(old.subarray(0, this.n * width))
      return next
    }
    for (const m of this.config.modalities) {
      const size = this.sizes[m.name]
      const old = this.blocks[m.name] ?? {size, values: new Float32Array(0), present: new Uint8Array(0), steps: isSequence(m) ? new Uint32Array(0) : undefined}
      this.blocks[m.name] = {
        size,
        values: copy(old.values, (k) => new Float32Array(k), size),
        present: copy(old.present, (k) => new Uint8Array(k), 1),
        ...(old.steps ? {steps: copy(old.steps, (k) => new Uint32Array(k), 1)} : {}),
      }
    }
    this.labels = copy(this.labels, (k) => new Float32Array(k), 1)
    this.capacity = capacity
  }

  /**
   * Adds a checked sample (see checkSample); returns warnings about it (without the position).
   * Throws a DataError (`where: ...`), adding nothing, when the sample cannot be used.
   */
  add(sample: Sample, where: string): string[] {
    if (this.n === this.capacity) this.grow(this.capacity * 2)
    const i = this.n
    const warnings: string[] = []
    try {
      for (const m of this.config.modalities) {
        const v = sample.inputs[m.name]
        if (v !== undefined && v !== null) this.fill(m, v, i, where, warnings)
      }
    } catch (error) {
      for (const b of Object.values(this.blocks)) {
        b.values.fill(0, i * b.size, (i + 1) * b.size)
        b.present[i] = 0
        if (b.steps) b.steps[i] = 0
      }
      throw error
    }
    this.labels[i] = sample.label ?? 0
    this.cohorts[i] = sample.cohort
    this.n++
    return warnings
  }

  private fill(m: ModalityConfig, v: unknown, i: number, where: string, warnings: string[]): void {
    const block = this.blocks[m.name]
    const [H, W, C = 1] = m.inputShape
    const [h, w] = storedShape(m)
    if (typeof v === 'string') {
      if (!isImage(m)) throw new DataError(`${where}: modality ${m.name} is not an image: give its values, not a file name`)
      const name = `modality ${m.name}: image ${JSON.stringify(v.slice(0, 200))}`
      let read: ReturnType<typeof readImage>
      try {
        read = readImage(v, this.baseDir, this.access())
      } catch (error) {
        if (error instanceof DataError) throw new DataError(`${where}: ${name} ${error.message}`, error.kind)
        throw error
      }
      const notes = imageShapeNotes(m, read.info)
      if (notes.length > 0) warnings.push(`${name} is ${read.info.width}x${read.info.height} ${read.info.channels === 1 ? 'grey' : 'colour'}, ${notes.join('; ')}`)
      resizeRgba(read.image, C, h, w, block.values, i * block.size)
      block.present[i] = 1
      return
    }
    const flat: number[] = []
    if (!flatten(v, flat)) throw new DataError(`${where}: modality ${m.name} must be numbers (nested arrays allowed), or null when absent`)
    const step = m.inputShape[1] ?? 1
    if (isTokens(m)) {
      const vocabulary = resolveEncoder(m).vocabulary
      const bad = flat.find((id) => !Number.isInteger(id) || id < 0 || id >= vocabulary)
      if (bad !== undefined) throw new DataError(`${where}: modality ${m.name} holds token ids, integers 0..${vocabulary - 1} (encoder.vocabulary); found ${bad}`)
    }
    const shorter = block.steps && flat.length > 0 && flat.length < m.inputSize && flat.length % step === 0
    if (flat.length !== m.inputSize && !shorter) {
      const hint = block.steps ? ` or up to ${m.inputShape[0]} steps of ${step}` : ''
      throw new DataError(`${where}: modality ${m.name} has ${flat.length} values, expected ${m.inputSize} (shape [${m.inputShape.join(', ')}])${hint}`, 'wrong number of values')
    }
    if (block.size !== m.inputSize) resizeImage(flat, 0, H, W, C, h, w, block.values, i * block.size)
    else block.values.set(flat, i * m.inputSize)
    if (block.steps) block.steps[i] = flat.length / step
    block.present[i] = 1
  }

  /** The samples added so far, as a Dataset (arrays trimmed to their length). */
  build(): Dataset {
    const n = this.n
    const modalities: Record<string, ModalityBlock> = {}
    for (const [name, b] of Object.entries(this.blocks)) {
      modalities[name] = {size: b.size, values: b.values.slice(0, n * b.size), present: b.present.slice(0, n), ...(b.steps ? {steps: b.steps.slice(0, n)} : {})}
    }
    const data: Dataset = {n, modalities, labels: this.labels.slice(0, n)}
    const cohorts = this.cohorts.slice(0, n)
    if (n > 0 && cohorts.every((c) => c !== undefined)) data.cohort = cohorts as string[]
    return data
  }
}

/** Builds a Dataset from validated samples, throwing at the first unusable one; image paths are relative to `baseDir`. */
export function toDataset(config: TrainingConfig, samples: Sample[], where: (i: number) => string = (i) => `sample ${i + 1}`, baseDir = '.'): Dataset {
  const builder = new DatasetBuilder(config, baseDir)
  samples.forEach((s, i) => builder.add(s, where(i)))
  return builder.build()
}

/** Lines of a text, numbered from 1. */
function* textLines(text: string): Generator<{line: number; text: string}> {
  let line = 0
  for (const t of text.split(/\r?\n/)) yield {line: ++line, text: t}
}

/** What a path is when it is not a regular file ("a folder", "a named pipe (FIFO)"...). */
function notRegular(st: {isFile(): boolean; isDirectory(): boolean; isFIFO(): boolean}): string | undefined {
  return st.isFile() ? undefined : st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe (FIFO)' : 'not a regular file'
}

/**
 * Lines of a file, read in chunks (memory follows the longest line, not the file). Only a
 * regular file is opened: a FIFO or a device named as data is refused instead of read forever.
 * A line over MAX_LINE_CHARS is yielded as `text: undefined`.
 */
export function* fileLines(file: string): Generator<{line: number; text: string | undefined}> {
  let st
  try {
    st = statSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new DataError(code === 'ENOENT' || code === 'ENOTDIR' ? `${file}: no such file` : `${file}: cannot be read (${code ?? 'error'})`)
  }
  const kind = notRegular(st)
  if (kind) throw new DataError(`${file} is ${kind}, not a data file`)
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    if (notRegular(fstatSync(fd))) throw new DataError(`${file} changed while it was opened`)
    const decoder = new StringDecoder('utf8')
    const chunk = Buffer.alloc(1 << 20)
    let partial = ''
    let tooLong = false
    let line = 0
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null)
      const text = n === 0 ? decoder.end() : decoder.write(chunk.subarray(0, n))
      let from = 0
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
        const piece = text.slice(from, nl)
        from = nl + 1
        line++
        if (tooLong || partial.length + piece.length > MAX_LINE_CHARS) yield {line, text: undefined}
        else yield {line, text: (partial + piece).replace(/\r$/, '')}
        partial = ''
        tooLong = false
      }
      const rest = text.slice(from)
      if (!tooLong && partial.length + rest.length > MAX_LINE_CHARS) {
        tooLong = true
        partial = ''
      } else if (!tooLong) partial += rest
      if (n === 0) break
    }
    if (partial !== '' || tooLong) yield {line: line + 1, text: tooLong ? undefined : partial}
  } finally {
    closeSync(fd)
  }
}

/**
 * Problems of one sort, counted in full and listed up to a bound: a file of a million bad lines
 * costs a million counts, not a million messages.
 */
export class Tally {
  static readonly LISTED = 1000
  count = 0
  /** The first problems, in file order (at most LISTED). */
  readonly listed: Problem[] = []
  /** Per category: how many, and their first lines. */
  readonly byKind = new Map<string, {count: number; lines: number[]}>()

  add(p: Problem): void {
    this.count++
    if (this.listed.length < Tally.LISTED) this.listed.push(p)
    let kind = this.byKind.get(p.kind)
    if (!kind) this.byKind.set(p.kind, (kind = {count: 0, lines: []}))
    kind.count++
    if (kind.lines.length < 10) kind.lines.push(p.line)
  }
}

export interface Loaded {
  data: Dataset
  /** The line of each row of `data`. */
  lines: number[]
  /** Samples read, kept or skipped. */
  total: number
  /** Samples left out (with `skipBad`). */
  skipped: Tally
  /** Images that differ from their configured shape by more than resizing explains. */
  warnings: Tally
}

export interface ReadOptions {
  /** Whether every sample needs a label (training and test data) or may go without (requests). Default true. */
  needLabel?: boolean
  /** Leave unusable samples out and report them, instead of throwing at the first. Default false. */
  skipBad?: boolean
  /** Folder image paths are relative to. Default: the data file's folder. */
  baseDir?: string
}

/** Reads JSON Lines from `text`, or from the file `file` when `text` is undefined. */
export function readJsonl(config: TrainingConfig, file: string, text: string | undefined, opts: ReadOptions = {}): Loaded {
  const builder = new DatasetBuilder(config, opts.baseDir ?? path.dirname(file))
  const lines: number[] = []
  const skipped = new Tally()
  const warnings = new Tally()
  let total = 0
  const problem = (line: number, where: string, error: unknown) => {
    if (!(error instanceof DataError)) throw error
    if (!opts.skipBad) throw error
    const text = error.message.startsWith(`${where}: `) ? error.message.slice(where.length + 2) : error.message
    skipped.add({line, where, text, kind: error.kind})
  }
  for (const {line, text: raw} of text === undefined ? fileLines(file) : textLines(text)) {
    const where = `${file}:${line}`
    if (raw === undefined) {
      total++
      problem(line, where, new DataError(`${where}: the line is over ${MAX_LINE_CHARS / 2 ** 20} MB`, 'line too long'))
      continue
    }
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    total++
    try {
      let value: unknown
      try {
        value = JSON.parse(trimmed)
      } catch (error) {
        throw new DataError(`${where}: not valid JSON (${(error as Error).message})`, 'not valid JSON')
      }
      const sample = checkSample(config, value, where, opts.needLabel ?? true)
      for (const text of builder.add(sample, where)) warnings.add({line, where, text, kind: 'image shape'})
      lines.push(line)
    } catch (error) {
      problem(line, where, error)
    }
  }
  if (total === 0) throw new DataError(`${file}: no samples`)
  return {data: builder.build(), lines, total, skipped, warnings}
}

/** Parses JSON Lines text, throwing a DataError (`file:line: ...`) at the first unusable sample. */
export function parseJsonl(config: TrainingConfig, text: string, file = 'data', opts: {needLabel?: boolean} = {}): Dataset {
  return readJsonl(config, file, text, opts).data
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
