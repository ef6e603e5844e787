// The trust boundary for configs: extends and rules outside the repository need --trust, a file that
// is not a config is never echoed, and the upward config search stops at the repository root.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir, exampleProject, EXAMPLE_TEXT} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'

describe('trust boundary for configs', () => {
  it('extends outside the repository is refused without --trust; a non-config file is never echoed', async () => {
    const dir = exampleProject()
    const secrets = tempDir('fuseplan-secret-')
    writeFileSync(join(secrets, 'keys.yaml'), 'aws_secret_access_key: AKIAEXAMPLESECRET\nprivate_token: hunter2\n')
    for (const target of ['/etc/passwd', join(secrets, 'keys.yaml')]) {
      writeFileSync(join(dir, 'fuseplan.config.yaml'), `extends: ${target}\n`)
      const r = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 20_000})
      expectCleanExit(r, [2], `extends: ${target}`)
      expect(r.stderr).toMatch(/fuseplan\.config\.yaml:1:10: Config to extend .* is outside .*Pass --trust/s)
      const trusted = await runInProcess(['lint', 'p.yaml', '--trust'], {cwd: dir, timeoutMs: 20_000})
      expectCleanExit(trusted, [2], `extends: ${target} --trust`)
      expect(trusted.stderr).toMatch(/Not a fuseplan config file/)
      for (const out of [r.stderr + r.stdout, trusted.stderr + trusted.stdout]) {
        expect(out).not.toMatch(/root:|daemon|aws_secret|AKIA|private_token|hunter2/)
      }
    }
    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'rules: [../..]\n')
    const rules = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(rules, [2], 'rules outside the repository')
    expect(rules.stderr).toMatch(/Rule folder \.\.\/\.\. is outside/)
  }, 90_000)

  it('recommend on a YAML file that is not a fuseplan document names none of its keys', async () => {
    const dir = exampleProject()
    writeFileSync(join(dir, 'keys.yaml'), 'aws_secret_access_key: AKIAEXAMPLESECRET\nprivate_token: hunter2\n')
    const r = await runInProcess(['recommend', 'keys.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [2], 'recommend of a key file')
    expect(r.stderr).toMatch(/Not a fuseplan document/)
    expect(r.stderr + r.stdout).not.toMatch(/aws_secret|AKIA|private_token|hunter2/)
  }, 30_000)

  it('the upward config search stops at the repository root, or at the working directory', async () => {
    const dir = tempDir('fuseplan-up-')
    // A broken config above the project: picked up, it would fail the run.
    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'overrides: {no-such-rule: off}\n')
    mkdirSync(join(dir, 'proj', 'deploy'), {recursive: true})
    writeFileSync(join(dir, 'proj', 'deploy', 'p.yaml'), EXAMPLE_TEXT)
    const fromCwd = await runInProcess(['lint', 'deploy/p.yaml'], {cwd: join(dir, 'proj'), timeoutMs: 20_000})
    expectCleanExit(fromCwd, [0], 'lint below a foreign config, no repository')
    mkdirSync(join(dir, 'proj', '.git'))
    const inRepo = await runInProcess(['lint', 'p.yaml'], {cwd: join(dir, 'proj', 'deploy'), timeoutMs: 20_000})
    expectCleanExit(inRepo, [0], 'lint below a foreign config, in a repository')
    // Inside the repository, a config between the file and the root still applies.
    writeFileSync(join(dir, 'proj', 'fuseplan.config.yaml'), 'overrides: {no-such-rule: off}\n')
    const own = await runInProcess(['lint', 'p.yaml'], {cwd: join(dir, 'proj', 'deploy'), timeoutMs: 20_000})
    expectCleanExit(own, [2], 'lint with the repository config')
    expect(own.stderr).toMatch(/no-such-rule/)
  }, 60_000)
})
