// One candidate against another, over training seeds, in the four words every output uses
// (docs/design.md#evaluate-the-decision-checked):
//   equivalent    the whole 90% interval of the gap lies within +-margin (two one-sided tests at 5%);
//                 a gap that is significant but inside the margin is equivalent;
//   worse         significantly below 0 (one-sided 5%, Holm-adjusted across the comparisons) and not
//                 shown to be inside the margin;
//   better        the mirror of worse;
//   inconclusive  anything else: the seeds cannot tell. One seed is always inconclusive: it measures
//                 the test set's noise, not training's.
import {holmAdjust, studentTCdf, studentTQuantile} from './stats.js'

export type ComparisonKind = 'better' | 'equivalent' | 'worse' | 'inconclusive'

/** The equivalence margin: 0.01 of a score metric; 1% of the label's standard deviation for an error metric. */
export const DEFAULT_MARGIN = 0.01
/** One-sided level of each test; the interval shown is the two-sided 1 - 2 * ALPHA = 90% one. */
export const ALPHA = 0.05
/** Most seeds `seedsNeeded` looks for before it says "more than this". */
export const MAX_SEEDS_NEEDED = 100

export function marginFor(metric: string, labelSd: number, margin = DEFAULT_MARGIN): number {
  return metric === 'rmse' || metric === 'mae' ? margin * labelSd : margin
}

export interface PairedSample {
  /** The other candidate. */
  against: string
  /** Per-seed gains of the candidate over `against`, in the metric's better direction. */
  diffs: readonly number[]
  /** Per-seed paired bootstrap variances of the gain on that seed's test set (the floor of the error). */
  bootstrapVariances: readonly number[]
}

export interface Comparison {
  against: string
  /** Mean gain over the seeds (positive: the candidate is ahead). */
  gap: number
  /** Standard error of the mean gain; null with one seed or no measurement. */
  standardError: number | null
  /** Degrees of freedom of the error (seeds - 1). */
  df: number
  /** The two-sided 90% interval of the gap, unadjusted. */
  interval: [number, number] | null
  /** Holm-adjusted one-sided p-values: gap < 0 (worse) and gap > 0 (better). */
  pWorse: number | null
  pBetter: number | null
  kind: ComparisonKind
  /** Seeds that would likely decide an inconclusive comparison at this gap and spread (null: decided, unknown, or more than MAX_SEEDS_NEEDED). */
  seedsNeeded: number | null
}

/**
 * The two variances of a paired gain: over the seeds (0 with one seed), and one test set's bootstrap
 * variance (the mean over seeds, 0 when none was measured).
 * @public loaded from dist/ by bench/evidence/records.js (engineOf) for report.js: the power projection splits the spread with it
 */
export function gainVariances(diffs: readonly number[], bootstrapVariances: readonly number[]): {seed: number; bootstrap: number} {
  const S = diffs.length
  const m = diffs.reduce((a, v) => a + v, 0) / Math.max(1, S)
  return {
    seed: S > 1 ? diffs.reduce((a, v) => a + (v - m) ** 2, 0) / (S - 1) : 0,
    bootstrap: bootstrapVariances.length > 0 ? bootstrapVariances.reduce((a, v) => a + v, 0) / bootstrapVariances.length : 0,
  }
}

/** Standard deviation of the per-seed gains, never below the bootstrap error of one test set. */
export function seedSd(diffs: readonly number[], bootstrapVariances: readonly number[]): number {
  const v = gainVariances(diffs, bootstrapVariances)
  return Math.sqrt(Math.max(v.seed, v.bootstrap))
}

/**
 * Every comparison of one candidate with the others: intervals, Holm-adjusted directional tests
 * across the family, and the word for each.
 */
export function compareAll(samples: readonly PairedSample[], margin: number): Comparison[] {
  const raw = samples.map((s) => {
    const S = s.diffs.length
    const gap = S > 0 ? s.diffs.reduce((a, v) => a + v, 0) / S : Number.NaN
    const sd = seedSd(s.diffs, s.bootstrapVariances)
    const se = S > 1 && sd > 0 ? sd / Math.sqrt(S) : null
    return {against: s.against, S, gap, sd, se}
  })
  const pLow = raw.map((r) => (r.se === null ? 1 : studentTCdf(r.gap / r.se, r.S - 1)))
  const pHigh = raw.map((r) => (r.se === null ? 1 : 1 - studentTCdf(r.gap / r.se, r.S - 1)))
  const worse = holmAdjust(pLow)
  const better = holmAdjust(pHigh)
  return raw.map((r, i) => {
    if (r.se === null || Number.isNaN(r.gap)) {
      return {against: r.against, gap: r.gap, standardError: r.se, df: Math.max(0, r.S - 1), interval: null, pWorse: null, pBetter: null, kind: 'inconclusive', seedsNeeded: null}
    }
    const half = studentTQuantile(1 - ALPHA, r.S - 1) * r.se
    const interval: [number, number] = [r.gap - half, r.gap + half]
    const kind = classify(interval, worse[i], better[i], margin)
    return {
      against: r.against,
      gap: r.gap,
      standardError: r.se,
      df: r.S - 1,
      interval,
      pWorse: worse[i],
      pBetter: better[i],
      kind,
      seedsNeeded: kind === 'inconclusive' ? seedsNeeded(r.gap, r.sd, margin, samples.length) : null,
    }
  })
}

export function classify(interval: [number, number], pWorse: number, pBetter: number, margin: number): ComparisonKind {
  const [lo, hi] = interval
  if (lo > -margin && hi < margin) return 'equivalent'
  if (pWorse < ALPHA) return 'worse'
  if (pBetter < ALPHA) return 'better'
  return 'inconclusive'
}

/**
 * Seeds at which a comparison with this gap and per-seed spread would likely be decided: an
 * interval narrow enough to fit inside the margin (|gap| < margin) or to exclude 0 at the Holm
 * level of the first step (|gap| >= margin). null when more than MAX_SEEDS_NEEDED would be needed.
 */
export function seedsNeeded(gap: number, sd: number, margin: number, family: number): number | null {
  if (!(sd > 0) || !Number.isFinite(gap)) return null
  const room = Math.abs(gap) < margin ? margin - Math.abs(gap) : Math.abs(gap)
  const alpha = Math.abs(gap) < margin ? ALPHA : ALPHA / Math.max(1, family)
  for (let n = 2; n <= MAX_SEEDS_NEEDED; n++) if (studentTQuantile(1 - alpha, n - 1) * (sd / Math.sqrt(n)) < room) return n
  return null
}

/**
 * The word for a candidate against all the others: worse when some comparison is worse, better
 * when every one is better, equivalent when every one is better or equivalent, else inconclusive.
 */
export function overallKind(comparisons: readonly Comparison[]): ComparisonKind {
  if (comparisons.length === 0) return 'inconclusive'
  if (comparisons.some((c) => c.kind === 'worse')) return 'worse'
  if (comparisons.every((c) => c.kind === 'better')) return 'better'
  if (comparisons.every((c) => c.kind === 'better' || c.kind === 'equivalent')) return 'equivalent'
  return 'inconclusive'
}
