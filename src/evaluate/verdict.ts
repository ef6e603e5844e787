// The verdict: which candidate did best at the deployment presence mix, whether that is the
// recommended strategy, by how much, and what happened to the naive baseline. Sentences are written
// to be quoted in a review, with the numbers in them.
import type {Strategy} from '../decision/types.js'
import {STRATEGY_NAMES, type CandidateId} from './candidates.js'
import {computeMetric, METRIC_LABELS, type MetricSpec} from './metrics.js'
import {Rng, deriveSeed} from '../../templates/project/src/random.js'
import type {StrategyResult, Verdict, VerdictKind, ZeroFillModality} from './types.js'

/** A gap of at most this many standard errors is not significant when the error is known well (a bootstrap of one test set). */
export const NOISE_Z = 2

/** Two-sided 95% quantiles of Student's t by degrees of freedom (1-30); above 30 the normal's 2 is close enough. */
const STUDENT_T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045,
  2.042,
]

/**
 * How many standard errors a gap over `seeds` training seeds must exceed to be significant. The
 * error over S seeds is estimated from S paired differences, so it has S - 1 degrees of freedom:
 * with 3 seeds a gap of 2 such errors happens by chance about one time in five, and the 95% test
 * needs 4.3 (Student's t). One seed's error is a bootstrap of its test set, where 2 holds.
 */
export function noiseThreshold(seeds: number): number {
  if (!(seeds > 1) || seeds - 1 > STUDENT_T_975.length) return NOISE_Z
  return STUDENT_T_975[seeds - 2]
}
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

/**
 * Standard error of a mean paired difference over training seeds: the seed-to-seed variance of the
 * per-seed differences (each seed has its own training and test sets), never below the mean
 * bootstrap variance of one test set (a lower bound that one or two seeds cannot estimate).
 */
export function seedStandardError(diffs: readonly number[], bootstrapVariances: readonly number[]): number {
  const S = diffs.length
  if (S === 0) return Number.NaN
  const m = diffs.reduce((a, v) => a + v, 0) / S
  const seedVar = S > 1 ? diffs.reduce((a, v) => a + (v - m) ** 2, 0) / (S - 1) : 0
  const bootVar = bootstrapVariances.length > 0 ? bootstrapVariances.reduce((a, v) => a + v, 0) / bootstrapVariances.length : 0
  const v = Math.max(seedVar, bootVar)
  return v > 0 ? Math.sqrt(v / S) : Number.NaN
}

/** The rule behind `agrees`, stated the same way in every output. */
export function agreementRule(seeds: number): string {
  const threshold = noiseThreshold(seeds)
  return (
    `The recommendation agrees when it is the best candidate at the deployment presence mix or not significantly worse than the best ` +
    `(a gap of at most ${fmt(threshold, threshold === NOISE_Z ? 0 : 2)} standard errors); it disagrees only when it is significantly worse. ` +
    (seeds > 1
      ? `The standard error is taken over ${seeds} training seeds (each with its own training and test sets), never below the paired bootstrap error of one test set; ` +
        `with ${seeds - 1} degrees of freedom the 95% threshold is Student's t, ${fmt(threshold, 2)}.`
      : 'With one training seed the standard error is the paired bootstrap error of its test set.')
  )
}

/** One seed alone: does the recommended candidate agree (best, same strategy, or within NOISE_Z of that seed's bootstrap error)? */
export function judgeSeed(spec: MetricSpec, results: readonly StrategyResult[], recommended: CandidateId | null, standardError: number | null): {agrees: boolean | null; margin: number | null} {
  const rec = results.find((r) => r.id === recommended)
  if (!rec || Number.isNaN(rec.metrics.deployment)) return {agrees: null, margin: null}
  const best = empiricalBest(spec, results)
  if (best.id === rec.id || best.strategy === rec.strategy) return {agrees: true, margin: 0}
  const margin = gain(spec, best.metrics.deployment, rec.metrics.deployment)
  const noisy = standardError !== null && !Number.isNaN(standardError) && margin <= NOISE_Z * standardError
  return {agrees: noisy, margin}
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
  if (r.id === 'early/complete-case') return 'the naive baseline (early fusion on complete cases, zero-filled)'
  if (r.id === 'early/indicators') return 'early fusion with presence indicators'
  return STRATEGY_NAMES[r.strategy] + (r.variant === 'masked' ? ' with masking' : '')
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

export interface VerdictInput {
  spec: MetricSpec
  results: readonly StrategyResult[]
  recommended: Strategy | null
  recommendedCandidate: CandidateId | null
  /** SE of best - recommended at deployment over seeds (null when they are the same or one is missing). */
  standardError: number | null
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
}

/** A deployment-minus-full-data gain above this counts as presence carrying signal. */
export const PRESENCE_SIGNAL_GAIN = 0.005

/**
 * With informative missingness, whether a modality is present predicts the outcome. A candidate
 * that reads the natural presence bits can score higher on the deployment mix than on full data.
 */
export function presenceSignalExplanation(spec: MetricSpec, results: readonly StrategyResult[], informative: readonly string[]): string | null {
  if (informative.length === 0) return null
  const indicators = results.find((r) => r.id === 'early/indicators')
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

export function zeroFillExplanation(zeroFill: readonly ZeroFillModality[], optional: readonly string[], check: {zeroFilled: number; meanImputed: number} | null = null, spec?: MetricSpec): string {
  const base = zeroFillOffsets(zeroFill, optional)
  if (!check || !spec || Number.isNaN(check.zeroFilled) || Number.isNaN(check.meanImputed)) return base
  const label = METRIC_LABELS[spec.metric]
  const cost = gain(spec, check.meanImputed, check.zeroFilled)
  const measured = `Measured: the naive baseline scored ${label} ${fmt(check.zeroFilled)} at deployment with zero-fill and ${fmt(check.meanImputed)} when the same model gets the training means for absent inputs instead`
  if (cost > ZERO_FILL_COST) return `${base} ${measured}, so zero-fill itself costs it ${fmt(cost)}.`
  if (cost < -ZERO_FILL_COST) return `${base} ${measured}: here zero-fill happens to do better than mean imputation (by ${fmt(-cost)}), so its loss does not come from the fill value.`
  return `${base} ${measured}: about the same, so the fill value is not what hurts it; its loss comes from training on complete cases only, never seeing a modality absent.`
}

function zeroFillOffsets(zeroFill: readonly ZeroFillModality[], optional: readonly string[]): string {
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
    `Zero-fill is not mean imputation here: the features sit on natural, non-centred scales (a zero lies on average ${list} from the feature means, measured on the simulated training data), ` +
    'so after standardisation a zero-filled absent input looks like an extreme measurement to a model that never saw one absent.'
  )
}

export function buildVerdict(input: VerdictInput): Verdict {
  const {spec, results} = input
  const label = METRIC_LABELS[spec.metric]
  const zeroFill = zeroFillExplanation(input.zeroFill, input.optional, input.zeroFillCheck ?? null, spec)
  const best = empiricalBest(spec, results)
  const rec = results.find((r) => r.id === input.recommendedCandidate)
  let kind: VerdictKind
  let text: string
  let margin: number | null = null
  const se = input.standardError
  const over = input.seeds > 1 ? ` (mean of ${input.seeds} training seeds)` : ''
  if (input.recommended === null) {
    kind = 'no-recommendation'
    text =
      `fuseplan recommended no strategy${input.noRecommendationReason ? ` (${input.noRecommendationReason})` : ''}; ` +
      `the best evaluated candidate at deployment was ${name(best)} with ${label} ${fmt(best.metrics.deployment)}.`
  } else if (!rec) {
    kind = 'not-evaluated'
    text =
      `The recommended strategy, ${STRATEGY_NAMES[input.recommended]}, was not among the evaluated candidates; ` +
      `the best evaluated candidate at deployment was ${name(best)} with ${label} ${fmt(best.metrics.deployment)}.`
  } else if (best.id === rec.id) {
    kind = 'agrees'
    const others = results.filter((r) => r.id !== rec.id)
    const runnerUp = others.length > 0 ? empiricalBest(spec, others) : undefined
    margin = 0
    text =
      `The simulation agrees with the recommendation: ${name(rec)} had the best ${label} at the deployment presence mix, ${fmt(rec.metrics.deployment)}${over}` +
      (runnerUp
        ? `, ${fmt(gain(spec, rec.metrics.deployment, runnerUp.metrics.deployment))} ahead of the runner-up, ${name(runnerUp)} (${fmt(runnerUp.metrics.deployment)})` +
          (se !== null && !Number.isNaN(se) ? ` (standard error of the gap ${fmt(se)})` : '')
        : '') +
      '.'
  } else if (best.strategy === rec.strategy) {
    // Another variant of the recommended strategy (early fusion: the complete-case baseline) won.
    kind = 'agrees'
    margin = gain(spec, best.metrics.deployment, rec.metrics.deployment)
    text =
      `The simulation agrees with the recommended strategy, ${STRATEGY_NAMES[rec.strategy]}: its best variant at the deployment presence mix was ${name(best)} with ${label} ${fmt(best.metrics.deployment)}${over}, ` +
      `${fmt(margin)} above ${name(rec)} (${fmt(rec.metrics.deployment)})` +
      (se !== null && !Number.isNaN(se) ? ` (standard error of the gap ${fmt(se)})` : '') +
      '.'
  } else {
    margin = gain(spec, best.metrics.deployment, rec.metrics.deployment)
    const noisy = se !== null && !Number.isNaN(se) && margin <= noiseThreshold(input.seeds) * se
    kind = noisy ? 'within-noise' : 'disagrees'
    const head = `${capital(name(best))} scored the best ${label} at the deployment presence mix, ${fmt(best.metrics.deployment)}${over}, ${fmt(margin)} above the recommended ${name(rec)} (${fmt(rec.metrics.deployment)})`
    text = noisy
      ? `The simulation agrees with the recommendation within noise. ${head}; the gap is ${fmt(margin / Math.max(se as number, 1e-9), 1)} standard errors (${fmt(se)}), not significantly worse` +
        (input.seeds > 1 ? ` (significance needs ${fmt(noiseThreshold(input.seeds), 2)} with ${input.seeds} seeds).` : '.')
      : `${head}` +
        (se !== null && !Number.isNaN(se) ? `, ${fmt(margin / Math.max(se, 1e-9), 1)} standard errors (${fmt(se)})` : ' (no standard error could be measured)') +
        ': the recommended strategy is significantly worse in this simulation, so the simulation disagrees with the recommendation.'
  }

  if (input.seeds === 1 && (kind === 'disagrees' || kind === 'within-noise')) {
    // One seed measures the test set's noise only; training from another seed moves every candidate too.
    text += ' With one training seed the standard error covers the test set only, not training variation: run without --quick (three seeds) before acting on it.'
  }

  let baseline: string | null = null
  const naive = results.find((r) => r.id === 'early/complete-case')
  const compare = rec ?? best
  if (naive && compare.id !== naive.id) {
    const drop = gain(spec, compare.metrics.deployment, naive.metrics.deployment)
    const naiveLoss = gain(spec, naive.metrics.complete, naive.metrics.deployment)
    const who = rec ? `the recommended ${name(rec)}` : name(best)
    const trained = `trained on ${naive.trainingSamples} complete case${naive.trainingSamples === 1 ? '' : 's'}`
    if (input.optional.length === 0) {
      baseline = `Every modality is present at deployment, so the naive baseline (${trained}) is plain early fusion: ${label} ${fmt(naive.metrics.deployment)} against ${fmt(compare.metrics.deployment)} for ${who}.`
    } else if (drop > 0.01) {
      baseline =
        `The naive baseline (${trained}) scored ${label} ${fmt(naive.metrics.deployment)} at deployment, ${fmt(drop)} below ${who}; ` +
        `it lost ${fmt(naiveLoss)} between full data (${fmt(naive.metrics.complete)}) and the deployment mix.`
    } else {
      baseline =
        `The naive baseline (${trained}) was not clearly worse at deployment (${fmt(naive.metrics.deployment)} against ${fmt(compare.metrics.deployment)} for ${who}). ` +
        (input.zeroFill.some((z) => input.optional.includes(z.name) && z.zeroOffsetSd < ZERO_FILL_MEAN_SD)
          ? 'A likely reason: zero-fill acts as mean imputation for the modalities that go missing (see below).'
          : 'The modalities that go missing carry little of the signal the baseline relies on, or the deployment mix is close to complete.')
    }
  }
  const presence = presenceSignalExplanation(spec, results, input.informative ?? [])
  return {kind, text, margin, standardError: se, rule: agreementRule(input.seeds), perSeed: input.perSeed, baseline, zeroFill, zeroFillCheck: input.zeroFillCheck ?? null, presence}
}
