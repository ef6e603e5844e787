// Rule documentation as text: `fuseplan rules list` and `fuseplan rules show ID`.
import {stringify} from 'yaml'
import {FACT_DOCS} from '../../facts/index.js'
import {ruleHelpUri} from '../../engine/index.js'
import type {ConfiguredCheck, ConfiguredRule, RuleSet} from '../../engine/types.js'
import {editDistance} from '../../util/suggest.js'
import {escapeText} from '../../util/text.js'

// Rule packs are other people's text: every piece is escaped for the terminal (escapeText), so a
// title or rationale cannot drive the terminal, reverse itself or start a CI workflow command.
const t1 = (s: string): string => escapeText(s, 'line')

export function formatRuleList(ruleSet: RuleSet): string {
  const checks = ruleSet.checks.map((cc) => [cc.check.id, cc.enabled ? cc.severity : 'off', `${cc.check.title} (built-in${cc.check.configurable ? '' : ', always on'})`])
  const rows = [...checks, ...ruleSet.rules.map((cr) => [t1(cr.rule.id), severityLabel(cr), t1(cr.rule.title)])]
  const w0 = Math.max(...rows.map((r) => r[0].length), 2)
  const w1 = Math.max(...rows.map((r) => r[1].length), 8)
  const lines = [`${'ID'.padEnd(w0)}  ${'SEVERITY'.padEnd(w1)}  TITLE`]
  for (const [id, sev, title] of rows) lines.push(`${id.padEnd(w0)}  ${sev.padEnd(w1)}  ${title}`)
  lines.push(
    '',
    `${ruleSet.checks.length} built-in checks and ${ruleSet.rules.length} rules from ${ruleSet.dirs.length} folder${ruleSet.dirs.length === 1 ? '' : 's'}${ruleSet.configPath ? ` (config ${t1(ruleSet.configPath)})` : ''}. \`fuseplan rules show ID\` prints a rule's documentation.`,
  )
  return `${lines.join('\n')}\n`
}

function severityLabel(cr: ConfiguredRule): string {
  if (!cr.enabled) return 'off'
  if (cr.rule.category === 'decision') return 'decision'
  return cr.severity ?? cr.rule.severity ?? 'warning'
}

export function formatFactList(): string {
  const w = Math.max(...FACT_DOCS.map((f) => f.name.length))
  return `${FACT_DOCS.map((f) => `facts.${f.name.padEnd(w)}  ${f.description}`).join('\n')}\n`
}

function indent(text: string, by = '  '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n')
}

export function formatCheckDoc(cc: ConfiguredCheck): string {
  const c = cc.check
  const out: string[] = [c.id, c.title, '']
  const severity = cc.enabled ? `severity ${cc.severity}${cc.severity !== c.severity ? ` (default ${c.severity})` : ''}` : 'turned off by config'
  out.push(`Kind:       built-in check, ${severity}`)
  out.push(`Applies to: ${c.appliesTo === 'any' ? 'every file lint reads' : `${c.appliesTo} documents`}`)
  out.push(
    `Config:     ${c.configurable ? 'can be turned off or given another severity in fuseplan.config.yaml, and suppressed by a comment' : 'always on: cannot be turned off, given another severity or suppressed'}`,
  )
  out.push(`Help:       ${ruleHelpUri(c.id)}`, '')
  out.push('Description:', indent(wrap(c.description, 96)))
  return `${out.join('\n')}\n`
}

export function formatRuleDoc(cr: ConfiguredRule): string {
  const r = cr.rule
  const out: string[] = []
  out.push(t1(r.id), t1(r.title), '')
  out.push(
    `Kind:       ${r.category === 'lint' ? `lint rule, severity ${cr.severity ?? r.severity ?? 'warning'}${cr.severity && cr.severity !== r.severity ? ` (default ${r.severity})` : ''}` : 'decision rule (scores, exclusions, plans)'}${cr.enabled ? '' : ' - turned off by config'}`,
  )
  out.push(`Defined in: ${t1(r.location.file)}:${r.location.line}:${r.location.column}${r.builtin ? '' : ' (rule pack)'}`)
  out.push(`Help:       ${ruleHelpUri(r.id)}`, '')
  out.push('Rationale:', indent(wrap(r.rationale, 96)), '')
  out.push('Source:', indent(wrap(r.source, 96)), '')
  if (r.basis) out.push(`Basis:      ${r.basis}`, '')
  if (r.untested) out.push('Not tested by evaluate:', indent(wrap(r.untested, 96)), '')
  const opts = Object.entries(r.options)
  out.push('Options:')
  if (opts.length === 0) out.push('  (none)')
  for (const [name, o] of opts) {
    const current = cr.options[name]
    out.push(`  ${t1(name)} = ${t1(JSON.stringify(current))}${current !== o.default ? ` (default ${t1(JSON.stringify(o.default))})` : ''}`)
    out.push(indent(wrap(o.description, 92), '      '))
  }
  out.push('', 'Condition (CEL):', indent(r.when.source))
  if (r.forEach) out.push('', 'For each item of (CEL):', indent(r.forEach.source))
  out.push('', 'Effects:', indent(stringify(r.effects.raw, {lineWidth: 0})))
  out.push('', 'Examples (patches of the example base profile, src/engine/examples.ts):')
  out.push('  Fires with:', indent(patchText(r.examples.fires), '    '))
  out.push('  Does not fire with:', indent(patchText(r.examples.passes), '    '))
  // Conditions, effects and wrapped prose keep their lines; controls and `::` line starts are escaped.
  return `${escapeText(out.join('\n'), 'block')}\n`
}

function patchText(patch: Record<string, unknown>): string {
  return Object.keys(patch).length === 0 ? '(the base profile as is)' : stringify(patch, {lineWidth: 0})
}

function wrap(text: string, width: number): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ')
  const lines: string[] = []
  let line = ''
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line)
      line = w
    } else line = line ? `${line} ${w}` : w
  }
  if (line) lines.push(line)
  return lines.join('\n')
}

/** Closest rule ids to a mistyped one (shared prefix or small edit distance). */
export function suggestIds(id: string, ids: string[]): string[] {
  return ids
    .map((x) => ({x, d: x.includes(id) || id.includes(x) ? 0 : editDistance(id, x, {ignoreCase: false})}))
    .filter((c) => c.d <= Math.max(3, Math.floor(id.length / 3)))
    .sort((a, b) => a.d - b.d || a.x.localeCompare(b.x))
    .slice(0, 3)
    .map((c) => c.x)
}
