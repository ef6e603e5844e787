// One way to stop with a problem (docs/design.md#exit-codes): every command prints a broken rule pack,
// a usage error and an unknown command the same compiler-style way on stderr, with the same exit code,
// and never oclif's boxed `Error:`.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'

const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')

function brokenPack(): string {
  const dir = tempDir('fuseplan-exit-')
  mkdirSync(join(dir, 'pack'))
  writeFileSync(join(dir, 'pack', 'bad.yaml'), 'rules:\n  - id: Bad_Id\n    title: x\n')
  return dir
}

/** stderr without the consequence each command adds after the semicolon. */
const problemLines = (stderr: string) => stderr.replace(/(could not be loaded \(\d+ problems?\))[^\n]*/, '$1')

describe('exit convention', () => {
  it('a rule pack that cannot be loaded prints the same lines and exits 2 in every command', async () => {
    const dir = brokenPack()
    const runs = {
      lint: await runInProcess(['lint', EXAMPLE, '--rules', 'pack'], {cwd: dir}),
      recommend: await runInProcess(['recommend', EXAMPLE, '--rules=pack'], {cwd: dir}),
      scaffold: await runInProcess(['scaffold', EXAMPLE, '--out', 'proj', '--rules=pack'], {cwd: dir}),
      'rules list': await runInProcess(['rules', 'list', '--rules', 'pack'], {cwd: dir}),
      'rules show': await runInProcess(['rules', 'show', 'x', '--rules', 'pack'], {cwd: dir}),
      'rules test': await runInProcess(['rules', 'test', 'pack'], {cwd: dir}),
    }
    for (const [command, r] of Object.entries(runs)) {
      expect(r.status, command).toBe(2)
      expect(r.stdout, command).toBe('')
      expect(r.stderr, command).not.toMatch(/Error:|›/)
      expect(r.stderr, command).toMatch(/^pack\/bad\.yaml:2:9: Rule id `Bad_Id` must be kebab-case/m)
      expect(r.stderr.trimEnd().split('\n').at(-1), command).toMatch(/^fuseplan: the rule set could not be loaded \(\d+ problems\)/)
      expect(problemLines(r.stderr), command).toBe(problemLines(runs.lint.stderr))
    }
  })

  it('under --json a failure keeps its exit code and writes the error object', async () => {
    const dir = brokenPack()
    const r = await runInProcess(['rules', 'list', '--rules', 'pack', '--json'], {cwd: dir})
    expect(r.status).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({error: {oclif: {exit: 2}, name: 'Error', message: expect.stringMatching(/^the rule set could not be loaded/)}})
    const unknown = await runInProcess(['rules', 'show', 'no-such-rule', '--json'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/^fuseplan: No rule `no-such-rule`/)
  })

  it('usage errors, flag errors and unknown commands are one `fuseplan:` line with exit 2', async () => {
    const cases = [
      ['lint', 'no-such-file.yaml'],
      ['lint', '--format', 'nope', EXAMPLE],
      ['evaluate', EXAMPLE, '--candidates', 'foo'],
      ['recommend', EXAMPLE, '--date', '2020-13-01'],
      ['schema', '--kind', 'nope'],
      ['recomend'],
    ]
    for (const args of cases) {
      const r = await runInProcess(args)
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(/^fuseplan: \S.*\n$/)
    }
  })
})
