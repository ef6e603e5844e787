// Serialising a Profile to the YAML people read and edit: the yaml-language-server modeline (so editors
// complete and document every key from the published schema), a short comment per section, keys in the
// order docs/design.md#documents lists them, short lists and maps in flow style. Same profile, same bytes.
import {stringify} from 'yaml'
import {PROFILE_SCHEMA_ID} from './schema.js'
import type {Cohort, Modality, Profile} from './types.js'

export interface WriteOptions {
  /** Comment lines (without `# `) after the modeline. */
  header?: string[]
  /** Overrides `kind` (answers files are written with `kind: InitAnswers`). */
  kind?: string
  /** Write `cohorts: []`, `patterns: []` and `latency: null` when absent, so a replay does not ask for them. */
  explicitEmpty?: boolean
  /** Leave out the per-section comments. */
  bare?: boolean
  /** The modeline's schema: a path relative to the written file (see shipped-schema.ts) or an address. Default: the schema's $id. */
  schema?: string
  /** Leave out the yaml-language-server modeline (for documents that are not profiles). */
  noModeline?: boolean
}

export const DEFAULT_HEADER = [
  'Deployment profile for fuseplan (written by `fuseplan init`; edit freely).',
  'Check it with `fuseplan lint FILE`; see the architecture it leads to with `fuseplan recommend FILE`.',
]

const SECTION_COMMENTS = {
  task: ['What the model predicts, and how much labelled data there is to learn it from.'],
  modalities: [
    'Input sources. availability: share (0..1) of inference requests in production in which the',
    'modality is present. missingness: why it is absent (random | informative | by-design).',
    'timing: how it arrives (static | episodic | continuous).',
  ],
  cohorts: ['Training subpopulations: their size and the modalities they carry. availability here is the', "share of the cohort's samples that have the modality (1 when not listed)."],
  patterns: ['Joint presence at deployment: which modalities arrive together, and the share of requests.'],
  latency: ['How fast one prediction must be (milliseconds at the given percentile).'],
  constraints: ['Other constraints on the architecture.'],
}

/** A YAML scalar on one line: plain when that is unambiguous, double-quoted otherwise. */
export function yamlScalar(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write the number ${value} to a profile`)
    return String(value)
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  const text = String(value)
  // Line breaks and control characters: JSON's double-quoted form is valid YAML and stays on one line.
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(text)) return JSON.stringify(text)
  return stringify(text, {lineWidth: 0, version: '1.2'}).trimEnd()
}

function flowList(values: readonly unknown[]): string {
  return `[${values.map(yamlScalar).join(', ')}]`
}

function flowMap(entries: [string, unknown][]): string {
  return `{${entries.map(([k, v]) => `${yamlScalar(k)}: ${yamlScalar(v)}`).join(', ')}}`
}

function modalityLines(m: Modality): string[] {
  const out: string[] = []
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined) out.push(`${out.length === 0 ? '  - ' : '    '}${key}: ${value}`)
  }
  put('name', yamlScalar(m.name))
  put('type', yamlScalar(m.type))
  if (m.features !== undefined) put('features', yamlScalar(m.features))
  if (m.shape !== undefined) put('shape', flowList(m.shape))
  if (m.sequence !== undefined)
    put(
      'sequence',
      flowMap([
        ['length', m.sequence.length],
        ['channels', m.sequence.channels],
      ]),
    )
  put('availability', yamlScalar(m.availability))
  if (m.trainingAvailability !== undefined) put('trainingAvailability', yamlScalar(m.trainingAvailability))
  if (m.missingness !== undefined) put('missingness', yamlScalar(m.missingness))
  if (m.timing !== undefined) put('timing', yamlScalar(m.timing))
  if (m.encoderLatencyMs !== undefined) put('encoderLatencyMs', yamlScalar(m.encoderLatencyMs))
  if (m.required !== undefined) put('required', yamlScalar(m.required))
  if (m.description !== undefined) put('description', yamlScalar(m.description))
  return out
}

function cohortLines(c: Cohort): string[] {
  const out = [`  - name: ${yamlScalar(c.name)}`, `    size: ${yamlScalar(c.size)}`]
  if (c.labelled !== undefined) out.push(`    labelled: ${yamlScalar(c.labelled)}`)
  out.push(`    modalities: ${flowList(c.modalities)}`)
  if (c.availability && Object.keys(c.availability).length > 0) out.push(`    availability: ${flowMap(Object.entries(c.availability))}`)
  if (c.description !== undefined) out.push(`    description: ${yamlScalar(c.description)}`)
  return out
}

function nested(value: unknown, indent: string): string[] {
  if (value === null || typeof value !== 'object') return [` ${yamlScalar(value)}`]
  const out: string[] = []
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object') out.push(`${indent}${yamlScalar(k)}:`, ...nested(v, indent + '  '))
    else out.push(`${indent}${yamlScalar(k)}: ${yamlScalar(v)}`)
  }
  return out
}

/** The profile as commented YAML text, ending with a newline. */
export function profileToYaml(profile: Profile, options: WriteOptions = {}): string {
  const lines: string[] = options.noModeline ? [] : [`# yaml-language-server: $schema=${options.schema ?? PROFILE_SCHEMA_ID}`]
  for (const h of options.header ?? DEFAULT_HEADER) lines.push(h === '' ? '#' : `# ${h}`)
  const section = (key: keyof typeof SECTION_COMMENTS) => {
    lines.push('')
    if (!options.bare) for (const c of SECTION_COMMENTS[key]) lines.push(`# ${c}`)
  }
  lines.push(`apiVersion: ${yamlScalar(profile.apiVersion)}`)
  lines.push(`kind: ${yamlScalar(options.kind ?? profile.kind)}`)
  lines.push(`name: ${yamlScalar(profile.name)}`)
  if (profile.description !== undefined) lines.push(`description: ${yamlScalar(profile.description)}`)

  section('task')
  const t = profile.task
  lines.push('task:', `  type: ${yamlScalar(t.type)}`)
  if (t.classes !== undefined) lines.push(`  classes: ${yamlScalar(t.classes)}`)
  if (t.metric !== undefined) lines.push(`  metric: ${yamlScalar(t.metric)}`)
  lines.push(`  labelledSamples: ${yamlScalar(t.labelledSamples)}`)
  if (t.interactions !== undefined) lines.push(`  interactions: ${yamlScalar(t.interactions)}`)

  section('modalities')
  lines.push('modalities:')
  for (const m of profile.modalities) lines.push(...modalityLines(m))

  if (profile.cohorts && profile.cohorts.length > 0) {
    section('cohorts')
    lines.push('cohorts:')
    for (const c of profile.cohorts) lines.push(...cohortLines(c))
  } else if (options.explicitEmpty) {
    section('cohorts')
    lines.push('cohorts: []')
  }

  if (profile.patterns && profile.patterns.length > 0) {
    section('patterns')
    lines.push('patterns:')
    for (const p of profile.patterns) lines.push(`  - present: ${flowList(p.present)}`, `    share: ${yamlScalar(p.share)}`)
  } else if (options.explicitEmpty) {
    section('patterns')
    lines.push('patterns: []')
  }

  if (profile.latency) {
    section('latency')
    const l = profile.latency
    lines.push('latency:', `  budgetMs: ${yamlScalar(l.budgetMs)}`)
    if (l.percentile !== undefined) lines.push(`  percentile: ${yamlScalar(l.percentile)}`)
    if (l.hardware !== undefined) lines.push(`  hardware: ${yamlScalar(l.hardware)}`)
    if (l.batch !== undefined) lines.push(`  batch: ${yamlScalar(l.batch)}`)
  } else if (options.explicitEmpty) {
    section('latency')
    lines.push('latency: null')
  }

  if (profile.constraints && Object.keys(profile.constraints).length > 0) {
    section('constraints')
    lines.push('constraints:', ...nested(profile.constraints, '  '))
  }
  return lines.join('\n') + '\n'
}
