// bench/decisions.js's command line: a typo or a missing protocol must stop before hours of simulation
// start, with the usage or the file's path and exit 2, never a stack trace. No case here runs a profile.
import {spawn, spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

const cli = (args: string[], script = 'bench/decisions.js') => spawnSync(process.execPath, [script, ...args], {encoding: 'utf8', timeout: 60_000})

/** A copy of the bench with the committed protocol and records; the engine and rules are the project's own. */
function copyBench(prefix: string) {
  const copy = mkdtempSync(join(tmpdir(), prefix))
  cpSync('bench/decisions.js', join(copy, 'bench', 'decisions.js'))
  cpSync('bench/evidence', join(copy, 'bench', 'evidence'), {recursive: true})
  cpSync('bench/realdata/section.js', join(copy, 'bench', 'realdata', 'section.js'))
  for (const d of ['dist', 'rules', 'node_modules']) symlinkSync(resolve(d), join(copy, d))
  return copy
}

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

  // A copy whose run-profile.js stands in for training: it waits a second and says so.
  const fakeRun = async (signals: number) => {
    const copy = copyBench('fuseplan-run-stop-')
    try {
      writeFileSync(join(copy, 'bench', 'evidence', 'run-profile.js'), 'setTimeout(() => console.log(`profile ${process.argv[4]}: fake`), 1000)\n')
      const child = spawn(process.execPath, [join(copy, 'bench', 'decisions.js'), 'run', '--set', 'test', '--jobs', '2'], {stdio: ['ignore', 'pipe', 'pipe']})
      let stderr = ''
      child.stderr.on('data', (d) => (stderr += d))
      const code = await new Promise<number | null>((done) => {
        for (let i = 0; i < signals; i++) setTimeout(() => child.kill('SIGTERM'), 500 + 100 * i)
        child.on('exit', (c) => done(c))
      })
      return {code, stderr, wrote: ['docs/decisions.md', 'evidence/confidence.json'].filter((f) => existsSync(join(copy, f)))}
    } finally {
      rmSync(copy, {recursive: true, force: true})
    }
  }

  it('run stops between profiles on SIGTERM: the running ones finish, no new one starts, nothing else is written', async () => {
    const {code, stderr, wrote} = await fakeRun(1)
    expect(stderr).toContain('stopping: the 2 running profile(s) finish')
    expect(stderr).toMatch(/\[1\] profile [01]: fake/)
    expect(stderr).toMatch(/\[2\] profile [01]: fake/)
    expect(stderr).not.toContain('[3]')
    expect(stderr).toContain('stopped; the records written so far are kept')
    expect(stderr).not.toMatch(/\n\s+at /)
    expect(code).toBe(143)
    expect(wrote).toEqual([])
  }, 60_000)

  it('a second SIGTERM stops the run at once, the running profiles with it', async () => {
    const {code, stderr, wrote} = await fakeRun(2)
    expect(stderr).toContain('stopping: the 2 running profile(s) finish')
    expect(stderr).not.toContain('[1]')
    expect(code).toBe(143)
    expect(wrote).toEqual([])
  }, 60_000)

  it('new-test-grid draws the next seed, plans its seeds and registers a sequential second stage to 100', () => {
    const copy = copyBench('fuseplan-new-grid-')
    try {
      const before = JSON.parse(readFileSync('bench/evidence/protocol.json', 'utf8'))
      const r = cli(['new-test-grid'], join(copy, 'bench', 'decisions.js'))
      expect(r.stderr).toBe('')
      expect(r.status).toBe(0)
      const after = JSON.parse(readFileSync(join(copy, 'bench', 'evidence', 'protocol.json'), 'utf8'))
      const seed = Math.max(...before.test.gridsUsed.map((g: {seed: number}) => g.seed)) + 1
      expect(r.stdout).toMatch(new RegExp(`^test grid seed ${seed} for rules ${after.test.rulesHash}, ${after.sets.test.seeds} training seeds \\(planned from \\d+ `))
      expect(after.sets.test).toMatchObject({seed, topUp: {maxSeeds: 100, sequential: true}})
      // The outgoing grid keeps its registration, so the doc can read it until the fresh one is complete.
      const {rulesHash: _h, gridsUsed: _u, ...outgoing} = before.test
      const kept = before.test.gridsUsed.map((g: {seed: number; registered?: unknown}) =>
        g.seed === before.sets.test.seed && !g.registered ? {...g, registered: {set: before.sets.test, test: outgoing}} : g,
      )
      expect(kept.find((g: {seed: number}) => g.seed === before.sets.test.seed).registered).toBeDefined()
      expect(after.test.gridsUsed).toEqual([...kept, {seed, rulesHash: after.test.rulesHash}])
      expect(after.test.plannedSeeds).toMatchObject({seeds: after.sets.test.seeds, read: {tuning: before.sets.tuning.seeds, calibration: before.sets.calibration.seeds}})
      expect(after.test.topUp.basis).toMatch(/re-read over all its seeds/)
      // The other sets are untouched.
      expect({...after.sets, test: null}).toEqual({...before.sets, test: null})
    } finally {
      rmSync(copy, {recursive: true, force: true})
    }
  }, 120_000)
})
