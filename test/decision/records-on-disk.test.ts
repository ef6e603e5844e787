// recommend --out and the ADR folder on disk: concurrent runs lose no ADR, supersede edits only the
// front matter, and an --out that cannot be a folder (a file, a dangling link) is a clear usage
// error that writes nothing.
import {spawn} from 'node:child_process'
import {chmodSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {setFrontMatterStatus} from '../../src/decision/records.js'
import {fileSystemProblem} from '../../src/cli/base-command.js'
import {BIN, tempDir, exampleProject, EXAMPLE, EXAMPLE_TEXT} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'

describe('no ADR is lost under concurrent recommend --out', () => {
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
    const dir = tempDir('fuseplan-race-')
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
    const dir = tempDir('fuseplan-race-')
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

describe('supersede edits only the front matter', () => {
  it('a body line starting with status: is left as written', async () => {
    const dir = tempDir('fuseplan-sup-')
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

describe('--out that cannot be written', () => {
  it('a dangling-link or read-only --out is a clear error, not an internal one', async () => {
    const dir = exampleProject()
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

describe('--out onto an existing file', () => {
  // src/commands/recommend.ts checks --out before doing any work and reports a usage error (exit 2).
  it('--out onto an existing file is a usage error, not an internal error', async () => {
    const dir = tempDir('fuseplan-gap-out-')
    writeFileSync(join(dir, 'adr'), 'not a folder')
    const r = await runInProcess(['recommend', EXAMPLE, '--out', 'adr', '--date', '2026-01-01'], {cwd: dir})
    expectCleanExit(r, [2], 'recommend --out onto a file')
    expect(r.stderr).not.toMatch(/Internal error/)
    expect(readFileSync(join(dir, 'adr'), 'utf8')).toBe('not a folder')
  }, 60_000)
})
