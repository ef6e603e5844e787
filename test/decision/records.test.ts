// The ADR folder's bookkeeping under failure and odd files: a write that fails (a full disk, injected)
// leaves the folder consistent and the next run repairs it; CRLF and oversized ADRs keep their numbers;
// a stale lock (a folder committed by mistake, a dead run's file) is taken over with a note.
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it, vi} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {AdrWriteError, listAdrs, writeAdr} from '../../src/decision/records.js'
import {adrRendering} from '../../src/formatters/decision/adr.js'
import {loadProfileText} from '../../src/profile/load.js'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'

// Every write of the code under test goes through this hook, so a test can make one fail the way a
// full disk does: part of the data written, then ENOSPC.
const failing: {match?: RegExp} = {}
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>()
  const writeFileSync = ((path: unknown, data: unknown, options?: unknown) => {
    if (failing.match && typeof path === 'string' && failing.match.test(path)) {
      fs.writeFileSync(path, String(data).slice(0, 10), options as never)
      throw Object.assign(new Error(`ENOSPC: no space left on device, write`), {code: 'ENOSPC', syscall: 'write', path})
    }
    return fs.writeFileSync(path as never, data as never, options as never)
  }) as typeof fs.writeFileSync
  return {...fs, writeFileSync, default: {...fs, writeFileSync}}
})

afterEach(() => {
  failing.match = undefined
})

const EXAMPLE_TEXT = readFileSync(join(ROOT, 'examples', 'icu-deterioration.yaml'), 'utf8')

/** The bundled example with the chest X-ray's availability changed: each value a different masking plan. */
function decisionAt(availability: string) {
  const profile = loadProfileText('p.yaml', EXAMPLE_TEXT.replace(/availability: 0\.22\b/, `availability: ${availability}`)).profile!
  const decision = decide(profile)
  return {decision, rendering: adrRendering(decision, {date: '2026-01-01'})}
}

const temps = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'))

describe('a failed write leaves the ADR folder consistent', () => {
  it('marking the old ADR fails: the new one carries the mark, the run says so, and the next run completes it', () => {
    const dir = tempDir('fuseplan-records-')
    const first = decisionAt('0.20')
    const one = writeAdr(dir, first.decision, first.rendering)
    expect(one.action).toBe('created')
    const old = readdirSync(dir)[0]

    const second = decisionAt('0.24')
    failing.match = new RegExp(`/\\.${old.replace('.', '\\.')}\\.\\d+\\.\\d+\\.tmp$`)
    expect(() => writeAdr(dir, second.decision, second.rendering)).toThrow(AdrWriteError)
    expect(() => writeAdr(dir, second.decision, second.rendering)).toThrow(/could not be marked so \(ENOSPC/)
    failing.match = undefined
    expect(temps(dir)).toEqual([])
    const records = listAdrs(dir)
    expect(records.map((r) => [r.number, r.status, r.supersedes])).toEqual([
      [1, 'proposed', undefined],
      [2, 'proposed', old],
    ])

    // The next run (the same decision again) repairs the mark and writes nothing new.
    const again = writeAdr(dir, second.decision, second.rendering)
    expect(again.action).toBe('unchanged')
    expect(again.notes).toEqual([expect.stringMatching(new RegExp(`^marked ${old} superseded by ADR-0002, which an earlier run wrote but could not mark it\\.$`))])
    expect(listAdrs(dir).map((r) => r.status)).toEqual(['superseded by ADR-0002', 'proposed'])
    expect(readFileSync(join(dir, old), 'utf8')).toMatch(/> Superseded by \[ADR-0002\]\(0002-.*\.md\)\.\n$/)
  })

  it('writing the new ADR fails half-way: nothing new, no partial temporary file', () => {
    const dir = tempDir('fuseplan-records-')
    const first = decisionAt('0.20')
    writeAdr(dir, first.decision, first.rendering)
    const before = readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')])
    failing.match = /\/\.0002-.*\.tmp$/
    const second = decisionAt('0.24')
    expect(() => writeAdr(dir, second.decision, second.rendering)).toThrow(/ENOSPC/)
    failing.match = undefined
    expect(temps(dir)).toEqual([])
    expect(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')])).toEqual(before)
  })
})

describe('ADR files fuseplan did not write the usual way', () => {
  it('a CRLF ADR is recognised: its number is not reused, and it is marked superseded in CRLF', () => {
    const dir = tempDir('fuseplan-records-')
    const first = decisionAt('0.20')
    writeAdr(dir, first.decision, first.rendering)
    const [old] = readdirSync(dir)
    writeFileSync(join(dir, old), readFileSync(join(dir, old), 'utf8').replace(/\n/g, '\r\n'))
    // The same decision on a CRLF checkout: still unchanged.
    expect(writeAdr(dir, first.decision, first.rendering).action).toBe('unchanged')
    const second = decisionAt('0.24')
    const r = writeAdr(dir, second.decision, second.rendering)
    expect(r.action).toBe('created')
    expect(readdirSync(dir).map((f) => f.slice(0, 4))).toEqual(['0001', '0002'])
    const text = readFileSync(join(dir, old), 'utf8')
    expect(text).toContain('\r\nstatus: "superseded by ADR-0002"\r\n')
    expect(text.replace(/\r\n/g, '')).not.toContain('\n')
  })

  it('an ADR over 1 MB keeps its number and its front matter is still read', () => {
    const dir = tempDir('fuseplan-records-')
    const first = decisionAt('0.20')
    writeAdr(dir, first.decision, first.rendering)
    const [old] = readdirSync(dir)
    writeFileSync(join(dir, old), `${readFileSync(join(dir, old), 'utf8')}\n${'Long appendix. '.repeat(150_000)}\n`)
    expect(writeAdr(dir, first.decision, first.rendering).action).toBe('unchanged')
    const second = decisionAt('0.24')
    expect(writeAdr(dir, second.decision, second.rendering).action).toBe('created')
    expect(readdirSync(dir).map((f) => f.slice(0, 4))).toEqual(['0001', '0002'])
    expect(listAdrs(dir)[0].status).toBe('superseded by ADR-0002')
  })

  it('a numbered file that is not a regular file still takes its number', () => {
    const dir = tempDir('fuseplan-records-')
    mkdirSync(join(dir, '0001-a-folder.md'))
    const first = decisionAt('0.20')
    expect(writeAdr(dir, first.decision, first.rendering).file).toMatch(/\/0002-/)
  })
})

describe('a stale lock is taken over with a note', () => {
  it('a lock folder committed by mistake', () => {
    const dir = tempDir('fuseplan-records-')
    mkdirSync(join(dir, '.fuseplan-adr.lock'))
    writeFileSync(join(dir, '.fuseplan-adr.lock', 'keep'), '')
    const first = decisionAt('0.20')
    const r = writeAdr(dir, first.decision, first.rendering)
    expect(r.action).toBe('created')
    expect(r.notes).toEqual([expect.stringMatching(/^took over the stale lock .*\.fuseplan-adr\.lock: it is a folder, not a lock fuseplan takes \(committed by mistake\?\)\.$/)])
    expect(existsSync(join(dir, '.fuseplan-adr.lock'))).toBe(false)
  })

  it('through the CLI: recommend --out with a committed lock folder writes at once and says so', async () => {
    const dir = tempDir('fuseplan-records-')
    writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
    mkdirSync(join(dir, 'adr', '.fuseplan-adr.lock'), {recursive: true})
    const r = await runInProcess(['recommend', 'p.yaml', '--out', 'adr', '--date', '2026-01-01'], {cwd: dir, timeoutMs: 20_000})
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/^fuseplan: note: took over the stale lock .*adr\/\.fuseplan-adr\.lock: it is a folder/m)
    expect(readdirSync(join(dir, 'adr'))).toEqual([expect.stringMatching(/^0001-/)])
  }, 60_000)

  it('a fresh lock file of a run that is gone (its pid does not run)', () => {
    const dir = tempDir('fuseplan-records-')
    // Pid numbers wrap far below this on Linux (pid_max is at most 2^22).
    writeFileSync(join(dir, '.fuseplan-adr.lock'), '99999999\n')
    const first = decisionAt('0.20')
    const r = writeAdr(dir, first.decision, first.rendering)
    expect(r.action).toBe('created')
    expect(r.notes).toEqual([expect.stringMatching(/the run that took it \(pid 99999999\) is gone\.$/)])
  })
})
