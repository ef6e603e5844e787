// Writes go where the user pointed: `-o /dev/stdout` prints (stdout a pipe, a file or a terminal), a
// symbolic link stays a link with its target replaced atomically, and a device or FIFO is written in
// place, never replaced by a file. A FIFO stands in for a device: no test needs root.
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, chmodSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {writeFileAtomic} from '../../src/util/fs.js'
import {BIN, ROOT, tempDir} from '../helpers/run-cli.js'

const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')
const env = (): Record<string, string | undefined> => {
  const e: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'}
  delete e.FORCE_COLOR
  return e
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path])
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`)
}

/** Reads a FIFO to its end in a child process (a reader must be there before a writer can open it). */
function readFifo(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('cat', [path])
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('error', reject)
    child.on('close', () => resolve(out))
  })
}

const lintToStdout = ['lint', EXAMPLE, '--format', 'sarif', '--output', '/dev/stdout']

describe('-o /dev/stdout prints the report', () => {
  it('when stdout is a pipe', () => {
    const r = spawnSync(process.execPath, [BIN, ...lintToStdout], {encoding: 'utf8', env: env(), timeout: 60_000})
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({version: '2.1.0'})
  })

  it('when stdout is a file, after what the shell wrote there', () => {
    const dir = tempDir('fuseplan-writes-')
    const file = join(dir, 'out.txt')
    writeFileSync(file, 'before\n')
    const fd = openSync(file, 'a')
    try {
      const r = spawnSync(process.execPath, [BIN, ...lintToStdout], {stdio: ['ignore', fd, 'pipe'], env: env(), timeout: 60_000})
      expect(r.status).toBe(0)
    } finally {
      closeSync(fd)
    }
    const text = readFileSync(file, 'utf8')
    expect(text.startsWith('before\n')).toBe(true)
    expect(JSON.parse(text.slice('before\n'.length))).toMatchObject({version: '2.1.0'})
    // Still the same file (not replaced by a rename).
    expect(readdirSync(dir)).toEqual(['out.txt'])
  })

  it('when stdout is a terminal', () => {
    // util-linux `script` runs the command on a pseudo-terminal and copies what it prints.
    const command = [process.execPath, BIN, ...lintToStdout].map((a) => `'${a}'`).join(' ')
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {encoding: 'utf8', env: env(), timeout: 60_000})
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('"version": "2.1.0"')
    expect(r.stdout).toContain('"results": []')
  })
})

describe('writeFileAtomic', () => {
  it('through a symbolic link: the target is replaced atomically beside itself, the link stays', () => {
    const dir = tempDir('fuseplan-writes-')
    mkdirSync(join(dir, 'real'))
    writeFileSync(join(dir, 'real', 'report.sarif'), 'old')
    chmodSync(join(dir, 'real', 'report.sarif'), 0o640)
    symlinkSync(join('real', 'report.sarif'), join(dir, 'report.sarif'))
    writeFileAtomic(join(dir, 'report.sarif'), 'new')
    expect(lstatSync(join(dir, 'report.sarif')).isSymbolicLink()).toBe(true)
    expect(readlinkSync(join(dir, 'report.sarif'))).toBe(join('real', 'report.sarif'))
    expect(readFileSync(join(dir, 'real', 'report.sarif'), 'utf8')).toBe('new')
    expect(statSync(join(dir, 'real', 'report.sarif')).mode & 0o777).toBe(0o640)
    expect(readdirSync(join(dir, 'real'))).toEqual(['report.sarif'])
  })

  it('through a dangling link: the file is created where the link points', () => {
    const dir = tempDir('fuseplan-writes-')
    mkdirSync(join(dir, 'real'))
    symlinkSync(join(dir, 'real', 'new.txt'), join(dir, 'link.txt'))
    writeFileAtomic(join(dir, 'link.txt'), 'hello')
    expect(lstatSync(join(dir, 'link.txt')).isSymbolicLink()).toBe(true)
    expect(readFileSync(join(dir, 'real', 'new.txt'), 'utf8')).toBe('hello')
  })

  it('a link loop is an error, not a hang', () => {
    const dir = tempDir('fuseplan-writes-')
    symlinkSync('b', join(dir, 'a'))
    symlinkSync('a', join(dir, 'b'))
    expect(() => writeFileAtomic(join(dir, 'a'), 'x')).toThrow(/ELOOP/)
  })

  it('a FIFO (standing in for a device) is written in place and stays a FIFO', async () => {
    const dir = tempDir('fuseplan-writes-')
    const fifo = join(dir, 'pipe')
    mkfifo(fifo)
    const read = readFifo(fifo)
    writeFileAtomic(fifo, 'through the pipe\n')
    expect(await read).toBe('through the pipe\n')
    expect(lstatSync(fifo).isFIFO()).toBe(true)
    expect(readdirSync(dir)).toEqual(['pipe'])
  })

  it('a link to a FIFO: written through, both kept', async () => {
    const dir = tempDir('fuseplan-writes-')
    mkfifo(join(dir, 'pipe'))
    symlinkSync('pipe', join(dir, 'out.sarif'))
    const read = readFifo(join(dir, 'pipe'))
    writeFileAtomic(join(dir, 'out.sarif'), 'data')
    expect(await read).toBe('data')
    expect(lstatSync(join(dir, 'out.sarif')).isSymbolicLink()).toBe(true)
    expect(lstatSync(join(dir, 'pipe')).isFIFO()).toBe(true)
  })
})

describe('the commands write through links and devices', () => {
  it('lint -o onto a FIFO and init --out onto a FIFO --force: written in place, the node kept', async () => {
    const dir = tempDir('fuseplan-writes-')
    mkfifo(join(dir, 'lint.sarif'))
    const lintRead = readFifo(join(dir, 'lint.sarif'))
    const lint = spawnSync(process.execPath, [BIN, 'lint', EXAMPLE, '-f', 'sarif', '-o', 'lint.sarif'], {cwd: dir, encoding: 'utf8', env: env(), timeout: 60_000})
    expect(lint.status).toBe(0)
    expect(JSON.parse(await lintRead)).toMatchObject({version: '2.1.0'})
    expect(lstatSync(join(dir, 'lint.sarif')).isFIFO()).toBe(true)

    mkfifo(join(dir, 'profile.yaml'))
    const initRead = readFifo(join(dir, 'profile.yaml'))
    const init = spawnSync(process.execPath, [BIN, 'init', '--yes', '--out', 'profile.yaml', '--force'], {cwd: dir, encoding: 'utf8', env: env(), timeout: 60_000})
    expect(init.status, init.stderr).toBe(0)
    expect(await initRead).toMatch(/^apiVersion: fuseplan\/v1$/m)
    expect(lstatSync(join(dir, 'profile.yaml')).isFIFO()).toBe(true)
  }, 120_000)

  it('lint -o onto a symbolic link: the report lands in its target, the link stays', () => {
    const dir = tempDir('fuseplan-writes-')
    mkdirSync(join(dir, 'reports'))
    writeFileSync(join(dir, 'reports', 'lint.sarif'), '')
    symlinkSync(join('reports', 'lint.sarif'), join(dir, 'lint.sarif'))
    const lint = spawnSync(process.execPath, [BIN, 'lint', EXAMPLE, '-f', 'sarif', '-o', 'lint.sarif'], {cwd: dir, encoding: 'utf8', env: env(), timeout: 60_000})
    expect(lint.status).toBe(0)
    expect(lstatSync(join(dir, 'lint.sarif')).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(join(dir, 'reports', 'lint.sarif'), 'utf8'))).toMatchObject({version: '2.1.0'})
  }, 60_000)
})
