// Shared pieces of the hostile-input tests: arbitraries for valid and mutated profiles, text-level
// mutations of YAML, and a CLI runner that treats a hang as a failure and spots stack traces.
import {spawnSync} from 'node:child_process'
import fc from 'fast-check'
import {stringify} from 'yaml'
import {BIN, ROOT} from './run-cli.js'

/** How many runs the property tests make; FUSEPLAN_FUZZ_SCALE=10 fuzzes ten times longer locally. */
export const FUZZ_SCALE = Number(process.env.FUSEPLAN_FUZZ_SCALE ?? 1) || 1
export const runs = (n: number) => Math.max(1, Math.round(n * FUZZ_SCALE))

/** A JavaScript stack frame, as printed by an uncaught error. */
export const STACK_TRACE = /\bat .*\.js:\d+/

export interface SpawnResult {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

/** Runs the built CLI; a run that outlives `timeoutMs` is killed and reported as timedOut. */
export function fuseplan(args: string[], options: {cwd?: string; input?: string; timeoutMs?: number; env?: Record<string, string>} = {}): SpawnResult {
  // NO_COLOR and no FORCE_COLOR at all (node warns when both are set, even to '').
  const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', DEBUG: '', ...options.env}
  delete env.FORCE_COLOR
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 30_000,
    maxBuffer: 64 * 2 ** 20,
  })
  const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT'
  return {status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut}
}

/** The contract every command keeps on hostile input: no hang, a documented exit code, no stack. */
export function expectCleanExit(r: SpawnResult, allowed: number[], what: string): void {
  const context = `${what}\nexit ${r.status} signal ${r.signal}\nstderr: ${r.stderr.slice(0, 1500)}\nstdout: ${r.stdout.slice(0, 500)}`
  if (r.timedOut) throw new Error(`hang (killed after the timeout): ${context}`)
  if (r.status === null || !allowed.includes(r.status)) throw new Error(`unexpected exit code: ${context}`)
  if (STACK_TRACE.test(r.stderr) || STACK_TRACE.test(r.stdout)) throw new Error(`stack trace printed: ${context}`)
  if (r.status !== 0 && r.stderr.trim() === '' && r.stdout.trim() === '') throw new Error(`failed without saying why: ${context}`)
}

// ---------------------------------------------------------------------------------------------
// Valid profiles

const MODALITY_TYPES = ['tabular', 'image', 'text', 'timeseries', 'omics', 'embedding'] as const
const share = fc.oneof(
  fc.constantFrom(0, 0.01, 0.05, 0.5, 0.8, 0.95, 0.99, 1),
  fc.double({min: 0, max: 1, noNaN: true}).map((x) => Math.round(x * 1000) / 1000),
)
const modalityName = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/)

const size = fc.oneof(
  fc.record({features: fc.integer({min: 1, max: 50_000})}),
  fc.record({shape: fc.array(fc.integer({min: 1, max: 512}), {minLength: 1, maxLength: 4})}),
  fc.record({sequence: fc.record({length: fc.integer({min: 1, max: 5000}), channels: fc.integer({min: 1, max: 64})})}),
)

const modality = fc
  .record(
    {
      type: fc.constantFrom(...MODALITY_TYPES),
      availability: share,
      trainingAvailability: share,
      missingness: fc.constantFrom('random', 'informative', 'by-design'),
      timing: fc.constantFrom('static', 'episodic', 'continuous'),
      encoderLatencyMs: fc.double({min: 0, max: 500, noNaN: true}).map((x) => Math.round(x * 10) / 10),
      required: fc.boolean(),
    },
    {requiredKeys: ['type', 'availability']},
  )
  .chain((m) => size.map((s) => ({...m, ...s})))

/** Profiles that pass the schema (cross-document checks may still find problems). */
export const validProfile = fc
  .record({
    names: fc.uniqueArray(modalityName, {minLength: 1, maxLength: 6}),
    taskType: fc.constantFrom('binary', 'multiclass', 'regression'),
    classes: fc.integer({min: 2, max: 20}),
    labelled: fc.integer({min: 1, max: 2_000_000}),
    interactions: fc.constantFrom('unknown', 'weak', 'strong', undefined),
    mods: fc.array(modality, {minLength: 6, maxLength: 6}),
    cohorts: fc.option(
      fc.array(
        fc.record({
          size: fc.integer({min: 1, max: 100_000}),
          labelled: fc.boolean(),
          pick: fc.array(fc.boolean(), {minLength: 6, maxLength: 6}),
          shares: fc.array(share, {minLength: 6, maxLength: 6}),
        }),
        {minLength: 1, maxLength: 3},
      ),
    ),
    patterns: fc.option(fc.array(fc.record({pick: fc.array(fc.boolean(), {minLength: 6, maxLength: 6}), share}), {minLength: 1, maxLength: 4})),
    latency: fc.option(
      fc.record({budgetMs: fc.double({min: 0.5, max: 5000, noNaN: true}).map((x) => Math.round(x * 10) / 10), hardware: fc.constantFrom('cpu', 'gpu'), batch: fc.integer({min: 1, max: 64})}),
    ),
  })
  .map((g) => {
    const modalities = g.names.map((name, i) => ({name, ...g.mods[i]}))
    const profile: Record<string, unknown> = {
      apiVersion: 'fuseplan/v1',
      kind: 'DeploymentProfile',
      name: 'fuzz-profile',
      task: {type: g.taskType, ...(g.taskType === 'multiclass' ? {classes: g.classes} : {}), labelledSamples: g.labelled, ...(g.interactions ? {interactions: g.interactions} : {})},
      modalities,
    }
    if (g.cohorts) {
      profile.cohorts = g.cohorts.map((c, ci) => {
        const carried = g.names.filter((_, i) => c.pick[i])
        const mods = carried.length > 0 ? carried : [g.names[0]]
        return {name: `cohort${ci}`, size: c.size, labelled: c.labelled, modalities: mods, availability: Object.fromEntries(mods.map((m, i) => [m, c.shares[i]]))}
      })
    }
    if (g.patterns) {
      const total = g.patterns.reduce((s, p) => s + p.share, 0)
      profile.patterns = g.patterns.map((p) => {
        const present = g.names.filter((_, i) => p.pick[i])
        return {present: present.length > 0 ? present : [g.names[0]], share: Math.floor((p.share / Math.max(1, total)) * 1000) / 1000}
      })
    }
    if (g.latency) profile.latency = {...g.latency, percentile: 99}
    return profile
  })

// ---------------------------------------------------------------------------------------------
// Mutations

/** Values that have broken parsers and validators before. */
export const nastyValue = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    ' ',
    '0',
    'NaN',
    '.inf',
    '__proto__',
    '../../etc/passwd',
    '${process.exit(1)}',
    '`rm -rf /`',
    "'; DROP TABLE",
    '"quoted"',
    '<script>',
    '\u0000',
    '\u202e',
    '🙂',
    'a'.repeat(5000),
    [],
    {},
    [[[[[]]]]],
    {__proto__: null},
  ),
  fc.string({maxLength: 40}),
  fc.double(),
  fc.integer(),
  fc.array(fc.anything({maxDepth: 2}), {maxLength: 4}),
  fc.dictionary(fc.string({maxLength: 8}), fc.anything({maxDepth: 1}), {maxKeys: 3}),
)

const dangerousKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '', ' ', 'a.b', '$ref', '{{x}}')

type Path = (string | number)[]

function allPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix)
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...prefix, i], out))
  else if (value && typeof value === 'object') for (const k of Object.keys(value)) allPaths((value as Record<string, unknown>)[k], [...prefix, k], out)
  return out
}

function parentOf(root: unknown, path: Path): Record<string | number, unknown> | undefined {
  let node = root as Record<string | number, unknown>
  for (const p of path.slice(0, -1)) node = node?.[p] as Record<string | number, unknown>
  return node && typeof node === 'object' ? node : undefined
}

export type Mutation = {kind: 'set'; at: number; value: unknown} | {kind: 'delete'; at: number} | {kind: 'addKey'; at: number; key: string; value: unknown} | {kind: 'duplicate'; at: number}

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({kind: fc.constant('set' as const), at: fc.nat(), value: nastyValue}),
  fc.record({kind: fc.constant('delete' as const), at: fc.nat()}),
  fc.record({kind: fc.constant('addKey' as const), at: fc.nat(), key: fc.oneof(dangerousKey, fc.string({maxLength: 10})), value: nastyValue}),
  fc.record({kind: fc.constant('duplicate' as const), at: fc.nat()}),
)

/** Applies mutations to a deep copy (JSON round trip keeps `__proto__` as an own key). */
export function mutate(value: unknown, mutations: Mutation[]): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown
  for (const m of mutations) {
    const paths = allPaths(copy).filter((p) => p.length > 0)
    if (paths.length === 0) break
    const path = paths[m.at % paths.length]
    const parent = parentOf(copy, path)
    if (!parent) continue
    const key = path.at(-1)!
    if (m.kind === 'set') parent[key] = m.value
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1)
      else delete parent[key]
    } else if (m.kind === 'addKey') {
      const target = parent[key]
      if (target && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, m.key, {value: m.value, enumerable: true, configurable: true, writable: true})
    } else if (Array.isArray(parent)) parent.push(JSON.parse(JSON.stringify(parent[key as number] ?? null)))
  }
  return copy
}

/** YAML text of any value; falls back to JSON (valid YAML) when the yaml stringifier refuses. */
export function toYaml(value: unknown): string {
  try {
    const text = stringify(value, {aliasDuplicateObjects: false, lineWidth: 0}) as string | undefined
    if (typeof text === 'string') return text
  } catch {
    // fall through
  }
  return JSON.stringify(value) ?? 'null'
}

/** Text-level damage: truncation, stray characters, tabs, anchors and aliases, BOMs, CRLF. */
export const textMutation = fc.oneof(
  fc.record({kind: fc.constant('truncate' as const), at: fc.double({min: 0, max: 1, noNaN: true})}),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.double({min: 0, max: 1, noNaN: true}),
    text: fc.oneof(
      fc.constantFrom(':', '- ', '\t', '&a ', '*a', '!!binary ', '!custom ', '{', '[', '"', "'", '\n', '\r\n', '#', '%YAML 1.1\n---\n', '---\n', '...\n', '<<: *a\n', '\u0000', '\ufeff', '? '),
      fc.string({maxLength: 6}),
    ),
  }),
  fc.record({kind: fc.constant('crlf' as const)}),
  fc.record({kind: fc.constant('bom' as const)}),
)

export function damage(text: string, mutations: {kind: string; at?: number; text?: string}[]): string {
  let out = text
  for (const m of mutations) {
    const at = Math.floor((m.at ?? 0) * out.length)
    if (m.kind === 'truncate') out = out.slice(0, at)
    else if (m.kind === 'insert') out = out.slice(0, at) + (m.text ?? '') + out.slice(at)
    else if (m.kind === 'crlf') out = out.replace(/\n/g, '\r\n')
    else if (m.kind === 'bom') out = `\ufeff${out}`
  }
  return out
}

/** A profile-shaped document: valid, structurally mutated, or damaged as text. */
export const hostileProfileText: fc.Arbitrary<string> = fc.oneof(
  {weight: 2, arbitrary: validProfile.map(toYaml)},
  {weight: 4, arbitrary: fc.tuple(validProfile, fc.array(mutation, {minLength: 1, maxLength: 4})).map(([p, ms]) => toYaml(mutate(p, ms)))},
  {weight: 3, arbitrary: fc.tuple(validProfile, fc.array(textMutation, {minLength: 1, maxLength: 3})).map(([p, ms]) => damage(toYaml(p), ms))},
  {weight: 1, arbitrary: fc.string({maxLength: 200})},
  {weight: 1, arbitrary: fc.anything({maxDepth: 3}).map(toYaml)},
)

/** Keys an attacker would like to see on every object afterwards. */
export function prototypeIsClean(): boolean {
  const probe = {} as Record<string, unknown>
  return probe.polluted === undefined && Object.keys(Object.prototype).length === 0 && Object.getOwnPropertyNames(Object.prototype).every((k) => BASELINE_PROTO_KEYS.has(k))
}
const BASELINE_PROTO_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype))

/** A one-rule pack whose condition is `when` (valid otherwise). */
export function rulePack(when: string): string {
  return `rules:
  - id: team-limit
    title: A rule whose condition is hostile
    rationale: Checks the CEL limits.
    source: test
    severity: warning
    when: ${JSON.stringify(when)}
    effects:
      finding:
        message: "fired"
        path: modalities
    examples:
      fires: {}
      passes: {}
`
}

// ---------------------------------------------------------------------------------------------
// Profile-shaped documents in classes whose verdict is known by construction

/**
 * `valid` passes the schema (cross-document rules may still find errors: the verdict helpers say
 * which); the three others cannot be used, so every command that reads them must exit 2.
 */
export type ProfileClass = 'valid' | 'schema-broken' | 'syntax-broken' | 'not-a-profile'
export interface ProfileCase {
  kind: ProfileClass
  text: string
}

/** Changes that no schema-valid profile survives. */
const schemaBreak = fc.oneof(
  fc.record({kind: fc.constant('availability' as const), index: fc.nat(), value: fc.constantFrom<unknown>(1.5, -0.1, 'often', null, [], {}, true)}),
  fc.record({kind: fc.constant('task-type' as const), value: fc.constantFrom<unknown>('clustering', 7, null, ['binary'])}),
  fc.record({kind: fc.constant('no-modalities' as const)}),
  fc.record({kind: fc.constant('labelled-samples' as const), value: fc.constantFrom<unknown>(-1, 'many', 0.5, null)}),
)

function breakSchema(profile: Record<string, unknown>, change: {kind: string; index?: number; value?: unknown}): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(profile)) as Record<string, unknown> & {modalities: Record<string, unknown>[]; task: Record<string, unknown>}
  if (change.kind === 'availability') copy.modalities[change.index! % copy.modalities.length].availability = change.value
  else if (change.kind === 'task-type') copy.task.type = change.value
  else if (change.kind === 'labelled-samples') copy.task.labelledSamples = change.value
  else delete (copy as Record<string, unknown>).modalities
  return copy
}

/** An unterminated flow sequence on a line of its own: no YAML parser accepts the document. */
export function breakSyntax(text: string, at: number): string {
  const lines = text.split('\n')
  const i = Math.floor(at * lines.length)
  return [...lines.slice(0, i), 'broken: [unclosed', ...lines.slice(i)].join('\n')
}

/** Line endings and a byte-order mark change no document's meaning. */
const neutralDamage = fc.record({crlf: fc.boolean(), bom: fc.boolean()})
const withNeutral = (text: string, n: {crlf: boolean; bom: boolean}) => `${n.bom ? '\ufeff' : ''}${n.crlf ? text.replace(/\n/g, '\r\n') : text}`

export const classifiedProfile: fc.Arbitrary<ProfileCase> = fc.oneof(
  {weight: 3, arbitrary: fc.tuple(validProfile, neutralDamage).map(([p, n]) => ({kind: 'valid' as const, text: withNeutral(toYaml(p), n)}))},
  {
    weight: 3,
    arbitrary: fc.tuple(validProfile, fc.array(schemaBreak, {minLength: 1, maxLength: 3}), neutralDamage).map(([p, changes, n]) => ({
      kind: 'schema-broken' as const,
      text: withNeutral(toYaml(changes.reduce(breakSchema, p)), n),
    })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validProfile, fc.double({min: 0, max: 1, noNaN: true}), neutralDamage)
      .map(([p, at, n]) => ({kind: 'syntax-broken' as const, text: withNeutral(breakSyntax(toYaml(p), at), n)})),
  },
  {
    weight: 1,
    arbitrary: fc
      .oneof(fc.string({maxLength: 200}), fc.anything({maxDepth: 3}).map(toYaml))
      .filter((t) => !t.includes('DeploymentProfile'))
      .map((text) => ({kind: 'not-a-profile' as const, text})),
  },
)
