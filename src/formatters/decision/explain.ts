// `fuseplan recommend --explain`: the trace, readable. Every rule, fired or not, with the values its
// condition read and the effects it had; then the scores and the outcome.
import type {Decision} from '../../decision/types.js'
import type {RuleSet} from '../../engine/types.js'
import {escapeText} from '../../util/text.js'
import {label, num, showValue} from './util.js'

export function formatExplain(decision: Decision, ruleSet?: RuleSet): string {
  // Rule packs and profiles supply much of this text: each piece is kept on its line, with no escape
  // sequence, bidi control or workflow command reaching the terminal or the CI log.
  const t1 = (s: string): string => escapeText(s, 'line')
  const lines: string[] = []
  const fired = decision.trace.filter((t) => t.fired)
  lines.push(`Decision trace for ${t1(decision.profile.name)} (${decision.profile.hash})`)
  const off = decision.trace.filter((t) => t.disabled).length
  lines.push(`${decision.trace.length - off} rules evaluated, ${fired.length} fired${off ? `, ${off} turned off by config` : ''}.`)
  lines.push('')
  const group = (id: string): number => {
    const rule = ruleSet?.byId.get(id)?.rule
    if (!rule) return 0
    if (rule.effects.score.length > 0 || rule.effects.exclude.length > 0) return 0
    if (rule.effects.masking || rule.effects.transfer) return 1
    return 2
  }
  const titles = ['Strategy rules (scores and exclusions)', 'Plan rules (masking and transfer)', 'Profile checks (lint findings)']
  for (const g of [0, 1, 2]) {
    const entries = decision.trace.filter((t) => group(t.ruleId) === g)
    if (entries.length === 0) continue
    if (ruleSet) lines.push(`${titles[g]}:`, '')
    for (const t of entries) {
      const title = ruleSet?.byId.get(t.ruleId)?.rule.title
      const mark = t.disabled ? 'off' : t.error ? 'ERROR' : t.fired ? 'FIRED' : 'no'
      lines.push(`[${mark.padEnd(5)}] ${t1(t.ruleId)}${title ? ` - ${t1(title)}` : ''}`)
      const inputs = Object.entries(t.inputs)
      if (inputs.length > 0) lines.push(`        read: ${inputs.map(([k, v]) => `${t1(k)} = ${t1(showValue(v, 80))}`).join(', ')}`)
      for (const e of t.effects) lines.push(`        -> ${t1(e)}`)
      if (t.error) lines.push(`        error: ${t1(t.error)}`)
    }
    lines.push('')
  }
  lines.push('Scores:')
  for (const o of decision.options) {
    lines.push(`  ${o.strategy.padEnd(12)} ${num(o.score).padStart(5)}${o.excluded ? '  excluded' : ''}  (estimated ${num(o.latencyMs, 2)} ms)`)
  }
  lines.push('')
  if (decision.strategy) lines.push(`Recommended: ${label(decision.strategy)} (${decision.strategy}).`)
  else lines.push(`No strategy recommended: ${t1(decision.noStrategyReason ?? 'every option is excluded')}`)
  return `${lines.join('\n')}\n`
}
