// Reads a team's JSON Lines data for `fuseplan evaluate --data` with the generated project's own
// loader (templates/project/src/data/loader.ts: the same checks, the same image decoding and
// resizing as `npm run train`), one sample at a time, so that:
//   - a bad sample is skipped and counted with its `file:line` and a reason, never a whole-file abort;
//   - memory follows the samples kept, not the file: lines are streamed in chunks, images decoded
//     once into the model's (small) resized shape, and with a subsample only the chosen lines are
//     decoded at all.
// Everything that touches the loader is in this file (`readSamples`), so the loader can change
// under it without evaluate changing.
import path from 'node:path'
import type {TrainingConfig} from '../../templates/project/src/config.js'
import type {Dataset, ModalityBlock} from '../../templates/project/src/dataset.js'
import {checkSample, DataError, fileLines as loaderFileLines, MAX_LINE_CHARS, toDataset, type Sample} from '../../templates/project/src/data/loader.js'

/** Problems kept with their message; the rest are only counted. */
export const LISTED_PROBLEMS = 200

/** A sample that could not be used. */
export interface DataProblem {
  file: string
  line: number
  /** The full message, starting with `file:line: `. */
  message: string
  /** The category it is counted under ("image not found", "not valid JSON", ...). */
  reason: string
}

/** Samples left out of one file, counted in full and listed up to LISTED_PROBLEMS. */
export class Skips {
  count = 0
  readonly listed: DataProblem[] = []
  readonly byReason = new Map<string, number>()

  add(p: DataProblem): void {
    this.count++
    if (this.listed.length < LISTED_PROBLEMS) this.listed.push(p)
    this.byReason.set(p.reason, (this.byReason.get(p.reason) ?? 0) + 1)
  }

  /** Both tallies in one, problems in line order. */
  merge(other: Skips): Skips {
    const out = new Skips()
    out.count = this.count + other.count
    out.listed.push(...[...this.listed, ...other.listed].sort((a, b) => a.line - b.line).slice(0, LISTED_PROBLEMS))
    for (const t of [this, other]) for (const [r, c] of t.byReason) out.byReason.set(r, (out.byReason.get(r) ?? 0) + c)
    return out
  }

  /** Reasons by count, largest first. */
  reasons(): {reason: string; count: number}[] {
    return [...this.byReason].map(([reason, count]) => ({reason, count})).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
  }
}

/** The error a data file as a whole causes (missing, a folder, empty): not a sample to skip. */
export class DataFileError extends Error {
  override name = 'DataFileError'
}

/**
 * Lines of a regular file, as the generated project's loader reads them (1 MB chunks, a line over
 * MAX_LINE_CHARS yielded with `text: undefined`, FIFOs, devices and folders refused), its refusals
 * raised as DataFileError: what the command reports as a bad data file.
 */
export function* fileLines(file: string): Generator<{line: number; text: string | undefined}> {
  try {
    yield* loaderFileLines(file)
  } catch (error) {
    if (error instanceof DataError) throw new DataFileError(error.message)
    throw error
  }
}

/** The category of a loader message: the loader's own when it gives one, else read from the message in the loader's words. */
function reasonOf(error: Error): string {
  const own = (error as {kind?: unknown}).kind
  if (typeof own === 'string' && own !== '') return own
  const m = error.message
  if (/not valid JSON/.test(m)) return 'not valid JSON'
  if (/unknown modality/.test(m)) return 'unknown modality'
  if (/label/.test(m)) return 'bad label'
  if (/has \d+ values, expected/.test(m)) return 'wrong number of values'
  if (/cannot read image|no such file|not found/i.test(m)) return 'image not found'
  if (/neither PNG nor JPEG/.test(m)) return 'unsupported image'
  if (/cannot decode|corrupt|truncated/i.test(m)) return 'corrupt image'
  if (/image/.test(m)) return 'unreadable image'
  return 'bad sample'
}

/** The message with its position in front, once. */
function positioned(where: string, message: string): string {
  return message.startsWith(`${where}:`) ? message : `${where}: ${message}`
}

/** What a first pass learns about one line without decoding anything: enough to stratify. */
export interface LineSummary {
  line: number
  label: number
  cohort?: string
  /** Modalities present (non-null), as a bit mask in config order. */
  present: number
}

/** A DataError counted under `kind` (set after construction: the loader's DataError takes the kind as an argument only in newer versions). */
function dataError(message: string, kind: string): DataError {
  return Object.assign(new DataError(message), {kind})
}

function parseLine(config: TrainingConfig, text: string, where: string): Sample {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw dataError(`${where}: not valid JSON (${(error as Error).message})`, 'not valid JSON')
  }
  return checkSample(config, value, where, true)
}

/** Each sample line's label, cohort and presence (images are not opened), and the lines that failed. */
export function scanSamples(config: TrainingConfig, file: string): {lines: LineSummary[]; total: number; skips: Skips} {
  const names = config.modalities.map((m) => m.name)
  const skips = new Skips()
  const lines: LineSummary[] = []
  let total = 0
  for (const {line, text} of fileLines(file)) {
    if (text !== undefined && (text.trim() === '' || text.trim().startsWith('#'))) continue
    total++
    const where = `${file}:${line}`
    try {
      if (text === undefined) throw dataError(`${where}: the line is over ${MAX_LINE_CHARS / 2 ** 20} MB`, 'line too long')
      const s = parseLine(config, text.trim(), where)
      let present = 0
      names.forEach((n, i) => {
        if (s.inputs[n] !== undefined && s.inputs[n] !== null) present |= 1 << i
      })
      lines.push({line, label: s.label as number, ...(s.cohort !== undefined ? {cohort: s.cohort} : {}), present})
    } catch (error) {
      if (!(error instanceof DataError)) throw error
      skips.add({file, line, message: positioned(where, error.message), reason: reasonOf(error)})
    }
  }
  if (total === 0) throw new DataFileError(`${file}: no samples (a sample is one JSON object per line)`)
  return {lines, total, skips}
}

/** Rows appended one at a time into arrays that grow by doubling. */
class Rows {
  n = 0
  private cap = 0
  private blocks: Record<string, ModalityBlock> = {}
  private labels = new Float32Array(0)
  private cohorts: (string | undefined)[] = []

  constructor(private readonly sizes: {name: string; size: number; steps: boolean}[]) {
    this.grow(64)
  }

  private grow(cap: number): void {
    const more = <T extends Float32Array | Uint8Array | Uint32Array>(old: T | undefined, make: (k: number) => T, width: number): T => {
      const next = make(cap * width)
      if (old) next.set(old.subarray(0, this.n * width))
      return next
    }
    for (const {name, size, steps} of this.sizes) {
      const old = this.blocks[name] as ModalityBlock | undefined
      this.blocks[name] = {
        size,
        values: more(old?.values, (k) => new Float32Array(k), size),
        present: more(old?.present, (k) => new Uint8Array(k), 1),
        ...(steps ? {steps: more(old?.steps, (k) => new Uint32Array(k), 1)} : {}),
      }
    }
    this.labels = more(this.labels, (k) => new Float32Array(k), 1)
    this.cap = cap
  }

  push(one: Dataset, cohort: string | undefined): void {
    if (this.n === this.cap) this.grow(this.cap * 2)
    for (const {name, size} of this.sizes) {
      const from = one.modalities[name]
      const to = this.blocks[name]
      to.values.set(from.values.subarray(0, size), this.n * size)
      to.present[this.n] = from.present[0]
      if (to.steps) to.steps[this.n] = from.steps ? from.steps[0] : 0
    }
    this.labels[this.n] = one.labels[0]
    this.cohorts[this.n] = cohort
    this.n++
  }

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

export interface ReadResult {
  data: Dataset
  /** The file line of each row of `data`. */
  lines: number[]
  /** Sample lines looked at (blank and comment lines do not count). */
  total: number
  skips: Skips
}

/**
 * Reads samples of a JSON Lines file into a Dataset at the model's stored shapes (conv2d images at
 * their resize). With `only`, just those lines are parsed and decoded. Bad samples are skipped
 * into `skips`; a missing or empty file throws DataFileError.
 */
export function readSamples(config: TrainingConfig, file: string, only?: ReadonlySet<number>): ReadResult {
  const baseDir = path.dirname(file)
  const skips = new Skips()
  const lines: number[] = []
  let total = 0
  let rows: Rows | undefined
  for (const {line, text} of fileLines(file)) {
    if (only && !only.has(line)) continue
    if (text !== undefined && (text.trim() === '' || text.trim().startsWith('#'))) continue
    total++
    const where = `${file}:${line}`
    try {
      if (text === undefined) throw dataError(`${where}: the line is over ${MAX_LINE_CHARS / 2 ** 20} MB`, 'line too long')
      const sample = parseLine(config, text.trim(), where)
      let one: Dataset
      try {
        one = toDataset(config, [sample], () => where, baseDir)
      } catch (error) {
        // Image errors of the loader name the image, not the line: put the line in front.
        if (error instanceof DataError && !error.message.startsWith(`${where}:`)) {
          throw dataError(`${where}: ${error.message}`, reasonOf(error))
        }
        throw error
      }
      rows ??= new Rows(config.modalities.map((m) => ({name: m.name, size: one.modalities[m.name].size, steps: one.modalities[m.name].steps !== undefined})))
      rows.push(one, sample.cohort)
      lines.push(line)
    } catch (error) {
      if (!(error instanceof DataError)) throw error
      skips.add({file, line, message: positioned(where, error.message), reason: reasonOf(error)})
    }
  }
  if (total === 0) throw new DataFileError(`${file}: no samples (a sample is one JSON object per line)`)
  const data = rows ? rows.build() : emptyDataset(config)
  return {data, lines, total, skips}
}

function emptyDataset(config: TrainingConfig): Dataset {
  const modalities: Record<string, ModalityBlock> = {}
  for (const m of config.modalities) modalities[m.name] = {size: m.inputSize, values: new Float32Array(0), present: new Uint8Array(0)}
  return {n: 0, modalities, labels: new Float32Array(0)}
}
