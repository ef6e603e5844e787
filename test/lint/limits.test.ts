// Lint output stays linear in its input and bounded in size: findings per file are capped with a
// summary line in every format, messages are cut, SARIF holds at most 25,000 results. The attacks at
// their sizes: a 1 MB key beside another error, 200,000 findings in one 1 MB file, a 400,000-character
// rule message; and legitimate input (a 1 MB profile with 100 findings) still lints completely.
import {readFileSync, writeFileSync, mkdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {FileReport, Finding} from '../../src/findings.js'
import {lintFormatters} from '../../src/formatters/lint/index.js'
import {MAX_SARIF_RESULTS} from '../../src/formatters/lint/sarif.js'
import {limitFindings, MAX_FINDINGS_PER_FILE, MAX_MESSAGE_CHARS} from '../../src/lint/lint.js'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'
import {ctx} from '../fixtures/formatters/reports.js'

const EXAMPLE_TEXT = readFileSync(join(ROOT, 'examples', 'icu-deterioration.yaml'), 'utf8')
const MB = 1024 * 1024

function finding(line: number, over: Partial<Finding> = {}): Finding {
  return {ruleId: 'schema', severity: 'error', message: `Problem ${line}.`, line, column: 1, endLine: line, endColumn: 2, path: [], ...over}
}

describe('limitFindings', () => {
  it('keeps the first 1,000 in file order and counts the rest, by severity, at the first one left out', () => {
    const findings = Array.from({length: 200_000}, (_, i) => finding(200_000 - i, {severity: i % 2 ? 'warning' : 'error'}))
    const shown = limitFindings(findings)
    expect(shown).toHaveLength(MAX_FINDINGS_PER_FILE + 1)
    expect(shown[0].line).toBe(1)
    const last = shown.at(-1)!
    expect(last).toMatchObject({ruleId: 'too-many-findings', severity: 'error', line: MAX_FINDINGS_PER_FILE + 1, omitted: {error: 99_500, warning: 99_500, info: 0}})
    expect(last.message).toBe('...and 199,000 more problems in this file (99,500 errors, 99,500 warnings), not shown: lint shows the first 1,000 of a file. Fix those and lint again.')
  })

  it('cuts a long message, saying how much was left out', () => {
    const [f] = limitFindings([finding(1, {message: 'x'.repeat(1_000_000)})])
    expect(f.message.length).toBeLessThan(MAX_MESSAGE_CHARS + 50)
    expect(f.message).toMatch(/… \(998,000 more characters\)$/)
  })
})

describe('every format is linear and shows the summary line', () => {
  const reports = (): FileReport[] => [{filePath: '/work/project/a.yaml', findings: limitFindings(Array.from({length: 200_000}, (_, i) => finding(i + 1)))}]

  it.each(Object.keys(lintFormatters))('%s', (name) => {
    const out = lintFormatters[name as keyof typeof lintFormatters](reports(), ctx())
    expect(out).toContain('199,000 more problems in this file')
    // 1,001 lines of output, not 200,000.
    expect(out.length).toBeLessThan(2 * MB)
    if (name === 'stylish') expect(out).toContain('✖ 200000 problems (200000 errors, 0 warnings)')
    if (name === 'json') expect(JSON.parse(out)[0]).toMatchObject({errorCount: 200_000, warningCount: 0})
    if (name === 'junit') expect(out).toContain('failure message="200000 problems (200000 errors, 0 warnings)"')
  })

  it('a 400,000-character message through every format: linear, one line each', () => {
    const long = 'word '.repeat(80_000)
    const input: FileReport[] = [{filePath: '/work/project/a.yaml', findings: [finding(1, {message: long}), finding(2)]}]
    for (const [name, format] of Object.entries(lintFormatters)) {
      const out = format(input, ctx())
      expect(out.length, name).toBeLessThan(3 * long.length)
    }
  })

  it('SARIF holds at most 25,000 results and says how many it left out', () => {
    const many: FileReport[] = Array.from({length: 30}, (_, f) => ({filePath: `/work/project/f${f}.yaml`, findings: Array.from({length: 1000}, (_, i) => finding(i + 1))}))
    const log = JSON.parse(lintFormatters.sarif(many, ctx())) as {runs: {results: unknown[]; invocations: {toolExecutionNotifications: {message: {text: string}}[]}[]}[]}
    expect(log.runs[0].results).toHaveLength(MAX_SARIF_RESULTS)
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^5,000 more results are not in this log/)
  })
})

describe('the attacks, through the CLI', () => {
  it('a 1 MB key beside another error under `lint -f github`: both reported, the key cut short', async () => {
    const dir = tempDir('fuseplan-limits-')
    const text = EXAMPLE_TEXT.replace('availability: 0.22', 'availability: 1.5')
    const key = 'k'.repeat(MB - text.length - 100)
    writeFileSync(join(dir, 'big.yaml'), `${text}\n? ${key}\n: 1\n`)
    expect(statSync(join(dir, 'big.yaml')).size).toBeLessThanOrEqual(MB)
    const r = await runInProcess(['lint', 'big.yaml', '-f', 'github'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(r, [1], 'lint -f github with a 1 MB key')
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::error '))
    expect(annotations).toHaveLength(2)
    expect(r.stdout).toMatch(/Unknown key `k+… \(1,0\d\d,\d\d\d more characters\)/)
    expect(r.stdout).toMatch(/share and must be between 0 and 1; got 1\.5/)
    expect(r.stdout.length).toBeLessThan(20_000)
  }, 90_000)

  it('200,000 findings in one 1 MB file: annotations and every format printed, SARIF bounded', async () => {
    const dir = tempDir('fuseplan-limits-')
    writeFileSync(join(dir, 'dups.yaml'), `${EXAMPLE_TEXT}\n${'x: 1\n'.repeat(200_000)}`)
    expect(statSync(join(dir, 'dups.yaml')).size).toBeLessThanOrEqual(MB)
    const outputs = ['-', 'lint.json', 'lint.sarif', 'lint.xml', 'lint.txt']
    const r = await runInProcess(['lint', 'dups.yaml', ...['github', 'json', 'sarif', 'junit', 'stylish'].flatMap((f, i) => ['-f', f, '-o', outputs[i]])], {cwd: dir, timeoutMs: 90_000})
    expectCleanExit(r, [1], 'lint of 200,000 duplicate keys')
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::error '))
    expect(annotations).toHaveLength(MAX_FINDINGS_PER_FILE + 1)
    expect(annotations.at(-1)).toMatch(/title=too-many-findings::...and 198,999 more problems in this file \(198,999 errors, 0 warnings\)/)
    for (const file of outputs.slice(1)) expect(readFileSync(join(dir, file), 'utf8'), file).toContain('198,999 more problems in this file')
    expect(statSync(join(dir, 'lint.sarif')).size).toBeLessThan(5 * MB)
    expect(readFileSync(join(dir, 'lint.txt'), 'utf8')).toContain('✖ 199999 problems (199999 errors, 0 warnings)')
  }, 120_000)

  it('a rule message of 400,000 characters is a load error at its position', async () => {
    const dir = tempDir('fuseplan-limits-')
    writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
    mkdirSync(join(dir, 'pack'))
    const message = 'long '.repeat(80_000)
    writeFileSync(
      join(dir, 'pack', 'long.yaml'),
      `id: long-message\ntitle: A long message\nrationale: test\nsource: test\nseverity: warning\nwhen: "true"\neffects:\n  finding:\n    message: "${message}"\nexamples:\n  fires: {}\n  passes: {}\n`,
    )
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '-f', 'github'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(r, [2], 'lint with a 400,000-character message')
    expect(r.stderr).toMatch(/long\.yaml:9:14: Invalid template in finding `message`: Template is 400,000 characters long; fuseplan allows 100,000/)
  }, 90_000)

  it('legitimate input: a 1 MB profile with 100 real findings lints completely', async () => {
    const dir = tempDir('fuseplan-limits-')
    const keys = Array.from({length: 100}, (_, i) => `extra_${i}: ${i}`).join('\n')
    const body = `${EXAMPLE_TEXT}\n${keys}\n`
    const padding = `# ${'padding '.repeat(120)}\n`.repeat(Math.floor((MB - body.length - 2000) / 970))
    writeFileSync(join(dir, 'big.yaml'), `${padding}${body}`)
    expect(statSync(join(dir, 'big.yaml')).size).toBeGreaterThan(0.95 * MB)
    expect(statSync(join(dir, 'big.yaml')).size).toBeLessThanOrEqual(MB)
    const r = await runInProcess(['lint', 'big.yaml', '-f', 'json'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(r, [1], 'lint of a 1 MB profile with 100 findings')
    const [result] = JSON.parse(r.stdout) as {messages: {ruleId: string; message: string}[]; errorCount: number}[]
    expect(result.errorCount).toBe(100)
    expect(result.messages.map((m) => m.message)).toEqual(Array.from({length: 100}, (_, i) => expect.stringContaining(`\`extra_${i}\``)))
  }, 90_000)
})
