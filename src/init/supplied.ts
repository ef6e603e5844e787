// Answers given up front, before any prompt: from flags (`--name`, `--modality "name=cxr,..."`) and from an
// answers file (`--answers FILE`). Each value remembers where it came from, so a bad one is reported as
// `--modality "name=cxr,..."` or `answers.yaml:12:5`, never as a bare "invalid value".
import {BoundedReadError, readBoundedFile} from '../util/read.js'
import type {DocPath} from '../findings.js'
import {parseSource} from '../profile/source.js'
import {InitInputError} from './fields.js'

export interface Given {
  raw: unknown
  /** Where the value was given: a flag as typed, or `file:line:col`. */
  where: string
}

export const MODALITY_KEYS = ['name', 'type', 'features', 'shape', 'sequence', 'availability', 'trainingAvailability', 'missingness', 'timing', 'encoderLatencyMs', 'required', 'description'] as const
export type ModalityKey = (typeof MODALITY_KEYS)[number]
export const SIZE_KEYS = ['features', 'shape', 'sequence'] as const

export const TASK_KEYS = ['type', 'classes', 'metric', 'labelledSamples', 'interactions'] as const
export type TaskKey = (typeof TASK_KEYS)[number]
export const COHORT_KEYS = ['name', 'size', 'labelled', 'modalities', 'description'] as const
export type CohortKey = (typeof COHORT_KEYS)[number]
export const LATENCY_KEYS = ['budgetMs', 'percentile', 'hardware', 'batch'] as const
export type LatencyKey = (typeof LATENCY_KEYS)[number]

export interface SuppliedModality {
  name: string
  where: string
  fields: Partial<Record<ModalityKey, Given>>
}

export interface SuppliedCohort {
  name: string
  where: string
  fields: Partial<Record<CohortKey, Given>>
  /** Per-modality share within the cohort. */
  shares: Record<string, Given>
}

export interface SuppliedPattern {
  present: string[]
  share: Given
  where: string
}

export interface Supplied {
  name?: Given
  description?: Given
  task: Partial<Record<TaskKey, Given>>
  /** Undefined: ask. An array (possibly from several sources, merged by name): the modalities are fixed. */
  modalities?: SuppliedModality[]
  /** Undefined: ask. Empty array: explicitly no cohorts. */
  cohorts?: SuppliedCohort[]
  patterns?: SuppliedPattern[]
  latency: Partial<Record<LatencyKey, Given>>
  /** `--latency-budget none` or `latency: null` in an answers file: write no latency section. */
  noLatency?: Given
  /** Passed through from an answers file or profile (init does not ask about constraints). */
  constraints?: Given
}

export function emptySupplied(): Supplied {
  return {task: {}, latency: {}}
}

// ---- flag specs ---------------------------------------------------------------------------------

const MODALITY_ALIASES: Record<string, ModalityKey> = {
  training: 'trainingAvailability',
  'training-availability': 'trainingAvailability',
  trainingavailability: 'trainingAvailability',
  latency: 'encoderLatencyMs',
  'encoder-latency': 'encoderLatencyMs',
  encoderlatencyms: 'encoderLatencyMs',
  missing: 'missingness',
}

/**
 * Splits `key=value,key="a, b",...` into pairs. Values may be double-quoted to hold commas; `""` inside
 * quotes is a literal quote.
 */
export function splitSpec(spec: string, flag: string): [string, string][] {
  const pairs: [string, string][] = []
  let i = 0
  const where = `${flag} ${JSON.stringify(spec)}`
  while (i < spec.length) {
    const eq = spec.indexOf('=', i)
    const comma = spec.indexOf(',', i)
    if (eq === -1 || (comma !== -1 && comma < eq)) {
      const item = spec.slice(i, comma === -1 ? undefined : comma).trim()
      throw new InitInputError(`${where}: \`${item}\` is not of the form key=value. Separate items with commas, e.g. name=cxr,type=image.`)
    }
    const key = spec.slice(i, eq).trim()
    i = eq + 1
    let value = ''
    if (spec[i] === '"') {
      i++
      for (;;) {
        if (i >= spec.length) throw new InitInputError(`${where}: the quoted value of \`${key}\` has no closing quote.`)
        if (spec[i] === '"') {
          if (spec[i + 1] === '"') {
            value += '"'
            i += 2
            continue
          }
          i++
          break
        }
        value += spec[i++]
      }
      if (i < spec.length && spec[i] !== ',') throw new InitInputError(`${where}: unexpected text after the quoted value of \`${key}\`; put a comma before the next item.`)
    } else {
      const end = spec.indexOf(',', i)
      value = spec.slice(i, end === -1 ? undefined : end).trim()
      i = end === -1 ? spec.length : end
    }
    i++ // skip the comma
    if (key === '') throw new InitInputError(`${where}: an item has an empty key before \`=\`.`)
    pairs.push([key, value])
  }
  if (pairs.length === 0) throw new InitInputError(`${where}: empty; give key=value items separated by commas.`)
  return pairs
}

/** `--modality "name=cxr,type=image,shape=224x224x1,availability=0.22,..."` */
export function parseModalitySpec(spec: string): SuppliedModality {
  const where = `--modality ${JSON.stringify(spec)}`
  const fields: Partial<Record<ModalityKey, Given>> = {}
  for (const [rawKey, value] of splitSpec(spec, '--modality')) {
    const key = (MODALITY_KEYS as readonly string[]).includes(rawKey) ? (rawKey as ModalityKey) : MODALITY_ALIASES[rawKey.toLowerCase()]
    if (!key) {
      throw new InitInputError(`${where}: unknown key \`${rawKey}\`. Use ${MODALITY_KEYS.join(', ')} (short forms: training, latency).`)
    }
    if (fields[key]) throw new InitInputError(`${where}: \`${key}\` is given twice.`)
    fields[key] = {raw: value, where}
  }
  const sizes = SIZE_KEYS.filter((k) => fields[k])
  if (sizes.length > 1) throw new InitInputError(`${where}: give the size in one of features, shape or sequence, not ${sizes.join(' and ')}.`)
  const name = fields.name?.raw
  if (typeof name !== 'string' || name === '') throw new InitInputError(`${where}: \`name=\` is required, e.g. name=cxr.`)
  return {name, where, fields}
}

/** `--cohort "name=icu,size=18000,modalities=ehr+cxr,cxr=0.26,labelled=true"` */
export function parseCohortSpec(spec: string): SuppliedCohort {
  const where = `--cohort ${JSON.stringify(spec)}`
  const fields: Partial<Record<CohortKey, Given>> = {}
  const shares: Record<string, Given> = {}
  for (const [key, value] of splitSpec(spec, '--cohort')) {
    if ((COHORT_KEYS as readonly string[]).includes(key)) {
      const k = key as CohortKey
      if (fields[k]) throw new InitInputError(`${where}: \`${k}\` is given twice.`)
      fields[k] = {raw: k === 'modalities' ? value.split(/[+\s]+/).filter((s) => s !== '') : value, where}
    } else if (/^[a-z][a-z0-9_]{0,39}$/.test(key)) {
      if (shares[key]) throw new InitInputError(`${where}: the share of \`${key}\` is given twice.`)
      shares[key] = {raw: value, where}
    } else {
      throw new InitInputError(`${where}: unknown key \`${key}\`. Use ${COHORT_KEYS.join(', ')}, or a modality name for its share (e.g. cxr=0.26).`)
    }
  }
  const name = fields.name?.raw
  if (typeof name !== 'string' || name === '') throw new InitInputError(`${where}: \`name=\` is required, e.g. name=icu.`)
  return {name, where, fields, shares}
}

/** `--pattern "ehr+cxr=0.22"`: modalities present together, and the share of requests. */
export function parsePatternSpec(spec: string): SuppliedPattern {
  const where = `--pattern ${JSON.stringify(spec)}`
  const m = /^\s*([^=]+?)\s*=\s*(\S+)\s*$/.exec(spec)
  if (!m) throw new InitInputError(`${where}: write the modalities joined by + and the share, e.g. ehr+cxr=0.22.`)
  const present = m[1].split(/[+\s,]+/).filter((s) => s !== '')
  return {present, share: {raw: m[2], where}, where}
}

// ---- answers file --------------------------------------------------------------------------------

export const ANSWERS_KIND = 'InitAnswers'

/**
 * Reads an answers file written by `--save-answers` (or any DeploymentProfile, whose keys are the same),
 * keeping positions for messages. Structural problems throw InitInputError with `file:line:col`.
 */
export function readAnswers(filePath: string, text: string, display = filePath): Supplied {
  const source = parseSource(filePath, text)
  const at = (path: DocPath) => {
    const r = source.rangeOf(path)
    return `${display}:${r.line}:${r.column}`
  }
  const syntax = source.syntaxFindings.find((f) => f.severity === 'error')
  if (syntax) throw new InitInputError(`${display}:${syntax.line}:${syntax.column}: ${syntax.message}`)
  const root = source.value
  if (!isRecord(root)) throw new InitInputError(`${at([])}: an answers file is a YAML mapping (as written by --save-answers).`)
  if (root.kind !== undefined && root.kind !== ANSWERS_KIND && root.kind !== 'DeploymentProfile') {
    throw new InitInputError(`${at(['kind'])}: expected kind ${ANSWERS_KIND} (or DeploymentProfile); got ${JSON.stringify(root.kind)}.`)
  }
  const s = emptySupplied()
  const allowed = new Set(['apiVersion', 'kind', 'name', 'description', 'task', 'modalities', 'cohorts', 'patterns', 'latency', 'constraints'])
  for (const key of Object.keys(root)) {
    if (!allowed.has(key)) throw new InitInputError(`${at([key])}: unknown key \`${key}\`; an answers file has ${[...allowed].slice(2).join(', ')}.`)
  }
  const given = (path: DocPath, raw: unknown): Given => ({raw, where: at(path)})
  if (root.name !== undefined) s.name = given(['name'], root.name)
  if (root.description !== undefined) s.description = given(['description'], root.description)
  if (root.task !== undefined) {
    if (!isRecord(root.task)) throw new InitInputError(`${at(['task'])}: \`task\` must be a mapping with ${TASK_KEYS.join(', ')}.`)
    for (const [k, v] of Object.entries(root.task)) {
      if (!(TASK_KEYS as readonly string[]).includes(k)) throw new InitInputError(`${at(['task', k])}: unknown key \`task.${k}\`; use ${TASK_KEYS.join(', ')}.`)
      s.task[k as TaskKey] = given(['task', k], v)
    }
  }
  if (root.modalities !== undefined) {
    if (!Array.isArray(root.modalities)) throw new InitInputError(`${at(['modalities'])}: \`modalities\` must be a list.`)
    s.modalities = root.modalities.map((m, i) => {
      if (!isRecord(m)) throw new InitInputError(`${at(['modalities', i])}: each modality is a mapping with at least \`name\`.`)
      const fields: Partial<Record<ModalityKey, Given>> = {}
      for (const [k, v] of Object.entries(m)) {
        if (!(MODALITY_KEYS as readonly string[]).includes(k)) throw new InitInputError(`${at(['modalities', i, k])}: unknown modality key \`${k}\`; use ${MODALITY_KEYS.join(', ')}.`)
        fields[k as ModalityKey] = given(['modalities', i, k], v)
      }
      if (typeof m.name !== 'string') throw new InitInputError(`${at(['modalities', i])}: this modality has no \`name\`.`)
      const sizes = SIZE_KEYS.filter((k) => fields[k])
      if (sizes.length > 1) throw new InitInputError(`${at(['modalities', i])}: give the size in one of features, shape or sequence, not ${sizes.join(' and ')}.`)
      return {name: m.name, where: at(['modalities', i]), fields}
    })
  }
  if (root.cohorts !== undefined) {
    if (root.cohorts !== null && !Array.isArray(root.cohorts)) throw new InitInputError(`${at(['cohorts'])}: \`cohorts\` must be a list (or [] for none).`)
    s.cohorts = (root.cohorts ?? []).map((c: unknown, i: number) => {
      if (!isRecord(c)) throw new InitInputError(`${at(['cohorts', i])}: each cohort is a mapping with \`name\`, \`size\` and \`modalities\`.`)
      const fields: Partial<Record<CohortKey, Given>> = {}
      const shares: Record<string, Given> = {}
      for (const [k, v] of Object.entries(c)) {
        if (k === 'availability') {
          if (!isRecord(v)) throw new InitInputError(`${at(['cohorts', i, k])}: \`availability\` maps modality names to shares, e.g. {cxr: 0.26}.`)
          for (const [mk, mv] of Object.entries(v)) {
            if (!/^[a-z][a-z0-9_]{0,39}$/.test(mk)) throw new InitInputError(`${at(['cohorts', i, k, mk])}: \`${mk}\` is not a modality name.`)
            shares[mk] = given(['cohorts', i, k, mk], mv)
          }
        } else if ((COHORT_KEYS as readonly string[]).includes(k)) {
          fields[k as CohortKey] = given(['cohorts', i, k], v)
        } else {
          throw new InitInputError(`${at(['cohorts', i, k])}: unknown cohort key \`${k}\`; use ${COHORT_KEYS.join(', ')}, availability.`)
        }
      }
      if (typeof c.name !== 'string') throw new InitInputError(`${at(['cohorts', i])}: this cohort has no \`name\`.`)
      return {name: c.name, where: at(['cohorts', i]), fields, shares}
    })
  }
  if (root.patterns !== undefined && root.patterns !== null) {
    if (!Array.isArray(root.patterns)) throw new InitInputError(`${at(['patterns'])}: \`patterns\` must be a list of {present, share}.`)
    s.patterns = root.patterns.map((p, i) => {
      if (!isRecord(p) || !Array.isArray(p.present) || p.present.some((x) => typeof x !== 'string')) {
        throw new InitInputError(`${at(['patterns', i])}: a pattern is {present: [modality names], share: 0..1}.`)
      }
      return {present: p.present as string[], share: given(['patterns', i, 'share'], p.share), where: at(['patterns', i])}
    })
  }
  if (root.constraints !== undefined && root.constraints !== null) s.constraints = given(['constraints'], root.constraints)
  if (root.latency === null) s.noLatency = given(['latency'], null)
  else if (root.latency !== undefined) {
    if (!isRecord(root.latency)) throw new InitInputError(`${at(['latency'])}: \`latency\` must be a mapping with ${LATENCY_KEYS.join(', ')} (or null for none).`)
    for (const [k, v] of Object.entries(root.latency)) {
      if (!(LATENCY_KEYS as readonly string[]).includes(k)) throw new InitInputError(`${at(['latency', k])}: unknown key \`latency.${k}\`; use ${LATENCY_KEYS.join(', ')}.`)
      s.latency[k as LatencyKey] = given(['latency', k], v)
    }
  }
  return s
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** Lays `top` over `base`: scalar answers replace, modalities and cohorts merge by name (top's keys win). */
export function overlay(base: Supplied, top: Supplied): Supplied {
  const out: Supplied = {
    ...base,
    task: {...base.task, ...top.task},
    latency: {...base.latency, ...top.latency},
  }
  if (top.name) out.name = top.name
  if (top.description) out.description = top.description
  if (top.noLatency) {
    out.noLatency = top.noLatency
    out.latency = {}
  } else if (Object.keys(top.latency).length > 0) delete out.noLatency
  if (top.modalities) {
    const merged = (base.modalities ?? []).map((m) => ({...m, fields: {...m.fields}}))
    for (const m of top.modalities) {
      const existing = merged.find((x) => x.name === m.name)
      if (!existing) merged.push({...m, fields: {...m.fields}})
      else {
        if (SIZE_KEYS.some((k) => m.fields[k])) for (const k of SIZE_KEYS) delete existing.fields[k]
        Object.assign(existing.fields, m.fields)
        existing.where = m.where
      }
    }
    out.modalities = merged
  }
  if (top.cohorts) {
    const merged = (base.cohorts ?? []).map((c) => ({...c, fields: {...c.fields}, shares: {...c.shares}}))
    for (const c of top.cohorts) {
      const existing = merged.find((x) => x.name === c.name)
      if (!existing) merged.push({...c, fields: {...c.fields}, shares: {...c.shares}})
      else {
        Object.assign(existing.fields, c.fields)
        Object.assign(existing.shares, c.shares)
        existing.where = c.where
      }
    }
    out.cohorts = merged
  }
  if (top.patterns) out.patterns = top.patterns
  if (top.constraints) out.constraints = top.constraints
  return out
}

/**
 * What the command line supplies: an answers file (if given) overlaid with the flags, each value
 * remembering where it came from so errors can name the flag or the file position.
 */
export function suppliedFromFlags(flags: Record<string, unknown>): Supplied {
  let base = emptySupplied()
  const answersFile = flags.answers as string | undefined
  if (answersFile) base = readAnswers(answersFile, readSmallText(answersFile), answersFile)
  const s = emptySupplied()
  const str = (key: string) => flags[key] as string | undefined
  const given = (key: string) => (str(key) === undefined ? undefined : {raw: str(key), where: `--${key}`})
  s.name = given('name')
  s.description = given('description')
  const task = {type: given('task-type'), classes: given('classes'), metric: given('metric'), labelledSamples: given('labelled-samples'), interactions: given('interactions')}
  for (const [k, v] of Object.entries(task)) if (v) s.task[k as keyof typeof task] = v
  const modalitySpecs = flags.modality as string[] | undefined
  if (modalitySpecs) {
    s.modalities = []
    for (const spec of modalitySpecs) {
      const m = parseModalitySpec(spec)
      if (s.modalities.some((x) => x.name === m.name)) throw new InitInputError(`${m.where}: modality \`${m.name}\` is given twice; use one --modality per modality.`)
      s.modalities.push(m)
    }
  }
  const cohortSpecs = flags.cohort as string[] | undefined
  if (cohortSpecs) {
    s.cohorts = []
    for (const spec of cohortSpecs) {
      const c = parseCohortSpec(spec)
      if (s.cohorts.some((x) => x.name === c.name)) throw new InitInputError(`${c.where}: cohort \`${c.name}\` is given twice.`)
      s.cohorts.push(c)
    }
  }
  if (flags['no-cohorts']) s.cohorts = []
  const patternSpecs = flags.pattern as string[] | undefined
  if (patternSpecs) s.patterns = patternSpecs.map(parsePatternSpec)
  if (flags['no-patterns']) s.patterns = []
  const budget = str('latency-budget')
  if (budget !== undefined && /^\s*none\s*$/i.test(budget)) s.noLatency = {raw: null, where: '--latency-budget none'}
  else if (budget !== undefined) s.latency.budgetMs = {raw: budget, where: '--latency-budget'}
  const latency = {percentile: given('latency-percentile'), hardware: given('hardware'), batch: given('batch')}
  for (const [k, v] of Object.entries(latency)) if (v) s.latency[k as keyof typeof latency] = v
  const merged = overlay(base, s)
  // `--no-cohorts` overrides cohorts from an answers file instead of merging with them.
  if (flags['no-cohorts']) merged.cohorts = []
  return merged
}

/** Reads an answers or mapping file: a small regular file, refused above 1 MiB (and devices, FIFOs). */
export function readSmallText(file: string): string {
  try {
    return readBoundedFile(file, 1024 * 1024).toString('utf8')
  } catch (error) {
    if (error instanceof BoundedReadError) {
      if (error.kind === 'too-large') throw new InitInputError(`${file}: larger than 1 MiB; answers and mapping files are small YAML files.`)
      throw new InitInputError(`${file}: ${error.reason}.`)
    }
    throw error
  }
}
