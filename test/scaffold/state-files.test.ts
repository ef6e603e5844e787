// scaffold's state files (.fuseplan/answers.yaml, .fuseplan/manifest.json) are read with the bounded
// reader: a FIFO or a link to /dev/zero is a clear error (exit 2), not a hang or gigabytes read. And a
// tampered manifest cannot make scaffold delete a file it happens to know the hash of.
import {spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'

const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path])
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`)
}

async function scaffolded(): Promise<string> {
  const dir = tempDir('fuseplan-state-')
  const r = await runInProcess(['scaffold', EXAMPLE, '--out', 'proj'], {cwd: dir, timeoutMs: 60_000})
  expectCleanExit(r, [0], 'first scaffold')
  return dir
}

describe('state files are read with the bounded reader', () => {
  it.each([
    ['answers.yaml', 'a FIFO', 'FIFO'],
    ['answers.yaml', 'a link to /dev/zero', 'zero'],
    ['manifest.json', 'a FIFO', 'FIFO'],
    ['manifest.json', 'a link to /dev/zero', 'zero'],
  ])(
    '.fuseplan/%s as %s: exit 2, saying why',
    async (name, _what, kind) => {
      const dir = await scaffolded()
      const file = join(dir, 'proj', '.fuseplan', name)
      rmSync(file)
      if (kind === 'FIFO') mkfifo(file)
      else symlinkSync('/dev/zero', file)
      // Without a profile scaffold reads the answers; with one it still reads the manifest.
      const args = name === 'answers.yaml' ? ['scaffold', '--out', 'proj'] : ['scaffold', EXAMPLE, '--out', 'proj']
      const r = await runInProcess(args, {cwd: dir, timeoutMs: 30_000})
      expectCleanExit(r, [2], `scaffold with ${name} as ${kind}`)
      expect(r.stderr).toMatch(new RegExp(`cannot read .*\\.fuseplan/${name.replace('.', '\\.')}: it is (a FIFO|a device), not a regular file`))
    },
    90_000,
  )
})

describe('a tampered manifest', () => {
  it('cannot make scaffold delete a file of the project; the file is reported and left', async () => {
    const dir = await scaffolded()
    const mine = join(dir, 'proj', 'src', 'secret-sauce.ts')
    writeFileSync(mine, 'export const recipe = 42\n')
    const manifestPath = join(dir, 'proj', '.fuseplan', 'manifest.json')
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {files: Record<string, string>; pending?: Record<string, string>}
    const hash = `sha256:${createHash('sha256').update(readFileSync(mine)).digest('hex')}`
    manifest.files['src/secret-sauce.ts'] = hash
    manifest.pending = {'src/secret-sauce.ts': hash}
    writeFileSync(manifestPath, JSON.stringify(manifest))
    const r = await runInProcess(['scaffold', EXAMPLE, '--out', 'proj'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(r, [0], 'scaffold with a tampered manifest')
    expect(existsSync(mine)).toBe(true)
    expect(r.stdout).toContain('  left         src/secret-sauce.ts  (fuseplan no longer generates it; delete it if you do not need it)')
    // The new manifest no longer lists it: the next run is quiet.
    const again = await runInProcess(['scaffold', EXAMPLE, '--out', 'proj'], {cwd: dir, timeoutMs: 60_000})
    expect(again.stdout).not.toContain('secret-sauce')
    expect(existsSync(mine)).toBe(true)
  }, 120_000)
})
