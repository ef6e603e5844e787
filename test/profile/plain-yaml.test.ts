// The fast reader (src/profile/plain-yaml.ts) must read exactly what `yaml` reads whenever it answers:
// same value, and no syntax finding from `yaml` on that text. It may give up on anything.
import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {generateProfile} from '../../bench/profiles.js'
import {readPlainYaml} from '../../src/profile/plain-yaml.js'
import {parseSource, parseWithYaml} from '../../src/profile/source.js'

/** Every path in a value, and beside each a child that does not exist. */
function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at, [...at, 'missing'], [...at, 7]]
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]))
  return out
}

/** Checks one text (value, positions of every node and key); returns whether the fast reader answered. */
function agrees(text: string): boolean {
  const fast = readPlainYaml(text)
  if (!fast) return false
  const full = parseWithYaml('x.yaml', text)
  expect(full.syntaxFindings, text).toEqual([])
  expect(fast.value, text).toStrictEqual(full.value)
  for (const path of paths(full.value))
    for (const key of [false, true]) expect(fast.rangeOf(path, {key}), `${JSON.stringify(text)} at ${path.join('.')}${key ? ' (key)' : ''}`).toEqual(full.rangeOf(path, {key}))
  return true
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    if (statSync(p).isDirectory()) return f === 'node_modules' ? [] : yamlFiles(p)
    return /\.ya?ml$/.test(f) ? [p] : []
  })
}

// A tiny seeded generator of YAML texts, mostly in the plain subset and often just outside it.
function rng(seed: number) {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 2 ** 32
  }
}
const PLAIN_KEYS = ['name', 'type', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'a-b', 'x_1', 'fuseplan/v1', 'modalities', 'task', 'size', 'shape', 'k9', 'Z', 'yes', 'on']
const ODD_KEYS = ['true', 'null', '__proto__', 'a b', '"q"', "'q'", '1', 'key ', '?k', 'é', 'a:b']
const PLAIN_SCALARS = [
  'x',
  'hello world',
  '',
  'fuseplan/v1',
  '1',
  '-3',
  '0',
  '1.0',
  '0.30',
  'yes',
  'no',
  'on',
  'null',
  'Null',
  '~',
  'true',
  'False',
  'TRUE',
  'a #c',
  'a#b',
  'C#',
  'a:b',
  'http://x.y/z',
  "'it''s'",
  "'x'",
  '"x"',
  '"a#b"',
  '"é"',
  "''",
  '""',
  '[a, b]',
  '[]',
  '{}',
  '[1, 2.5, -3]',
  '{a: 1, b: [x, y]}',
  '[a, [b, c]]',
  '[a] #c',
  '"x" #c',
  'é',
  'ünïcødé text',
  'a, b',
  'x   ',
  '[a, "b, c"]',
  "['a', b]",
  '{a: "x: y"}',
]
const ODD_SCALARS = [
  '-0',
  '-0.0',
  '007',
  '0x1f',
  '0o7',
  '1e3',
  '.5',
  '+1',
  '.inf',
  '.NaN',
  '12345678901234567',
  'a: b',
  'a:',
  '"x\\n"',
  '[a,]',
  '[a, , b]',
  '{a: 1, a: 2}',
  '{a:1}',
  '[a: 1]',
  '[a #c]',
  '[a] x',
  '"x"#c',
  '🙂',
  '&x a',
  '*x',
  '!t a',
  '!!str 1',
  '|',
  '>',
  '- x',
  '-x',
  '%x',
  '@x',
  '`x`',
  'a [b]',
  '\tx',
  'a\tb',
]
const KEYS = {plain: PLAIN_KEYS, odd: ODD_KEYS}
const SCALARS = {plain: PLAIN_SCALARS, odd: ODD_SCALARS}
/** Mostly from the plain pool, now and then from the odd one. */
function pick<T>(r: () => number, xs: readonly T[] | {plain: readonly T[]; odd: readonly T[]}): T {
  const pool = Array.isArray(xs) ? xs : r() < 0.96 ? (xs as {plain: T[]}).plain : (xs as {odd: T[]}).odd
  return pool[Math.floor(r() * pool.length)]
}

function generate(seed: number): string {
  const r = rng(seed)
  const out: string[] = []
  const emit = (indent: number, body: string) => {
    if (r() < 0.08) out.push(`${' '.repeat(r() < 0.5 ? 0 : Math.floor(r() * 6))}# comment ${pick(r, SCALARS)}`)
    if (r() < 0.03) out.push('')
    const wobble = r() < 0.04 ? pick(r, [-1, 1, 2]) : 0
    out.push(' '.repeat(Math.max(0, indent + wobble)) + body + (r() < 0.05 ? pick(r, ['  ', ' # trailing', '#x', '\t']) : ''))
  }
  const node = (indent: number, depth: number, prefix: string): void => {
    const roll = r()
    if (depth > 3 || roll < 0.5) {
      emit(indent, `${prefix} ${pick(r, SCALARS)}`.trimStart())
      return
    }
    if (roll < 0.75) {
      // A mapping below `prefix`.
      if (prefix) emit(indent, prefix)
      const inner = prefix ? indent + 1 + Math.floor(r() * 3) : indent
      const n = 1 + Math.floor(r() * 4)
      for (let i = 0; i < n; i++) node(inner, depth + 1, `${pick(r, KEYS)}:`)
      return
    }
    // A sequence below `prefix`, compact (same indent) or indented; items scalar, mapping or nested.
    if (prefix) emit(indent, prefix)
    const inner = prefix && r() < 0.3 ? indent : indent + 1 + Math.floor(r() * 3)
    const n = 1 + Math.floor(r() * 3)
    for (let i = 0; i < n; i++) {
      const kind = r()
      if (kind < 0.4) emit(inner, `- ${pick(r, SCALARS)}`)
      else if (kind < 0.8) {
        const gap = 1 + Math.floor(r() * 2)
        emit(inner, `-${' '.repeat(gap)}${pick(r, KEYS)}: ${pick(r, SCALARS)}`)
        const m = Math.floor(r() * 3)
        for (let j = 0; j < m; j++) node(inner + 1 + gap, depth + 1, `${pick(r, KEYS)}:`)
      } else if (kind < 0.97) {
        emit(inner, '-')
        node(inner + 2, depth + 1, `${pick(r, KEYS)}:`)
      } else emit(inner, pick(r, ['- - x', '-', '-x', '- #c']))
    }
  }
  const n = 1 + Math.floor(r() * 5)
  if (r() < 0.05) out.push('---')
  for (let i = 0; i < n; i++) node(0, 0, `${pick(r, KEYS)}:`)
  const eol = r() < 0.2 ? '\r\n' : r() < 0.02 ? '\r' : '\n'
  return out.join(eol) + (r() < 0.9 ? eol : '')
}

describe('the plain YAML reader', () => {
  it('reads every repository YAML file it answers for exactly as `yaml` does', () => {
    const root = join(import.meta.dirname, '..', '..')
    const files = ['examples', 'rules', 'test', 'templates', 'docs'].flatMap((d) => yamlFiles(join(root, d)))
    expect(files.length).toBeGreaterThanOrEqual(25)
    let answered = 0
    for (const f of files) if (agrees(readFileSync(f, 'utf8'))) answered++
    if (process.env.PLAIN_YAML_RUNS) console.log(`repository: ${answered} of ${files.length}`)
    expect(answered).toBeGreaterThan(10)
  })

  it("reads the lint benchmark's profiles as `yaml` does, and answers for nearly all the clean ones", () => {
    let clean = 0
    let answered = 0
    for (let i = 0; i < 150; i++) {
      const {text, defect} = generateProfile(i, 7)
      const ok = agrees(text)
      if (!defect) {
        clean++
        if (ok) answered++
      }
      if (defect === 'tab-indent') expect(ok).toBe(false)
    }
    expect(answered / clean).toBeGreaterThan(0.95)
  })

  it('never answers differently from `yaml` on generated texts in and around the subset', () => {
    let answered = 0
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        if (agrees(generate(seed))) answered++
      }),
      // A fixed seed keeps `npm test` repeatable; PLAIN_YAML_RUNS=N explores N fresh texts instead.
      process.env.PLAIN_YAML_RUNS ? {numRuns: Number(process.env.PLAIN_YAML_RUNS)} : {numRuns: 3000, seed: 20261206},
    )
    // The generator reaches both sides of the boundary.
    const runs = Number(process.env.PLAIN_YAML_RUNS ?? 3000)
    expect(answered).toBeGreaterThan(runs * 0.1)
    expect(answered).toBeLessThan(runs * 0.9)
  })

  it('gives up on what it does not read: anchors, tags, block scalars, escapes, odd numbers, tabs, lone CRs, duplicates', () => {
    for (const text of [
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: |\n  text\n',
      'a: "x\\ny"\n',
      'a: 1e3\n',
      'a: 0x1f\n',
      'a: .5\n',
      'a:\n\tb: 1\n',
      'a: 1\rb: 2\r',
      'a: 1\na: 2\n',
      'a: b\n  c\n',
      'a: [1,\n  2]\n',
      '--- \na: 1\n',
      '- a\n',
    ])
      expect(readPlainYaml(text), text).toBeUndefined()
  })

  it('parseSource gives the same findings and positions either way', () => {
    const text = 'apiVersion: fuseplan/v1\nkind: DeploymentProfile\nname: x\nmodalities:\n  - name: a\n    type: tabular\n    features: 3\n'
    const fast = parseSource('x.yaml', text)
    const full = parseWithYaml('x.yaml', text)
    expect(readPlainYaml(text)).toBeDefined()
    expect(fast.value).toStrictEqual(full.value)
    for (const path of [['modalities', 0, 'features'], ['name'], ['modalities', 0, 'missing'], ['nope']] as const)
      for (const key of [false, true]) expect(fast.rangeOf([...path], {key})).toEqual(full.rangeOf([...path], {key}))
  })
})
