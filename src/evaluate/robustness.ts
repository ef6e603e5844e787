// Robustness summaries of a metric-vs-missing-rate curve, after MultiBench (Liang et al., 2021,
// "MultiBench: Multiscale Benchmarks for Multimodal Representation Learning").
//
// The curve: the metric measured at missing rates r_0 = 0 < r_1 < ... < r_K = 1, where at rate r
// every optional modality is absent from a test sample with probability r, independently.
//
// Relative robustness  RR(f) = integral_0^1 f(r) dr  (trapezoid rule over the measured rates).
//   The area under the curve: a model that keeps its clean score at every rate gets f(0); one that
//   collapses gets less. For error metrics (RMSE, MAE) the area is of the error, so smaller is better.
//
// Effective robustness  ER(f) = s * integral_0^1 [ f(r) - (L(r) + f(0) - L(0)) ] dr
//   where L is the late-fusion curve (MultiBench's reference model), shifted so that it starts at the
//   same clean value f(0), and s = +1 when higher is better, -1 for error metrics. ER is the area by
//   which the model degrades less than late fusion would from the same clean score: > 0 more robust
//   than late fusion, < 0 less robust, 0 for late fusion itself.
//
// Differences from MultiBench's eval_scripts: MultiBench sums the pointwise gaps for ER and min-max
// normalises both numbers across the methods of its leaderboard; fuseplan integrates both with the
// trapezoid rule over the actual rates (so they are in the metric's own units and comparable
// between runs) and does not normalise.

/** Trapezoid-rule integral of ys over xs (xs ascending). */
export function trapezoid(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new Error('trapezoid: xs and ys differ in length')
  let area = 0
  for (let i = 1; i < xs.length; i++) area += ((ys[i] + ys[i - 1]) / 2) * (xs[i] - xs[i - 1])
  return area
}

/** MultiBench relative robustness: area under the metric-vs-missing-rate curve. */
export function relativeRobustness(rates: readonly number[], curve: readonly number[]): number {
  return trapezoid(rates, curve)
}

/**
 * MultiBench effective robustness against late fusion (formula in the header). `higher` says
 * whether larger metric values are better.
 */
export function effectiveRobustness(rates: readonly number[], curve: readonly number[], lateCurve: readonly number[], higher: boolean): number {
  if (curve.length !== lateCurve.length) throw new Error('effectiveRobustness: curves differ in length')
  const shift = curve[0] - lateCurve[0]
  const gap = curve.map((v, i) => v - (lateCurve[i] + shift))
  return (higher ? 1 : -1) * trapezoid(rates, gap)
}

/** Default sweep: 0, 0.1, ..., 1. */
export const DEFAULT_MISSING_RATES: readonly number[] = Array.from({length: 11}, (_, i) => i / 10)
