// Hostile input, round two: each attack found on the CLI, replayed through the real CLI (and, where
// the process boundary is not the point, in-process). A hang is a failure (the runner's timeout),
// as is a stack trace, an undocumented exit code, an echoed secret or a lost file.
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {decide} from '../../src/decision/decide.js'
import {setFrontMatterStatus} from '../../src/decision/records.js'
import {fileSystemProblem} from '../../src/cli/base-command.js'
import {CelLimitError, compile, formatNumber} from '../../src/engine/cel.js'
import {loadProfile} from '../../src/profile/load.js'
import {buildTrainingConfig} from '../../src/scaffold/training-config.js'
import {renderTrainingConfig} from '../../src/scaffold/generate.js'
import {BoundedReadError, readBoundedFile} from '../../src/util/read.js'
import {escapeMarkdown} from '../../src/util/text.js'
import {BIN, ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, fuseplan, rulePack} from './fuzz-helpers.js'

const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')
const EXAMPLE_TEXT = readFileSync(EXAMPLE, 'utf8')

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/

function project(): string {
  const dir = tempDir('fuseplan-round2-')
  writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
  return dir
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path])
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`)
}

/** A pack of rules: [id, when] pairs, each a warning finding when it fires. */
function pack(rules: [string, string][]): string {
  return `rules:\n${rules.map(([id, when]) => rulePack(when).replace('rules:\n', '').replace('id: team-limit', `id: ${id}`)).join('')}`
}

/** `cel.bind` nested `n` times, each doubling a 400-element list. */
function bindBomb(n: number): string {
  let e = 'size(x) > 0'
  for (let i = 0; i < n; i++) e = `cel.bind(x, x + x, ${e})`
  return `cel.bind(x, [${Array.from({length: 400}, (_, i) => i).join(',')}], ${e})`
}

describe('1. bounded reads: only regular files within the limit are read', () => {
  it('recommend, lint and init refuse /dev/zero, a FIFO and links to them with a clear message', async () => {
    const dir = project()
    mkfifo(join(dir, 'fifo.yaml'))
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'))
    for (const target of ['/dev/zero', 'fifo.yaml', 'zero.yaml']) {
      const rec = await runInProcess(['recommend', target], {cwd: dir, timeoutMs: 20_000})
      expectCleanExit(rec, [2], `recommend ${target}`)
      expect(rec.stderr).toMatch(/not a regular file/)
      const lint = await runInProcess(['lint', target, '--format', 'json'], {cwd: dir, timeoutMs: 20_000})
      expectCleanExit(lint, [1], `lint ${target}`)
      expect(lint.stdout).toMatch(/not a regular file/)
    }
    for (const args of [
      ['init', '--yes', '--answers', '/dev/zero'],
      ['init', '--yes', '--answers', 'fifo.yaml'],
      ['init', '--yes', '--from-data', 'data.csv', '--mapping', '/dev/zero'],
      ['init', '--yes', '--from-data', '/dev/zero', '--data-format', 'csv', '--map', 'a=b'],
    ]) {
      const r = await runInProcess(args, {cwd: dir, timeoutMs: 20_000})
      expectCleanExit(r, [2], args.join(' '))
      expect(r.stderr).toMatch(/not a regular file/)
      expect(existsSync(join(dir, 'fuseplan.profile.yaml'))).toBe(false)
    }
  }, 120_000)

  it('a config that is a link to /dev/zero, or extends it, is refused', async () => {
    const dir = project()
    symlinkSync('/dev/zero', join(dir, 'fuseplan.config.yaml'))
    const linked = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(linked, [2], 'lint with a config linked to /dev/zero')
    expect(linked.stderr).toMatch(/fuseplan\.config\.yaml:1:1: Cannot read config file \(it is a device/)

    const dir2 = project()
    writeFileSync(join(dir2, 'fuseplan.config.yaml'), 'extends: /dev/zero\n')
    const ext = await runInProcess(['lint', 'p.yaml', '--trust'], {cwd: dir2, timeoutMs: 20_000})
    expectCleanExit(ext, [2], 'lint with extends: /dev/zero and --trust')
    expect(ext.stderr).toMatch(/not a regular file/)
  }, 60_000)

  it('a TrainingConfig whose source.profile is /dev/zero gets a finding, and nothing is read from it', async () => {
    const dir = project()
    const profile = loadProfile(EXAMPLE).profile!
    const config = buildTrainingConfig(profile, decide(profile), {profilePath: '/dev/zero'})
    writeFileSync(join(dir, 'fuseplan.training.yaml'), renderTrainingConfig(config))
    const r = await runInProcess(['lint', 'fuseplan.training.yaml', '--format', 'json'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [0, 1], 'lint of a TrainingConfig pointing at /dev/zero')
    expect(r.stdout).toMatch(/training-config-profile-missing/)
  }, 60_000)

  it('readBoundedFile checks through the descriptor before reading', async () => {
    const dir = tempDir('fuseplan-round2-')
    writeFileSync(join(dir, 'small'), 'abc')
    expect(readBoundedFile(join(dir, 'small'), 3).toString()).toBe('abc')
    const refusal = (path: string, max = 10): BoundedReadError => {
      try {
        readBoundedFile(path, max)
      } catch (error) {
        return error as BoundedReadError
      }
      throw new Error(`${path} was read`)
    }
    expect(refusal(join(dir, 'small'), 2).kind).toBe('too-large')
    expect(refusal(dir).kind).toBe('directory')
    expect(refusal(join(dir, 'missing')).kind).toBe('missing')
    expect(refusal('/dev/zero').kind).toBe('not-regular')
    mkfifo(join(dir, 'fifo'))
    expect(refusal(join(dir, 'fifo')).kind).toBe('not-regular')
  })
})

describe('2. rule packs cannot crash or hang the process', () => {
  it('23 nested cel.bind doublings are refused at load; 19 end in a finding, not a V8 abort', () => {
    const dir = project()
    mkdirSync(join(dir, 'pack'))
    writeFileSync(join(dir, 'pack', 'bomb.yaml'), pack([['bind-bomb', bindBomb(23)]]))
    const refused = fuseplan(['lint', 'p.yaml', '--rules', 'pack'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(refused, [2], 'lint with 23 nested cel.bind')
    expect(refused.stderr).toMatch(/bomb\.yaml:\d+:\d+: .*Too many macros/)

    writeFileSync(join(dir, 'pack', 'bomb.yaml'), pack([['bind-bomb', bindBomb(19)]]))
    const guarded = fuseplan(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(guarded, [1], 'lint with 19 nested cel.bind')
    expect(guarded.stdout).toMatch(/Rule `bind-bomb` could not be evaluated on this profile: a value grew past/)
    const rec = fuseplan(['recommend', 'p.yaml', '--rules', 'pack'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(rec, [2], 'recommend with 19 nested cel.bind')
    expect(rec.stderr).toMatch(/a rule failed on this profile/)
  }, 90_000)

  it('catastrophic-backtracking patterns run in linear time; backreferences are a load error at their position', async () => {
    const dir = project()
    mkdirSync(join(dir, 'pack'))
    const a34 = 'a'.repeat(34)
    writeFileSync(
      join(dir, 'pack', 'redos.yaml'),
      pack([
        ['redos-literal', `'${a34}!'.matches('^(a+)+$')`],
        ['redos-dynamic', `(profile.name + '${a34}!').matches('^(a+)+' + '$')`],
        ['redos-alternation', `'${a34}!'.matches('^(a|aa)+$')`],
        ['regex-ok', `profile.name.matches('^icu')`],
      ]),
    )
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [0, 1], 'lint with ReDoS patterns')
    expect(r.stdout).toMatch(/"ruleId":"regex-ok"/)
    expect(r.stdout).not.toMatch(/redos-/)

    writeFileSync(join(dir, 'pack', 'redos.yaml'), pack([['backref', `profile.name.matches('(a)\\\\1')`]]))
    const bad = await runInProcess(['lint', 'p.yaml', '--rules', 'pack'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(bad, [2], 'lint with a backreference')
    expect(bad.stderr).toMatch(/redos\.yaml:\d+:\d+: .*Invalid regular expression \(fuseplan uses RE2 syntax/)
  }, 90_000)

  it('the guard bounds one evaluation and a rule that hit it fails fast afterwards', () => {
    const bomb = compile(bindBomb(19))
    const ctx = {profile: {}, facts: {}, options: {}}
    expect(() => bomb.run(ctx)).toThrow(CelLimitError)
    expect(() => bomb.run(ctx)).toThrow(/grew past/)
    const long = compile(
      `cel.bind(s, '${'x'.repeat(400)}', cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, size(s) > 0)))))))))`,
    )
    expect(() => long.run(ctx)).toThrow(CelLimitError)
    // Ordinary expressions are untouched by the guard.
    expect(compile('[1, 2, 3].map(x, x * 2).size() == 3').run(ctx)).toBe(true)
    expect(compile("'abc'.matches('^a') && !'abc'.matches('^b')").run(ctx)).toBe(true)
  })
})

describe('3. trust boundary for configs', () => {
  it('extends outside the repository is refused without --trust; a non-config file is never echoed', async () => {
    const dir = project()
    const secrets = tempDir('fuseplan-round2-secret-')
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
    const dir = project()
    writeFileSync(join(dir, 'keys.yaml'), 'aws_secret_access_key: AKIAEXAMPLESECRET\nprivate_token: hunter2\n')
    const r = await runInProcess(['recommend', 'keys.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [2], 'recommend of a key file')
    expect(r.stderr).toMatch(/Not a fuseplan document/)
    expect(r.stderr + r.stdout).not.toMatch(/aws_secret|AKIA|private_token|hunter2/)
  }, 30_000)

  it('the upward config search stops at the repository root, or at the working directory', async () => {
    const dir = tempDir('fuseplan-round2-up-')
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

describe('4. cost linear in unknown keys', () => {
  it('60,000 unknown keys in a profile and in a config finish (a quadratic parser takes minutes)', async () => {
    const dir = project()
    const keys = Array.from({length: 60_000}, (_, i) => `k${i}: 1`).join('\n')
    writeFileSync(join(dir, 'keys.yaml'), `${EXAMPLE_TEXT}\n${keys}\n`)
    const lint = await runInProcess(['lint', 'keys.yaml', '--format', 'json'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(lint, [1], 'lint of 60,000 unknown keys')
    // Lint shows a file's first 1,000 findings and counts the rest (test/lint/limits.test.ts).
    expect(lint.stdout).toContain('Unknown key `k999`')
    expect(lint.stdout).toContain('...and 59,000 more problems in this file (59,000 errors, 0 warnings)')
    writeFileSync(join(dir, 'fuseplan.config.yaml'), `overrides: {}\n${keys}\n`)
    const config = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(config, [2], 'config with 60,000 unknown keys')
    expect(config.stderr).toMatch(/and 59980 more unknown keys/)
  }, 150_000)
})

const HOSTILE_DESCRIPTION = '<script>alert(1)</script>\n# Injected heading\n::error::pwned\n---\nstatus: accepted\n\u001b[31mred\u001b[0m\u0000 [link](http://evil.example) ![img](x) `tick'

describe('5. ADR injection', () => {
  it('the description is escaped in stdout, --explain and --out files', async () => {
    const dir = tempDir('fuseplan-round2-adr-')
    writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT.replace(/^description:.*$/m, `description: ${JSON.stringify(HOSTILE_DESCRIPTION)}`))
    const stdout = await runInProcess(['recommend', 'p.yaml', '--date', '2026-01-01'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(stdout, [0], 'recommend with a hostile description')
    const out = await runInProcess(['recommend', 'p.yaml', '--date', '2026-01-01', '--out', 'adr'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(out, [0], 'recommend --out with a hostile description')
    const [file] = readdirSync(join(dir, 'adr'))
    const explain = await runInProcess(['recommend', 'p.yaml', '--explain'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(explain, [0], 'recommend --explain')
    expect(explain.stdout).not.toMatch(RAW_CONTROL)
    for (const text of [stdout.stdout, readFileSync(join(dir, 'adr', file), 'utf8')]) {
      expect(text).not.toMatch(RAW_CONTROL)
      expect(text).not.toContain('<script>')
      expect(text).not.toMatch(/^::/m)
      expect(text).not.toMatch(/^# Injected/m)
      expect(text).not.toMatch(/[^\\]\]\(http:\/\/evil/)
      // Exactly the two front matter fences, and one status.
      expect(text.match(/^---$/gm)).toHaveLength(2)
      expect(text.match(/^status:/gm)).toHaveLength(1)
      expect(text).toContain('&lt;script>alert(1)&lt;/script> # Injected heading :\\:error:\\:pwned --- status: accepted [31mred[0m [link\\](http://evil.example) ![img\\](x) \\`tick.')
    }
  }, 90_000)

  it('escapeMarkdown leaves plain prose alone and neutralises syntax', async () => {
    expect(escapeMarkdown('visit_notes is present in 30% (share >= 1%) of `icu` requests')).toBe('visit_notes is present in 30% (share >= 1%) of `icu` requests')
    expect(escapeMarkdown('# h')).toBe('\\# h')
    expect(escapeMarkdown('---')).toBe('\\---')
    expect(escapeMarkdown('1. item')).toBe('1\\. item')
    expect(escapeMarkdown('a | b')).toBe('a \\| b')
    expect(escapeMarkdown('lone ` tick')).toBe('lone \\` tick')
    expect(escapeMarkdown('&amp; &#60;')).toBe('&amp;amp; &amp;#60;')
  })
})

describe('6. no ADR is lost under concurrent recommend --out', () => {
  const runAll = (dir: string, argsList: string[][]): Promise<number[]> =>
    Promise.all(
      argsList.map(
        (args) =>
          new Promise<number>((resolve, reject) => {
            const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'}
            delete env.FORCE_COLOR
            const child = spawn(process.execPath, [BIN, ...args], {cwd: dir, env, stdio: 'ignore'})
            const timer = setTimeout(() => {
              child.kill('SIGKILL')
              reject(new Error(`hang: ${args.join(' ')}`))
            }, 90_000)
            child.on('exit', (code) => {
              clearTimeout(timer)
              resolve(code ?? -1)
            })
          }),
      ),
    )

  it('eight profiles at once: eight ADRs with eight numbers', async () => {
    const dir = tempDir('fuseplan-round2-race-')
    const args: string[][] = []
    for (let i = 1; i <= 8; i++) {
      writeFileSync(join(dir, `p${i}.yaml`), EXAMPLE_TEXT.replace(/^name: .*$/m, `name: race-${i}`))
      args.push(['recommend', `p${i}.yaml`, '--out', 'adr', '--date', '2026-01-01'])
    }
    expect(await runAll(dir, args)).toEqual(Array(8).fill(0))
    const files = readdirSync(join(dir, 'adr'))
    expect(files).toHaveLength(8)
    expect(files.map((f) => f.slice(0, 4)).sort()).toEqual(['0001', '0002', '0003', '0004', '0005', '0006', '0007', '0008'])
  }, 120_000)

  it('six versions of one profile at once: a chain of six, one of them current', async () => {
    const dir = tempDir('fuseplan-round2-race-')
    const args: string[][] = []
    for (let i = 1; i <= 6; i++) {
      // Six distinct masking plans (0.25 and 0.26 would share one: the floor): six decisions.
      writeFileSync(join(dir, `v${i}.yaml`), EXAMPLE_TEXT.replace(/availability: 0\.22\b/, `availability: 0.2${i - 1}`))
      args.push(['recommend', `v${i}.yaml`, '--out', 'adr', '--date', '2026-01-01'])
    }
    expect(await runAll(dir, args)).toEqual(Array(6).fill(0))
    const texts = readdirSync(join(dir, 'adr')).map((f) => readFileSync(join(dir, 'adr', f), 'utf8'))
    expect(texts).toHaveLength(6)
    expect(texts.filter((t) => /^status: proposed$/m.test(t))).toHaveLength(1)
    expect(texts.filter((t) => /^status: "superseded by ADR-\d{4}"$/m.test(t))).toHaveLength(5)
  }, 120_000)
})

describe('7. supersede edits only the front matter', () => {
  it('a body line starting with status: is left as written', async () => {
    const dir = tempDir('fuseplan-round2-sup-')
    writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
    mkdirSync(join(dir, 'adr'))
    const old = '---\nprofile: icu-deterioration\ndecision-hash: "sha256:0000"\n---\n# Old decision\n\nstatus: this line is prose\n'
    writeFileSync(join(dir, 'adr', '0001-old.md'), old)
    const r = await runInProcess(['recommend', 'p.yaml', '--out', 'adr', '--date', '2026-01-01'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [0], 'recommend superseding an ADR without status')
    expect(r.stdout).toMatch(/supersedes adr\/0001-old\.md/)
    const updated = readFileSync(join(dir, 'adr', '0001-old.md'), 'utf8')
    expect(updated).toMatch(/^---\nstatus: "superseded by ADR-0002"\nprofile: icu-deterioration\n/)
    expect(updated).toContain('\nstatus: this line is prose\n')
    expect(setFrontMatterStatus('no front matter\nstatus: x\n', 'y')).toBe('no front matter\nstatus: x\n')
  }, 60_000)
})

describe('8. init does not overwrite answers or the profile', () => {
  const INIT = ['init', '--yes', '--name', 'x', '--labelled-samples', '100', '--modality', 'name=a,type=tabular,features=3,availability=1']
  it('--save-answers onto an existing file needs --force; onto the --out file it is refused', async () => {
    const dir = tempDir('fuseplan-round2-init-')
    writeFileSync(join(dir, 'answers.yaml'), 'keep me\n')
    const r = await runInProcess([...INIT, '--out', 'p.yaml', '--save-answers', 'answers.yaml'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [2], 'init --save-answers onto an existing file')
    expect(r.stderr).toMatch(/answers\.yaml already exists; pass --force/)
    expect(readFileSync(join(dir, 'answers.yaml'), 'utf8')).toBe('keep me\n')
    expect(existsSync(join(dir, 'p.yaml'))).toBe(false)
    const same = await runInProcess([...INIT, '--out', 'same.yaml', '--save-answers', 'same.yaml', '--force'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(same, [2], 'init --out and --save-answers the same file')
    expect(same.stderr).toMatch(/both name same\.yaml/)
    expect(existsSync(join(dir, 'same.yaml'))).toBe(false)
    const forced = await runInProcess([...INIT, '--out', 'p.yaml', '--save-answers', 'answers.yaml', '--force'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(forced, [0], 'init --save-answers --force')
    expect(readFileSync(join(dir, 'answers.yaml'), 'utf8')).toMatch(/kind: InitAnswers/)
  }, 90_000)
})

describe('9. from-data with many presence patterns', () => {
  it('12 modalities present at random: a valid profile with at most 256 patterns, a short summary', async () => {
    const dir = tempDir('fuseplan-round2-data-')
    let seed = 42
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const cols = Array.from({length: 12}, (_, i) => `m${i}`)
    const rows = Array.from({length: 40_000}, () => cols.map(() => (rand() < 0.5 ? '1' : '')).join(','))
    writeFileSync(join(dir, 'data.csv'), `${cols.join(',')}\n${rows.join('\n')}\n`)
    const maps = cols.flatMap((c) => ['--map', `${c}=${c}`])
    const r = await runInProcess(['init', '--yes', '--from-data', 'data.csv', ...maps, '--out', 'p.yaml'], {cwd: dir, timeoutMs: 90_000})
    expectCleanExit(r, [0], 'init --from-data with 12 random modalities')
    expect(r.stdout.split('\n').length).toBeLessThan(100)
    expect(r.stdout).toMatch(/rarer patterns \(\d+ rows, [\d.]+%\) left out/)
    const lint = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(lint, [0], 'lint of the measured profile')
    const none = await runInProcess(['init', '--yes', '--from-data', 'data.csv', ...maps, '--out', 'q.yaml', '--no-patterns'], {cwd: dir, timeoutMs: 90_000})
    expectCleanExit(none, [2], 'init --no-patterns')
    // 0.5^12 of requests carry nothing: about 0.024%, not "0%".
    expect(none.stderr).toMatch(/About 0\.0\d+% of requests would carry no modality/)
  }, 180_000)
})

describe('10. control characters never reach the terminal raw', () => {
  it('CSV headers with escape sequences in init, messages in the github format', async () => {
    const dir = tempDir('fuseplan-round2-ctl-')
    writeFileSync(join(dir, 'data.csv'), 'a,"\u001b]0;owned\u0007\u001b[2J"\n1,2\n3,\n')
    const init = await runInProcess(['init', '--yes', '--from-data', 'data.csv', '--map', 'a=a', '--out', 'p.yaml'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(init, [0, 2], 'init with an escape sequence in a CSV header')
    expect(init.stdout + init.stderr).not.toMatch(RAW_CONTROL)
    expect(init.stdout + init.stderr).toContain('\\x1b')

    writeFileSync(join(dir, 'bad.yaml'), `${EXAMPLE_TEXT}\n"\\e[31mred\\0": 1\n`)
    const gh = await runInProcess(['lint', 'bad.yaml', '--format', 'github'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(gh, [1], 'lint --format github with control characters in a key')
    expect(gh.stdout).toMatch(/^::error /m)
    expect(gh.stdout).not.toMatch(RAW_CONTROL)
  }, 60_000)
})

describe('11. odd corners', () => {
  it('an override option named constructor is an unknown option, not "must be a undefined"', async () => {
    const dir = project()
    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'overrides:\n  rare-modality: {options: {constructor: 1, __proto__: 2}}\n')
    const r = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [2], 'override option constructor')
    expect(r.stderr).toMatch(/has no option `constructor`/)
    expect(r.stderr).not.toMatch(/undefined/)
  }, 30_000)

  it('NaN, 1e-300 and 1e-320 are shown as what they are', async () => {
    const dir = project()
    writeFileSync(join(dir, 'nan.yaml'), EXAMPLE_TEXT.replace(/availability: 0\.22\b/, 'availability: .nan'))
    const nan = await runInProcess(['lint', 'nan.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(nan, [1], 'availability .nan')
    expect(nan.stdout).toMatch(/NaN/)
    expect(nan.stdout).not.toMatch(/number NaN/)
    writeFileSync(join(dir, 'tiny.yaml'), EXAMPLE_TEXT.replace(/budgetMs: \d+/, 'budgetMs: 1e-300'))
    const tiny = await runInProcess(['lint', 'tiny.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(tiny, [0, 1], 'budget 1e-300')
    expect(tiny.stdout).toMatch(/1e-300 ms budget/)
    expect(tiny.stdout).not.toMatch(/\b0 ms budget/)
    expect(formatNumber(1e-320 * 100, 1)).not.toBe('0')
    expect(formatNumber(0.0002 * 100, 1)).toBe('0.02')
    expect(formatNumber(0.123456, 3)).toBe('0.123')
  }, 60_000)

  it('deep nesting in an answers file is a positioned input error', async () => {
    const dir = tempDir('fuseplan-round2-deep-')
    writeFileSync(join(dir, 'deep.yaml'), `kind: InitAnswers\nmodalities:\n  ${'- '.repeat(5000)}a\n`)
    const r = await runInProcess(['init', '--yes', '--answers', 'deep.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [2], 'deeply nested answers')
    expect(r.stderr).toMatch(/deep\.yaml:3:1: Nesting deeper than/)
    expect(r.stderr).not.toMatch(/Internal error/)
  }, 30_000)

  it('a dangling-link or read-only --out is a clear error, not an internal one', async () => {
    const dir = project()
    symlinkSync(join(dir, 'nowhere', 'adr'), join(dir, 'adr'))
    const r = await runInProcess(['recommend', 'p.yaml', '--out', 'adr', '--date', '2026-01-01'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [2], 'recommend --out onto a dangling link')
    expect(r.stderr).toMatch(/Cannot create the folder .*adr/)
    expect(r.stderr).not.toMatch(/Internal error/)
    mkdirSync(join(dir, 'ro'))
    chmodSync(join(dir, 'ro'), 0o555)
    // Root ignores the mode bits, so the message is checked on the error node:fs raises.
    const eacces = Object.assign(new Error('EACCES: permission denied'), {code: 'EACCES', syscall: 'open', path: join(dir, 'ro', '.0001-x.md.1.2.tmp')})
    expect(fileSystemProblem(eacces)).toBe(`Cannot write ${join(dir, 'ro', '0001-x.md')}: permission denied.`)
    expect(fileSystemProblem(Object.assign(new Error('x'), {code: 'EROFS', syscall: 'mkdir', path: '/ro/adr'}))).toBe('Cannot create the folder /ro/adr: the file system is read-only.')
    expect(fileSystemProblem(new Error('plain'))).toBeUndefined()
  }, 60_000)
})
