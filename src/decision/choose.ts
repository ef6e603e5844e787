// The choice of strategy alone (facts -> rules -> masking guard -> selection), without the plans
// decide() adds: what `decide` and the sensitivity sweep (src/decision/sensitivity.ts) both run.
import {computeFacts} from '../facts/index.js'
import {evaluateRules} from '../engine/index.js'
import type {RuleSet} from '../engine/types.js'
import type {Profile} from '../profile/types.js'
import {buildMaskingPlan, maskingShortfalls} from './masking.js'
import {masksModalities, STRATEGY_DEFINITIONS, TIE_BREAK} from '../strategies/index.js'
import {STRATEGIES, type Strategy, type StrategyOption} from './types.js'

/** Rule id under which the built-in invariant-6 guard reports (see src/decision/masking.ts). */
export const MASKING_GUARD_ID = 'masking-plan-guard'

/** The choice of strategy alone: facts, rules, the masking guard and the selection, without the plans. */
export function chooseStrategy(profile: Profile, ruleSet: RuleSet, opts: {trace?: boolean} = {}) {
  const facts = computeFacts(profile)
  const ev = evaluateRules(ruleSet, profile, facts, opts.trace === false ? {traceInputs: false, strategyOnly: true} : {traceInputs: true})
  const masking = buildMaskingPlan(facts, ev.masking)

  // Invariant 6 guard: strategies that mask ship only with a masking plan that covers the deployment.
  const shortfalls = maskingShortfalls(masking)
  if (shortfalls.length > 0) {
    const what = shortfalls.map((s) => `${s.name} (${s.effective} < ${s.deployment})`).join(', ')
    for (const s of STRATEGIES.filter(masksModalities)) {
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
    const info = STRATEGY_DEFINITIONS[strategy]
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

  // Hard exclusions always hold; soft ones (evidence of harm, but no alternative may remain) are lifted
  // only when nothing else is left, and the decision then says so.
  const allowed = options_.filter((o) => !o.excluded)
  const fallback = allowed.length === 0 ? options_.filter((o) => o.exclusions.length > 0 && o.exclusions.every((x) => x.soft)) : []
  const candidates = allowed.length > 0 ? allowed : fallback
  let strategy: Strategy | null = null
  let noStrategyReason: string | undefined
  let fallbackNote: string | undefined
  if (candidates.length > 0) {
    strategy = highestScoring(candidates)
    if (allowed.length === 0) {
      const chosen = options_.find((o) => o.strategy === strategy) as StrategyOption
      fallbackNote =
        `Every strategy is excluded; ${strategy} fusion is chosen only because its exclusions are soft (evidence of harm where an alternative exists): ` +
        `${chosen.exclusions.map((x) => `${x.reason} (${x.ruleId})`).join('; ')}. The other strategies were excluded outright: ` +
        `${options_
          .filter((o) => o.strategy !== strategy)
          .map((o) => `${o.strategy}: ${o.exclusions.map((x) => x.reason).join('; ')}`)
          .join(' | ')}.`
    }
  } else {
    const overBudget = facts.strategiesOverBudget
    noStrategyReason =
      overBudget.length === STRATEGIES.length
        ? `No strategy fits the latency budget of ${facts.latencyBudgetMs} ms, even at the low end of its estimate: ${overBudget.map((o) => `${o.strategy} ${o.estimate}`).join(', ')}. Raise the budget, measure and set encoderLatencyMs, use faster encoders or drop a modality.`
        : `Every strategy is excluded: ${options_.map((o) => `${o.strategy}: ${o.exclusions.map((x) => x.reason).join('; ')}`).join(' | ')}`
  }

  return {facts, ev, masking, options: options_, strategy, candidates, noStrategyReason, fallbackNote}
}

/** The highest-scoring of the given options, ties broken by TIE_BREAK (null for none). */
export function highestScoring(options: readonly StrategyOption[]): Strategy | null {
  if (options.length === 0) return null
  const best = Math.max(...options.map((o) => o.score))
  return TIE_BREAK.find((s) => options.some((o) => o.strategy === s && o.score === best)) ?? null
}
