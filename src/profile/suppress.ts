// Suppression comments, as ESLint's: a finding a team has accepted is silenced where it is, with a
// reason, and a comment that no longer silences anything is reported so it does not outlive its cause.
//
//   # fuseplan-disable-next-line shifted-availability -- the pilot site runs without X-rays
//   # fuseplan-disable rare-modality, shifted-availability -- whole file
//
// "Next line" is the next line with content and, when it opens a block (`patterns:`, `- name: cxr`),
// the lines nested under it: findings about a list point at its first item, not at its key.
//
// Checks that every command applies (the schema, the parser's) cannot be suppressed: the file would
// pass lint and still be refused by recommend.
import type {Finding, Severity, SuppressedFinding} from '../findings.js'
import {builtinCheck} from './builtin-checks.js'
import {closest} from '../util/suggest.js'

export interface Directive {
  kind: 'next-line' | 'file'
  /** Line of the comment (1-based) and column of its `#`. */
  line: number
  column: number
  ruleIds: string[]
  reason?: string
  /** Lines a next-line directive covers (inclusive); a file directive covers every line. */
  from: number
  to: number
  /** Rule ids that silenced at least one finding. */
  used: Set<string>
}

/** Lines scanned for directives: a profile is small; a huge file is not searched past this. */
const MAX_DIRECTIVES = 1000
const DIRECTIVE = /(?:^|\s)#\s*fuseplan-disable(-next-line)?(?=\s|$)(.*)$/

export function parseDirectives(text: string): Directive[] {
  const out: Directive[] = []
  if (!text.includes('fuseplan-disable')) return out
  const lines = text.split(/\r\n|\n/)
  for (let i = 0; i < lines.length && out.length < MAX_DIRECTIVES; i++) {
    const m = DIRECTIVE.exec(lines[i])
    if (!m) continue
    const [body, reason] = splitOnce(m[2], '--')
    const ruleIds = body.split(/[\s,]+/).filter(Boolean)
    const column = lines[i].indexOf('#', m.index) + 1
    const [from, to] = m[1] ? coveredLines(lines, i) : [1, lines.length]
    out.push({kind: m[1] ? 'next-line' : 'file', line: i + 1, column, ruleIds, reason: reason?.trim() || undefined, from, to, used: new Set()})
  }
  return out
}

const CONTENTLESS = /^\s*(#.*)?$/
const indentOf = (line: string) => /^[\s-]*/.exec(line)![0].length

/** 1-based lines covered by a next-line comment on line index `at`: the next content line and its nested block. */
function coveredLines(lines: string[], at: number): [number, number] {
  let target = at + 1
  while (target < lines.length && CONTENTLESS.test(lines[target])) target++
  if (target >= lines.length) return [at + 2, at + 2]
  const indent = indentOf(lines[target])
  let last = target
  for (let j = target + 1; j < lines.length; j++) {
    if (CONTENTLESS.test(lines[j])) continue
    if (indentOf(lines[j]) <= indent) break
    last = j
  }
  return [target + 1, last + 1]
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep)
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + sep.length)]
}

/** True for findings a comment may silence: rule findings and configurable built-in checks. */
export function suppressible(ruleId: string): boolean {
  const check = builtinCheck(ruleId)
  return check === undefined || check.configurable
}

export interface Suppression {
  findings: Finding[]
  suppressed: SuppressedFinding[]
  directives: Directive[]
}

/** Drops the findings a directive of the text silences; marks which directives were used. */
export function applySuppressions(findings: Finding[], text: string): Suppression {
  const directives = parseDirectives(text)
  if (directives.length === 0) return {findings, suppressed: [], directives}
  const kept: Finding[] = []
  const suppressed: SuppressedFinding[] = []
  for (const f of findings) {
    const by = suppressible(f.ruleId) ? directives.find((d) => d.ruleIds.includes(f.ruleId) && f.line >= d.from && f.line <= d.to) : undefined
    if (by) {
      by.used.add(f.ruleId)
      suppressed.push({...f, justification: by.reason ?? ''})
    } else kept.push(f)
  }
  return {findings: kept, suppressed, directives}
}

/**
 * Findings about the directives themselves: no rule id, a rule id that does not exist (`known`), a
 * check that cannot be suppressed (errors), and ids that silenced nothing (a warning, as ESLint's
 * reportUnusedDisableDirectives).
 */
export function directiveFindings(directives: Directive[], known: (id: string) => boolean, reportUnused: boolean, allIds: readonly string[] = []): Finding[] {
  const out: Finding[] = []
  const at = (d: Directive, ruleId: string, severity: Severity, message: string): Finding => ({
    ruleId,
    severity,
    message,
    path: [],
    line: d.line,
    column: d.column,
    endLine: d.line,
    endColumn: d.column,
  })
  for (const d of directives) {
    const what = d.kind === 'file' ? '`fuseplan-disable`' : '`fuseplan-disable-next-line`'
    if (d.ruleIds.length === 0) out.push(at(d, 'invalid-disable-directive', 'error', `${what} needs the rule ids it silences, e.g. \`# ${what.slice(1, -1)} shifted-availability -- reason\`.`))
    for (const id of d.ruleIds) {
      if (!known(id)) {
        const near = closest(id, allIds)
        const hint = near ? ` Did you mean \`${near}\`?` : ''
        out.push(at(d, 'invalid-disable-directive', 'error', `${what} names \`${id.slice(0, 80)}\`, which is not a rule id.${hint} (\`fuseplan rules list\` shows them.)`))
      } else if (!suppressible(id))
        out.push(at(d, 'invalid-disable-directive', 'error', `\`${id}\` cannot be suppressed: recommend, scaffold and evaluate refuse a file that fails it. Fix the file instead.`))
      else if (reportUnused && !d.used.has(id)) {
        const where = d.kind === 'file' ? 'in this file' : d.from === d.to ? `on line ${d.from}` : `on lines ${d.from}-${d.to}`
        out.push(at(d, 'unused-disable-directive', 'warning', `Unused suppression: no \`${id}\` finding ${where}. Remove \`${id}\` from the comment.`))
      }
    }
  }
  return out
}
