// Lint: one problem, one message. A tab or a key out of line is reported once, at its root, not
// again for every line the parser misreads after it; messages name the list a reader should compare
// with; a misspelled rule id in a disable comment gets a "did you mean"; and a finding a team's config
// raises to an error stays a finding in recommend, never "not a valid deployment profile".
import {copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseSource} from '../../src/profile/source.js'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'

const RETAIL = readFileSync(join(ROOT, 'examples', 'retail-complete.yaml'), 'utf8')

async function lint(text: string): Promise<{status: number | null; stdout: string}> {
  const dir = tempDir()
  writeFileSync(join(dir, 'p.yaml'), text)
  return runInProcess(['lint', 'p.yaml'], {cwd: dir})
}

describe('indentation and tab errors collapse to their root cause', () => {
  it('one over-dedented key: one error, on its line, saying which columns', async () => {
    const r = await lint(RETAIL.replace('\n  metric: rmse\n', '\n metric: rmse\n'))
    expect(r.status).toBe(1)
    expect(r.stdout).toBe(
      [
        '',
        'p.yaml',
        '  9:1  error  This line is indented 1 space, the keys of line 8 above it 2 spaces, so YAML cannot tell which mapping it belongs to. Indent it like the keys around it  yaml-syntax',
        '',
        '✖ 1 problem (1 error, 0 warnings)',
        '',
      ].join('\n'),
    )
  })

  it('one tab: one error', async () => {
    const r = await lint(RETAIL.replace('\n    features: 12\n', '\n\tfeatures: 12\n'))
    expect(r.stdout).toContain('  21:1  error  Tab used for indentation; YAML indents with spaces only. Replace the tab with spaces  yaml-syntax\n')
    expect(r.stdout).toContain('✖ 1 problem (1 error, 0 warnings)')
  })

  it('a list item key indented between the `-` and the keys: one error; an over-indented key: one error', async () => {
    const between = await lint(RETAIL.replace('\n    type: tabular\n    features: 48\n', '\n   type: tabular\n    features: 48\n'))
    expect(between.stdout).toContain('14:1  error  This line is indented 3 spaces, the keys of line 13 above it 4 spaces')
    expect(between.stdout).toContain('✖ 1 problem (1 error, 0 warnings)')
    const over = await lint(RETAIL.replace('\n    features: 48\n', '\n      features: 48\n'))
    expect(over.stdout).toContain('15:7  error  This line is indented more than line 14 above it')
    expect(over.stdout).toContain('✖ 1 problem (1 error, 0 warnings)')
  })

  it('on every example, moving any one line by one or two columns, or indenting it with a tab, gives at most one error', () => {
    let cases = 0
    for (const file of readdirSync(join(ROOT, 'examples'))) {
      const lines = readFileSync(join(ROOT, 'examples', file), 'utf8').split('\n')
      lines.forEach((line, i) => {
        if (!/^ +\S/.test(line) || /^\s*#/.test(line)) return
        const indent = /^ */.exec(line)![0].length
        for (const variant of [indent - 2, indent - 1, indent + 1, indent + 2, 'tab'] as const) {
          if (typeof variant === 'number' && variant < 0) continue
          const copy = [...lines]
          copy[i] = variant === 'tab' ? `\t${line.trimStart()}` : `${' '.repeat(variant)}${line.trimStart()}`
          const errors = parseSource(file, copy.join('\n')).syntaxFindings.filter((f) => f.severity === 'error')
          expect(errors.length, `${file}:${i + 1} moved to ${variant}: ${errors.map((e) => `${e.line}:${e.column} ${e.message}`).join(' | ')}`).toBeLessThanOrEqual(1)
          cases++
        }
      })
    }
    expect(cases).toBeGreaterThan(500)
  })

  it('independent problems in different top-level blocks are each reported', () => {
    const text = RETAIL.replace('\n  metric: rmse\n', '\n metric: rmse\n').replace('\n  budgetMs: 50\n', '\n\tbudgetMs: 50\n')
    expect(parseSource('p.yaml', text).syntaxFindings.map((f) => f.line)).toEqual([9, 37])
  })
})

describe('wording', () => {
  it('a cohort availability for a modality it does not list names the cohort’s modalities, not "known" ones', async () => {
    const text = RETAIL.replace('    modalities: [sales, prices, store]\n', '    modalities: [sales, prices]\n    availability: {store: 0.9, stores: 0.5}\n')
    const r = await lint(text)
    expect(r.stdout).toContain(
      "Cohort `pilot-stores` gives an availability for `store` but does not list it among its modalities; add it there or remove this availability. The cohort's modalities: sales, prices",
    )
    expect(r.stdout).toContain("Cohort `pilot-stores` gives an availability for `stores`, which the profile does not define. The profile's modalities: sales, prices, store")
    expect(r.stdout).not.toContain('Known modalities')
  })

  it('a misspelled rule id in a disable comment gets "did you mean"', async () => {
    const r = await lint(`# fuseplan-disable-next-line shifted-availabilty -- typo\n${RETAIL}`)
    expect(r.stdout).toContain(
      '1:1  error  `fuseplan-disable-next-line` names `shifted-availabilty`, which is not a rule id. Did you mean `shifted-availability`? (`fuseplan rules list` shows them.)  invalid-disable-directive',
    )
  })
})

describe('a severity raised by the config', () => {
  it('is an error in lint, and a finding (not an invalid profile) in recommend', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'deploy'))
    copyFileSync(join(ROOT, 'test', 'fixtures', 'recommend', 'wearable.yaml'), join(dir, 'deploy', 'p.yaml'))
    writeFileSync(join(dir, 'deploy', 'fuseplan.config.yaml'), 'overrides:\n  shifted-availability: {severity: error}\n')
    const linted = await runInProcess(['lint', 'deploy/p.yaml'], {cwd: dir})
    expect(linted.status).toBe(1)
    expect(linted.stdout).toMatch(/error {2}visit_notes is present in 30% .* shifted-availability/)

    const recommended = await runInProcess(['recommend', 'deploy/p.yaml', '--out', 'adr', '--date', '2026-01-15'], {cwd: dir})
    expect(recommended.status, recommended.stderr).toBe(0)
    expect(recommended.stderr).not.toContain('not a valid deployment profile')
    expect(recommended.stderr).toMatch(/^deploy\/p\.yaml:27:19: error: visit_notes is present in 30% .*\[shifted-availability\]\n$/)
    expect(readdirSync(join(dir, 'adr'))).toHaveLength(1)
  })

  it('a rule that is an error on its own still stops recommend', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'p.yaml'), RETAIL.replace('    modalities: [sales, prices, store]\n', '    modalities: [sales, prices, stor]\n'))
    const r = await runInProcess(['recommend', 'p.yaml'], {cwd: dir})
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('p.yaml is not a valid deployment profile')
  })
})
