// Bounded parsing: inputs built to make fuseplan do unbounded work while reading a profile (alias
// bombs, huge files, deep nesting, thousands of modalities and patterns) get a clear, positioned
// error quickly.
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {expectVerdict, profileVerdict} from '../helpers/verdict.js'
import {MAX_MODALITIES, MAX_PATTERNS} from '../../src/profile/schema.js'
import {MAX_SOURCE_BYTES, parseSource} from '../../src/profile/source.js'
import {lintSource} from '../../src/lint/lint.js'
import {tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, toYaml} from '../helpers/fuzz.js'

const BILLION_LAUGHS = `apiVersion: fuseplan/v1
kind: DeploymentProfile
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

function profileWith(modalities: number, patterns = 0): string {
  const names = Array.from({length: modalities}, (_, i) => `m${i}`)
  return toYaml({
    apiVersion: 'fuseplan/v1',
    kind: 'DeploymentProfile',
    name: 'big',
    task: {type: 'binary', labelledSamples: 1000},
    modalities: names.map((name) => ({name, type: 'tabular', features: 4, availability: 1})),
    ...(patterns > 0 ? {patterns: Array.from({length: patterns}, () => ({present: [names[0]], share: 0}))} : {}),
  })
}

function readExample(): string {
  return `apiVersion: fuseplan/v1\nkind: DeploymentProfile\nname: x\ntask: {type: binary, labelledSamples: 10}\nmodalities:\n  - {name: a, type: tabular, features: 3, availability: 1}\n`
}

describe('bounded parsing', () => {
  it('an alias bomb is refused with a message, not expanded', async () => {
    const report = lintSource(parseSource('bomb.yaml', BILLION_LAUGHS), true)!
    expect(report.findings.map((f) => f.message).join('\n')).toMatch(/alias/i)
    const dir = tempDir('fuseplan-bounds-')
    writeFileSync(join(dir, 'bomb.yaml'), BILLION_LAUGHS)
    const r = await runInProcess(['lint', 'bomb.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [1], 'lint of an alias bomb')
    expect(r.stdout).toMatch(/bomb\.yaml[\s\S]*alias/i)
    for (const command of [
      ['recommend', 'bomb.yaml'],
      ['scaffold', 'bomb.yaml', '--out', 'proj'],
    ]) {
      const rr = await runInProcess(command, {cwd: dir, timeoutMs: 20_000})
      expectCleanExit(rr, [2], command.join(' '))
      expect(rr.stderr).toMatch(/alias/i)
    }
  })

  it('a file over the size limit is refused before parsing, with its size and the limit', async () => {
    const dir = tempDir('fuseplan-bounds-')
    const big = `${readExample()}\n# ${'x'.repeat(MAX_SOURCE_BYTES)}\n`
    writeFileSync(join(dir, 'big.yaml'), big)
    const r = await runInProcess(['lint', 'big.yaml', '--format', 'json'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [1], 'lint of a huge file')
    const [report] = JSON.parse(r.stdout) as {messages: {ruleId: string; message: string}[]}[]
    expect(report.messages[0].ruleId).toBe('file-too-large')
    expect(report.messages[0].message).toContain(String(MAX_SOURCE_BYTES))
    const rec = await runInProcess(['recommend', 'big.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(rec, [2], 'recommend of a huge file')
    expect(rec.stderr).toContain(String(MAX_SOURCE_BYTES))
  })

  it('deep nesting does not overflow the stack', async () => {
    for (const text of ['['.repeat(20_000), `a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, `${Array.from({length: 3000}, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`, '{'.repeat(20_000)]) {
      const report = lintSource(parseSource('deep.yaml', text), true)
      expect(report!.findings.length).toBeGreaterThan(0)
    }
    const dir = tempDir('fuseplan-bounds-')
    writeFileSync(join(dir, 'deep.yaml'), `apiVersion: fuseplan/v1\nkind: DeploymentProfile\nname: ${'['.repeat(50_000)}\n`)
    expectCleanExit(await runInProcess(['lint', 'deep.yaml'], {cwd: dir}), [1], 'lint of deeply nested YAML')
  })
})

describe('caps on modalities and patterns', () => {
  it(`more than ${MAX_MODALITIES} modalities or ${MAX_PATTERNS} patterns is a schema finding, and every command stays fast`, async () => {
    const dir = tempDir('fuseplan-bounds-')
    writeFileSync(join(dir, 'many-modalities.yaml'), profileWith(MAX_MODALITIES + 1))
    writeFileSync(join(dir, 'many-patterns.yaml'), profileWith(2, MAX_PATTERNS + 1))
    writeFileSync(join(dir, 'at-cap.yaml'), profileWith(MAX_MODALITIES, MAX_PATTERNS))
    const r = await runInProcess(['lint', 'many-modalities.yaml', 'many-patterns.yaml', '--format', 'json'], {cwd: dir})
    expectCleanExit(r, [1], 'lint over the caps')
    const reports = JSON.parse(r.stdout) as {filePath: string; messages: {message: string}[]}[]
    for (const rep of reports) expect(rep.messages.map((m) => m.message).join('\n')).toMatch(/more than \d+ items/)
    // At the caps, the decision (which looks at patterns and pairs of modalities) still finishes.
    const rec = await runInProcess(['recommend', 'at-cap.yaml', '--format', 'json', '--date', '2026-01-01'], {cwd: dir, timeoutMs: 30_000})
    const v = profileVerdict('at-cap.yaml', readFileSync(join(dir, 'at-cap.yaml'), 'utf8'))
    expectCleanExit(rec, [v.exit], 'recommend at the caps')
    expectVerdict(rec, v, 'recommend at the caps')
    if (v.exit !== 2) expect((JSON.parse(rec.stdout) as {strategy: string | null}).strategy).toBe(v.strategy)
  })
})
