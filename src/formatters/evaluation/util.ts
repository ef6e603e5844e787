// Helpers shared by the evaluation formatters: short candidate names, number formatting, colour.
import type {EvaluationResult} from '../../evaluate/types.js'
import type {Comparison} from '../../evaluate/compare.js'
import {CANDIDATE_DEFINITIONS, type CandidateDefinition, type CandidateId} from '../../strategies/index.js'

/** Each candidate's definition field (src/strategies/<name>.ts), by candidate id. */
export function byCandidate<K extends keyof CandidateDefinition>(key: K): Record<CandidateId, CandidateDefinition[K]> {
  const out: Partial<Record<CandidateId, CandidateDefinition[K]>> = {}
  for (const d of CANDIDATE_DEFINITIONS) out[d.id as CandidateId] = d[key]
  return out as Record<CandidateId, CandidateDefinition[K]>
}

export const SHORT_NAMES = byCandidate('shortName')

export function num(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a'
  return v.toFixed(digits)
}

export function signed(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a'
  return (v > 0 ? '+' : v < 0 ? '-' : ' ') + Math.abs(v).toFixed(digits)
}

export function patternName(present: readonly string[]): string {
  return present.join('+')
}

/** A compact pattern name for narrow tables: "all", "all but x+y" when that is shorter, else the present ones. */
export function patternShortName(present: readonly string[], all: readonly string[]): string {
  const absent = all.filter((n) => !present.includes(n))
  if (absent.length === 0) return 'all'
  const plain = present.join('+')
  const but = `all but ${absent.join('+')}`
  return but.length < plain.length ? but : plain
}

export {paint} from '../ansi.js'

/** Visible width (ANSI escapes do not count). */
export function width(s: string): number {
  return s.replace(/\u001B\[[0-9;]*m/g, '').length
}

export function padEnd(s: string, w: number): string {
  return s + ' '.repeat(Math.max(0, w - width(s)))
}

export function padStart(s: string, w: number): string {
  return ' '.repeat(Math.max(0, w - width(s))) + s
}

/** Renders rows as aligned columns; `right[i]` right-aligns column i. */
export function columns(rows: string[][], right: boolean[], gap = 2): string[] {
  const widths: number[] = []
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, width(cell))))
  return rows.map((row) =>
    row
      .map((cell, i) => (right[i] ? padStart(cell, widths[i]) : i === row.length - 1 ? cell : padEnd(cell, widths[i])))
      .join(' '.repeat(gap))
      .replace(/\s+$/, ''),
  )
}

/** Word-wraps plain text to `w` columns with an indent on continuation lines. */
export function wrapText(text: string, w: number, indent = ''): string[] {
  const words = text.split(/\s+/).filter(Boolean)
  const lines: string[] = []
  let line = ''
  for (const word of words) {
    const candidate = line ? `${line} ${word}` : word
    if (width(candidate) > w && line) {
      lines.push(line)
      line = indent + word
    } else line = candidate
  }
  if (line) lines.push(line)
  return lines
}

/** "up to 100 epochs, patience 10, batch 64, masking warm-up 5 + ramp 10": the schedule every candidate got. */
export function scheduleText(sim: EvaluationResult['simulation']): string {
  const s = sim.schedule
  return `up to ${s.epochs} epochs, patience ${s.patience ?? 'none'}, batch ${s.batchSize}, masking warm-up ${s.warmupEpochs} + ramp ${s.rampEpochs}`
}

/** The reductions from the generated project's training, in one sentence (empty when there are none). */
export function reductionsText(sim: EvaluationResult['simulation']): string {
  if (sim.reductions.length === 0) return ''
  return `Trained with less than the generated project ships: ${sim.reductions.map((r) => `${r.what} ${r.used} (project: ${r.project})`).join('; ')}.`
}

/** "-0.031 to +0.012": a comparison's 90% interval, or why there is none. */
export function intervalText(c: Comparison): string {
  return c.interval ? `${signed(c.interval[0])} to ${signed(c.interval[1])}` : 'n/a (one seed)'
}
