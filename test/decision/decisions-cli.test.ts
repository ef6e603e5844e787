// bench/decisions.js's command line: a typo or a missing protocol must stop before hours of simulation
// start, with the usage or the file's path and exit 2, never a stack trace. No case here runs a profile.
import {spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

const cli = (args: string[], script = 'bench/decisions.js') => spawnSync(process.execPath, [script, ...args], {encoding: 'utf8', timeout: 60_000})

describe('bench/decisions.js command line', () => {
  it('--help prints the usage and exits 0', () => {
    const r = cli(['--help'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^Usage: node bench\/decisions\.js \[command\] \[options\]/)
    expect(r.stdout).toContain('new-test-grid')
  })

  it.each([
    [['rnu'], /unknown command "rnu"/],
    [['run', '--set', 'tset'], /unknown set "tset" \(sets: tuning, calibration, test/],
    [['run', '--jobs', '0'], /--jobs needs a whole number of at least 1, got "0"/],
    [['report', '--set', 'test'], /unknown option "--set" for report/],
  ])('%j exits 2 with the usage, before anything runs', (args, message) => {
    const r = cli(args)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr).toContain('Usage: node bench/decisions.js')
    expect(r.stdout).toBe('')
  })

  // A copy of the scripts without a protocol (or with a broken one): its path and the reason, exit 2.
  const dir = mkdtempSync(join(tmpdir(), 'fuseplan-decisions-cli-'))
  cpSync('bench/decisions.js', join(dir, 'bench', 'decisions.js'))
  cpSync('bench/evidence', join(dir, 'bench', 'evidence'), {recursive: true, filter: (src) => !src.includes('results') && !src.endsWith('protocol.json')})
  cpSync('bench/realdata/section.js', join(dir, 'bench', 'realdata', 'section.js'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('a missing protocol: its path, exit 2, and --help still works', () => {
    const script = join(dir, 'bench', 'decisions.js')
    const r = cli(['report'], script)
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      `bench/decisions.js: cannot read ${join(dir, 'bench', 'evidence', 'protocol.json')}: ENOENT: no such file or directory, open '${join(dir, 'bench', 'evidence', 'protocol.json')}'\n`,
    )
    expect(cli(['--help'], script).status).toBe(0)
  })

  it('a broken protocol: exit 2 with the parse error, for --set too', () => {
    writeFileSync(join(dir, 'bench', 'evidence', 'protocol.json'), '{"sets": ')
    const r = cli(['run', '--set', 'test'], join(dir, 'bench', 'decisions.js'))
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^bench\/decisions\.js: cannot read .*protocol\.json: .*JSON/)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  })
})
