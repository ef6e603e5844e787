// What `fuseplan init` shows before writing: a compact summary of the answers and, when the rule engine
// is available, the strategy the profile leads to with one line of why.
import {dirname} from 'node:path'
import {loadProfileText, type LoadedProfile, type ProfileChecker} from '../profile/load.js'
import type {Decision} from '../decision/types.js'
import {STRATEGY_DEFINITIONS} from '../strategies/index.js'
import type {Profile} from '../profile/types.js'
import {fmtShare} from './flow.js'

/** Patterns listed one per line in the summary. */
const SUMMARY_PATTERNS = 20

export function summarise(profile: Profile): string[] {
  const lines: string[] = []
  const t = profile.task
  lines.push(`Profile ${profile.name}${profile.description ? ` — ${profile.description}` : ''}`)
  lines.push(
    `  task: ${t.type}${t.classes ? ` (${t.classes} classes)` : ''}, metric ${t.metric ?? 'default'}, ${t.labelledSamples.toLocaleString('en-US')} labelled samples, interactions ${t.interactions ?? 'unknown'}`,
  )
  const width = Math.max(...profile.modalities.map((m) => m.name.length))
  for (const m of profile.modalities) {
    const size = m.features !== undefined ? `${m.features} features` : m.shape ? m.shape.join('x') : m.sequence ? `${m.sequence.length}x${m.sequence.channels} sequence` : ''
    const extra = [m.missingness, m.timing, m.required ? 'required' : undefined, m.encoderLatencyMs !== undefined ? `encoder ${m.encoderLatencyMs} ms` : undefined].filter(Boolean)
    lines.push(`  modality ${m.name.padEnd(width)}  ${m.type}, ${size}, available in ${fmtShare(m.availability)} of requests${extra.length ? `, ${extra.join(', ')}` : ''}`)
  }
  for (const c of profile.cohorts ?? []) {
    const mods = c.modalities.map((m) => (c.availability?.[m] !== undefined ? `${m} ${fmtShare(c.availability[m])}` : m)).join(', ')
    lines.push(`  cohort ${c.name}: ${c.size.toLocaleString('en-US')} samples${c.labelled === false ? ' (unlabelled)' : ''}, carries ${mods}`)
  }
  if (!profile.cohorts || profile.cohorts.length === 0) lines.push('  cohorts: none (training availability is taken as given or equal to deployment)')
  const patterns = profile.patterns ?? []
  // Measured data can give hundreds of patterns: the most frequent ones, then a count.
  for (const p of patterns.slice(0, SUMMARY_PATTERNS)) lines.push(`  pattern {${p.present.join(', ')}}: ${fmtShare(p.share)} of requests`)
  if (patterns.length > SUMMARY_PATTERNS) lines.push(`  …and ${patterns.length - SUMMARY_PATTERNS} more patterns`)
  const l = profile.latency
  lines.push(l ? `  latency: ${l.budgetMs} ms at p${l.percentile ?? 99} on ${l.hardware ?? 'cpu'}` : '  latency: no budget')
  return lines
}

/**
 * The line init shows before writing: the recommendation and one line of why. The rule engine is
 * imported on first use: init's questions do not wait for it to load.
 */
export async function decisionLine(profile: Profile): Promise<string> {
  const {decide} = await import('../decision/decide.js')
  return previewLine(decide(structuredClone(profile)))
}

/** The strongest reason in favour of the chosen strategy, else the first reason the engine gave, else a generic line. */
export function previewLine(d: Decision): string {
  if (d.strategy === null) return `No strategy fits: ${d.noStrategyReason ?? 'no strategy fits the profile'}`
  const chosen = d.options.find((o) => o.strategy === d.strategy)
  const best = [...(chosen?.adjustments ?? [])].filter((a) => a.delta > 0).sort((a, b) => b.delta - a.delta)[0]
  const why = best ? `${best.reason} (${best.ruleId})` : (chosen?.reasons.find((r) => r.trim() !== '') ?? 'the highest score under the rules; see `fuseplan recommend --explain`')
  return `Recommended: ${STRATEGY_DEFINITIONS[d.strategy].label.toLowerCase()} — ${why}`
}

/**
 * Checks the profile text exactly as `fuseplan lint` would for a file at `filePath`: parse, schema,
 * cross-document checks and, when the rule engine loads, its lint rules (with the config found upward
 * from the file). If the engine cannot be loaded, the built-in checks still run.
 */
export async function lintProfileText(filePath: string, text: string): Promise<LoadedProfile> {
  let checker: ProfileChecker | undefined
  try {
    const engine = await import('../engine/index.js')
    const ruleSet = engine.loadRuleSet({searchFrom: dirname(filePath)})
    checker = (profile) => engine.checkProfile(ruleSet, profile)
  } catch {
    checker = undefined
  }
  return loadProfileText(filePath, text, checker)
}
