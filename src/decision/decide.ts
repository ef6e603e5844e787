// profile -> facts -> rules -> decision. The one entry point other parts (scaffold, init, evaluate,
// recommend) call. Pure and deterministic: the same profile and rule set give the same Decision.
import {createHash} from 'node:crypto'
import {computeFacts} from '../facts/index.js'
import {defaultRuleSet, evaluateRules} from '../engine/index.js'
import type {RuleSet} from '../engine/types.js'
import type {Profile} from '../profile/types.js'
import {buildMaskingPlan, maskingShortfalls} from './masking.js'
import {TIE_BREAK} from '../profile/strategies.js'
import {STRATEGY_INFO} from './strategies.js'
import {STRATEGIES, type Decision, type DecisionConfidence, type EvaluationPlan, type Strategy, type StrategyOption, type TransferPlan} from './types.js'

/** Missing rates of the robustness sweep in the evaluation plan. */
export const ROBUSTNESS_SWEEP = [0, 0.1, 0.25, 0.5, 0.75, 0.9]
/** A chosen strategy at most this many points ahead of the runner-up is a low-confidence decision. */
export const LOW_CONFIDENCE_MARGIN = 1
/** Rule id under which the built-in invariant-6 guard reports (see src/decision/masking.ts). */
export const MASKING_GUARD_ID = 'masking-plan-guard'

export interface DecideOptions {
  ruleSet?: RuleSet
  /** Accepted for callers that pin a date; the Decision itself carries no date (the ADR does). */
  date?: string
}

/** Stable JSON: keys sorted, so equal profiles hash equally whatever their key order. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export function profileHash(profile: Profile): string {
  return `sha256:${createHash('sha256').update(stableStringify(profile)).digest('hex').slice(0, 16)}`
}

export function decide(profile: Profile, options: DecideOptions = {}): Decision {
  const ruleSet = options.ruleSet ?? defaultRuleSet()
  const facts = computeFacts(profile)
  const ev = evaluateRules(ruleSet, profile, facts, {traceInputs: true})
  const masking = buildMaskingPlan(facts, ev.masking)

  // Invariant 6 guard: intermediate/attention only with a masking plan that covers the deployment.
  const shortfalls = maskingShortfalls(masking)
  if (shortfalls.length > 0) {
    const what = shortfalls.map((s) => `${s.name} (${s.effective} < ${s.deployment})`).join(', ')
    for (const s of ['intermediate', 'attention'] as const) {
      ev.exclusions[s].push({
        ruleId: MASKING_GUARD_ID,
        reason: `The masking plan cannot reach the deployment missing rate for ${what}, so this strategy would meet more missingness in production than in training.`,
      })
    }
  }

  const options_: StrategyOption[] = STRATEGIES.map((strategy) => {
    const adjustments = ev.scores[strategy]
    const exclusions = ev.exclusions[strategy]
    const score = Math.round(adjustments.reduce((s, a) => s + a.delta, 0) * 1000) / 1000
    const info = STRATEGY_INFO[strategy]
    return {
      strategy,
      score,
      excluded: exclusions.length > 0,
      reasons: [...adjustments.map((a) => `${a.delta >= 0 ? '+' : ''}${a.delta} ${a.reason} (${a.ruleId})`), ...exclusions.map((x) => `excluded: ${x.reason} (${x.ruleId})`)],
      adjustments,
      exclusions,
      pros: [...info.pros, ...adjustments.filter((a) => a.delta > 0).map((a) => a.reason)],
      cons: [...info.cons, ...adjustments.filter((a) => a.delta < 0).map((a) => a.reason), ...exclusions.map((x) => x.reason)],
      latencyMs: facts.latencyEstimates[strategy],
    }
  })

  const candidates = options_.filter((o) => !o.excluded)
  let strategy: Strategy | null = null
  let noStrategyReason: string | undefined
  if (candidates.length > 0) {
    strategy = highestScoring(candidates)
  } else {
    const overBudget = facts.strategiesOverBudget
    noStrategyReason =
      overBudget.length === STRATEGIES.length
        ? `No strategy fits the latency budget of ${facts.latencyBudgetMs} ms, even at the low end of its estimate: ${overBudget.map((o) => `${o.strategy} ${o.estimate}`).join(', ')}. Raise the budget, measure and set encoderLatencyMs, use faster encoders or drop a modality.`
        : `Every strategy is excluded: ${options_.map((o) => `${o.strategy}: ${o.exclusions.map((x) => x.reason).join('; ')}`).join(' | ')}`
  }

  const confidence = strategy ? confidenceOf(strategy, candidates) : undefined

  let transfer: TransferPlan | null = null
  if (ev.transfer && facts.dataRichCohort !== null) {
    const cohorts = profile.cohorts ?? []
    transfer = {
      pretrainCohort: facts.dataRichCohort,
      finetuneCohorts: cohorts.filter((c) => c.name !== facts.dataRichCohort && c.labelled !== false).map((c) => c.name),
      reason: ev.transfer.reasons.join(' '),
      steps: ev.transfer.steps,
      validationCohorts: cohorts.map((c) => c.name),
      biasChecks: ev.transfer.biasChecks,
    }
  }

  const evaluation: EvaluationPlan = {
    patterns: facts.presencePatterns.map((p) => ({present: [...p.present], share: p.share})),
    ablations: facts.modalities.filter((m) => !m.required).map((m) => `without ${m.name}`),
    robustnessSweep: {missingRates: [...ROBUSTNESS_SWEEP], modalities: facts.modalities.filter((m) => !m.required).map((m) => m.name)},
  }

  return {
    profile: {name: profile.name, ...(profile.description ? {description: profile.description} : {}), hash: profileHash(profile)},
    strategy,
    ...(confidence ? {confidence} : {}),
    ...(noStrategyReason ? {noStrategyReason} : {}),
    options: options_,
    masking,
    transfer,
    evaluation,
    latency: {budgetMs: facts.latencyBudgetMs, percentile: profile.latency ? (profile.latency.percentile ?? 99) : null, estimates: facts.latencyEstimates},
    findings: ev.findings,
    facts,
    trace: ev.trace,
  }
}

/** The highest-scoring of the given options, ties broken by TIE_BREAK (null for none). */
function highestScoring(options: readonly StrategyOption[]): Strategy | null {
  if (options.length === 0) return null
  const best = Math.max(...options.map((o) => o.score))
  return TIE_BREAK.find((s) => options.some((o) => o.strategy === s && o.score === best)) ?? null
}

/** How far the chosen strategy is ahead of the best allowed alternative. */
export function confidenceOf(strategy: Strategy, allowed: readonly StrategyOption[]): DecisionConfidence {
  const chosen = allowed.find((o) => o.strategy === strategy) as StrategyOption
  const rivals = allowed.filter((o) => o.strategy !== strategy)
  const name = strategy.charAt(0).toUpperCase() + strategy.slice(1)
  if (rivals.length === 0) return {level: 'high', margin: null, runnerUp: null, note: `${name} fusion is the only strategy no rule excludes.`}
  const runnerUp = highestScoring(rivals) as Strategy
  const top = (rivals.find((o) => o.strategy === runnerUp) as StrategyOption).score
  const margin = Math.round((chosen.score - top) * 1000) / 1000
  if (margin <= LOW_CONFIDENCE_MARGIN) {
    const gap = margin === 0 ? `ties with ${runnerUp} fusion and wins only on the tie-break order` : `is only ${margin} point${margin === 1 ? '' : 's'} ahead of ${runnerUp} fusion`
    return {level: 'low', margin, runnerUp, note: `Low confidence: ${strategy} fusion ${gap}. Run \`fuseplan evaluate\` on this profile to see which one the simulated deployment favours.`}
  }
  return {level: 'high', margin, runnerUp, note: `${name} fusion is ${margin} points ahead of the runner-up, ${runnerUp} fusion.`}
}
