// Terminal table of an evaluation: one row per candidate (full data, deployment, robustness), the
// per-pattern metrics, the sweep at a few rates, then the verdict in words.
import type {EvaluationResult} from '../../evaluate/types.js'
import {NAIVE_BASELINE, type CandidateId} from '../../evaluate/candidates.js'
import {escapeControlLine} from '../../util/text.js'
import {columns, intervalText, num, paint, patternShortName, reductionsText, scheduleText, signed, SHORT_NAMES, wrapText} from './util.js'

export interface TableOptions {
  color: boolean
  /** Wrap prose to this width. */
  width?: number
}

function seedsText(seeds: readonly number[]): string {
  return seeds.length === 1 ? `seed ${seeds[0]}` : `${seeds.length} training seeds (${seeds.join(', ')})`
}

/** The verdict's word, coloured: green when the evidence supports the recommendation, yellow when it cannot tell, red when it contradicts it. */
function kindText(kind: string, p: ReturnType<typeof paint>): string {
  if (kind === 'better' || kind === 'equivalent') return p.green(kind)
  if (kind === 'worse') return p.red(kind)
  return p.yellow(kind)
}

export function formatEvaluationTable(result: EvaluationResult, opts: TableOptions): string {
  const p = paint(opts.color)
  const w = Math.max(60, Math.min(opts.width ?? 100, 120))
  const m = result.metric
  const out: string[] = []
  const sim = result.simulation
  out.push(p.bold(`fuseplan evaluate: ${result.profile.name}`) + p.dim(`  ${m.label}, ${m.higherIsBetter ? 'higher' : 'lower'} is better`))
  out.push(p.dim(`${seedsText(sim.seeds)}, ${sim.trainingSamples} training samples, ${scheduleText(sim)}, ${sim.backend} backend`))
  const reduced = reductionsText(sim)
  if (reduced) out.push(...wrapText(p.yellow(reduced), w, '  '))
  out.push(`recommended: ${result.recommended ?? 'none'}   best at deployment: ${result.empiricalBest.id}   verdict: ${kindText(result.verdict.kind, p)}`)
  out.push('')

  const best = result.empiricalBest.id
  // On the team's data the test split is also scored as it came.
  const onData = result.data !== undefined
  const header = ['candidate', 'trained on', 'full', ...(onData ? ['as data'] : []), 'deploy', '± sd', 'rel.rob', 'eff.rob']
  const rows: string[][] = [header.map((h) => p.bold(h))]
  for (const s of result.strategies) {
    const marks = `${s.recommended ? '▸' : ' '}${s.id === best ? '★' : ' '}`
    const dep = num(s.metrics.deployment)
    rows.push([
      `${marks} ${s.label}`,
      String(s.trainingSamples),
      num(s.metrics.complete),
      ...(onData ? [num(s.metrics.asCollected)] : []),
      s.id === best ? p.green(dep) : s.id === NAIVE_BASELINE && s.id !== best ? p.red(dep) : dep,
      sim.seeds.length > 1 ? num(s.spread) : '',
      num(s.relativeRobustness),
      signed(s.effectiveRobustness),
    ])
  }
  out.push(...columns(rows, [false, ...header.slice(1).map(() => true)]))
  out.push(
    p.dim(
      `▸ recommended  ★ best at deployment  full: all present  ${onData ? 'as data: the test split as it came  ' : ''}deploy: deployment mix${sim.seeds.length > 1 ? `  (means over ${sim.seeds.length} seeds, ± sd between seeds)` : ''}`,
    ),
  )
  out.push(p.dim('rel.rob / eff.rob: MultiBench relative / effective robustness'))
  out.push('')

  const pats = result.strategies[0]?.patterns ?? []
  if (pats.length > 0) {
    const all = result.simulation.modalities.map((mo) => mo.name)
    const prow: string[][] = [[p.bold('present (share)'), ...result.strategies.map((s) => p.bold(SHORT_NAMES[s.id]))]]
    pats.forEach((pat, i) => {
      const n = pat.samples !== undefined ? `, n=${pat.samples}` : ''
      prow.push([`${patternShortName(pat.present, all)} (${(pat.share * 100).toFixed(1)}%${n})`, ...result.strategies.map((s) => num(s.patterns[i]?.metric))])
    })
    out.push(
      p.bold(`${m.label} per presence pattern`) +
        p.dim(
          `${onData ? ' (test samples that came with the pattern; share: of deployment; n/a: too few to score' : " (full-data test set, only the pattern's modalities kept"}${sim.seeds.length > 1 ? '; first seed only, so "all" can differ from the mean "full" above' : ''})`,
        ),
    )
    out.push(...columns(prow, [false, ...result.strategies.map(() => true)]))
    out.push('')
  }

  const rates = result.sweep.missingRates
  // Six columns at most: a fine sweep (tenths) is shown at every 0.2, a coarse one (--quick's quarters) whole.
  const all = rates.map((r, i) => ({r, i}))
  const shown = all.length <= 6 ? all : all.filter(({r}) => Math.abs(r * 5 - Math.round(r * 5)) < 1e-9)
  if (rates.length > 1 && result.sweep.modalities.length > 0) {
    const srow: string[][] = [[p.bold('missing rate'), ...shown.map(({r}) => p.bold(Math.abs(r * 10 - Math.round(r * 10)) < 1e-9 ? r.toFixed(1) : r.toFixed(2)))]]
    for (const s of result.strategies) srow.push([SHORT_NAMES[s.id], ...shown.map(({i}) => num(s.sweep[i]))])
    out.push(p.bold(`${m.label} vs missing rate of ${result.sweep.modalities.join(', ')}`) + p.dim(sim.seeds.length > 1 ? ' (first seed only; rate 0 is its full-data score)' : ''))
    out.push(...columns(srow, [false, ...shown.map(() => true)]))
    out.push('')
  }

  const cs = result.verdict.comparisons
  if (cs.length > 0) {
    const crow: string[][] = [[p.bold(`${result.recommendedCandidate ? SHORT_NAMES[result.recommendedCandidate] : 'recommended'} against`), p.bold('gap'), p.bold('90% interval'), p.bold('word')]]
    for (const c of cs) crow.push([SHORT_NAMES[c.against as CandidateId] ?? c.against, signed(c.gap), intervalText(c), kindText(c.kind, p)])
    out.push(p.bold('The recommendation against each candidate') + p.dim(` (gap in ${m.label}, positive: the recommendation is ahead; margin ±${num(result.verdict.equivalenceMargin)})`))
    out.push(...columns(crow, [false, true, true, false]))
    out.push('')
  }
  out.push(...wrapText(`${p.bold('Verdict:')} ${result.verdict.text}`, w, '  '))
  out.push(...wrapText(p.dim(`Rule: ${result.verdict.rule}`), w, '  '))
  if (result.verdict.baseline) out.push(...wrapText(`${p.bold('Baseline:')} ${result.verdict.baseline}`, w, '  '))
  out.push(...wrapText(`${p.bold('Zero-fill:')} ${result.verdict.zeroFill}`, w, '  '))
  if (result.verdict.presence) out.push(...wrapText(`${p.bold('Presence:')} ${result.verdict.presence}`, w, '  '))
  // On the team's data the prose quotes file names: control characters are shown as escapes.
  for (const warning of result.data?.warnings ?? []) out.push(...wrapText(`${p.yellow('Warning:')} ${escapeControlLine(warning)}`, w, '  '))
  for (const note of result.notes) out.push(...wrapText(`${p.bold('Note:')} ${note}`, w, '  '))
  out.push(...wrapText(p.dim(`${onData ? 'Data' : 'Simulation'}: ${escapeControlLine(sim.description)}`), w, '  '))
  return out.join('\n') + '\n'
}
