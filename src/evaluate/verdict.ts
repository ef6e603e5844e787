// The verdict: which candidate did best at the deployment presence mix, whether that is the
// recommended strategy, by how much, and what happened to the naive baseline. Sentences are written
// to be quoted in a review, with the numbers in them.
import type {Strategy} from '../decision/types.js'
import {CANDIDATE_PROSE, NAIVE_BASELINE, PRESENCE_INDICATORS, STRATEGY_NAMES, type CandidateId} from './candidates.js'
import {computeMetric, METRIC_LABELS, type MetricSpec} from './metrics.js'
import {Rng, deriveSeed} from '../../templates/project/src/random.js'
import type {StrategyResult, Verdict, VerdictKind, ZeroFillModality} from './types.js'
import {ALPHA, overallKind, type Comparison} from './compare.js'
/** Bootstrap resamples for the paired standard error. */
export const BOOTSTRAP_RESAMPLES = 200
/** A zero that lies less than this many SDs from the feature means counts as (almost) mean imputation. */
export const ZERO_FILL_MEAN_SD = 0.5

export function fmt(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || Number.isNaN(v)) return 'n/a'
  return v.toFixed(digits)
}

/** Signed gain of a over b in the metric's better direction. */
export function gain(spec: MetricSpec, a: number, b: number): number {
  return spec.metric === 'rmse' || spec.metric === 'mae' ? b - a : a - b
}

/**
 * Paired bootstrap standard error of metric(A) - metric(B) on the same test set: resample the
 * test samples with replacement (seeded), recompute both metrics on each resample.
 */
export function pairedBootstrapSe(spec: MetricSpec, labels: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>, seed: number, resamples = BOOTSTRAP_RESAMPLES): number {
  const n = labels.length
  if (n < 2) return Number.NaN
  const rng = new Rng(deriveSeed(seed, 'bootstrap'))
  const diffs: number[] = []
  const rows = new Uint32Array(n)
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) rows[i] = rng.int(n)
    const d = computeMetric(spec, labels, a, rows) - computeMetric(spec, labels, b, rows)
    if (!Number.isNaN(d)) diffs.push(d)
  }
  if (diffs.length < 2) return Number.NaN
  const mean = diffs.reduce((s, v) => s + v, 0) / diffs.length
  return Math.sqrt(diffs.reduce((s, v) => s + (v - mean) ** 2, 0) / (diffs.length - 1))
}

/** The rule behind the four words, stated the same way in every output. */
export function verdictRule(seeds: number, margin: number, label: string, evidence: 'simulation' | 'data' = 'simulation'): string {
  const level = `${Math.round((1 - 2 * ALPHA) * 100)}%`
  return (
    `Each comparison of the recommendation with another candidate takes the per-seed paired gains at the deployment presence mix over ${seeds} training seed${seeds === 1 ? '' : 's'} ` +
    (evidence === 'data'
      ? "(every seed trains on the same training split and is scored on the same test split; the error never below the test split's paired bootstrap error). "
      : "(each seed its own training and test sets; the error never below one test set's paired bootstrap error). ") +
    `Equivalent: the whole ${level} interval of the gain (Student's t, ${Math.max(0, seeds - 1)} degrees of freedom) lies within +-${fmt(margin)} ${label}, the equivalence margin; ` +
    `worse: significantly below zero (one-sided ${ALPHA * 100}%, Holm-adjusted across the comparisons) and not shown to be within the margin; better: the mirror; otherwise inconclusive. ` +
    `The recommendation is worse when one comparison is, better when all are, equivalent when all are better or equivalent. ` +
    (seeds > 1 ? '' : 'One training seed measures the test set, not training, so every comparison is inconclusive: run more seeds to decide.')
  ).trim()
}

/** The candidate with the best deployment metric; ties keep the earlier (canonical order) one. */
export function empiricalBest(spec: MetricSpec, results: readonly StrategyResult[]): StrategyResult {
  let best = results[0]
  for (const r of results.slice(1)) {
    if (Number.isNaN(best.metrics.deployment) || gain(spec, r.metrics.deployment, best.metrics.deployment) > 0) best = r
  }
  return best
}

function name(r: StrategyResult): string {
  return CANDIDATE_PROSE[r.id]
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

export interface VerdictInput {
  spec: MetricSpec
  results: readonly StrategyResult[]
  recommended: Strategy | null
  recommendedCandidate: CandidateId | null
  /** The recommended candidate against each other candidate (empty when there is none). */
  comparisons: Comparison[]
  /** The equivalence margin in the metric's units. */
  margin: number
  /** Number of training seeds behind the means. */
  seeds: number
  perSeed: Verdict['perSeed']
  zeroFill: ZeroFillModality[]
  /** Modalities that are ever absent at deployment. */
  optional: string[]
  /** The naive baseline at deployment, zero-filled and mean-imputed (null when not measured). */
  zeroFillCheck?: {zeroFilled: number; meanImputed: number} | null
  /** Why the engine chose nothing, when recommended is null. */
  noRecommendationReason?: string
  /** Modalities with informative missingness (presence depends on the outcome). */
  informative?: string[]
  /** Where the numbers come from: the simulation (default) or the team's data, which keeps one test split for every seed. */
  evidence?: 'simulation' | 'data'
}

/** A deployment-minus-full-data gain above this counts as presence carrying signal. */
export const PRESENCE_SIGNAL_GAIN = 0.005

/**
 * With informative missingness, whether a modality is present predicts the outcome. A candidate
 * that reads the natural presence bits can score higher on the deployment mix than on full data.
 */
export function presenceSignalExplanation(spec: MetricSpec, results: readonly StrategyResult[], informative: readonly string[]): string | null {
  if (informative.length === 0) return null
  const indicators = results.find((r) => r.id === PRESENCE_INDICATORS)
  if (!indicators) return null
  const lift = gain(spec, indicators.metrics.deployment, indicators.metrics.complete)
  if (!(lift > PRESENCE_SIGNAL_GAIN)) return null
  const masked = results.filter((r) => r.variant === 'masked').map((r) => `${STRATEGY_NAMES[r.strategy]} ${signedFmt(gain(spec, r.metrics.deployment, r.metrics.complete))}`)
  const label = METRIC_LABELS[spec.metric]
  return (
    `Presence carries signal here: ${informative.join(', ')} ${informative.length === 1 ? 'is' : 'are'} missing informatively (present more often for one outcome), ` +
    `so early fusion with presence indicators scored ${fmt(lift)} ${label} higher at the deployment mix than on full data` +
    (masked.length > 0
      ? `, while the strategies trained with masking changed by ${masked.join(', ')}. A likely reason: masking drops modalities at random during training, which blurs the link between presence and outcome that the indicators read directly.`
      : '.')
  )
}

function signedFmt(v: number): string {
  return `${v >= 0 ? '+' : '-'}${fmt(Math.abs(v))}`
}

/** Explains whether zero-filling is mean imputation for this profile. */
/** A difference below this between zero-fill and mean imputation counts as "about the same". */
export const ZERO_FILL_COST = 0.02

export function zeroFillExplanation(
  zeroFill: readonly ZeroFillModality[],
  optional: readonly string[],
  check: {zeroFilled: number; meanImputed: number} | null = null,
  spec?: MetricSpec,
  seeds = 1,
  evidence: 'simulation' | 'data' = 'simulation',
): string {
  const base = zeroFillOffsets(zeroFill, optional, evidence)
  if (!check || !spec || Number.isNaN(check.zeroFilled) || Number.isNaN(check.meanImputed)) return base
  const label = METRIC_LABELS[spec.metric]
  const cost = gain(spec, check.meanImputed, check.zeroFilled)
  const measured = `Measured (${seeds === 1 ? "one training seed, so the test set's noise only" : `mean of ${seeds} training seeds`}): the naive baseline scored ${label} ${fmt(check.zeroFilled)} at deployment with zero-fill and ${fmt(check.meanImputed)} when the same model gets the training means for absent inputs instead`
  if (cost > ZERO_FILL_COST) return `${base} ${measured}, so zero-fill itself costs it ${fmt(cost)}.`
  if (cost < -ZERO_FILL_COST) return `${base} ${measured}: here zero-fill happens to do better than mean imputation (by ${fmt(-cost)}), so its loss does not come from the fill value.`
  return `${base} ${measured}: about the same, so the fill value is not what hurts it; its loss comes from training on complete cases only, never seeing a modality absent.`
}

function zeroFillOffsets(zeroFill: readonly ZeroFillModality[], optional: readonly string[], evidence: 'simulation' | 'data'): string {
  const relevant = zeroFill.filter((z) => optional.includes(z.name) && !Number.isNaN(z.zeroOffsetSd))
  if (relevant.length === 0) {
    return 'No modality is ever absent at deployment, so zero-filling never happens and the question of imputation does not arise.'
  }
  const far = relevant.filter((z) => z.zeroOffsetSd >= ZERO_FILL_MEAN_SD)
  const list = relevant.map((z) => `${z.name} ${fmt(z.zeroOffsetSd, 1)} SD`).join(', ')
  if (far.length === 0) {
    return (
      `Zero-fill is close to mean imputation here: the features of the modalities that go missing are nearly centred (a zero lies on average ${list} from the feature means), ` +
      'so a zero-filled absent input looks like an average measurement and the naive baseline loses little from it.'
    )
  }
  return (
    `Zero-fill is not mean imputation here: the features sit on natural, non-centred scales (a zero lies on average ${list} from the feature means, measured on the ${evidence === 'data' ? '' : 'simulated '}training data), ` +
    'so after standardisation a zero-filled absent input looks like an extreme measurement to a model that never saw one absent.'
  )
}

function interval(c: Comparison): string {
  if (!c.interval) return 'no interval from one seed'
  const shown = `90% interval ${signedFmt(c.interval[0])} to ${signedFmt(c.interval[1])}`
  // The interval shown is unadjusted; worse and better are judged after Holm's adjustment across the
  // comparisons, so an interval clear of 0 can still leave the seeds unable to tell: say why.
  const clear = c.interval[0] > 0 || c.interval[1] < 0
  return clear && c.kind === 'inconclusive' ? `${shown}, unadjusted: not significant once adjusted for the other comparisons` : shown
}

/** "early fusion with presence indicators (-0.004, 90% interval -0.020 to +0.012)": a comparison from the recommendation's side. */
function against(c: Comparison, results: readonly StrategyResult[]): string {
  const other = results.find((r) => r.id === c.against)
  return `${other ? name(other) : c.against} (${signedFmt(c.gap)}, ${interval(c)})`
}

function verdictText(input: VerdictInput, kind: VerdictKind, rec: StrategyResult | undefined, best: StrategyResult): string {
  const {spec, results, comparisons, margin, seeds} = input
  const label = METRIC_LABELS[spec.metric]
  const over = seeds > 1 ? ` (mean of ${seeds} training seeds)` : ' (one training seed)'
  const m = `the ${fmt(margin)} ${label} margin`
  if (kind === 'no-recommendation') {
    return (
      `fuseplan recommended no strategy${input.noRecommendationReason ? ` (${input.noRecommendationReason})` : ''}; ` +
      `the best evaluated candidate at deployment was ${name(best)} with ${label} ${fmt(best.metrics.deployment)}${over}.`
    )
  }
  if (kind === 'not-evaluated' || !rec) {
    return (
      `The recommended strategy, ${STRATEGY_NAMES[input.recommended as Strategy]}, was not among the evaluated candidates; ` +
      `the best evaluated candidate at deployment was ${name(best)} with ${label} ${fmt(best.metrics.deployment)}${over}.`
    )
  }
  const head = `${capital(name(rec))} scored ${label} ${fmt(rec.metrics.deployment)} at the deployment presence mix${over}`
  const byKind = (k: string) => comparisons.filter((c) => c.kind === k)
  const list = (cs: Comparison[]) => cs.map((c) => against(c, results)).join('; ')
  switch (kind) {
    case 'better':
      return `Better: ${head}, ahead of every other candidate beyond ${m}: ${list(comparisons)}.`
    case 'equivalent': {
      const eq = byKind('equivalent')
      const ahead = byKind('better')
      return (
        `Equivalent: ${head}. No candidate is ahead by more than ${m}: equivalent to ${list(eq)}` +
        (ahead.length > 0 ? `; better than ${list(ahead)}` : '') +
        '. Among equivalent strategies the choice rests on engineering grounds (latency, simplicity, how it degrades when availability shifts), not on this measurement.'
      )
    }
    case 'worse': {
      const worse = byKind('worse')
      return `Worse: ${head}, and ${list(worse)} ${worse.length === 1 ? 'is' : 'are'} ahead of it, significantly and not within ${m}. ${input.evidence === 'data' ? 'The data contradict' : 'The simulation contradicts'} the recommendation.`
    }
    default: {
      if (seeds <= 1) {
        const gap = gain(spec, best.metrics.deployment, rec.metrics.deployment)
        return (
          `Inconclusive: ${head}; ` +
          (best.id === rec.id ? 'it was the best candidate in this seed' : `${name(best)} was best, ${fmt(gap)} ahead`) +
          '. One training seed measures the test set, not training: run without --quick (several seeds) to decide.'
        )
      }
      const open = byKind('inconclusive')
      const needed = input.seeds > 1 ? seedsNeededOverall(comparisons) : null
      return (
        `Inconclusive at ${m}: ${head}. The seeds cannot tell against ${list(open)}` +
        (needed !== null ? `; about ${needed} seeds would likely decide it (--seeds ${needed})` : '; more seeds than 100 would be needed at this spread, so treat these candidates as tied') +
        '.'
      )
    }
  }
}

/** Seeds that would likely decide every inconclusive comparison (the most any of them needs). */
function seedsNeededOverall(comparisons: readonly Comparison[]): number | null {
  const open = comparisons.filter((c) => c.kind === 'inconclusive')
  if (open.length === 0) return null
  if (open.some((c) => c.seedsNeeded === null)) return null
  return Math.max(...open.map((c) => c.seedsNeeded as number))
}

export function buildVerdict(input: VerdictInput): Verdict {
  const {spec, results} = input
  const label = METRIC_LABELS[spec.metric]
  const zeroFill = zeroFillExplanation(input.zeroFill, input.optional, input.zeroFillCheck ?? null, spec, input.seeds, input.evidence)
  const best = empiricalBest(spec, results)
  const rec = results.find((r) => r.id === input.recommendedCandidate)
  const kind: VerdictKind = input.recommended === null ? 'no-recommendation' : !rec ? 'not-evaluated' : input.seeds <= 1 ? 'inconclusive' : overallKind(input.comparisons)
  const text = verdictText(input, kind, rec, best)
  const gapToBest = rec ? gain(spec, best.metrics.deployment, rec.metrics.deployment) : null
  const seedsNeeded = kind === 'inconclusive' && input.seeds > 1 ? seedsNeededOverall(input.comparisons) : null

  let baseline: string | null = null
  const naive = results.find((r) => r.id === NAIVE_BASELINE)
  const compare = rec ?? best
  if (naive && compare.id !== naive.id) {
    const drop = gain(spec, compare.metrics.deployment, naive.metrics.deployment)
    const naiveLoss = gain(spec, naive.metrics.complete, naive.metrics.deployment)
    const who = rec ? `the recommended ${name(rec)}` : name(best)
    const trained = `trained on ${naive.trainingSamples} complete case${naive.trainingSamples === 1 ? '' : 's'}`
    if (input.optional.length === 0) {
      baseline = `Every modality is present at deployment, so the naive baseline (${trained}) is plain early fusion: ${label} ${fmt(naive.metrics.deployment)} against ${fmt(compare.metrics.deployment)} for ${who}.`
    } else if (drop > input.margin) {
      const change = naiveLoss >= 0 ? `it lost ${fmt(naiveLoss)}` : `it gained ${fmt(-naiveLoss)}`
      baseline =
        `The naive baseline (${trained}) scored ${label} ${fmt(naive.metrics.deployment)} at deployment, ${fmt(drop)} below ${who}; ` +
        `${change} between full data (${fmt(naive.metrics.complete)}) and the deployment mix.`
    } else {
      baseline =
        `The naive baseline (${trained}) was not behind by more than the ${fmt(input.margin)} margin at deployment (${fmt(naive.metrics.deployment)} against ${fmt(compare.metrics.deployment)} for ${who}). ` +
        (input.zeroFill.some((z) => input.optional.includes(z.name) && z.zeroOffsetSd < ZERO_FILL_MEAN_SD)
          ? 'A likely reason: zero-fill acts as mean imputation for the modalities that go missing (see below).'
          : 'The modalities that go missing carry little of the signal the baseline relies on, or the deployment mix is close to complete.')
    }
  }
  const presence = presenceSignalExplanation(spec, results, input.informative ?? [])
  return {
    kind,
    text,
    equivalenceMargin: input.margin,
    gapToBest,
    comparisons: input.comparisons,
    seedsNeeded,
    rule: verdictRule(input.seeds, input.margin, label, input.evidence),
    perSeed: input.perSeed,
    baseline,
    zeroFill,
    zeroFillCheck: input.zeroFillCheck ?? null,
    presence,
  }
}
