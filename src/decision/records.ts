// An ADR folder (`recommend --out DIR`): files named NNNN-slug.md. A new recommendation gets the next
// free number. When the latest ADR written for the same profile records the same decision (its
// `decision-key`: strategy, masking plan, transfer plan), nothing is written, even if other details
// (sample counts, latency estimates) moved; otherwise the new ADR supersedes it and the old one's
// status becomes "superseded by ...". ADRs written before the key existed compare the body hash.
// Files are written atomically (temp file + rename): a failure never leaves half an ADR behind. The
// new ADR carries `supersedes:` in its front matter, so when marking the old one fails (a full disk)
// the next run completes the mark. Every numbered file keeps its number, readable or not (a huge or
// CRLF ADR is read for its front matter alone), and a stale lock is taken over with a note.
import {existsSync, linkSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {writeFileAtomic} from '../util/fs.js'
import {readBoundedFile, readFilePrefix} from '../util/read.js'
import {withoutInterruption} from '../util/signals.js'
import type {Decision} from './types.js'

const ADR_FILE = /^(\d{4})-[^/\\]*\.md$/

export interface AdrRecord {
  file: string
  number: number
  status?: string
  profile?: string
  decisionHash?: string
  decisionKey?: string
  /** The ADR this one supersedes (its file name), as written in its front matter. */
  supersedes?: string
}

/**
 * How one decision reads as an ADR. The ADR formatter supplies it (formatters/decision/adr.ts,
 * `adrRendering`): the record keeping here numbers, supersedes and compares, and does not know how a
 * decision is printed.
 */
export interface AdrRendering {
  /** File name after the number: `0007-<slug>.md`. */
  slug: string
  /** Hash of the ADR body: equal means the latest record already says exactly this. */
  bodyHash: string
  /** Key of the decision itself (strategy, masking plan, transfer plan): equal means no new ADR. */
  decisionKey: string
  /** The whole ADR text, superseding `supersedes` when given. */
  render(supersedes?: {file: string; number: number}): string
}

export interface WriteAdrResult {
  /** `unchanged`: the latest ADR says exactly this; `same-decision`: it records this decision, details differ. */
  action: 'created' | 'unchanged' | 'same-decision'
  /** The ADR written, or the existing one that already records the decision. */
  file: string
  /** The ADR the new one supersedes, if any. */
  superseded?: string
  /** What the run did besides (a stale lock taken over, an ADR marked superseded that an earlier run could not mark). */
  notes: string[]
}

/** The ADR folder could not be brought to a consistent state (a write failed): the command stops with exit 2. */
export class AdrWriteError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AdrWriteError'
  }
}

/** Front matter keys of an ADR (only the flat `key: value` lines fuseplan writes); CRLF files too. */
export function readFrontMatter(input: string): Record<string, string> {
  const out: Record<string, string> = {}
  const text = input.includes('\r\n') ? input.replace(/\r\n/g, '\n') : input
  if (!text.startsWith('---\n')) return out
  const end = text.indexOf('\n---', 4)
  if (end < 0) return out
  for (const line of text.slice(4, end).split('\n')) {
    const m = /^([a-zA-Z-]+):\s*(.*)$/.exec(line)
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1')
  }
  return out
}

/** Front matter is at the top of an ADR: this much of a file is read for it, however large the file. */
const FRONT_MATTER_BYTES = 64 * 1024

export function listAdrs(dir: string): AdrRecord[] {
  if (!existsSync(dir)) return []
  const records: AdrRecord[] = []
  for (const name of readdirSync(dir).sort()) {
    const m = ADR_FILE.exec(name)
    if (!m) continue
    const path = join(dir, name)
    // Every numbered file takes its number, readable or not: a huge ADR or a link to a device must
    // not make the next one reuse it. Only its front matter is read, from the start of a regular file.
    let fm: Record<string, string> = {}
    try {
      fm = readFrontMatter(readFilePrefix(path, FRONT_MATTER_BYTES).toString('utf8'))
    } catch {
      // not a regular file: a number, nothing else
    }
    records.push({
      file: name,
      number: Number(m[1]),
      status: fm.status,
      profile: fm.profile,
      decisionHash: fm['decision-hash'],
      decisionKey: fm['decision-key'],
      ...(fm.supersedes ? {supersedes: fm.supersedes} : {}),
    })
  }
  return records
}

/** How long a run waits for another run writing into the same folder before giving up. */
const LOCK_WAIT_MS = 30_000
/** A lock older than this was left by a run that died (the section it guards takes milliseconds). */
const LOCK_STALE_MS = 10_000
const LOCK_FILE = '.fuseplan-adr.lock'

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/**
 * Why the lock at `lock` is stale, or undefined while a run may hold it. A lock fuseplan takes is a
 * small file holding the pid of the run: a folder (committed by mistake), a file of another kind, the
 * pid of a process that no longer runs on this machine, or a lock older than LOCK_STALE_MS is stale.
 */
function staleLock(lock: string): string | undefined {
  let st
  try {
    st = lstatSync(lock)
  } catch {
    return undefined // gone meanwhile
  }
  if (st.isDirectory()) return 'it is a folder, not a lock fuseplan takes (committed by mistake?)'
  if (!st.isFile()) return 'it is not a regular file'
  let pid = Number.NaN
  try {
    pid = Number(readFilePrefix(lock, 64).toString('utf8').trim())
  } catch {
    // unreadable: judged by its age
  }
  if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid) {
    try {
      process.kill(pid, 0)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return `the run that took it (pid ${pid}) is gone`
    }
  }
  const age = Date.now() - st.mtimeMs
  if (age > LOCK_STALE_MS) return `it is ${Math.round(age / 1000)} s old, and the step it guards takes milliseconds`
  return undefined
}

/**
 * Runs `section` holding the folder's lock: a file created exclusively (`wx`), so concurrent
 * `recommend --out` runs take turns choosing the next number and superseding, instead of two of
 * them writing ADR 0005. A stale lock is taken over, and `notes` says so.
 */
function withFolderLock<T>(dir: string, notes: string[], section: () => T): T {
  const lock = join(dir, LOCK_FILE)
  const started = Date.now()
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, {flag: 'wx'})
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const stale = staleLock(lock)
      if (stale !== undefined) {
        rmSync(lock, {force: true, recursive: true})
        notes.push(`took over the stale lock ${lock}: ${stale}.`)
        continue
      }
      if (Date.now() - started > LOCK_WAIT_MS) throw new AdrWriteError(`another fuseplan run holds ${lock}; remove it if no run is writing there.`)
      sleep(Math.min(100, 2 + attempt * 5))
    }
  }
  try {
    return section()
  } finally {
    rmSync(lock, {force: true})
  }
}

/** Writes `text` to a new file `path`, never over an existing one (temp file + hard link); no temp file stays behind. */
function createExclusive(path: string, text: string): boolean {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`)
  try {
    writeFileSync(temp, text, {flag: 'wx'})
    linkSync(temp, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    rmSync(temp, {force: true})
  }
}

/** The text with a front matter key set (a missing `status` first, another key last), in the file's own line endings. */
function setFrontMatterKey(text: string, key: string, value: string): string {
  const crlf = text.includes('\r\n')
  const lf = crlf ? text.replace(/\r\n/g, '\n') : text
  if (!lf.startsWith('---\n')) return text
  const end = lf.indexOf('\n---', 3)
  if (end < 0) return text
  const front = lf.slice(0, end + 1)
  const line = `${key}: ${value}\n`
  const pattern = new RegExp(`^${key}:[^\\n]*\\n`, 'm')
  const updated = pattern.test(front) ? front.replace(pattern, line) : key === 'status' ? `---\n${line}${front.slice(4)}` : `${front}${line}`
  const out = updated + lf.slice(end + 1)
  return crlf ? out.replace(/\n/g, '\r\n') : out
}

/** Largest ADR whose status line fuseplan rewrites when superseding it. */
const MAX_REWRITE_BYTES = 16 * 1024 * 1024

/** Marks `old` superseded by `by` (number and file): its status, and a note at its end. */
function markSuperseded(dir: string, old: string, by: {number: string; file: string}): void {
  const oldPath = join(dir, old)
  const text = readBoundedFile(oldPath, MAX_REWRITE_BYTES).toString('utf8')
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const updated = setFrontMatterKey(text, 'status', `"superseded by ADR-${by.number}"`)
  const note = `${eol}> Superseded by [ADR-${by.number}](${by.file}).${eol}`
  writeFileAtomic(oldPath, updated.endsWith(note) ? updated : `${updated.replace(/(\r?\n)*$/, eol)}${note}`)
}

/**
 * Brings the folder back to a consistent state: an ADR whose front matter says it supersedes another
 * marks that one superseded, if an earlier run wrote the new ADR and failed before marking the old.
 */
function repairSuperseding(dir: string, records: AdrRecord[], notes: string[]): void {
  const byFile = new Map(records.map((r) => [r.file, r]))
  for (const r of records) {
    const old = r.supersedes ? byFile.get(r.supersedes) : undefined
    if (!old || old === r || (old.status ?? '').startsWith('superseded')) continue
    const number = String(r.number).padStart(4, '0')
    try {
      markSuperseded(dir, old.file, {number, file: r.file})
    } catch (error) {
      throw new AdrWriteError(`${join(dir, r.file)} supersedes ${join(dir, old.file)}, which could not be marked so (${String((error as Error)?.message ?? error)}); nothing new was written.`)
    }
    notes.push(`marked ${old.file} superseded by ADR-${number}, which an earlier run wrote but could not mark it.`)
  }
}

/** The text with the front matter's `status:` set (added when missing); the body is never touched. */
export function setFrontMatterStatus(text: string, status: string): string {
  if (!text.startsWith('---\n')) return text
  const end = text.indexOf('\n---', 3)
  if (end < 0) return text
  const front = text.slice(0, end + 1)
  const line = `status: ${status}\n`
  const updated = /^status:[^\n]*\n/m.test(front) ? front.replace(/^status:[^\n]*\n/m, line) : `---\n${line}${front.slice(4)}`
  return updated + text.slice(end + 1)
}

/**
 * The slug, or when another ADR in the folder already carries it (a decision for the same profile
 * and strategy, whose masking or transfer plan changed), the slug with a few characters of the
 * decision key, so no two files differ only by their number.
 */
export function distinctSlug(slug: string, records: readonly AdrRecord[], decisionKey: string): string {
  const taken = new Set(records.map((r) => r.file.replace(/^\d{4}-/, '').replace(/\.md$/, '')))
  if (!taken.has(slug)) return slug
  const hex = decisionKey.replace(/^sha256:/, '')
  for (let n = 6; n <= hex.length; n += 2) if (!taken.has(`${slug}-${hex.slice(0, n)}`)) return `${slug}-${hex.slice(0, n)}`
  return `${slug}-${records.length + 1}`
}

export function writeAdr(dir: string, decision: Decision, rendering: AdrRendering): WriteAdrResult {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`--out ${dir} exists and is not a folder.`)
  mkdirSync(dir, {recursive: true})
  const notes: string[] = []
  const result = withoutInterruption(() => withFolderLock(dir, notes, () => writeAdrLocked(dir, decision, rendering, notes)))
  return {...result, notes}
}

function writeAdrLocked(dir: string, decision: Decision, rendering: AdrRendering, notes: string[]): Omit<WriteAdrResult, 'notes'> {
  const hash = rendering.bodyHash
  const key = rendering.decisionKey
  repairSuperseding(dir, listAdrs(dir), notes)
  // The lock keeps other fuseplan runs out; the exclusive create still refuses to replace a file
  // someone else put there meanwhile, and the number moves on.
  for (let attempt = 0; attempt < 100; attempt++) {
    const records = listAdrs(dir)
    const mine = records.filter((r) => r.profile === decision.profile.name && !(r.status ?? '').startsWith('superseded'))
    const latest = mine.length > 0 ? mine[mine.length - 1] : undefined
    if (latest && latest.decisionHash === hash) return {action: 'unchanged', file: join(dir, latest.file)}
    if (latest && latest.decisionKey === key) return {action: 'same-decision', file: join(dir, latest.file)}

    const next = records.reduce((max, r) => Math.max(max, r.number), 0) + 1
    if (next > 9999) throw new Error(`${dir} already holds ADR 9999; fuseplan numbers ADRs with four digits.`)
    const number = String(next).padStart(4, '0')
    const file = `${number}-${distinctSlug(rendering.slug, records, key)}.md`
    const rendered = rendering.render(latest ? {file: latest.file, number: latest.number} : undefined)
    // The superseding mark travels with the new ADR: if marking the old one fails (a full disk), the
    // folder still says which ADR is current, and the next run completes the mark.
    const text = latest ? setFrontMatterKey(rendered, 'supersedes', latest.file) : rendered
    if (!createExclusive(join(dir, file), text)) continue
    if (latest) {
      try {
        markSuperseded(dir, latest.file, {number, file})
      } catch (error) {
        const reason = String((error as Error)?.message ?? error)
        throw new AdrWriteError(`wrote ${join(dir, file)}, but could not mark ${join(dir, latest.file)} as superseded (${reason}); the next \`recommend --out ${dir}\` marks it.`)
      }
    }
    return {action: 'created', file: join(dir, file), ...(latest ? {superseded: join(dir, latest.file)} : {})}
  }
  throw new Error(`could not claim a free ADR number in ${dir}; try again.`)
}
