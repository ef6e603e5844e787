// Accepting a finding: suppression comments, config `ignores`, and reports of comments that no longer
// silence anything. The same comments hold for recommend, so lint and recommend keep one verdict.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {applySuppressions, directiveFindings, parseDirectives} from '../../src/profile/suppress.js'
import {tempDir} from '../helpers/run-cli.js'
import type {Finding} from '../../src/findings.js'

const ICU = readFileSync(new URL('../../examples/icu-deterioration.yaml', import.meta.url), 'utf8')
const PATTERNS = 'patterns:\n  - {present: [ehr], share: 0.8}\n  - {present: [ehr, cxr], share: 0.3}\n'

const finding = (ruleId: string, line: number): Finding => ({ruleId, severity: 'error', message: 'm', path: [], line, column: 1, endLine: line, endColumn: 2})

describe('suppression comments', () => {
  it('next-line covers the next content line and the block it opens; file-level covers every line', async () => {
    const text = 'a: 1\n# fuseplan-disable-next-line r1, r2 -- accepted\n\npatterns:\n  - x\n  - y\nb: 2\n# fuseplan-disable r3\n'
    const [next, file] = parseDirectives(text)
    expect(next).toMatchObject({kind: 'next-line', line: 2, column: 1, ruleIds: ['r1', 'r2'], reason: 'accepted', from: 4, to: 6})
    expect(file).toMatchObject({kind: 'file', line: 8, ruleIds: ['r3'], reason: undefined})
    const s = applySuppressions([finding('r1', 5), finding('r1', 7), finding('r3', 1), finding('schema', 5)], text)
    expect(s.findings.map((f) => `${f.ruleId}@${f.line}`)).toEqual(['r1@7', 'schema@5'])
    expect(s.suppressed.map((f) => `${f.ruleId}@${f.line}`)).toEqual(['r1@5', 'r3@1'])
    const about = directiveFindings(s.directives, () => true, true)
    expect(about.map((f) => [f.ruleId, f.line, f.message])).toEqual([['unused-disable-directive', 2, 'Unused suppression: no `r2` finding on lines 4-6. Remove `r2` from the comment.']])
  })

  it('a `#` inside a value is not a comment, and a comment without ids is reported', async () => {
    expect(parseDirectives('name: a#fuseplan-disable r1\n')).toEqual([])
    const [d] = parseDirectives('# fuseplan-disable-next-line\na: 1\n')
    expect(directiveFindings([d], () => true, true).map((f) => f.ruleId)).toEqual(['invalid-disable-directive'])
  })

  it('through the CLI: a suppressed error passes lint and recommend alike; unused and invalid comments are findings', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'accepted.yaml'), `${ICU}# fuseplan-disable-next-line pattern-shares-sum -- shares are rounded upstream\n${PATTERNS}`)
    writeFileSync(join(dir, 'stale.yaml'), ICU.replace('cohorts:\n', '# fuseplan-disable-next-line rare-modality -- fixed long ago\n# fuseplan-disable schema\ncohorts:\n'))
    const r = await runInProcess(['lint', '.'], {cwd: dir})
    expect(r.stdout).toBe(
      [
        '',
        'stale.yaml',
        '  36:1  warning  Unused suppression: no `rare-modality` finding on lines 38-48. Remove `rare-modality` from the comment             unused-disable-directive',
        '  37:1  error    `schema` cannot be suppressed: recommend, scaffold and evaluate refuse a file that fails it. Fix the file instead  invalid-disable-directive',
        '',
        '✖ 2 problems (1 error, 1 warning)',
        '',
      ].join('\n'),
    )
    expect(r.status).toBe(1)
    // As ESLint's JSON: the silenced finding is in suppressedMessages with the comment's reason.
    const json = JSON.parse((await runInProcess(['lint', 'accepted.yaml', '--format', 'json'], {cwd: dir})).stdout)
    expect(json[0].messages).toEqual([])
    expect(json[0].suppressedMessages).toEqual([
      expect.objectContaining({ruleId: 'pattern-shares-sum', severity: 2, suppressions: [{kind: 'directive', justification: 'shares are rounded upstream'}]}),
    ])
    expect(json[0].errorCount).toBe(0)
    const recommend = await runInProcess(['recommend', 'accepted.yaml', '--format', 'json'], {cwd: dir})
    expect(recommend.status).toBe(0)
  })

  it('config `ignores` skips files, and says so on a clean run', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'legacy'))
    writeFileSync(join(dir, 'ok.yaml'), ICU)
    writeFileSync(join(dir, 'legacy', 'old.yaml'), ICU + PATTERNS)
    expect((await runInProcess(['lint', '.'], {cwd: dir})).status).toBe(1)
    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'ignores: [legacy/**]\n')
    const r = await runInProcess(['lint', '.'], {cwd: dir})
    expect(r.stdout).toBe('✔ 1 file checked, no problems (1 ignored by config)\n')
    expect(r.status).toBe(0)
  })
})
