// Every writing command (init, recommend --out, scaffold, evaluate --report) leaves either the
// complete result or nothing: never half a file, never a temp file, also when interrupted by
// SIGINT/SIGTERM at any moment, including in the middle of writing.
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BIN, ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, fuseplan, STACK_TRACE} from '../helpers/fuzz.js'

const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')
const TEMP_NAME = /\.tmp$|\.fuseplan-\d+/

interface Interrupted {
  status: number | null
  signal: NodeJS.Signals | null
  stderr: string
  signalled: boolean
}

/**
 * Starts the CLI and sends `signal` when `when` says so: after `delayMs`, or as soon as `trigger()`
 * sees the moment we are after (polled every millisecond). Resolves when the process has exited.
 */
function interrupt(args: string[], cwd: string, signal: NodeJS.Signals, when: {delayMs?: number; trigger?: (stderr: string) => boolean}): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'}
    delete env.FORCE_COLOR
    const child = spawn(process.execPath, [BIN, ...args], {cwd, env, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    let signalled = false
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const fire = () => {
      if (signalled || child.exitCode !== null) return
      signalled = true
      child.kill(signal)
    }
    let poll: NodeJS.Timeout | undefined
    if (when.trigger) poll = setInterval(() => when.trigger!(stderr) && fire(), 1)
    const timer = when.delayMs !== undefined ? setTimeout(fire, when.delayMs) : undefined
    const guard = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`still running after 90 s: ${args.join(' ')}\n${stderr}`))
    }, 90_000)
    child.on('exit', (status, sig) => {
      clearInterval(poll)
      clearTimeout(timer)
      clearTimeout(guard)
      resolve({status, signal: sig, stderr, signalled})
    })
  })
}

function tree(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, {recursive: true}).map(String).sort() : []
}

function expectNoTempFiles(dir: string): void {
  expect(tree(dir).filter((f) => TEMP_NAME.test(f.split('/').at(-1)!))).toEqual([])
}

function expectInterruptedCleanly(r: Interrupted, what: string): void {
  expect(STACK_TRACE.test(r.stderr), `${what}: stack trace\n${r.stderr}`).toBe(false)
  // Either it finished first (0), or it stopped on the signal: by the signal itself or 128+n.
  const ok = r.status === 0 || r.status === 130 || r.status === 143 || r.signal === 'SIGINT' || r.signal === 'SIGTERM'
  expect(ok, `${what}: exit ${r.status} signal ${r.signal}\n${r.stderr}`).toBe(true)
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']

describe('scaffold interrupted', () => {
  it('a signal at a random moment leaves the whole project or nothing', async () => {
    const reference = tempDir('fuseplan-sig-scaffold-ref-')
    const full = await interrupt(['scaffold', EXAMPLE, '--out', 'proj'], reference, 'SIGINT', {})
    expect(full.status).toBe(0)
    const complete = tree(join(reference, 'proj'))
    let stopped = 0
    for (const delayMs of [50, 250, 450, 650, 850, 1100]) {
      const dir = tempDir('fuseplan-sig-scaffold-')
      const r = await interrupt(['scaffold', EXAMPLE, '--out', 'proj'], dir, SIGNALS[delayMs % 2], {delayMs})
      if (r.signalled && r.status !== 0) stopped++
      expectInterruptedCleanly(r, `scaffold after ${delayMs} ms`)
      const files = tree(join(dir, 'proj'))
      expect(files.length === 0 || JSON.stringify(files) === JSON.stringify(complete), `partial project after ${delayMs} ms: ${files.length}/${complete.length} files`).toBe(true)
      expectNoTempFiles(dir)
    }
    // At 50 ms node is still starting: that run at least was stopped by its signal.
    expect(stopped).toBeGreaterThan(0)
  }, 180_000)
})

describe('evaluate --report interrupted', () => {
  it('a signal during training leaves no report and no temp file', async () => {
    for (const signal of SIGNALS) {
      const dir = tempDir('fuseplan-sig-evaluate-')
      const r = await interrupt(['evaluate', EXAMPLE, '--quick', '--report', 'report.html', '--samples', '400', '--test-samples', '100', '--epochs', '3'], dir, signal, {
        trigger: (err) => /training/i.test(err),
      })
      expect(r.signalled).toBe(true)
      expectInterruptedCleanly(r, `evaluate ${signal}`)
      expect(r.status === 0, 'evaluate finished before the signal').toBe(false)
      expect(readdirSync(dir)).toEqual([])
    }
  }, 180_000)
})

describe('single-file writers interrupted at random moments', () => {
  const cases: {name: string; args: string[]; target: string; check: (dir: string) => void}[] = []
  {
    cases.push({
      name: 'init',
      args: ['init', '--yes', '--out', 'profile.yaml'],
      target: 'profile.yaml',
      check: (dir) => expect(readFileSync(join(dir, 'profile.yaml'), 'utf8')).toMatch(/kind: DeploymentProfile[\s\S]*modalities:/),
    })
  }
  {
    cases.push({
      name: 'recommend --out',
      args: ['recommend', EXAMPLE, '--out', 'adr', '--date', '2026-01-01'],
      target: 'adr',
      check: (dir) => {
        const [adr] = readdirSync(join(dir, 'adr'))
        expect(readFileSync(join(dir, 'adr', adr), 'utf8')).toMatch(/## Decision Outcome[\s\S]*## /i)
      },
    })
  }

  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: the file is complete or absent, no temp file',
    async (_name, c) => {
      let stopped = 0
      for (const delayMs of [30, 200, 400, 600, 800, 1000]) {
        const dir = tempDir('fuseplan-sig-')
        const r = await interrupt(c.args, dir, SIGNALS[delayMs % 2], {delayMs})
        if (r.signalled && r.status !== 0) stopped++
        expectInterruptedCleanly(r, `${c.name} after ${delayMs} ms`)
        if (existsSync(join(dir, c.target))) c.check(dir)
        expectNoTempFiles(dir)
        expect(readdirSync(dir).filter((f) => f !== c.target)).toEqual([])
      }
      // At 30 ms node is still starting: that run at least was stopped by its signal.
      expect(stopped).toBeGreaterThan(0)
    },
    180_000,
  )

  it('a failed write (target folder is a file) leaves nothing behind', () => {
    const dir = tempDir('fuseplan-sig-fail-')
    writeFileSync(join(dir, 'adr'), 'not a folder')
    mkdirSync(join(dir, 'x'))
    const r = fuseplan(['recommend', EXAMPLE, '--out', 'adr', '--date', '2026-01-01'], {cwd: dir})
    expectCleanExit(r, [2], 'recommend --out onto a file')
    expect(r.stderr).toMatch(/adr/)
    expect(readdirSync(dir).sort()).toEqual(['adr', 'x'])
    expect(readFileSync(join(dir, 'adr'), 'utf8')).toBe('not a folder')
  }, 60_000)
})

describe('scaffold interrupted while writing the project', () => {
  // writeScaffold() writes every file into `.<out>.fuseplan-<pid>.tmp` beside the project, then renames
  // it into place, inside withoutInterruption (src/util/signals.ts). A signal sent from outside may
  // land before or after that short section, so the child sends SIGINT to itself at the one moment
  // that matters: when it is about to rename the temp folder (a preloaded module wraps renameSync).
  // The mark records that the signal was sent and how many SIGINT listeners guarded the section then:
  // without one, node would die mid-write and leave the temp folder.
  // The signal is handed to the listener once the section is complete, and the exit is 130; on a loaded
  // machine it can reach node's signal pipe only after the listeners are gone (src/util/signals.ts
  // keeps them two event-loop turns), and is then dropped: exit 0. The project is whole either way.
  const PRELOAD = `data:text/javascript,${encodeURIComponent(`
    import fs from 'node:fs'
    import {syncBuiltinESMExports} from 'node:module'
    const rename = fs.renameSync
    fs.renameSync = function (from, to) {
      if (/\\.fuseplan-\\d+\\.tmp$/.test(String(from)) && !process.env.SIGNAL_SENT) {
        process.env.SIGNAL_SENT = '1'
        fs.writeFileSync(process.env.SIGNAL_MARK, 'sent with ' + process.listenerCount('SIGINT') + ' listener(s)')
        process.kill(process.pid, 'SIGINT')
      }
      return rename.apply(this, arguments)
    }
    syncBuiltinESMExports()
  `)}`

  it('SIGINT in the middle of writing the project: the project is complete, no temp folder beside it', async () => {
    const reference = tempDir('fuseplan-sig-scaffold-ref-')
    expect(fuseplan(['scaffold', EXAMPLE, '--out', 'proj'], {cwd: reference}).status).toBe(0)
    const dir = tempDir('fuseplan-sig-scaffold-mid-')
    const mark = join(tempDir('fuseplan-sig-mark-'), 'signal')
    const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', SIGNAL_MARK: mark}
    delete env.FORCE_COLOR
    const r = spawnSync(process.execPath, ['--import', PRELOAD, BIN, 'scaffold', EXAMPLE, '--out', 'proj'], {cwd: dir, env, encoding: 'utf8', timeout: 60_000})
    // The signal was sent during the write section, which a listener guarded: node did not die of it.
    expect(readFileSync(mark, 'utf8')).toBe('sent with 1 listener(s)')
    expect(r.signal, r.stderr).toBeNull()
    expectCleanExit({...r, timedOut: false}, [0, 130], 'scaffold with SIGINT during the write section')
    expect(readdirSync(dir)).toEqual(['proj'])
    expect(tree(join(dir, 'proj'))).toEqual(tree(join(reference, 'proj')))
  }, 60_000)
})
