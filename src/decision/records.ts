// An ADR folder (`recommend --out DIR`): files named NNNN-slug.md. A new recommendation gets the next
// free number. When the latest ADR written for the same profile has the same decision hash, nothing is
// written; otherwise the new ADR supersedes it and the old one's status becomes "superseded by ...".
// Files are written atomically (temp file + rename): a failure never leaves half an ADR behind.
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {adrBody, adrSlug, decisionHash, formatAdr} from '../formatters/decision/adr.js'
import type {RuleSet} from '../engine/types.js'
import {writeFileAtomic} from '../util/fs.js'
import type {Decision} from './types.js'

const ADR_FILE = /^(\d{4})-[^/\\]*\.md$/

export interface AdrRecord {
  file: string
  number: number
  status?: string
  profile?: string
  decisionHash?: string
}

export interface WriteAdrResult {
  action: 'created' | 'unchanged'
  /** The ADR written, or the existing one that already says the same. */
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
    if (!statSync(path).isFile()) continue
    const fm = readFrontMatter(readFileSync(path, 'utf8'))
    records.push({file: name, number: Number(m[1]), status: fm.status, profile: fm.profile, decisionHash: fm['decision-hash']})
  }
  return records
}

export function writeAdr(dir: string, decision: Decision, options: {date: string; ruleSet?: RuleSet}): WriteAdrResult {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`--out ${dir} exists and is not a folder.`)
  const records = listAdrs(dir)
  const hash = decisionHash(adrBody(decision, options.ruleSet))
  const mine = records.filter((r) => r.profile === decision.profile.name && !(r.status ?? '').startsWith('superseded'))
  const latest = mine.length > 0 ? mine[mine.length - 1] : undefined
  if (latest && latest.decisionHash === hash) return {action: 'unchanged', file: join(dir, latest.file)}

  const next = records.reduce((max, r) => Math.max(max, r.number), 0) + 1
  if (next > 9999) throw new Error(`${dir} already holds ADR 9999; fuseplan numbers ADRs with four digits.`)
  const number = String(next).padStart(4, '0')
  const file = `${number}-${adrSlug(decision)}.md`
  const text = formatAdr(decision, {date: options.date, ruleSet: options.ruleSet, supersedes: latest ? {file: latest.file, number: latest.number} : undefined})
  mkdirSync(dir, {recursive: true})
  writeFileAtomic(join(dir, file), text)
  if (latest) {
    const oldPath = join(dir, latest.file)
    const old = readFileSync(oldPath, 'utf8')
    const updated = old.replace(/^(---\n(?:[^\n]*\n)*?)status:[^\n]*\n/, `$1status: "superseded by ADR-${number}"\n`)
    const note = `\n> Superseded by [ADR-${number}](${file}).\n`
    writeFileAtomic(oldPath, updated.endsWith(note) ? updated : `${updated.replace(/\n*$/, '\n')}${note}`)
  }
  return {action: 'created', file: join(dir, file), ...(latest ? {superseded: join(dir, latest.file)} : {})}
}
