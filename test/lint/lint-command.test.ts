// Scenario tests: the real `fuseplan lint`, pinning stdout, exit code and files written.
import {mkdirSync, readFileSync, writeFileSync, existsSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'

const GOOD = readFileSync(new URL('../../examples/retail-complete.yaml', import.meta.url), 'utf8')

function workspace(files: Record<string, string | Buffer>): string {
  const dir = tempDir()
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), {recursive: true})
    writeFileSync(join(dir, name), content)
  }
  return dir
}

describe('fuseplan lint', () => {
  it('passes the bundled examples with exit 0 and says how many files it checked', async () => {
    const r = await runInProcess(['lint', 'examples/'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('✔ 5 files checked, no problems\n')
    expect(r.status).toBe(0)
  })

  it('reports schema problems at file:line:col with exit 1', async () => {
    const dir = workspace({
      'p.yaml': GOOD.replace('availability: 1.0\n    missingness: random\n    timing: static\n  - name: prices', 'availability: 1.7\n    missingness: random\n    timing: static\n  - name: prices'),
    })
    const r = await runInProcess(['lint', 'p.yaml', '--format', 'json'], {cwd: dir})
    expect(r.status).toBe(1)
    const [file] = JSON.parse(r.stdout)
    expect(file.filePath).toBe(join(dir, 'p.yaml'))
    expect(file.errorCount).toBe(1)
    expect(file.messages[0]).toMatchObject({ruleId: 'schema', severity: 2, line: 16, column: 19})
    expect(file.messages[0].message).toContain('between 0 and 1')
  })

  it('turns invalid YAML, empty and binary files into findings, not crashes', async () => {
    const dir = workspace({'a.yaml': 'kind: [unclosed\n', 'b.yaml': '', 'c.yml': Buffer.from([0x6b, 0, 1, 2])})
    const r = await runInProcess(['lint', '.', '--format', 'json'], {cwd: dir})
    expect(r.status).toBe(1)
    const out = JSON.parse(r.stdout) as {filePath: string; messages: {ruleId: string; line: number}[]}[]
    expect(out.map((f) => [f.filePath.slice(dir.length + 1), f.messages[0].ruleId])).toEqual([
      ['a.yaml', 'yaml-syntax'],
      ['b.yaml', 'empty-file'],
      ['c.yml', 'not-yaml'],
    ])
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
  })

  it('reports a duplicate key at the second occurrence', async () => {
    const dir = workspace({'d.yaml': GOOD.replace('name: retail-demand\n', 'name: retail-demand\nname: again\n')})
    const r = await runInProcess(['lint', 'd.yaml'], {cwd: dir})
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/^\s+6:1\s+error\s+Duplicate key.*duplicate-key$/m)
  })

  it('skips YAML that is not a fuseplan document when walking a folder, but not when named', async () => {
    const dir = workspace({'ci/workflow.yaml': 'on: push\njobs: {}\n', 'profile.yaml': GOOD})
    expect((await runInProcess(['lint', '.'], {cwd: dir})).status).toBe(0)
    const named = await runInProcess(['lint', 'ci/workflow.yaml'], {cwd: dir})
    expect(named.status).toBe(1)
    expect(named.stdout).toContain('Not a fuseplan document')
  })

  it('expands globs and fails with exit 2 when nothing matches', async () => {
    const dir = workspace({'deploy/a.yaml': GOOD, 'deploy/b/c.yaml': GOOD})
    const r = await runInProcess(['lint', 'deploy/**/*.yaml', '--format', 'json'], {cwd: dir})
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toHaveLength(2)
    const none = await runInProcess(['lint', 'nothing/*.yaml'], {cwd: dir})
    expect(none.status).toBe(2)
    expect(none.stderr).toContain('No files matching "nothing/*.yaml"')
  })

  it('writes each --format to its matching --output and honours --fail-severity and --max-warnings', async () => {
    const dir = workspace({'p.yaml': GOOD.replace('name: retail-demand', 'name: Retail')})
    const r = await runInProcess(['lint', 'p.yaml', '--format', 'json', '--format', 'junit', '--output', 'out.json', '--output', 'out.xml'], {cwd: dir})
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))[0].errorCount).toBe(1)
    expect(readFileSync(join(dir, 'out.xml'), 'utf8')).toContain('<testcase')
    const tooMany = await runInProcess(['lint', 'p.yaml', '--format', 'json', '--output', 'a.json', '--format', 'json'], {cwd: dir})
    expect(tooMany.status).toBe(1)
    const mismatch = await runInProcess(['lint', 'p.yaml', '--output', 'x', '--output', 'y'], {cwd: dir})
    expect(mismatch.status).toBe(2)
    expect(existsSync(join(dir, 'x'))).toBe(false)
  })

  it('prints GitHub annotations followed by the stylish report', async () => {
    const dir = workspace({'p.yaml': GOOD.replace('name: retail-demand', 'name: Retail')})
    const r = await runInProcess(['lint', 'p.yaml', '--format', 'github'], {cwd: dir})
    expect(r.status).toBe(1)
    const [annotation, ...rest] = r.stdout.split('\n')
    expect(annotation).toMatch(/^::error file=p\.yaml,line=5,col=7,endLine=5,endColumn=13,title=schema::/)
    expect(rest.join('\n')).toContain('✖ 1 problem (1 error, 0 warnings)')
  })

  it('rejects an unknown format as a usage error (exit 2)', async () => {
    const r = await runInProcess(['lint', 'examples/', '--format', 'xml'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('Expected --format=xml to be one of')
  })
})
