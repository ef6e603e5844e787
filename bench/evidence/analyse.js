// The decision evidence, computed from the benchmark's records (bench/evidence/results/): what each
// policy (the rules, each constant strategy, a random pick, the oracle) would have cost on the test
// grid, with bootstrap intervals over profiles; regime by regime, whether the rules tie with the best
// constant; the confidence calls and whether they were right; and the power of the verdict at the
// bench's settings. Pure functions of the records and the engine (passed in), so a test can
// recompute docs/decisions.md from the committed records.

export const SHIPPED = ['early/indicators', 'intermediate', 'attention', 'late']
export const ALL = ['early/complete-case', ...SHIPPED]
export const SHORT = {'early/complete-case': 'naive', 'early/indicators': 'early+ind', intermediate: 'intermediate', attention: 'attention', late: 'late'}

const mean = (xs) => xs.reduce((a, v) => a + v, 0) / xs.length

/** A small seeded generator (mulberry32) for the bootstrap, so the doc is the same on every run. */
function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The best of `ids` by mean (the first of them on a tie), as `gain` orders the metric. */
export function bestOf(ids, means, gain) {
  let best = ids[0]
  for (const id of ids) if (gain(means[id], means[best]) > 0) best = id
  return best
}

/** Per candidate: per-seed deployment metric, its mean, and the metric's direction (AUROC: higher is better). */
export function scoresOf(record) {
  const higher = record.metric.higherIsBetter
  const byId = Object.fromEntries(record.candidates.map((c) => [c.id, c.deployment]))
  const gain = (a, b) => (higher ? a - b : b - a)
  const means = Object.fromEntries(Object.entries(byId).map(([id, xs]) => [id, mean(xs)]))
  const trained = ALL.filter((id) => byId[id] && byId[id].every((v) => v !== null && !Number.isNaN(v)))
  return {byId, means, gain, best: bestOf(trained, means, gain), trained}
}

/** Paired samples of `id` against each of `others`, for compareAll. */
export function pairedSamples(record, id, others) {
  const {byId, gain} = scoresOf(record)
  return others.map((other) => {
    const key = record.pairVariances[`${id}|${other}`] ? `${id}|${other}` : `${other}|${id}`
    return {
      against: other,
      diffs: record.seeds.map((_, s) => gain(byId[id][s], byId[other][s])),
      bootstrapVariances: (record.pairVariances[key] ?? []).filter((v) => v !== null),
    }
  })
}

/** How the candidate `id` stands against `others` on this record: the four words, as evaluate says them. */
export function standing(record, id, others, engine) {
  const comparisons = engine.compareAll(pairedSamples(record, id, others), record.margin)
  return {kind: engine.overallKind(comparisons), comparisons}
}

/** The candidate a strategy stands for (early fusion is shipped with indicators). */
export const candidateOf = (strategy) => (strategy === 'early' ? 'early/indicators' : strategy)

/** One profile, judged for every policy: regret against the best of all five and the word for its choice. */
export function judgeProfile(record, engine) {
  const {means, gain, best, trained} = scoresOf(record)
  const decision = engine.decide(record.profile)
  const choices = {
    rules: decision.strategy ? candidateOf(decision.strategy) : null,
    ...Object.fromEntries(ALL.map((id) => [`always ${SHORT[id]}`, id])),
  }
  const shippedTrained = SHIPPED.filter((id) => trained.includes(id))
  choices.oracle = bestOf(shippedTrained, means, gain)
  const regret = (id) => (id === null || !trained.includes(id) ? null : gain(means[best], means[id]))
  const word = (id) =>
    id === null || !trained.includes(id)
      ? null
      : standing(
          record,
          id,
          trained.filter((o) => o !== id),
          engine,
        ).kind
  const policies = Object.fromEntries(Object.entries(choices).map(([name, id]) => [name, {choice: id, regret: regret(id), word: word(id)}]))
  // Random: a uniform pick among the four shipped strategies, taken in expectation.
  policies.random = {
    choice: null,
    regret: mean(shippedTrained.map((id) => regret(id))),
    goodShare: mean(shippedTrained.map((id) => (['better', 'equivalent'].includes(word(id)) ? 1 : 0))),
  }
  // The runner-up and whether the best beats it beyond the margin.
  const runnerUp = bestOf(
    trained.filter((id) => id !== best),
    means,
    gain,
  )
  const vsRunnerUp = engine.compareAll(pairedSamples(record, best, [runnerUp]), record.margin)[0]
  const winner = vsRunnerUp.kind === 'better' && vsRunnerUp.gap > record.margin ? best : null
  return {record, decision, best, runnerUp, winner, policies}
}

/** Percentile interval of a statistic over profiles resampled with replacement (paired across policies). */
export function bootstrap(values, stat, {resamples = 2000, level = 0.95, seed = 1} = {}) {
  const next = rng(seed)
  const n = values.length
  const out = []
  for (let r = 0; r < resamples; r++) {
    const sample = Array.from({length: n}, () => values[Math.floor(next() * n)])
    out.push(stat(sample))
  }
  out.sort((a, b) => a - b)
  const lo = out[Math.floor(((1 - level) / 2) * resamples)]
  const hi = out[Math.min(resamples - 1, Math.ceil((1 - (1 - level) / 2) * resamples) - 1)]
  return [lo, hi]
}

/** Mean regret of each policy with its 95% interval, and each policy minus the rules (paired). */
export function regretTable(judged) {
  const names = Object.keys(judged[0].policies)
  return names.map((name) => {
    const rows = judged.filter((j) => j.policies[name].regret !== null && j.policies.rules.regret !== null)
    const value = (j) => j.policies[name].regret
    const good = (j) => (name === 'random' ? j.policies.random.goodShare : ['better', 'equivalent'].includes(j.policies[name].word) ? 1 : 0)
    return {
      name,
      n: rows.length,
      meanRegret: mean(rows.map(value)),
      interval: bootstrap(rows, (xs) => mean(xs.map(value))),
      goodShare: mean(rows.map(good)),
      // Rules minus this policy: negative means the rules lose less.
      rulesMinus:
        name === 'rules' ? null : {mean: mean(rows.map((j) => j.policies.rules.regret - value(j))), interval: bootstrap(rows, (xs) => mean(xs.map((j) => j.policies.rules.regret - value(j))))},
    }
  })
}

/**
 * Regime by regime: the rules against the best constant policy of that regime (90% interval of the
 * regret difference). The interval is Student's t over the regime's profiles (n - 1 degrees of
 * freedom), not a bootstrap: a regime holds two to a handful of test profiles, and a percentile
 * bootstrap over two profiles is just their range, far narrower than 90%.
 */
export function regimeTable(judged, regimeOf, margin, tQuantile) {
  const cells = new Map()
  for (const j of judged) {
    const key = regimeOf(j.record.profile)
    cells.set(key, [...(cells.get(key) ?? []), j])
  }
  const constants = ALL.map((id) => `always ${SHORT[id]}`)
  return [...cells.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([regime, rows]) => {
      let bestConstant = constants[0]
      for (const c of constants) if (mean(rows.map((j) => j.policies[c].regret)) < mean(rows.map((j) => j.policies[bestConstant].regret))) bestConstant = c
      const diff = (j) => j.policies.rules.regret - j.policies[bestConstant].regret
      const ds = rows.map(diff)
      const m = mean(ds)
      const half = rows.length > 1 ? tQuantile(0.95, rows.length - 1) * Math.sqrt(ds.reduce((a, d) => a + (d - m) ** 2, 0) / (rows.length - 1) / rows.length) : 0
      const interval = [m - half, m + half]
      const call = rows.length < 2 ? 'undecided' : interval[0] > -margin && interval[1] < margin ? 'tie' : interval[1] < 0 ? 'rules ahead' : 'undecided'
      return {regime, n: rows.length, bestConstant, rules: mean(rows.map((j) => j.policies.rules.regret)), constant: mean(rows.map((j) => j.policies[bestConstant].regret)), interval, call}
    })
}

/**
 * The paired gap (`best` minus `other`) over a record's seeds: its mean and one-sided 95% upper bound
 * (Student t, the seed spread never below one test set's bootstrap error, as evaluate reads it).
 */
export function gapUpperBound(record, best, other, engine) {
  const [s] = pairedSamples(record, best, [other])
  const S = s.diffs.length
  const m = mean(s.diffs)
  const sd = engine.seedSd(s.diffs, s.bootstrapVariances)
  return {gap: m, upper: m + engine.studentTQuantile(0.95, Math.max(1, S - 1)) * (sd / Math.sqrt(S))}
}

/**
 * Whether a "high" or "equivalent" confidence call was right on a test profile: the 95% upper bound of
 * (best minus recommended) is below the margin.
 */
export function callRight(j, engine) {
  const rec = j.policies.rules.choice
  if (rec === null || rec === j.best) return true
  return gapUpperBound(j.record, j.best, rec, engine).upper < j.record.margin
}

/**
 * The verdict's power at the bench's settings, for one test profile: Monte Carlo of S seeds' paired
 * gains drawn normal with the profile's measured seed spread, judged by the verdict's own rule.
 * P(worse | gap = -margin) uses the first Holm step of a family of `family` comparisons (the
 * strictest level a single true difference meets); P(worse | 0) and P(equivalent | margin) the
 * unadjusted level (their most permissive). With `only: 'worseAtMargin'` the other two are not
 * simulated (they draw after it from the same stream, so the first is the same number either way).
 */
export function power(sd, seeds, margin, engine, {family = 4, draws = 4000, seed = 7, only} = {}) {
  const next = rng(seed)
  const normal = () => {
    let u = 0
    while (u === 0) u = next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next())
  }
  const tq = engine.studentTQuantile(1 - engine.ALPHA, seeds - 1)
  // One buffer for every draw; sums in the same order as mean() and reduce(), so the same numbers.
  const xs = new Float64Array(seeds)
  const rate = (gap, test) => {
    let hits = 0
    for (let d = 0; d < draws; d++) {
      let sum = 0
      for (let i = 0; i < seeds; i++) {
        const x = gap + sd * normal()
        xs[i] = x
        sum += x
      }
      const m = sum / seeds
      let squares = 0
      for (let i = 0; i < seeds; i++) squares += (xs[i] - m) ** 2
      const se = Math.sqrt(squares / (seeds - 1) / seeds)
      if (test(m, se)) hits++
    }
    return hits / draws
  }
  const tHolm = engine.studentTQuantile(1 - engine.ALPHA / family, seeds - 1)
  const worse = (t) => (m, se) => m + t * se < 0 && m - tq * se <= -margin
  const equivalent = (m, se) => m - tq * se > -margin && m + tq * se < margin
  const worseAtMargin = rate(-margin, worse(tHolm))
  if (only === 'worseAtMargin') return {worseAtMargin}
  return {
    worseAtMargin,
    worseAtZero: rate(0, worse(tq)),
    equivalentAtMargin: rate(-margin, equivalent),
  }
}
