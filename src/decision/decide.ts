// profile -> facts -> rules -> decision. The one entry point other parts (scaffold, init, evaluate,
// recommend) call. Pure and deterministic: the same profile and rule set give the same Decision.
import {createHash} from 'node:crypto'
import {defaultRuleSet} from '../engine/index.js'
import type {RuleSet} from '../engine/types.js'
import type {Profile} from '../profile/types.js'
import {chooseStrategy, highestScoring} from './choose.js'
import {bundledConfidenceTable, confidenceFromEvidence, regimeCallOf, type ConfidenceTable, type RegimeCall} from './evidence.js'
import {whatWouldChange} from './sensitivity.js'
import type {Decision, DecisionConfidence, EvaluationPlan, Strategy, StrategyOption, TransferPlan} from './types.js'

/** Missing rates of the robustness sweep in the evaluation plan. */
export const ROBUSTNESS_SWEEP = [0, 0.1, 0.25, 0.5, 0.75, 0.9]

/** Fine-tuning without a rule that says otherwise: the template's own defaults (train.ts). */
export const DEFAULT_FINETUNE = {learningRateScale: 1 / 3, freezeEncoderEpochs: 0}

export interface DecideOptions {
  ruleSet?: RuleSet
  /** Calibration evidence for the confidence (default: the bundled evidence/confidence.json; null: none). */
  confidenceTable?: ConfidenceTable | null
  /** Also find what would change the decision (src/decision/sensitivity.ts): a few hundred runs of the rules. */
  sensitivity?: boolean
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
  const {facts, ev, masking, options: options_, strategy, candidates, noStrategyReason, fallbackNote} = chooseStrategy(profile, ruleSet)

  const table = options.confidenceTable === undefined ? bundledConfidenceTable() : options.confidenceTable
  const measured = strategy ? confidenceFromEvidence(strategy, facts, table) : undefined
  const confidence = strategy && measured ? confidenceOf(strategy, candidates, measured, regimeCallOf(measured.regime, table)) : undefined

  let transfer: TransferPlan | null = null
  if (ev.transfer && facts.dataRichCohort !== null) {
    const cohorts = profile.cohorts ?? []
    transfer = {
      pretrainCohort: facts.dataRichCohort,
      finetuneCohorts: cohorts.filter((c) => c.name !== facts.dataRichCohort && c.labelled !== false).map((c) => c.name),
      finetune: {learningRateScale: ev.transfer.learningRateScale ?? DEFAULT_FINETUNE.learningRateScale, freezeEncoderEpochs: ev.transfer.freezeEncoderEpochs ?? DEFAULT_FINETUNE.freezeEncoderEpochs},
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
    ...(fallbackNote ? {fallbackNote} : {}),
    ...(options.sensitivity ? {sensitivity: whatWouldChange(profile, ruleSet, strategy)} : {}),
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

/** The confidence from the evidence, with the rule scores' runner-up and margin kept as a trace. */
export function confidenceOf(strategy: Strategy, allowed: readonly StrategyOption[], measured: ReturnType<typeof confidenceFromEvidence>, heldOut: RegimeCall | null = null): DecisionConfidence {
  const chosen = allowed.find((o) => o.strategy === strategy) as StrategyOption
  const rivals = allowed.filter((o) => o.strategy !== strategy)
  const runnerUp = rivals.length > 0 ? (highestScoring(rivals) as Strategy) : null
  const top = runnerUp ? (rivals.find((o) => o.strategy === runnerUp) as StrategyOption).score : null
  return {
    level: measured.level,
    regime: measured.regime,
    evidenceRegime: measured.evidenceRegime,
    evidence: measured.evidence,
    note: measured.note,
    heldOut,
    ruleMargin: top === null ? null : Math.round((chosen.score - top) * 1000) / 1000,
    runnerUp,
  }
}
