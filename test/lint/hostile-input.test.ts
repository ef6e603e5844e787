// Hostile input to `fuseplan lint`: arbitrary, mutated and damaged profiles, in process (many runs)
// and through the real CLI (fewer runs: each one starts a process). Always a report per file with
// positioned findings, exit 0/1, no stack trace, no hang, no prototype pollution.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {checkProfile, defaultRuleSet} from '../../src/engine/index.js'
import {lintSource} from '../../src/lint/lint.js'
import {parseSource} from '../../src/profile/source.js'
import {tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, hostileProfileText, prototypeIsClean, runs, validProfile, toYaml} from '../helpers/fuzz.js'

const SEVERITIES = new Set(['error', 'warning', 'info'])

function lintText(text: string | Buffer, name = 'fuzz.yaml') {
  const ruleSet = defaultRuleSet()
  return lintSource(parseSource(name, text), true, {checkProfile: (p) => checkProfile(ruleSet, p).map((f) => ({ruleId: f.ruleId, severity: f.severity, message: f.message, docPath: f.docPath}))})
}

function expectWellFormedReport(report: ReturnType<typeof lintText>, lines: number): void {
  expect(report).toBeDefined()
  for (const f of report!.findings) {
    expect(SEVERITIES.has(f.severity), `severity ${f.severity}`).toBe(true)
    expect(typeof f.ruleId === 'string' && f.ruleId.length > 0).toBe(true)
    expect(typeof f.message === 'string' && f.message.trim().length > 0).toBe(true)
    expect(f.line).toBeGreaterThanOrEqual(1)
    expect(f.column).toBeGreaterThanOrEqual(1)
    expect(f.line).toBeLessThanOrEqual(lines + 1)
    expect(f.endLine ?? f.line).toBeGreaterThanOrEqual(f.line)
  }
}

describe('lint, in process', () => {
  it('never throws on hostile profile text and every finding is positioned', async () => {
    await fc.assert(
      fc.asyncProperty(hostileProfileText, async (text) => {
        const report = lintText(text)
        expectWellFormedReport(report, text.split('\n').length)
        expect(prototypeIsClean()).toBe(true)
      }),
      {numRuns: runs(400)},
    )
  }, 120_000)

  it('never throws on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({maxLength: 400}), async (bytes) => {
        const report = lintText(Buffer.from(bytes))
        expectWellFormedReport(report, Buffer.from(bytes).toString('utf8').split('\n').length)
      }),
      {numRuns: runs(200)},
    )
  }, 120_000)

  it('a schema-valid generated profile is linted by the rule engine without an internal error', async () => {
    await fc.assert(
      fc.asyncProperty(validProfile, async (profile) => {
        const report = lintText(toYaml(profile))
        expectWellFormedReport(report, 10_000)
        // Rules that cannot be evaluated report themselves as findings: none should on a valid profile.
        const broken = report!.findings.filter((f) => f.message.includes('could not be evaluated'))
        expect(broken).toEqual([])
      }),
      {numRuns: runs(200)},
    )
  }, 120_000)

  it('`__proto__`, `constructor` and `prototype` keys anywhere pollute nothing', async () => {
    const texts = [
      'apiVersion: fuseplan/v1\nkind: DeploymentProfile\n__proto__:\n  polluted: yes\nname: x\n',
      'apiVersion: fuseplan/v1\nkind: DeploymentProfile\nname: x\ntask: {type: binary, labelledSamples: 10, __proto__: {polluted: 1}}\nmodalities:\n  - {name: a, type: tabular, features: 3, availability: 1, constructor: {prototype: {polluted: 1}}}\n',
      'apiVersion: fuseplan/v1\nkind: DeploymentProfile\nname: x\ntask: {type: binary, labelledSamples: 10}\nmodalities:\n  - {name: a, type: tabular, features: 3, availability: 1}\ncohorts:\n  - {name: c, size: 3, modalities: [a], availability: {__proto__: 0.5, a: 1}}\n',
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}\n',
    ]
    for (const text of texts) {
      const report = lintText(text)
      expectWellFormedReport(report, text.split('\n').length)
      expect(report!.findings.some((f) => f.severity === 'error')).toBe(true)
      expect(prototypeIsClean()).toBe(true)
    }
  })
})

describe('lint, through the CLI', () => {
  it('reports every file, exits 0 or 1, prints no stack trace and does not hang', async () => {
    const root = tempDir('fuseplan-fuzz-lint-')
    let run = 0
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({weight: 5, arbitrary: hostileProfileText}, {weight: 1, arbitrary: fc.uint8Array({maxLength: 200}).map((b) => Buffer.from(b))}), {minLength: 1, maxLength: 8}),
        async (docs) => {
          const dir = join(root, String(run++))
          mkdirSync(dir)
          const files = docs.map((doc, i) => {
            const file = join(dir, `doc-${i}.yaml`)
            writeFileSync(file, doc)
            return file
          })
          const r = await runInProcess(['lint', ...files, '--format', 'json'], {cwd: dir})
          expectCleanExit(r, [0, 1], `lint of ${files.length} files in ${dir}`)
          const reports = JSON.parse(r.stdout) as {filePath: string; messages: {line: number; column: number}[]}[]
          expect(reports.map((x) => x.filePath).sort()).toEqual(files.sort())
          for (const rep of reports) for (const m of rep.messages) expect(m.line >= 1 && m.column >= 1).toBe(true)
        },
      ),
      {numRuns: runs(20)},
    )
  }, 120000)

  it('the default stylish output on the same kind of input is clean too', async () => {
    const root = tempDir('fuseplan-fuzz-lint-stylish-')
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.array(hostileProfileText, {minLength: 1, maxLength: 5}), async (docs) => {
        const dir = join(root, String(run++))
        mkdirSync(dir)
        docs.forEach((doc, i) => writeFileSync(join(dir, `p${i}.yaml`), doc))
        // A directory walk: files that are not fuseplan documents are skipped, the rest reported.
        const r = await runInProcess(['lint', '.'], {cwd: dir})
        expectCleanExit(r, [0, 1], `lint . in ${dir}`)
      }),
      {numRuns: runs(10)},
    )
  }, 75000)
})
