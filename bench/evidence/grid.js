// The profiles the decision evidence is measured on: seeded random draws from one stated
// distribution, never hand-picked. Three sets come from it, each with its own seed:
//   tuning       the rules may be fitted to these;
//   calibration  the confidence table is computed from these (never the rules);
//   test         scores the rules, the constant, random and oracle policies and the confidence
//                calls; drawn fresh (a new seed) after any rule change (bench/evidence/protocol.json).
// The generator never reads the rules: it only writes profiles. DISTRIBUTION below is the whole
// statement of what is drawn, and docs/decisions.md prints it.
import {createHash} from 'node:crypto'

/** A small seeded generator (mulberry32): the same seed gives the same grid on every machine. */
function rng(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    logUniform: (lo, hi) => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * next()),
    pick: (items) => {
      const total = items.reduce((s, [, w]) => s + w, 0)
      let u = next() * total
      for (const [v, w] of items) {
        u -= w
        if (u <= 0) return v
      }
      return items.at(-1)[0]
    },
  }
}

/** What is drawn, in words and weights; printed in docs/decisions.md. */
export const DISTRIBUTION = {
  version: 1,
  task: 'binary, metric AUROC',
  labelledSamples: 'log-uniform on [300, 20000], rounded to 10 (simulated up to the 4,000-sample cap)',
  modalities: '2 (55%), 3 (35%) or 4 (10%)',
  first: 'tabular, 4-200 features (log-uniform), always present and required (50%) or like the others',
  others: {
    type: [
      ['tabular', 0.45],
      ['image', 0.3],
      ['timeseries', 0.25],
    ],
    tabular: '4-1024 features (log-uniform)',
    image: 'square, side 16, 32 or 64, 1 or 3 channels',
    timeseries: '16-64 steps (log-uniform), 1-8 channels; timing episodic (50%) or continuous',
    availability: '1.0 (20%), else uniform on [0.1, 0.95], rounded to 0.01',
    missingness: [
      ['random', 0.55],
      ['informative', 0.3],
      ['by-design', 0.15],
    ],
  },
  interactions: [
    ['weak', 1],
    ['unknown', 1],
    ['strong', 1],
  ],
  training: 'one cohort; training availability equal to deployment (60%) or complete, 1.0 (40%)',
}

export function distributionHash() {
  return createHash('sha256').update(JSON.stringify(DISTRIBUTION)).digest('hex').slice(0, 12)
}

/** v rounded to a multiple of step, without binary noise (0.83, not 0.8300000000000001). */
const round = (v, step) => Number((Math.round(v / step) * step).toFixed(6))

/** One profile of the grid (a plain object in the DeploymentProfile schema). */
export function drawProfile(seed, set, index) {
  const r = rng(seed * 1000 + index)
  const n = Math.max(300, round(r.logUniform(300, 20000), 10))
  const k = r.pick([
    [2, 0.55],
    [3, 0.35],
    [4, 0.1],
  ])
  const modalities = []
  const firstRequired = r.next() < 0.5
  modalities.push({name: 'm0', type: 'tabular', features: Math.round(r.logUniform(4, 200))})
  for (let i = 1; i < k; i++) {
    const type = r.pick(DISTRIBUTION.others.type)
    const m = {name: `m${i}`, type}
    if (type === 'tabular') m.features = Math.round(r.logUniform(4, 1024))
    else if (type === 'image') {
      const side = r.pick([
        [16, 1],
        [32, 1],
        [64, 1],
      ])
      m.shape = [side, side, r.next() < 0.5 ? 1 : 3]
    } else {
      m.sequence = {length: Math.round(r.logUniform(16, 64)), channels: 1 + Math.floor(r.next() * 8)}
      m.timing = r.next() < 0.5 ? 'episodic' : 'continuous'
    }
    modalities.push(m)
  }
  for (const [i, m] of modalities.entries()) {
    if (i === 0 && firstRequired) {
      m.availability = 1
      m.required = true
      continue
    }
    m.availability = r.next() < 0.2 ? 1 : Math.min(0.95, Math.max(0.1, round(r.uniform(0.1, 0.95), 0.01)))
    if (m.availability < 1) m.missingness = r.pick(DISTRIBUTION.others.missingness)
  }
  // A request carries at least one modality: with no required one, the first is always present.
  if (!firstRequired && modalities.every((m) => m.availability < 1)) {
    modalities[0].availability = 1
    delete modalities[0].missingness
  }
  const interactions = r.pick(DISTRIBUTION.interactions)
  const complete = r.next() < 0.4
  const cohortAvailability = Object.fromEntries(modalities.filter((m) => m.availability < 1).map((m) => [m.name, complete ? 1 : m.availability]))
  return {
    apiVersion: 'fuseplan/v1',
    kind: 'DeploymentProfile',
    name: `${set}-${String(index).padStart(3, '0')}`,
    description: `Drawn from the evidence grid (distribution v${DISTRIBUTION.version}, seed ${seed}, profile ${index})`,
    task: {type: 'binary', metric: 'auroc', labelledSamples: n, interactions},
    modalities,
    cohorts: [{name: 'all', size: n, modalities: modalities.map((m) => m.name), ...(Object.keys(cohortAvailability).length > 0 ? {availability: cohortAvailability} : {})}],
  }
}

export function drawGrid(seed, set, count) {
  return Array.from({length: count}, (_, i) => drawProfile(seed, set, i))
}

/**
 * Conditions a set may put on the draw: a set with `where` keeps the first `count` profiles of its seed
 * that meet it (rejection sampling), so it is the same distribution, conditioned, and the condition is
 * printed beside the set. Only a tuning set may be conditioned: a test grid is the distribution itself.
 */
export const CONDITIONS = {
  complete: {
    words: 'every modality present in deployment and in training',
    holds: (profile) => profile.modalities.every((m) => m.availability === 1),
  },
}

/** The draw indexes of a protocol set: 0..count-1, or the first `count` that meet its condition. */
export function setIndexes(p, set) {
  if (!p.where) return Array.from({length: p.count}, (_, i) => i)
  const condition = CONDITIONS[p.where]
  if (!condition) throw new Error(`set ${set}: unknown condition "${p.where}" (conditions: ${Object.keys(CONDITIONS).join(', ')})`)
  const indexes = []
  // Bounded: a condition met less than once in 200 draws is a protocol mistake, not a long wait.
  for (let i = 0; indexes.length < p.count && i < 200 * p.count; i++) if (condition.holds(drawProfile(p.seed, set, i))) indexes.push(i)
  if (indexes.length < p.count) throw new Error(`set ${set}: only ${indexes.length} of ${200 * p.count} draws of seed ${p.seed} are ${p.where}; ${p.count} were asked for`)
  return indexes
}
