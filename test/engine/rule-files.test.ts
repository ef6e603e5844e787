// A rule file is checked against the repository by its real path: a symbolic link in a rule folder
// that leads outside the repository is refused before it is read, and nothing of a file that is not a
// rule file (its keys, its values) is ever printed.
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, rulePack} from '../helpers/fuzz.js'

const EXAMPLE_TEXT = readFileSync(join(ROOT, 'examples', 'icu-deterioration.yaml'), 'utf8')
const SECRET = 'SECRET_TOKEN_9f8e7d6c'

function repo(): {dir: string; outside: string} {
  const dir = tempDir('fuseplan-rule-files-')
  mkdirSync(join(dir, '.git'))
  mkdirSync(join(dir, 'pack'))
  writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
  const outside = tempDir('fuseplan-rule-files-outside-')
  writeFileSync(join(outside, 'secrets.yaml'), `${SECRET}: hunter2\napi_key: AKIAEXAMPLE\n`)
  writeFileSync(join(outside, 'rule.yaml'), rulePack(`profile.name == '${SECRET}'`))
  return {dir, outside}
}

describe('rule files are resolved to their real path before the repository check', () => {
  it('a link to a file outside the repository is refused, through --rules and through a config', async () => {
    const {dir, outside} = repo()
    symlinkSync(join(outside, 'secrets.yaml'), join(dir, 'pack', 'evil.yaml'))
    symlinkSync(join(outside, 'rule.yaml'), join(dir, 'pack', 'rule.yaml'))
    for (const [args, config] of [
      [['lint', 'p.yaml', '--rules', 'pack'], undefined],
      [['lint', 'p.yaml'], 'rules: [./pack]\n'],
      [['recommend', 'p.yaml', '--rules', 'pack'], undefined],
      [['rules', 'list', '--rules', 'pack'], undefined],
    ] as const) {
      if (config) writeFileSync(join(dir, 'fuseplan.config.yaml'), config)
      const r = await runInProcess([...args], {cwd: dir, timeoutMs: 30_000})
      expectCleanExit(r, [2], args.join(' '))
      expect(r.stderr).toMatch(/pack\/evil\.yaml:1:1: Rule file resolves outside .* through a symbolic link; .*Pass --trust/)
      expect(r.stderr).toMatch(/pack\/rule\.yaml:1:1: Rule file resolves outside/)
      expect(r.stdout + r.stderr).not.toMatch(/SECRET_TOKEN|hunter2|AKIA/)
    }
  }, 120_000)

  it('with --trust the file is read, but one that is not a rule file is refused without quoting it', async () => {
    const {dir, outside} = repo()
    symlinkSync(join(outside, 'secrets.yaml'), join(dir, 'pack', 'evil.yaml'))
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '--trust'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [2], 'lint --trust with a linked key file')
    expect(r.stderr).toMatch(/pack\/evil\.yaml:1:1: Not a fuseplan rule file: expected a mapping with `id` \(one rule\) or `rules` \(a list of rules\)\./)
    expect(r.stdout + r.stderr).not.toMatch(/SECRET_TOKEN|hunter2|AKIA/)
  }, 60_000)

  it('a link to a rule file inside the repository still loads', async () => {
    const {dir} = repo()
    mkdirSync(join(dir, 'shared'))
    writeFileSync(join(dir, 'shared', 'rule.yaml'), rulePack('facts.minAvailability < 0.5'))
    symlinkSync(join('..', 'shared', 'rule.yaml'), join(dir, 'pack', 'rule.yaml'))
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '-f', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [0], 'lint with a linked rule file inside the repository')
    expect(r.stdout).toContain('"ruleId":"team-limit"')
  }, 60_000)
})
