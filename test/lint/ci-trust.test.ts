// Issue "CI lint you can trust", through the real CLI: nothing passes unseen, flags do not swallow
// paths, and nothing a pull request names can forge a workflow command.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'

const GOOD = readFileSync(new URL('../../examples/retail-complete.yaml', import.meta.url), 'utf8')

function workspace(files: Record<string, string>): string {
  const dir = tempDir()
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), {recursive: true})
    writeFileSync(join(dir, name), content)
  }
  return dir
}

interface JsonReport {
  filePath: string
  messages: {ruleId: string; message: string; line: number}[]
}

describe('no silent skips', () => {
  it('reports a profile with a misspelled or missing kind found by walking a folder; skips other YAML', async () => {
    const dir = workspace({
      'deploy/good.yaml': GOOD,
      'deploy/typo.yaml': GOOD.replace('kind: DeploymentProfile', 'kind: DeploymentProfle').replace('availability: 1.0', 'availability: 1.4'),
      'deploy/nokind.yaml': GOOD.replace('kind: DeploymentProfile\n', ''),
      'deploy/workflow.yaml': 'on: push\njobs: {}\n',
    })
    // The ESLint habit: the short flag, then the folder.
    const r = await runInProcess(['lint', '-f', 'json', 'deploy/'], {cwd: dir})
    expect(r.status).toBe(1)
    const reports = JSON.parse(r.stdout) as JsonReport[]
    expect(reports.map((x) => x.filePath.slice(dir.length + 1))).toEqual(['deploy/good.yaml', 'deploy/nokind.yaml', 'deploy/typo.yaml'])
    expect(reports[2].messages[0]).toMatchObject({ruleId: 'unknown-kind', line: 4})
    expect(reports[2].messages[0].message).toContain('did you mean `DeploymentProfile`?')
    expect(reports[1].messages[0].message).toContain('has no `kind`: add `kind: DeploymentProfile`')

    const stylish = await runInProcess(['lint', 'deploy'], {cwd: dir})
    expect(stylish.stdout).toContain('✖ 2 problems (2 errors, 0 warnings)')
  })

  it('fails the run when the folder walk stops at its entry limit, instead of passing what it did not see', async () => {
    // The limit is 100,000 entries; a lower one keeps the test fast (creating 100,001 files takes seconds).
    const dir = tempDir()
    mkdirSync(join(dir, 'big'))
    for (let i = 0; i <= 50; i++) writeFileSync(join(dir, 'big', `f${String(i).padStart(3, '0')}.txt`), '')
    writeFileSync(join(dir, 'big', 'zzz.yaml'), 'apiVersion: fuseplan/v1\nkind: DeploymentProfile\n')
    const r = await runInProcess(['lint', 'big'], {cwd: dir, env: {FUSEPLAN_LINT_MAX_ENTRIES: '50'}})
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('fuseplan: stopped searching "big" after 50 entries, so nothing was linted and no report written.')
    // Exactly at the limit nothing is missed.
    expect((await runInProcess(['lint', 'big'], {cwd: dir, env: {FUSEPLAN_LINT_MAX_ENTRIES: '52'}})).status).toBe(1)
  })
})

describe('repeatable flags', () => {
  it('--format, --output and --rules take one value each and leave the paths alone', async () => {
    const dir = workspace({'a.yaml': GOOD, 'b.yaml': GOOD.replace('name: retail-demand', 'name: Retail'), 'pack/.keep': ''})
    const r = await runInProcess(['lint', '--format', 'json', 'a.yaml', 'b.yaml'], {cwd: dir})
    expect(r.status).toBe(1)
    expect((JSON.parse(r.stdout) as JsonReport[]).map((x) => x.filePath.slice(dir.length + 1))).toEqual(['a.yaml', 'b.yaml'])
    const out = await runInProcess(['lint', '--rules', 'pack', '--format', 'sarif', '--output', 'out.sarif', 'a.yaml', 'b.yaml'], {cwd: dir})
    expect(out.status).toBe(1)
    expect(out.stdout).toBe('')
    const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as {runs: {artifacts: unknown[]}[]}
    expect(sarif.runs[0].artifacts).toHaveLength(2)
  })
})

describe('github format', () => {
  it('no path a pull request controls starts a line with `::`', async () => {
    const evil = '::error file=README.md,line=1::Approved'
    const dir = workspace({[`${evil}/p.yaml`]: GOOD.replace('name: retail-demand', 'name: Retail')})
    const r = await runInProcess(['lint', '--format', 'github', '.'], {cwd: dir})
    expect(r.status).toBe(1)
    const lines = r.stdout.split('\n')
    const commands = lines.filter((l) => l.trimStart().startsWith('::'))
    // The one annotation fuseplan means to print, with the path escaped as a property value.
    expect(commands).toEqual([expect.stringMatching(/^::error file=%3A%3Aerror file=README\.md%2Cline=1%3A%3AApproved\/p\.yaml,line=5,col=7,endLine=5,endColumn=13,title=schema::/)])
    expect(lines).toContain(`./${evil}/p.yaml`)
  })
})

describe('a clean run', () => {
  it('says how many files it checked and how many YAML files it skipped', async () => {
    const dir = workspace({'deploy/a.yaml': GOOD, 'deploy/b.yaml': GOOD, 'deploy/ci.yaml': 'on: push\n'})
    const r = await runInProcess(['lint', 'deploy'], {cwd: dir})
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('✔ 2 files checked, no problems (1 YAML file skipped: not fuseplan documents)\n')
  })
})

describe('discovery limit, in process', () => {
  it('the default limit is 100,000 entries per path given', async () => {
    const {discoverFiles, maxDiscoveredEntries} = await import('../../src/lint/discover.js')
    expect(maxDiscoveredEntries({})).toBe(100_000)
    expect(maxDiscoveredEntries({FUSEPLAN_LINT_MAX_ENTRIES: 'x'})).toBe(100_000)
    const dir = workspace({'a.yaml': GOOD, 'b.yaml': GOOD})
    expect(discoverFiles(['.'], dir, 2).truncated).toEqual([])
    expect(discoverFiles(['.'], dir, 1)).toMatchObject({truncated: ['.'], unmatched: []})
  })
})

describe('every finding in one run', () => {
  it('key typos (one finding each, with the key meant), a range error and a rule finding together; syntax errors at the mistake', async () => {
    const icu = readFileSync(new URL('../../examples/icu-deterioration.yaml', import.meta.url), 'utf8')
    const three = icu
      .replace('labelledSamples:', 'labeledSamples:')
      .replace('availability: 0.22', 'availability: 1.4')
      .replace('modalities: [ehr, cxr]', 'modalities: [ehr, cxr, xray]')
      .replace('    missingness: random\n', '    misingness: random\n')
    const lines = GOOD.split('\n')
    lines[10] = `    ${lines[10].trim()}`
    const dir = workspace({'three.yaml': three, 'indent.yaml': lines.join('\n')})
    const r = await runInProcess(['lint', 'three.yaml', 'indent.yaml'], {cwd: dir})
    expect(r.stdout).toBe(
      [
        '',
        'indent.yaml',
        "  11:5  error  This line is indented more than line 10 above it, so YAML reads it as part of that line's value. Indent it like the keys around it  yaml-syntax",
        '',
        'three.yaml',
        '  11:3   error  Unknown key `labeledSamples` in `task`; did you mean `labelledSamples`?                                     schema',
        '  18:5   error  Unknown key `misingness` in `modalities[0]`; did you mean `missingness`?                                    schema',
        '  25:19  error  `modalities[1].availability` is a share and must be between 0 and 1; got 1.4                                schema',
        "  40:28  error  Cohort `icu` names `xray`, which the profile does not define. The profile's modalities: ehr, cxr, genomics  known-modality-references",
        '',
        '✖ 5 problems (5 errors, 0 warnings)',
        '',
      ].join('\n'),
    )
    expect(r.status).toBe(1)
  })
})
