// An ADR folder (`recommend --out DIR`): files named NNNN-slug.md. A new recommendation gets the next
// free number. When the latest ADR written for the same profile records the same decision (its
// `decision-key`: strategy, masking plan, transfer plan), nothing is written, even if other details
// (sample counts, latency estimates) moved; otherwise the new ADR supersedes it and the old one's
// status becomes "superseded by ...". ADRs written before the key existed compare the body hash.
// Files are written atomically (temp file + rename): a failure never leaves half an ADR behind.
import {existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {writeFileAtomic} from '../util/fs.js'
import {readBoundedFile} from '../util/read.js'
import {withoutInterruption} from '../util/signals.js'
import type {Decision} from './types.js'

const ADR_FILE = /^(\d{4})-[^/\\]*\.md$/
/** ADRs fuseplan writes are a few kilobytes; anything much larger is not one of them. */
const MAX_ADR_BYTES = 1024 * 1024

export interface AdrRecord {
  file: string
  number: number
  status?: string
  profile?: string
  decisionHash?: string
  decisionKey?: string
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
}

/** Front matter keys of an ADR (only the flat `key: value` lines fuseplan writes). */
export function readFrontMatter(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (!text.startsWith('---\n')) return out
  const end = text.indexOf('\n---', 4)
  if (end < 0) return out
  for (const line of text.slice(4, end).split('\n')) {
    const m = /^([a-zA-Z-]+):\s*(.*)$/.exec(line)
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1')
  }
  return out
}

export function listAdrs(dir: string): AdrRecord[] {
  if (!existsSync(dir)) return []
  const records: AdrRecord[] = []
  for (const name of readdirSync(dir).sort()) {
    const m = ADR_FILE.exec(name)
    if (!m) continue
    const path = join(dir, name)
    let text: string
    try {
      // Regular files only, and small: a link to a device or a huge file is not an ADR.
      text = readBoundedFile(path, MAX_ADR_BYTES).toString('utf8')
    } catch {
      continue
    }
    const fm = readFrontMatter(text)
    records.push({file: name, number: Number(m[1]), status: fm.status, profile: fm.profile, decisionHash: fm['decision-hash'], decisionKey: fm['decision-key']})
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
 * Runs `section` holding the folder's lock: a file created exclusively (`wx`), so concurrent
 * `recommend --out` runs take turns choosing the next number and superseding, instead of two of
 * them writing ADR 0005.
 */
function withFolderLock<T>(dir: string, section: () => T): T {
  const lock = join(dir, LOCK_FILE)
  const started = Date.now()
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, {flag: 'wx'})
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, {force: true})
      } catch {
        // gone meanwhile: try again
      }
      if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`another fuseplan run holds ${lock}; remove it if no run is writing there.`)
      sleep(Math.min(100, 2 + attempt * 5))
    }
  }
  try {
    return section()
  } finally {
    rmSync(lock, {force: true})
  }
}

/** Writes `text` to a new file `path`, never over an existing one (temp file + hard link). */
function createExclusive(path: string, text: string): boolean {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`)
  writeFileSync(temp, text, {flag: 'wx'})
  try {
    linkSync(temp, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    rmSync(temp, {force: true})
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
  return withoutInterruption(() => withFolderLock(dir, () => writeAdrLocked(dir, decision, rendering)))
}

function writeAdrLocked(dir: string, decision: Decision, rendering: AdrRendering): WriteAdrResult {
  const hash = rendering.bodyHash
  const key = rendering.decisionKey
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
    const text = rendering.render(latest ? {file: latest.file, number: latest.number} : undefined)
    if (!createExclusive(join(dir, file), text)) continue
    if (latest) {
      const oldPath = join(dir, latest.file)
      const old = readFileSync(oldPath, 'utf8')
      const updated = setFrontMatterStatus(old, `"superseded by ADR-${number}"`)
      const note = `\n> Superseded by [ADR-${number}](${file}).\n`
      writeFileAtomic(oldPath, updated.endsWith(note) ? updated : `${updated.replace(/\n*$/, '\n')}${note}`)
    }
    return {action: 'created', file: join(dir, file), ...(latest ? {superseded: join(dir, latest.file)} : {})}
  }
  throw new Error(`could not claim a free ADR number in ${dir}; try again.`)
}
