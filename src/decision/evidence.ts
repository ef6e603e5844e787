// Confidence from measurements: how a recommended strategy fared, in the calibration set of the
// decision benchmark (docs/decisions.md), on profiles of the same regime. The table
// (evidence/confidence.json, written by `npm run bench:decisions`) counts, per regime and strategy,
// how often the strategy was better than every other eligible candidate, equivalent to the best of
// them, worse, or inconclusive. Rule scores are a trace, never a confidence. Beside it, the held-out
// test grid's regime calls say whether the rules beat always choosing one strategy there.
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {strategyDefinition, type Strategy} from '../strategies/index.js'

/** The facts a regime is read from (src/facts). */
export interface RegimeFacts {
  labelledSamples: number
  minAvailability: number
  informativeModalities: readonly string[]
  interactions: string
}

/** Below this many labelled samples a profile is in the small-data regime. */
export const SMALL_DATA = 2000
/** A deployment whose least available modality reaches this counts as complete. */
export const COMPLETE = 0.99

export interface Regime {
  /** "small/informative/strong": size, missingness, interactions. */
  key: string
  /** The same in words, for the ADR. */
  words: string
}

export function regimeOf(f: RegimeFacts): Regime {
  const size = f.labelledSamples < SMALL_DATA ? 'small' : 'large'
  const missing = f.minAvailability >= COMPLETE ? 'complete' : f.informativeModalities.length > 0 ? 'informative' : 'random'
  const inter = f.interactions === 'strong' ? 'strong' : 'other'
  return {
    key: `${size}/${missing}/${inter}`,
    words:
      `${size === 'small' ? `under ${SMALL_DATA.toLocaleString('en-US')}` : `${SMALL_DATA.toLocaleString('en-US')} or more`} labelled samples, ` +
      `${missing === 'complete' ? 'every modality present' : missing === 'informative' ? 'informative missingness' : 'modalities missing (not informatively)'}, ` +
      `${inter === 'strong' ? 'strong' : 'weak or unknown'} interactions`,
  }
}

/** Outcomes of one strategy in one regime of the calibration set. */
export interface StrategyEvidence {
  /** Calibration profiles of the regime in which the strategy was eligible (no rule excluded it). */
  profiles: number
  better: number
  equivalent: number
  worse: number
  inconclusive: number
  /** Range of its gap to the best eligible candidate (in the metric's units; 0 when it was the best). */
  gapRange: [number, number]
}

/** How the rules fared against the best constant policy in one regime of the held-out test grid. */
export interface HeldOutRegime {
  profiles: number
  /** The constant policy with the lowest mean regret in the regime, e.g. "always attention". */
  bestConstant: string
  constantRegret: number
  rulesRegret: number
  /** 90% interval (Student t) over the regime's profiles of (rules minus best constant) regret. */
  interval: [number, number]
  call: RegimeCallWord
}

export type RegimeCallWord = 'tie' | 'undecided' | 'rules ahead'

export interface ConfidenceTable {
  format: 'fuseplan-confidence/v1'
  /** Which set it was computed from, and how: `seeds` is the fewest a calibration profile was read at, `maxSeeds` the most, where a second stage grew profiles by their spread. */
  source: {set: string; gridSeed: number; profiles: number; seeds: number; maxSeeds?: number; rulesHash: string | null; margin: number}
  regimes: Record<string, {words: string; profiles: number; strategies: Partial<Record<Strategy, StrategyEvidence>>}>
  /** The rules scored on the test grid, regime by regime (never used for the confidence level): `seeds` is the fewest a profile was read at, `maxSeeds` the most, where a second stage grew profiles by their spread. */
  heldOut?: {set: string; gridSeed: number; profiles: number; seeds: number; maxSeeds?: number; rulesHash: string | null; margin: number; regimes: Record<string, HeldOutRegime>}
}

/** Share of a regime's calibration profiles a call needs ("high": better in at least this share). */
export const CALL_SHARE = 0.8
/** Fewest calibration profiles a call rests on; fewer, and a coarser regime is tried. */
export const MIN_PROFILES = 3

function tableFile(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const file = join(dir, 'evidence', 'confidence.json')
    if (existsSync(join(dir, 'package.json')) && existsSync(file)) return file
    const parent = dirname(dir)
    if (parent === dir) return null
    dir = parent
  }
}

let cached: ConfidenceTable | null | undefined
/** The bundled table, read once (null when the package has none). */
export function bundledConfidenceTable(): ConfidenceTable | null {
  if (cached !== undefined) return cached
  const file = tableFile()
  try {
    const t = file ? (JSON.parse(readFileSync(file, 'utf8')) as ConfidenceTable) : null
    cached = t && t.format === 'fuseplan-confidence/v1' ? t : null
  } catch {
    cached = null
  }
  return cached
}

export interface EvidenceConfidence {
  level: 'high' | 'equivalent' | 'inconclusive'
  regime: Regime
  /** The regime the numbers come from: the profile's own, or a coarser one when it had too few calibration profiles. */
  evidenceRegime: string | null
  evidence: StrategyEvidence | null
  note: string
}

const fmt = (v: number) => v.toFixed(3)

/** Regimes to look in, finest first: the profile's own, then without interactions, then missingness alone. */
function lookups(key: string): string[] {
  const [size, missing] = key.split('/')
  return [key, `${size}/${missing}/*`, `*/${missing}/*`]
}

/** Pools the table's regimes matching a key with `*` wildcards. */
function pooled(table: ConfidenceTable, key: string, strategy: Strategy): {words: string; e: StrategyEvidence} | null {
  const parts = key.split('/')
  const rows = Object.entries(table.regimes).filter(([k]) => k.split('/').every((p, i) => parts[i] === '*' || parts[i] === p))
  const es = rows.map(([, r]) => r.strategies[strategy]).filter((e): e is StrategyEvidence => e !== undefined && e.profiles > 0)
  if (es.length === 0) return null
  const sum = (k: 'profiles' | 'better' | 'equivalent' | 'worse' | 'inconclusive') => es.reduce((a, e) => a + e[k], 0)
  return {
    words: rows.length === 1 ? rows[0][1].words : key,
    e: {
      profiles: sum('profiles'),
      better: sum('better'),
      equivalent: sum('equivalent'),
      worse: sum('worse'),
      inconclusive: sum('inconclusive'),
      gapRange: [Math.min(...es.map((e) => e.gapRange[0])), Math.max(...es.map((e) => e.gapRange[1]))],
    },
  }
}

/**
 * The confidence of recommending `strategy` for a profile of this regime: "high" when in at least
 * CALL_SHARE of the calibration profiles like it the strategy was better than every other eligible
 * candidate; "equivalent" when it was better or equivalent in that share; "inconclusive" otherwise,
 * or when fewer than MIN_PROFILES calibration profiles are like it.
 */
export function confidenceFromEvidence(strategy: Strategy, facts: RegimeFacts, table: ConfidenceTable | null): EvidenceConfidence {
  const regime = regimeOf(facts)
  const name = `${strategy.charAt(0).toUpperCase()}${strategy.slice(1)} fusion`
  if (!table) {
    return {
      level: 'inconclusive',
      regime,
      evidenceRegime: null,
      evidence: null,
      note: `Inconclusive: this installation has no calibration evidence; run \`fuseplan evaluate\` on this profile to measure the choice.`,
    }
  }
  for (const key of lookups(regime.key)) {
    const found = pooled(table, key, strategy)
    if (!found || found.e.profiles < MIN_PROFILES) continue
    const {e} = found
    const where = `in ${e.profiles} calibration profile${e.profiles === 1 ? '' : 's'} like this one (${key === regime.key ? regime.words : `regime ${key}, pooled: too few profiles share this one's`})`
    const counts = `better than every other eligible candidate in ${e.better}, equivalent to the best in ${e.equivalent}, worse in ${e.worse}, inconclusive in ${e.inconclusive}; gap to the best eligible candidate ${fmt(e.gapRange[0])} to ${fmt(e.gapRange[1])}, margin ${fmt(table.source.margin)}`
    if (e.better >= CALL_SHARE * e.profiles) return {level: 'high', regime, evidenceRegime: key, evidence: e, note: `High: ${name} was ${counts}, ${where}.`}
    if (e.better + e.equivalent >= CALL_SHARE * e.profiles) {
      return {
        level: 'equivalent',
        regime,
        evidenceRegime: key,
        evidence: e,
        note: `Equivalent: ${name} was ${counts}, ${where}. The runner-up is as good within the margin, so the choice among them rests on engineering grounds, not on the measurement: ${strategyDefinition(strategy).engineeringGrounds}.`,
      }
    }
    return {
      level: 'inconclusive',
      regime,
      evidenceRegime: key,
      evidence: e,
      note: `Inconclusive: ${name} was ${counts}, ${where}. Measure on this profile with \`fuseplan evaluate\` (or on your data with \`--data\`).`,
    }
  }
  return {
    level: 'inconclusive',
    regime,
    evidenceRegime: null,
    evidence: null,
    note: `Inconclusive: fewer than ${MIN_PROFILES} calibration profiles like this one (${regime.words}) had ${strategy} fusion eligible. Measure on this profile with \`fuseplan evaluate\`.`,
  }
}

/** Whether, in the profile's regime of the held-out test grid, the rules' choices beat always choosing one strategy. */
export interface RegimeCall {
  call: RegimeCallWord
  /** The constant policy the rules were compared with (null when the regime had no test profile). */
  bestConstant: string | null
  profiles: number
  interval: [number, number] | null
  note: string
}

const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '-' : ''}${Math.abs(v).toFixed(4)}`

/**
 * The test grid's call for this regime (docs/decisions.md, "The rules against the obvious policies"):
 * "tie" only where the 90% interval of (rules minus best constant) regret lies within the margin,
 * "rules ahead" where it lies below 0, "undecided" elsewhere, including a regime with under 2 test profiles.
 */
export function regimeCallOf(regime: Regime, table: ConfidenceTable | null): RegimeCall | null {
  const held = table?.heldOut
  if (!held) return null
  const r = held.regimes[regime.key]
  const grid = `the held-out test grid (seed ${held.gridSeed}, ${held.profiles} profiles, ${held.maxSeeds && held.maxSeeds > held.seeds ? `${held.seeds} to ${held.maxSeeds}` : held.seeds} training seeds each${held.rulesHash ? `, rules ${held.rulesHash}` : ''})`
  if (!r || r.profiles < 2) {
    return {
      call: 'undecided',
      bestConstant: r?.bestConstant ?? null,
      profiles: r?.profiles ?? 0,
      interval: null,
      note: `Undecided: ${r ? 'only one profile' : 'no profile'} of ${grid} is in this regime (${regime.words}), so whether the rules' choice here beats always choosing one strategy is not measured.`,
    }
  }
  const against =
    `in the ${r.profiles} profiles of ${grid} in this regime (${regime.words}), the rules' choices fell short of the best of the five candidates by ${r.rulesRegret.toFixed(4)} on average and "${r.bestConstant}", ` +
    `the best constant policy there, by ${r.constantRegret.toFixed(4)}; the 90% interval of the difference (rules minus constant) is ${signed(r.interval[0])} to ${signed(r.interval[1])}, margin ${held.margin.toFixed(3)}`
  const note =
    r.call === 'tie'
      ? `Tie: ${against}. Here the rules' choice is as good as "${r.bestConstant}" within the margin, not better.`
      : r.call === 'rules ahead'
        ? `Rules ahead: ${against}, below 0.`
        : `Undecided: ${against}, reaching past the margin, so the test grid cannot say whether the rules' choice here is as good as "${r.bestConstant}".`
  return {call: r.call, bestConstant: r.bestConstant, profiles: r.profiles, interval: r.interval, note}
}
