// The units of work of `fuseplan evaluate`, and how they travel between processes and machines.
//
// A run is a frame (everything the report needs that does not come from training: the decision,
// the metric, the seeds, the description of the data, the sweep) plus one job per candidate x
// seed (x learning rate on the first seed, when a grid is tried). Jobs are independent: each one
// trains one model from its own seeds and measures it. Their results, and the frame, are plain
// JSON (non-finite numbers encoded so they come back as they were), so a run can be cut into
// shards (`--shard K/N`), run anywhere, and merged (`--merge DIR`) into the same report. The
// unsharded run takes the same path through the encoding, so a merged run equals it bit for bit
// when every job computes the same numbers.
import type {Strategy} from '../decision/types.js'
import type {CandidateId} from './candidates.js'
import type {MetricSpec} from './metrics.js'
import type {EvaluationResult, ZeroFillModality} from './types.js'

/** One candidate trained on one seed at one learning rate. */
export interface Job {
  candidate: CandidateId
  seed: number
  learningRate: number
}

/** One candidate in one seed: its deployment scores (for the paired error) and its measurements. */
export interface SeedRun {
  deploymentScores: Float32Array | null
  complete: number
  deployment: number
  /** The test split as the data came (runs on the team's data; NaN in a simulation). */
  asCollected: number
  sweep: number[]
  patterns: number[]
  trainingSamples: number
  epochs: {kept: number; ran: number}
  zeroFillCheck?: {zeroFilled: number; meanImputed: number}
}

export interface JobResult extends Job {
  /** Lowest validation loss (picks the learning rate on the first seed when a grid is tried). */
  valLoss: number
  /** Labels of this seed's deployment test set (the paired bootstrap needs them). */
  deploymentLabels: Float32Array
  /** Training samples of this seed that carry every modality (what the naive baseline trains on). */
  completeCases: number
  run: SeedRun
}

/** What the report needs besides the jobs' results. */
export interface Frame {
  profile: {name: string; file?: string}
  recommended: Strategy | null
  noStrategyReason: string | null
  spec: MetricSpec
  higherIsBetter: boolean
  margin: number
  seeds: number[]
  rates: number[]
  patterns: {present: string[]; share: number}[]
  /** Per report pattern, the test samples it is scored on (runs on the team's data only). */
  patternSamples: number[] | null
  optional: string[]
  informative: string[]
  candidates: CandidateId[]
  grid: number[]
  notes: string[]
  sweep: EvaluationResult['sweep']
  simulation: Omit<EvaluationResult['simulation'], 'backend'>
  data: EvaluationResult['data'] | null
  zeroFill: ZeroFillModality[]
  judgeAll: boolean
}

/** Every job of a run, seed by seed in candidate order; the learning-rate grid on the first seed only. */
export function jobsOf(frame: Pick<Frame, 'seeds' | 'candidates' | 'grid'>, chosen?: ReadonlyMap<CandidateId, number>): Job[] {
  const jobs: Job[] = []
  frame.seeds.forEach((seed, s) => {
    for (const candidate of frame.candidates) {
      if (s === 0) for (const learningRate of frame.grid) jobs.push({candidate, seed, learningRate})
      else jobs.push({candidate, seed, learningRate: chosen?.get(candidate) ?? frame.grid[0]})
    }
  })
  return jobs
}

export function jobKey(j: Job): string {
  return `${j.candidate}@${j.seed}@${j.learningRate}`
}

/** The jobs of shard `index` (1-based) of `count`: every count-th job, so each shard gets every seed and candidate mix. */
export function shardJobs(jobs: readonly Job[], index: number, count: number): Job[] {
  return jobs.filter((_, i) => i % count === index - 1)
}

/**
 * The learning rate each candidate keeps: the one with the lowest validation loss on the first
 * seed (the grid's order breaks ties; a NaN loss never wins over a number).
 */
export function chooseRates(frame: Pick<Frame, 'seeds' | 'candidates' | 'grid'>, results: readonly JobResult[]): Map<CandidateId, number> {
  const chosen = new Map<CandidateId, number>()
  for (const candidate of frame.candidates) {
    let best: JobResult | null = null
    for (const lr of frame.grid) {
      const r = results.find((x) => x.candidate === candidate && x.seed === frame.seeds[0] && x.learningRate === lr)
      if (!r) continue
      if (best === null || (Number.isNaN(best.valLoss) && !Number.isNaN(r.valLoss)) || r.valLoss < best.valLoss) best = r
    }
    if (best) chosen.set(candidate, best.learningRate)
  }
  return chosen
}

// ---- encoding: JSON with non-finite numbers kept --------------------------------------------------

/** JSON stand-in for a number JSON cannot hold: NaN, the infinities, and -0 (JSON writes it as 0). */
const NON_FINITE = '$nonFinite'

const plain = (v: number) => Number.isFinite(v) && !Object.is(v, -0)
const special = (v: number) => ({[NON_FINITE]: Object.is(v, -0) ? '-0' : String(v)})

function encodeValue(value: unknown): unknown {
  if (typeof value === 'number') return plain(value) ? value : special(value)
  if (value instanceof Float32Array) return {$f32: Array.from(value, (v) => (plain(v) ? v : special(v)))}
  if (Array.isArray(value)) return value.map(encodeValue)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeValue(v)]))
  return value
}

function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue)
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>
    const keys = Object.keys(o)
    if (keys.length === 1 && keys[0] === NON_FINITE) return Number(o[NON_FINITE])
    if (keys.length === 1 && keys[0] === '$f32' && Array.isArray(o.$f32)) return Float32Array.from(o.$f32 as unknown[], (v) => decodeValue(v) as number)
    return Object.fromEntries(keys.map((k) => [k, decodeValue(o[k])]))
  }
  return value
}

/** Plain JSON of a frame or job result (Float32Arrays and NaN/Infinity survive the trip). */
export function encode<T>(value: T): unknown {
  return encodeValue(value)
}

export function decode<T>(json: unknown): T {
  return decodeValue(json) as T
}

/** The value as it comes back from the encoding: what the unsharded run uses, so it matches a merged one. */
export function roundTrip<T>(value: T): T {
  return decode<T>(JSON.parse(JSON.stringify(encode(value))))
}
