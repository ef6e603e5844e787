// Special files behind every path fuseplan reads (devices, FIFOs, links to them, dangling links,
// folders, files over the size limit): only regular files within the limit are read; everything
// else is a clear message and a documented exit code, quickly.
import {spawnSync} from 'node:child_process'
import {mkdirSync, symlinkSync, writeFileSync, existsSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {decide} from '../../src/decision/decide.js'
import {loadProfile} from '../../src/profile/load.js'
import {tempDir, exampleProject, EXAMPLE, EXAMPLE_TEXT} from '../helpers/run-cli.js'
import {expectCleanExit, runs} from '../helpers/fuzz.js'
import {buildTrainingConfig} from '../../src/scaffold/training-config.js'
import {renderTrainingConfig} from '../../src/scaffold/generate.js'
import {BoundedReadError, readBoundedFile} from '../../src/util/read.js'

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path])
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`)
}

describe('special files behind every path fuseplan reads (CLI)', () => {
  type Kind = 'device' | 'fifo' | 'link-to-device' | 'link-to-fifo' | 'dangling-link' | 'directory' | 'too-large'
  const KINDS: Kind[] = ['device', 'fifo', 'link-to-device', 'link-to-fifo', 'dangling-link', 'directory', 'too-large']

  /** Puts a special file of `kind` at `path` (inside `dir`); returns the name to pass. */
  function place(dir: string, name: string, kind: Kind): string {
    const path = join(dir, name)
    if (kind === 'device') return '/dev/zero'
    if (kind === 'fifo') spawnSync('mkfifo', [path])
    else if (kind === 'link-to-device') symlinkSync('/dev/zero', path)
    else if (kind === 'link-to-fifo') {
      spawnSync('mkfifo', [`${path}.fifo`])
      symlinkSync(`${path}.fifo`, path)
    } else if (kind === 'dangling-link') symlinkSync(join(dir, 'nowhere', name), path)
    else if (kind === 'directory') mkdirSync(path)
    else writeFileSync(path, `# ${'x'.repeat(1024 * 1024 + 10)}\n`)
    return name
  }

  const entryPoints: {what: string; args: (dir: string, kind: Kind) => string[]; exits: number[]}[] = [
    {what: 'lint FILE', args: (dir, kind) => ['lint', place(dir, 'target.yaml', kind)], exits: [1, 2]},
    {what: 'recommend FILE', args: (dir, kind) => ['recommend', place(dir, 'target.yaml', kind)], exits: [2]},
    {what: 'init --answers', args: (dir, kind) => ['init', '--yes', '--answers', place(dir, 'answers.yaml', kind)], exits: [2]},
    {what: 'init --mapping', args: (dir, kind) => ['init', '--yes', '--from-data', 'd.csv', '--mapping', place(dir, 'map.yaml', kind)], exits: [2]},
    {what: 'init --from-data', args: (dir, kind) => ['init', '--yes', '--data-format', 'csv', '--map', 'a=a', '--from-data', place(dir, 'd.csv', kind)], exits: [2]},
    {
      what: 'lint with such a config',
      args: (dir, kind) => (kind === 'device' ? ['lint', 'p.yaml', '--config', '/dev/zero'] : (place(dir, 'fuseplan.config.yaml', kind), ['lint', 'p.yaml'])),
      exits: [0, 2],
    },
    {
      what: 'extends: such a file (--trust)',
      args: (dir, kind) => {
        writeFileSync(join(dir, 'fuseplan.config.yaml'), `extends: ${JSON.stringify(kind === 'device' ? '/dev/zero' : join(dir, place(dir, 'base.yaml', kind)))}\n`)
        return ['lint', 'p.yaml', '--trust']
      },
      exits: [2],
    },
    {
      what: 'a rule file that is such a file',
      args: (dir, kind) => {
        mkdirSync(join(dir, 'pack'))
        if (kind === 'device') symlinkSync('/dev/zero', join(dir, 'pack', 'zero.yaml'))
        else place(join(dir, 'pack'), 'r.yaml', kind)
        return ['lint', 'p.yaml', '--rules', 'pack']
      },
      exits: [0, 2],
    },
  ]

  it('every entry point ends quickly with a clear message, never reading the special file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...entryPoints), fc.constantFrom(...KINDS), async (entry, kind) => {
        const dir = tempDir('fuseplan-fuzz-files-')
        writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
        const args = entry.args(dir, kind)
        const r = await runInProcess(args, {cwd: dir, timeoutMs: 20_000})
        expectCleanExit(r, entry.exits, `${entry.what} on a ${kind}: ${args.join(' ')}`)
        expect(r.stderr + r.stdout).not.toMatch(/Internal error/)
      }),
      {numRuns: runs(16)},
    )
  }, 600_000)
})

describe('bounded reads: only regular files within the limit are read', () => {
  it('recommend, lint and init refuse /dev/zero, a FIFO and links to them with a clear message', async () => {
    const dir = exampleProject()
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
    const dir = exampleProject()
    symlinkSync('/dev/zero', join(dir, 'fuseplan.config.yaml'))
    const linked = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(linked, [2], 'lint with a config linked to /dev/zero')
    expect(linked.stderr).toMatch(/fuseplan\.config\.yaml:1:1: Cannot read config file \(it is a device/)

    const dir2 = exampleProject()
    writeFileSync(join(dir2, 'fuseplan.config.yaml'), 'extends: /dev/zero\n')
    const ext = await runInProcess(['lint', 'p.yaml', '--trust'], {cwd: dir2, timeoutMs: 20_000})
    expectCleanExit(ext, [2], 'lint with extends: /dev/zero and --trust')
    expect(ext.stderr).toMatch(/not a regular file/)
  }, 60_000)

  it('a TrainingConfig whose source.profile is /dev/zero gets a finding, and nothing is read from it', async () => {
    const dir = exampleProject()
    const profile = loadProfile(EXAMPLE).profile!
    const config = buildTrainingConfig(profile, decide(profile), {profilePath: '/dev/zero'})
    writeFileSync(join(dir, 'fuseplan.training.yaml'), renderTrainingConfig(config))
    const r = await runInProcess(['lint', 'fuseplan.training.yaml', '--format', 'json'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [0, 1], 'lint of a TrainingConfig pointing at /dev/zero')
    expect(r.stdout).toMatch(/training-config-profile-missing/)
  }, 60_000)

  it('readBoundedFile checks through the descriptor before reading', async () => {
    const dir = tempDir('fuseplan-')
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
