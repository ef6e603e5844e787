// One place that knows how to read and check each answer `fuseplan init` asks for. Prompts, flags,
// answers files and `--yes` defaults all go through these, so an answer is accepted or refused with the
// same message wherever it comes from. Values are checked against the profile's own JSON Schema (the
// subschema of the field), the same schema `lint` validates with.
import type {ValidateFunction} from 'ajv/dist/2020.js'
import {profileSchema} from '../profile/schema.js'
import {compileSchema} from '../profile/validate.js'
import {METRICS, METRICS_FOR_TASK, TASK_TYPES, type MetricName, type TaskType} from '../profile/metrics.js'
import {MODALITY_NAME_PATTERN, PROFILE_NAME_PATTERN} from '../profile/types.js'

/** A problem with something the person gave us (flag, answers file, data file): exit code 2. */
export class InitInputError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message)
    this.name = 'InitInputError'
  }
}

/** Result of checking one answer: the parsed value, or a message a person can act on. */
export type Checked<T> = {ok: true; value: T} | {ok: false; message: string}

const ok = <T>(value: T): Checked<T> => ({ok: true, value})
const bad = <T>(message: string): Checked<T> => ({ok: false, message})

const S = profileSchema.properties
const M = S.modalities.items.properties
const C = S.cohorts.items.properties

const validators = new Map<object, ValidateFunction>()
/** True when `value` satisfies the schema node (compiled once per node). */
function schemaAccepts(node: object, value: unknown): boolean {
  let v = validators.get(node)
  if (!v) {
    v = compileSchema(node)
    validators.set(node, v)
  }
  return v(value) === true
}

// ---- scalar readers ---------------------------------------------------------------------------

/** Reads a number written as `0.22`, `22%`, `18000`, `18_000` or `18,000`. */
export function readNumber(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined
  if (typeof raw !== 'string') return undefined
  const text = raw.trim().replace(/[_\s]/g, '')
  if (text === '') return undefined
  const percent = text.endsWith('%')
  const body = percent ? text.slice(0, -1) : text
  const plain = /^\d{1,3}(,\d{3})+$/.test(body) ? body.replace(/,/g, '') : body
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(plain)) return undefined
  const n = Number(plain)
  if (!Number.isFinite(n)) return undefined
  return percent ? n / 100 : n
}

function readInteger(raw: unknown, what: string, min: number, max: number, schemaNode: object): Checked<number> {
  const n = readNumber(raw)
  if (n === undefined) return bad(`${what} must be a whole number, e.g. ${Math.max(min, 1) === 1 ? '1000' : String(min)}; got ${show(raw)}.`)
  if (!Number.isInteger(n)) return bad(`${what} must be a whole number; got ${n}.`)
  if (n < min || n > max) return bad(`${what} must be between ${min} and ${max.toLocaleString('en-US')}; got ${n}.`)
  if (!schemaAccepts(schemaNode, n)) return bad(`${what} is out of range; got ${n}.`)
  return ok(n)
}

/** Text answers: strings as typed; numbers and booleans as written; lists and mappings are not text. */
function asText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim()
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw)
  if (raw === undefined || raw === null) return ''
  return undefined
}

function kindOf(raw: unknown): string {
  return Array.isArray(raw) ? 'a list' : 'a mapping'
}

function show(raw: unknown): string {
  if (raw === undefined || raw === '') return 'nothing'
  return typeof raw === 'string' ? JSON.stringify(raw) : String(raw)
}

/** A share in 0..1; accepts `0.22` or `22%`. */
export function checkShare(raw: unknown, what = 'A share'): Checked<number> {
  const n = readNumber(raw)
  if (n === undefined) return bad(`${what} must be a number between 0 and 1 (like 0.22) or a percentage (like 22%); got ${show(raw)}.`)
  if (n < 0 || n > 1) {
    const hint = typeof raw === 'number' || !String(raw).includes('%') ? (Number.isInteger(n) && n > 1 && n <= 100 ? ` Did you mean ${n}%? Write ${n / 100} or ${n}%.` : '') : ''
    return bad(`${what} is a share and must be between 0 and 1; got ${n}.${hint}`)
  }
  if (!schemaAccepts(M.availability, n)) return bad(`${what} must be between 0 and 1; got ${n}.`)
  // Shares are stored with at most 4 decimals: enough for any real measurement, and stable output.
  return ok(roundShare(n))
}

export function roundShare(n: number): number {
  return Math.round(n * 10000) / 10000
}

function checkEnum<T extends string>(raw: unknown, allowed: readonly T[], what: string): Checked<T> {
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : raw
  if (typeof text === 'string' && (allowed as readonly string[]).includes(text)) return ok(text as T)
  return bad(`${what} must be one of ${allowed.join(', ')}; got ${show(raw)}.`)
}

export function checkBoolean(raw: unknown, what: string): Checked<boolean> {
  if (typeof raw === 'boolean') return ok(raw)
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : ''
  if (['true', 'yes', 'y', '1'].includes(text)) return ok(true)
  if (['false', 'no', 'n', '0'].includes(text)) return ok(false)
  return bad(`${what} must be true or false (yes/no); got ${show(raw)}.`)
}

// ---- profile fields ----------------------------------------------------------------------------

export function checkProfileName(raw: unknown): Checked<string> {
  const text = asText(raw)
  if (text === undefined) return bad(`The name must be a slug such as \`icu-deterioration\`, not ${kindOf(raw)}.`)
  if (text === '') return bad('The name cannot be empty: use a short slug such as `icu-deterioration`.')
  if (!PROFILE_NAME_PATTERN.test(text) || !schemaAccepts(S.name, text)) {
    const suggestion = slugify(text)
    return bad(`The name must be a slug: lower-case letters, digits and dashes, at most 64 characters, not starting or ending with a dash${suggestion ? ` (try \`${suggestion}\`)` : ''}.`)
  }
  return ok(text)
}

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/g, '')
}

export function checkDescription(raw: unknown): Checked<string> {
  const text = asText(raw)
  if (text === undefined) return bad(`The description must be one line of text, not ${kindOf(raw)}.`)
  if (!schemaAccepts(S.description, text)) return bad('The description must be at most 2000 characters.')
  if (/[\u0000-\u0008\u000b-\u001f]/.test(text)) return bad('The description cannot contain control characters.')
  return ok(text)
}

export {METRICS, TASK_TYPES}
export const INTERACTIONS = ['unknown', 'weak', 'strong'] as const
export const MODALITY_TYPES = ['tabular', 'image', 'text', 'timeseries', 'omics', 'embedding'] as const
export const MISSINGNESS = ['random', 'informative', 'by-design'] as const
export const TIMINGS = ['static', 'episodic', 'continuous'] as const
export const HARDWARE = ['cpu', 'gpu'] as const

export const checkTaskType = (raw: unknown) => checkEnum(raw, TASK_TYPES, 'The task type')
export const checkInteractions = (raw: unknown) => checkEnum(raw, INTERACTIONS, 'Cross-modal interactions')
export const checkModalityType = (raw: unknown) => checkEnum(raw, MODALITY_TYPES, 'The modality type')
export const checkMissingness = (raw: unknown) => checkEnum(raw, MISSINGNESS, 'Missingness')
export const checkTiming = (raw: unknown) => checkEnum(raw, TIMINGS, 'Timing')
export const checkHardware = (raw: unknown) => checkEnum(raw, HARDWARE, 'Hardware')

/** The metrics that fit a task type, its default first. */
export function metricsFor(taskType: string): readonly MetricName[] {
  return METRICS_FOR_TASK[taskType as TaskType] ?? METRICS_FOR_TASK.binary
}

export function defaultMetric(taskType: string): MetricName {
  return metricsFor(taskType)[0]
}

export function checkMetric(raw: unknown, taskType: string): Checked<MetricName> {
  const r = checkEnum(raw, METRICS, 'The metric')
  if (!r.ok) return r
  if (!metricsFor(taskType).includes(r.value)) {
    return bad(`The metric \`${r.value}\` does not fit a ${taskType} task; use one of ${metricsFor(taskType).join(', ')}.`)
  }
  return r
}

export const checkClasses = (raw: unknown) => readInteger(raw, 'The number of classes', 2, 1000, S.task.properties.classes)
export const checkLabelledSamples = (raw: unknown) => readInteger(raw, 'The number of labelled samples', 1, 1e12, S.task.properties.labelledSamples)
export const checkFeatures = (raw: unknown) => readInteger(raw, 'The number of features', 1, 1e8, M.features)
export const checkCohortSize = (raw: unknown) => readInteger(raw, 'The cohort size', 1, 1e12, C.size)
export const checkBatch = (raw: unknown) => readInteger(raw, 'The batch size', 1, 100000, S.latency.properties.batch)

export function checkModalityName(raw: unknown, taken: readonly string[] = []): Checked<string> {
  const text = asText(raw)
  if (text === undefined) return bad(`A modality name must be an identifier such as \`ehr\`, not ${kindOf(raw)}.`)
  if (text === '') return bad('The modality name cannot be empty: use a short identifier such as `ehr` or `chest_xray`.')
  if (!MODALITY_NAME_PATTERN.test(text) || !schemaAccepts(M.name, text)) {
    const suggestion = text
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, '_')
      .replace(/^[^a-z]+/, '')
      .slice(0, 40)
    return bad(`A modality name starts with a lower-case letter, then up to 39 lower-case letters, digits or underscores${suggestion && suggestion !== text ? ` (try \`${suggestion}\`)` : ''}.`)
  }
  if (taken.includes(text)) return bad(`There is already a modality called \`${text}\`; modality names must be unique.`)
  return ok(text)
}

export function checkCohortName(raw: unknown, taken: readonly string[] = []): Checked<string> {
  const text = asText(raw)
  if (text === undefined) return bad(`A cohort name must be an identifier such as \`icu\`, not ${kindOf(raw)}.`)
  if (text === '') return bad('The cohort name cannot be empty: use an identifier such as `icu` or `enrolled`.')
  if (!schemaAccepts(C.name, text)) return bad('A cohort name starts with a letter, then up to 63 letters, digits, `_` or `-`.')
  if (taken.includes(text)) return bad(`There is already a cohort called \`${text}\`; cohort names must be unique.`)
  return ok(text)
}

/** A list of 1 to 4 dimensions written `224x224x1`, `224,224,1` or `[224, 224, 1]`. */
export function checkShape(raw: unknown): Checked<number[]> {
  let parts: unknown[]
  if (Array.isArray(raw)) parts = raw
  else if (typeof raw === 'string')
    parts = raw
      .trim()
      .replace(/^\[|\]$/g, '')
      .split(/\s*[x×*,]\s*|\s+/i)
      .filter((s) => s !== '')
  else parts = []
  const dims = parts.map((p) => readNumber(p))
  if (dims.length === 0 || dims.some((d) => d === undefined || !Number.isInteger(d) || d < 1)) {
    return bad(`The shape must be 1 to 4 positive whole numbers separated by x, e.g. 224x224x3; got ${show(Array.isArray(raw) ? raw.join('x') : raw)}.`)
  }
  if (dims.length > 4) return bad(`The shape has ${dims.length} dimensions; at most 4 are allowed (e.g. 224x224x3).`)
  const values = dims as number[]
  if (!schemaAccepts(M.shape, values)) return bad('Each dimension of the shape must be between 1 and 100,000.')
  return ok(values)
}

/** A time series size written `96x4` (steps x channels) or `{length: 96, channels: 4}`. */
export function checkSequence(raw: unknown): Checked<{length: number; channels: number}> {
  let length: unknown
  let channels: unknown
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    length = (raw as Record<string, unknown>).length
    channels = (raw as Record<string, unknown>).channels
  } else if (typeof raw === 'string') {
    const m = /^\s*(\S+?)\s*[x×*,]\s*(\S+)\s*$/i.exec(raw)
    if (m) [length, channels] = [m[1], m[2]]
  }
  const l = readNumber(length)
  const c = readNumber(channels)
  if (l === undefined || c === undefined || !Number.isInteger(l) || !Number.isInteger(c) || l < 1 || c < 1) {
    return bad(`The sequence size must be steps x channels, two positive whole numbers such as 96x4; got ${show(typeof raw === 'object' ? JSON.stringify(raw) : raw)}.`)
  }
  const value = {length: l, channels: c}
  if (!schemaAccepts(M.sequence, value)) return bad('A sequence has at most 10,000,000 steps and 100,000 channels.')
  return ok(value)
}

export function checkLatencyMs(raw: unknown, what: string, allowZero: boolean): Checked<number> {
  // "300ms" and "0.3 s" are accepted as "40%" and "6,000" are: the unit people write is not an error.
  let value = raw
  if (typeof raw === 'string') {
    const unit = /^\s*(.*?)\s*(ms|s)\s*$/i.exec(raw)
    if (unit && unit[1] !== '') {
      const n = readNumber(unit[1])
      value = n === undefined ? raw : unit[2].toLowerCase() === 's' ? Math.round(n * 1e6) / 1e3 : n
    }
  }
  const n = readNumber(value)
  if (n === undefined) return bad(`${what} must be a number of milliseconds, e.g. 100 or 100ms; got ${show(raw)}.`)
  if (allowZero ? n < 0 : n <= 0) return bad(`${what} must be ${allowZero ? 'zero or more' : 'more than 0'} milliseconds; got ${n}.`)
  if (n > 1e6) return bad(`${what} must be at most 1,000,000 ms; got ${n}.`)
  return ok(n)
}

export function checkPercentile(raw: unknown): Checked<number> {
  const text = typeof raw === 'string' ? raw.trim().replace(/^p/i, '') : raw
  const n = readNumber(text)
  if (n === undefined || n < 1 || n > 100) return bad(`The percentile must be a number from 1 to 100, e.g. 99 for p99; got ${show(raw)}.`)
  if (!schemaAccepts(S.latency.properties.percentile, n)) return bad(`The percentile must be from 1 to 100; got ${n}.`)
  return ok(n)
}

export function checkConstraints(raw: unknown): Checked<Record<string, unknown>> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || !schemaAccepts(S.constraints, raw)) {
    return bad('`constraints` may hold `interpretability` (none | per-modality | strict) and `maxDeployedModels` (a whole number); see `fuseplan schema`.')
  }
  return ok(raw as Record<string, unknown>)
}
