// Lint and the commands that use a profile (recommend, scaffold, evaluate) must agree on every file:
// lint passes a file exactly when recommend accepts it. Both read it with the one YAML parser.
import fc from 'fast-check'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {CommandFailure} from '../../src/cli/base-command.js'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {loadProfileWithRules} from '../../src/cli/load-profile.js'
import {lintWithRules} from '../../src/lint/run.js'
import {tempDir} from '../helpers/run-cli.js'
import {hostileProfileText, runs} from '../helpers/fuzz.js'

const EXAMPLES = ['icu-deterioration', 'fraud-realtime', 'retail-complete', 'wearable-afib'].map((n) => readFileSync(new URL(`../../examples/${n}.yaml`, import.meta.url), 'utf8'))
const dir = tempDir('fuseplan-verdict-')

/** Lint's verdict: no error other than a decision-scope one (an outcome, which recommend reports itself). */
function lintAccepts(file: string): boolean {
  const run = lintWithRules([{path: file, explicit: true}], {cwd: dir})
  const set = run.ruleSets[0]
  return !run.reports.some((r) => r.findings.some((f) => f.severity === 'error' && set.byId.get(f.ruleId)?.rule.scope !== 'decision'))
}

/** Recommend's verdict: the profile loads (it exits 2 otherwise). */
function recommendAccepts(file: string): boolean {
  try {
    loadProfileWithRules(file, {}, 'nothing to recommend')
    return true
  } catch (error) {
    if (error instanceof CommandFailure) return false
    throw error
  }
}

// Text that two YAML readers are known to read differently: line breaks, number forms, complex keys, tags.
const TRICKY = [
  '\r',
  '\r\n',
  '\t',
  '0b101',
  '0o17',
  '0x1F',
  '1_000',
  '+1',
  '.5',
  '1e3',
  '.inf',
  '~',
  'null',
  'yes',
  'on',
  '? ',
  '? [cxr] : 0.26',
  '{? [a] : 1}',
  '!!str ',
  '&a ',
  '*a',
  '<<: ',
  '# note\r    ',
  '"\\u0041"',
  "'x'",
  '|',
  '>-',
  '- ',
  ': ',
  '---\n',
  '...\n',
  '%YAML 1.1\n---\n',
]

const trickyMutation = fc.tuple(fc.nat(EXAMPLES.length - 1), fc.array(fc.tuple(fc.nat(4000), fc.constantFrom(...TRICKY), fc.boolean()), {minLength: 1, maxLength: 3})).map(([e, edits]) => {
  let text = EXAMPLES[e]
  for (const [at, junk, replaceLine] of edits) {
    const i = at % text.length
    if (replaceLine) {
      const lines = text.split('\n')
      const l = at % lines.length
      lines[l] = lines[l].replace(/(:\s*)\S.*$/, `$1${junk}`)
      text = lines.join('\n')
    } else text = text.slice(0, i) + junk + text.slice(i)
  }
  return text
})

// recommend prints why it refuses a profile; these tests only want the verdict.
const write = process.stderr.write
beforeAll(() => {
  process.stderr.write = vi.fn(() => true) as never
})
afterAll(() => {
  process.stderr.write = write
})

describe('one verdict', () => {
  it('lint passes a fuzzed file exactly when recommend accepts it', async () => {
    let n = 0
    fc.assert(
      fc.property(fc.oneof({weight: 3, arbitrary: trickyMutation}, {weight: 1, arbitrary: hostileProfileText}), (text) => {
        const named = join(dir, `p${n++ % 4}.yaml`)
        writeFileSync(named, text)
        expect(lintAccepts(named)).toBe(recommendAccepts(named))
      }),
      {numRuns: runs(150)},
    )
  }, 120_000)

  it('the examples pass both', async () => {
    for (const [i, text] of EXAMPLES.entries()) {
      const file = join(dir, `example-${i}.yaml`)
      writeFileSync(file, text)
      expect(lintAccepts(file)).toBe(true)
      expect(recommendAccepts(file)).toBe(true)
    }
  })
})

describe('one verdict, through the CLI', () => {
  it('lint fails the files recommend refuses: CR-only lines, 0b numbers, complex keys', async () => {
    const icu = EXAMPLES[0]
    const cases: Record<string, string> = {
      'cr.yaml': `# a comment\n${icu}`.replace(/\n/g, '\r'),
      'binary.yaml': icu.replace(/labelledSamples: \d+/, 'labelledSamples: 0b100011'),
      'complex.yaml': icu.replace('availability: {cxr: ', 'availability: {? [cxr] : '),
    }
    const cwd = tempDir()
    for (const [name, text] of Object.entries(cases)) writeFileSync(join(cwd, name), text)
    const lint = await runInProcess(['lint', '--format', 'json', ...Object.keys(cases)], {cwd})
    expect(lint.status).toBe(1)
    const byFile = Object.fromEntries(
      (JSON.parse(lint.stdout) as {filePath: string; errorCount: number; messages: {ruleId: string; message: string}[]}[]).map((r) => [r.filePath.slice(cwd.length + 1), r]),
    )
    for (const name of Object.keys(cases)) expect(byFile[name].errorCount, name).toBeGreaterThan(0)
    expect(byFile['cr.yaml'].messages[0].message).toContain('carriage return')
    expect(byFile['complex.yaml'].messages[0].message).toContain('plain word')
    // The in-process property covers recommend on each; one run checks the parser is quiet on stderr.
    const r = await runInProcess(['recommend', 'complex.yaml'], {cwd})
    expect(r.status).toBe(2)
    expect(r.stderr).not.toContain('Warning')
    for (const name of Object.keys(cases)) expect(recommendAccepts(join(cwd, name)), name).toBe(false)
  })

  it('a comment ending in a lone carriage return hides the rest of its line from both', async () => {
    const cwd = tempDir()
    writeFileSync(join(cwd, 'note.yaml'), EXAMPLES[2].replace('task:\n', 'task:\n  # note\r    labelledSamples: -5\n'))
    expect((await runInProcess(['lint', 'note.yaml'], {cwd})).status).toBe(0)
    expect(recommendAccepts(join(cwd, 'note.yaml'))).toBe(true)
  })
})
