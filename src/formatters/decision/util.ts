// Small text helpers shared by the decision formatters.
import {STRATEGY_DEFINITIONS, type Strategy} from '../../strategies/index.js'
import {escapeMarkdown} from '../../util/text.js'

export function pct(x: number): string {
  return `${Number((x * 100).toFixed(1))}%`
}

export function num(x: number, digits = 3): string {
  return String(Number(x.toFixed(digits)))
}

export function label(s: Strategy): string {
  return STRATEGY_DEFINITIONS[s].label
}

/** A value as it appears in a trace: short, one line. */
export function showValue(v: unknown, max = 120): string {
  let s: string
  if (typeof v === 'number') s = num(v, 4)
  else if (typeof v === 'string') s = JSON.stringify(v)
  else s = JSON.stringify(v) ?? 'null'
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

/** Escapes text for a Markdown table cell (one line, no HTML or Markdown syntax, no control characters). */
export function cell(s: string): string {
  return escapeMarkdown(s)
}
