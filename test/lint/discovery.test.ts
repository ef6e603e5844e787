// What lint looks at, and what it says about what it did not: a walk over its limit fails loudly and
// leaves no report (a stale one is removed), symbolic links and dist/ are linted or reported, a file
// named on the command line is linted whatever `ignores` says, and a config cannot ignore everything.
import {existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'

const GOOD = readFileSync(join(ROOT, 'examples', 'icu-deterioration.yaml'), 'utf8')
const BROKEN = GOOD.replace('availability: 0.22', 'availability: 1.5')

function repo(files: Record<string, string>): string {
  const dir = tempDir('fuseplan-discovery-')
  mkdirSync(join(dir, '.git'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), {recursive: true})
    writeFileSync(join(dir, path), text)
  }
  return dir
}

describe('a walk over its limit', () => {
  it('100,001 files: exit 2, nothing linted, no SARIF (the stale one removed), an annotation saying why', async () => {
    const dir = repo({'fuseplan.sarif': '{"stale": true}', 'lint.json': '[]'})
    mkdirSync(join(dir, 'big'))
    for (let i = 0; i < 100_001; i++) writeFileSync(join(dir, 'big', `f${i}.txt`), '')
    writeFileSync(join(dir, 'big', 'zzz.yaml'), BROKEN)
    const r = await runInProcess(['lint', 'big', '-f', 'github', '-f', 'sarif', '-f', 'json', '-o', '-', '-o', 'fuseplan.sarif', '-o', 'lint.json'], {cwd: dir, timeoutMs: 120_000})
    expectCleanExit(r, [2], 'lint of 100,001 files')
    expect(r.stderr).toContain('fuseplan: stopped searching "big" after 100,000 entries, so nothing was linted and no report written.')
    expect(r.stdout).toMatch(/^::error title=fuseplan lint::fuseplan: stopped searching "big" after 100,000 entries/)
    expect(r.stdout).not.toMatch(/checked, no problems/)
    expect(existsSync(join(dir, 'fuseplan.sarif'))).toBe(false)
    expect(existsSync(join(dir, 'lint.json'))).toBe(false)
  }, 300_000)

  it('a rule set that cannot be loaded leaves no report either', async () => {
    const dir = repo({'p.yaml': GOOD, 'fuseplan.config.yaml': 'overrides: {no-such-rule: off}\n', 'fuseplan.sarif': '{}'})
    const r = await runInProcess(['lint', 'p.yaml', '-f', 'sarif', '-o', 'fuseplan.sarif'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [2], 'lint with a broken config')
    expect(existsSync(join(dir, 'fuseplan.sarif'))).toBe(false)
  }, 60_000)
})

describe('no silent skips', () => {
  it('a symbolic link to a profile inside the repository is linted; one leading outside is reported, not read', async () => {
    const outside = tempDir('fuseplan-discovery-outside-')
    writeFileSync(join(outside, 'secret.yaml'), `${GOOD}\nSECRET_TOKEN_abc123: 1\n`)
    const dir = repo({'profiles/real/broken.yaml': BROKEN})
    mkdirSync(join(dir, 'deploy'))
    symlinkSync(join('..', 'profiles', 'real', 'broken.yaml'), join(dir, 'deploy', 'linked.yaml'))
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'deploy', 'outside.yaml'))
    const r = await runInProcess(['lint', 'deploy', '-f', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [1], 'lint of linked profiles')
    const results = JSON.parse(r.stdout) as {filePath: string; messages: {ruleId: string; message: string}[]}[]
    const linked = results.find((x) => x.filePath.endsWith('linked.yaml'))!
    expect(linked.messages.map((m) => m.ruleId)).toContain('schema')
    const out = results.find((x) => x.filePath.endsWith('outside.yaml'))!
    expect(out.messages).toEqual([expect.objectContaining({ruleId: 'file-unreadable', message: expect.stringMatching(/is a symbolic link to .*secret\.yaml, outside .*pass --trust/)})])
    expect(r.stdout + r.stderr).not.toContain('SECRET_TOKEN')

    const trusted = await runInProcess(['lint', 'deploy', '-f', 'json', '--trust'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(trusted, [1], 'lint --trust of linked profiles')
    expect(trusted.stdout).toContain('SECRET_TOKEN_abc123')
  }, 60_000)

  it('a profile under dist/ is linted; a linked folder is named on stderr', async () => {
    const dir = repo({'dist/deploy/p.yaml': BROKEN, 'shared/q.yaml': GOOD})
    symlinkSync(join(dir, 'shared'), join(dir, 'dist', 'shared-link'))
    const r = await runInProcess(['lint', '.'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [1], 'lint of dist/')
    expect(r.stdout).toContain('dist/deploy/p.yaml')
    expect(r.stderr).toContain('fuseplan: note: 1 linked folder was not followed: dist/shared-link. Name a folder to lint it.')
  }, 60_000)

  it("a file named on the command line is linted whatever the config's `ignores` says", async () => {
    const dir = repo({'deploy/broken.yaml': BROKEN, 'deploy/good.yaml': GOOD, 'fuseplan.config.yaml': 'ignores: ["**"]\n'})
    const named = await runInProcess(['lint', 'deploy/broken.yaml'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(named, [1], 'lint of an ignored file named explicitly')
    expect(named.stdout).toContain('deploy/broken.yaml')
  }, 60_000)

  it('a config that ignores every file found is an error, not a pass', async () => {
    const dir = repo({'deploy/broken.yaml': BROKEN, 'deploy/good.yaml': GOOD, 'fuseplan.config.yaml': 'ignores: ["**"]\n'})
    const r = await runInProcess(['lint', 'deploy'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [2], 'lint with ignores: ["**"]')
    expect(r.stderr).toContain('fuseplan: every file found in "deploy" is ignored by the config\'s `ignores`, so nothing was linted.')
    // Ignoring some files is what `ignores` is for, and the clean line says so.
    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'ignores: ["deploy/broken.yaml"]\n')
    const some = await runInProcess(['lint', 'deploy'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(some, [0], 'lint ignoring one file')
    expect(some.stdout).toBe('✔ 1 file checked, no problems (1 ignored by config)\n')
  }, 60_000)
})
