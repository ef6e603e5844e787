// What would change this decision: for each number the rules read from the profile (labelled
// samples, each optional modality's availability, the latency budget, each modality's width), the
// nearest value in each direction at which the chosen strategy changes, found by running the rule
// engine on a grid of values at a stated resolution.
//
// Resolution: counts (labelled samples, features, image sides, sequence steps) in steps of 1 up to
// 1,000, then of 1%; availability in steps of 0.01; the latency budget in steps of 1%. The walk goes
// outward from the profile's value in strides and, where the strategy differs at a stride's end,
// checks every grid value of that stride, so the first change is exact unless the strategy changes
// and changes back within one stride (SWEEP_STRIDE values); test/decision/sensitivity.test.ts holds
// it to a brute-force walk of every grid value.
import type {Profile} from '../profile/types.js'
import type {RuleSet} from '../engine/types.js'
import type {Change, Sensitivity, Strategy} from './types.js'
import {chooseStrategy} from './choose.js'

/** Grid values checked at once before a stride's inside is walked value by value. */
export const SWEEP_STRIDE = 8
/** The walk stops this far from the profile's value (counts and budget: a factor; availability: the [0, 1] ends). */
export const SWEEP_FACTOR = 10

/** Integer grid: every integer up to 1,000, then steps of 1% (rounded). */
export function countGrid(lo: number, hi: number): number[] {
  const out: number[] = []
  for (let v = Math.max(1, Math.ceil(lo)); v <= Math.min(1000, hi); v++) out.push(v)
  let v = 1000
  while (v * 1.01 <= hi) {
    v = Math.round(v * 1.01)
    if (v >= lo) out.push(v)
  }
  return out
}

/** Availability grid: 0.01 to 1.00 in steps of 0.01. */
export function availabilityGrid(): number[] {
  return Array.from({length: 100}, (_, i) => Number(((i + 1) / 100).toFixed(2)))
}

/** Multiplicative grid: steps of 1% around `center`, from center / factor to center * factor. */
export function ratioGrid(center: number, factor: number): number[] {
  const out = [center]
  for (let v = center / 1.01; v >= center / factor; v /= 1.01) out.unshift(Number(v.toPrecision(6)))
  for (let v = center * 1.01; v <= center * factor; v *= 1.01) out.push(Number(v.toPrecision(6)))
  return out
}

/** The grid with the profile's own value in it (it may fall between grid values), and its index. */
function withCurrent(grid: readonly number[], value: number): {grid: number[]; start: number} {
  const all = [...new Set([...grid, value])].sort((a, b) => a - b)
  return {grid: all, start: all.indexOf(value)}
}

/**
 * The first grid value, walking from `start` in direction `dir`, where `at(value)` differs from
 * `current`: strides of SWEEP_STRIDE, and value by value inside the stride where it first differs.
 */
export function firstChange(grid: readonly number[], start: number, dir: 1 | -1, current: Strategy | null, at: (v: number) => Strategy | null, stride = SWEEP_STRIDE): Change | null {
  let last = start
  for (;;) {
    const next = dir > 0 ? Math.min(grid.length - 1, last + stride) : Math.max(0, last - stride)
    if (next === last) return null
    const s = at(grid[next])
    if (s !== current) {
      for (let i = last + dir; i !== next; i += dir) {
        const inner = at(grid[i])
        if (inner !== current) return {value: grid[i], strategy: inner}
      }
      return {value: grid[next], strategy: s}
    }
    last = next
  }
}

/**
 * A copy of the profile with one number replaced at `path` (a list of keys and indexes). Only the
 * objects on the path are copied; the rest is shared with the profile, which the rules only read.
 * (A deep copy per grid value was a seventh of `recommend`'s time.)
 */
function withValue(profile: Profile, path: (string | number)[], value: number): Profile {
  type Node = Record<string | number, unknown>
  const shallow = (n: Node): Node => (Array.isArray(n) ? ([...n] as unknown as Node) : {...n})
  const copy = shallow(profile as unknown as Node)
  let cur = copy
  for (const key of path.slice(0, -1)) {
    const next = shallow(cur[key] as Node)
    cur[key] = next
    cur = next
  }
  cur[path.at(-1) as string | number] = value
  return copy as unknown as Profile
}

interface Axis {
  fact: string
  path: (string | number)[]
  current: number
  grid: number[]
  resolution: string
  /** Applies the value (image sides change height and width together). */
  apply?: (p: Profile, v: number) => Profile
}

/** The numbers the rules read, each with its grid. */
export function axes(profile: Profile): Axis[] {
  const out: Axis[] = []
  const counts = 'steps of 1 up to 1,000, then 1%'
  const n = profile.task.labelledSamples
  out.push({fact: 'labelled samples', path: ['task', 'labelledSamples'], current: n, grid: countGrid(1, Math.max(n, 1000) * SWEEP_FACTOR), resolution: counts})
  profile.modalities.forEach((m, i) => {
    if (!m.required) out.push({fact: `availability of ${m.name}`, path: ['modalities', i, 'availability'], current: m.availability, grid: availabilityGrid(), resolution: 'steps of 0.01'})
  })
  const budget = profile.latency?.budgetMs
  if (budget !== undefined && budget !== null && budget > 0) {
    out.push({fact: 'latency budget (ms)', path: ['latency', 'budgetMs'], current: budget, grid: ratioGrid(budget, SWEEP_FACTOR), resolution: 'steps of 1%'})
  }
  profile.modalities.forEach((m, i) => {
    if (m.features !== undefined) {
      out.push({fact: `features of ${m.name}`, path: ['modalities', i, 'features'], current: m.features, grid: countGrid(1, m.features * SWEEP_FACTOR), resolution: counts})
    } else if (m.shape) {
      const [h, w, ...rest] = m.shape
      out.push({
        fact: `image side of ${m.name} (height; width kept in proportion)`,
        path: ['modalities', i, 'shape'],
        current: h,
        grid: countGrid(1, h * SWEEP_FACTOR),
        resolution: counts,
        apply: (p, v) => withValue(p, ['modalities', i, 'shape'], [v, Math.max(1, Math.round((w * v) / h)), ...rest] as unknown as number),
      })
    } else if (m.sequence) {
      out.push({
        fact: `sequence steps of ${m.name}`,
        path: ['modalities', i, 'sequence', 'length'],
        current: m.sequence.length,
        grid: countGrid(1, m.sequence.length * SWEEP_FACTOR),
        resolution: counts,
      })
    }
  })
  return out
}

const pathText = (path: (string | number)[]) => path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('')

/** The nearest value in each direction, for every number the rules read, at which the strategy changes. */
export function whatWouldChange(profile: Profile, ruleSet: RuleSet, current: Strategy | null, opts: {stride?: number} = {}): Sensitivity[] {
  return axes(profile).map((axis) => {
    const at = (v: number) => chooseStrategy(axis.apply ? axis.apply(profile, v) : withValue(profile, axis.path, v), ruleSet, {trace: false}).strategy
    const {grid, start} = withCurrent(axis.grid, axis.current)
    return {
      fact: axis.fact,
      path: pathText(axis.path),
      current: axis.current,
      resolution: axis.resolution,
      below: firstChange(grid, start, -1, current, at, opts.stride),
      above: firstChange(grid, start, 1, current, at, opts.stride),
      range: [grid[0], grid.at(-1) as number],
    }
  })
}
