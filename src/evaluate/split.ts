// Splits and subsamples of a team's own data for `fuseplan evaluate --data`: stratified, seeded,
// and exact in their totals. A stratum is any string key; evaluate builds it from the label (a
// class, or a quintile of a regression target), the presence pattern and the cohort, so every
// pattern and every cohort keeps its share on both sides.
import {Rng, deriveSeed} from '../../templates/project/src/random.js'
import type {TaskType} from '../profile/metrics.js'

/**
 * How many of each stratum to take so that the total is exactly `take` and every stratum gets its
 * proportional share: floors first, then the largest remainders (ties in a seeded random order).
 */
export function allocate(sizes: readonly number[], take: number, seed: number): number[] {
  const total = sizes.reduce((a, v) => a + v, 0)
  if (take >= total) return [...sizes]
  if (take <= 0 || total === 0) return sizes.map(() => 0)
  const quota = sizes.map((s) => (s * take) / total)
  const out = quota.map((q) => Math.floor(q))
  let left = take - out.reduce((a, v) => a + v, 0)
  const tie = new Rng(deriveSeed(seed, 'allocate')).permutation(sizes.length)
  const order = sizes.map((_, i) => i).sort((a, b) => quota[b] - out[b] - (quota[a] - out[a]) || tie[a] - tie[b])
  for (const i of order) {
    if (left <= 0) break
    if (out[i] < sizes[i]) {
      out[i]++
      left--
    }
  }
  return out
}

/** Rows grouped by stratum, strata in sorted key order (so the result does not depend on row order). */
function groups(strata: readonly string[]): {key: string; rows: number[]}[] {
  const byKey = new Map<string, number[]>()
  strata.forEach((k, i) => {
    const list = byKey.get(k)
    if (list) list.push(i)
    else byKey.set(k, [i])
  })
  return [...byKey.keys()].sort().map((key) => ({key, rows: byKey.get(key) as number[]}))
}

/** `take` rows picked at random from each group as allocated; returns the picked rows, ascending. */
function pick(strata: readonly string[], take: number, seed: number): number[] {
  const g = groups(strata)
  const counts = allocate(
    g.map((x) => x.rows.length),
    take,
    seed,
  )
  const picked: number[] = []
  g.forEach((x, i) => {
    const order = new Rng(deriveSeed(seed, `stratum:${x.key}`)).permutation(x.rows.length)
    for (let j = 0; j < counts[i]; j++) picked.push(x.rows[order[j]])
  })
  return picked.sort((a, b) => a - b)
}

/** A stratified split: round(n * testShare) rows for test, the rest for training, both ascending. */
export function stratifiedSplit(strata: readonly string[], testShare: number, seed: number): {train: number[]; test: number[]} {
  const n = strata.length
  const test = pick(strata, Math.round(n * testShare), deriveSeed(seed, 'split'))
  const inTest = new Uint8Array(n)
  for (const r of test) inTest[r] = 1
  const train: number[] = []
  for (let i = 0; i < n; i++) if (!inTest[i]) train.push(i)
  return {train, test}
}

/** A stratified subsample of exactly min(take, n) rows, ascending. */
export function stratifiedSubsample(strata: readonly string[], take: number, seed: number): number[] {
  if (take >= strata.length) return strata.map((_, i) => i)
  return pick(strata, take, deriveSeed(seed, 'subsample'))
}

/** Quintile bins of a regression target: stratifying on them keeps the spread of the target on both sides. */
export const REGRESSION_BINS = 5

/** The label part of a stratum: the class for classification, the quintile of the target for regression. */
export function labelStrata(task: TaskType, labels: ArrayLike<number>): string[] {
  if (task !== 'regression') return Array.from(labels, (y) => `y${y}`)
  const sorted = Float64Array.from(labels).sort()
  const cuts = Array.from({length: REGRESSION_BINS - 1}, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / REGRESSION_BINS)])
  return Array.from(labels, (y) => `q${cuts.filter((c) => y >= c).length}`)
}
