// Identical input gives byte-identical output: across runs, across folders (no absolute paths leak
// into what is meant to be shared), across time zones and locales. Runs in another time zone and
// locale are spawned (a process reads its locale once, at start); the others run in process.
import {copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {runInProcess} from '../helpers/in-process.js'
import {expectCleanExit, fuseplan, toYaml, validProfile} from '../helpers/fuzz.js'

const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort()

/** Other clocks and locales: output must not depend on them. */
const ELSEWHERE = {TZ: 'Pacific/Kiritimati', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8'}

/** Two folders with the same content at different absolute paths. */
function twoCopies(files: Record<string, string>): [string, string] {
  const a = join(tempDir('fuseplan-det-a-'), 'work')
  const b = join(tempDir('fuseplan-det-bb-'), 'nested', 'work')
  for (const dir of [a, b]) {
    mkdirSync(dir, {recursive: true})
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  }
  return [a, b]
}

const exampleFiles = () => Object.fromEntries(EXAMPLES.map((f) => [f, readFileSync(join(ROOT, 'examples', f), 'utf8')]))

function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const f of readdirSync(dir, {recursive: true}).map(String).sort()) {
    const p = join(dir, f)
    try {
      out[f] = readFileSync(p, 'utf8')
    } catch {
      // a folder
    }
  }
  return out
}

describe('lint output is deterministic', () => {
  it('json, sarif, junit and stylish: same bytes on a second run, from another folder, in another time zone and locale', async () => {
    const generated = fc.sample(validProfile, {numRuns: 6, seed: 42}).map(toYaml)
    const files = {...exampleFiles(), ...Object.fromEntries(generated.map((t, i) => [`gen-${i}.yaml`, t]))}
    const [a, b] = twoCopies(files)
    for (const format of ['json', 'sarif', 'junit', 'stylish']) {
      const first = await runInProcess(['lint', '.', '--format', format], {cwd: a})
      expectCleanExit(first, [0, 1], `lint --format ${format}`)
      const again = fuseplan(['lint', '.', '--format', format], {cwd: a, env: ELSEWHERE})
      expect(again.stdout, `${format}: second run`).toBe(first.stdout)
      // From another checkout: the same report once the folder is swapped. ESLint's JSON shape carries
      // absolute filePaths by contract, SARIF names its SRCROOT base; stylish shows relative paths.
      const elsewhere = await runInProcess(['lint', '.', '--format', format], {cwd: b})
      expect(elsewhere.stdout.split(b).join(a), `${format}: other folder`).toBe(first.stdout)
      if (format === 'stylish') expect(elsewhere.stdout).not.toContain(b)
      if (format === 'sarif') expect(elsewhere.stdout.split(b).length - 1, 'sarif: the folder appears only as SRCROOT').toBe(1)
    }
  }, 120_000)
})

describe('recommend output is deterministic', () => {
  it('adr, json and yaml: same bytes across runs, folders, time zones and locales', async () => {
    const [a, b] = twoCopies(exampleFiles())
    for (const example of EXAMPLES) {
      for (const format of ['adr', 'json', 'yaml']) {
        const args = ['recommend', example, '--format', format, '--date', '2026-01-01']
        const first = await runInProcess(args, {cwd: a})
        expectCleanExit(first, [0, 1], `recommend ${example} --format ${format}`)
        // The prose format in a process started in another locale; every format in another time zone.
        const again = format === 'adr' ? fuseplan(args, {cwd: a, env: ELSEWHERE}) : await runInProcess(args, {cwd: a, env: {TZ: ELSEWHERE.TZ}})
        expect(again.stdout, `${example} ${format}: second run`).toBe(first.stdout)
        expect((await runInProcess(args, {cwd: b})).stdout, `${example} ${format}: other folder`).toBe(first.stdout)
      }
    }
  }, 240_000)

  it('--out writes the same ADR files in two folders', async () => {
    const [a, b] = twoCopies(exampleFiles())
    for (const dir of [a, b]) expectCleanExit(await runInProcess(['recommend', EXAMPLES[0], '--out', 'adr', '--date', '2026-01-01'], {cwd: dir}), [0, 1], 'recommend --out')
    expect(readTree(join(b, 'adr'))).toEqual(readTree(join(a, 'adr')))
  }, 60_000)
})

describe('scaffold trees are deterministic', () => {
  it('the same profile gives byte-identical projects in two folders, in another time zone and locale', async () => {
    const [a, b] = twoCopies(exampleFiles())
    for (const example of EXAMPLES.slice(0, 2)) {
      const out = `proj-${example.replace(/\.yaml$/, '')}`
      expectCleanExit(await runInProcess(['scaffold', example, '--out', out], {cwd: a}), [0], `scaffold ${example}`)
      expectCleanExit(fuseplan(['scaffold', example, '--out', out], {cwd: b, env: ELSEWHERE}), [0], `scaffold ${example} elsewhere`)
      const left = readTree(join(a, out))
      const right = readTree(join(b, out))
      expect(Object.keys(right)).toEqual(Object.keys(left))
      for (const f of Object.keys(left)) expect(right[f], f).toBe(left[f])
      for (const [f, text] of Object.entries(left)) {
        expect(text, `${f} holds an absolute path`).not.toContain(a)
        expect(text, `${f} holds a date`).not.toMatch(/\b20\d\d-\d\d-\d\dT\d\d:/)
      }
    }
  }, 120_000)
})

describe('init is deterministic', () => {
  it('init --yes writes the same profile and answers twice', async () => {
    const [a, b] = twoCopies({})
    for (const [dir, env] of [
      [a, {}],
      [b, ELSEWHERE],
    ] as const) {
      const args = ['init', '--yes', '--out', 'p.yaml', '--save-answers', 'answers.yaml']
      expectCleanExit(env === ELSEWHERE ? fuseplan(args, {cwd: dir, env}) : await runInProcess(args, {cwd: dir}), [0], 'init --yes')
    }
    expect(readTree(b)).toEqual(readTree(a))
  }, 60_000)
})

describe('evaluate is deterministic for a seed', () => {
  it('--format json --seed 3: same bytes twice (also from another folder)', async () => {
    const [a, b] = twoCopies(exampleFiles())
    const args = [
      'evaluate',
      EXAMPLES[0],
      '--quick',
      '--format',
      'json',
      '--seed',
      '3',
      '--samples',
      '300',
      '--test-samples',
      '100',
      '--epochs',
      '2',
      '--candidates',
      'early/complete-case,late',
      '--max-input-size',
      '16',
    ]
    const first = await runInProcess(args, {cwd: a, timeoutMs: 120_000})
    expectCleanExit(first, [0, 1], 'evaluate')
    expect(fuseplan(args, {cwd: a, timeoutMs: 120_000, env: ELSEWHERE}).stdout).toBe(first.stdout)
    expect((await runInProcess(args, {cwd: b, timeoutMs: 120_000})).stdout).toBe(first.stdout)
  }, 300_000)
})

it('the examples folder is what the determinism tests read', async () => {
  expect(EXAMPLES.length).toBeGreaterThan(0)
  copyFileSync(join(ROOT, 'examples', EXAMPLES[0]), join(tempDir('fuseplan-det-'), 'x.yaml'))
})
