// The strategies `fuseplan evaluate` trains and compares (docs/design.md#evaluate-the-decision-checked). Each candidate is a
// fusion strategy plus the way it treats absent modalities; each strategy's file in src/strategies/
// declares its candidates. All of them run the model code the scaffolded project ships
// (templates/project/src/model), so the check tests the code users get.
import type {AbsentInputs} from '../../templates/project/src/model/index.js'
import type {Stats} from '../../templates/project/src/model/pipeline.js'
import {CANDIDATE_DEFINITIONS, STRATEGY_DEFINITIONS, STRATEGIES, type CandidateDefinition, type CandidateId, type Strategy} from '../strategies/index.js'

export type {CandidateId} from '../strategies/index.js'
export type Variant = CandidateDefinition['variant']

export interface Candidate {
  id: CandidateId
  strategy: Strategy
  variant: Variant
  /** How the model meets absent inputs when it is not as the generated project ships it. */
  absentInputs?: AbsentInputs
  /** Train only on samples that carry every modality. */
  completeCasesOnly: boolean
  label: string
  description: string
}

/**
 * The naive baseline's fill: the raw value 0, standardised - what zero-padding a concatenated input
 * means for features on real, non-centred scales (a lab value of 0 is far off the scale).
 */
export function rawZeroFill(stats: Stats, name: string, size: number): Float32Array {
  const mu = stats.mean[name]
  const sd = stats.std[name]
  const w = mu.length
  return Float32Array.from({length: size}, (_, j) => (0 - mu[j % w]) / sd[j % w])
}

function absentInputsOf(d: CandidateDefinition): AbsentInputs | undefined {
  if (!d.absentInputs) return undefined
  const {fill, ...rest} = d.absentInputs
  return fill === 'raw-zero' ? {...rest, fill: rawZeroFill} : rest
}

/** In report order. */
export const CANDIDATES: readonly Candidate[] = CANDIDATE_DEFINITIONS.map((d) => ({
  id: d.id as CandidateId,
  strategy: d.strategy,
  variant: d.variant,
  ...(d.absentInputs ? {absentInputs: absentInputsOf(d)} : {}),
  completeCasesOnly: d.completeCasesOnly,
  label: d.label,
  description: d.description,
}))

export const CANDIDATE_IDS: readonly CandidateId[] = CANDIDATES.map((c) => c.id)

function withRole(role: NonNullable<CandidateDefinition['role']>): CandidateId {
  const found = CANDIDATE_DEFINITIONS.filter((d) => d.role === role)
  if (found.length !== 1) throw new Error(`${found.length} candidates have the role ${role}; exactly one must`)
  return found[0].id as CandidateId
}

/** Early fusion on complete cases, zero-filled: the baseline every recommendation is held against. */
export const NAIVE_BASELINE: CandidateId = withRole('naive-baseline')
/** Early fusion with presence indicators: whether presence carries signal shows in its lift. */
export const PRESENCE_INDICATORS: CandidateId = withRole('presence-indicators')
/** The candidate effective robustness is measured against. */
export const ROBUSTNESS_REFERENCE: CandidateId = withRole('robustness-reference')

const ALIASES: Record<string, CandidateId> = Object.fromEntries(CANDIDATE_DEFINITIONS.flatMap((d) => [d.id, ...d.aliases].map((name) => [name, d.id as CandidateId])))

export class CandidateListError extends Error {
  override name = 'CandidateListError'
}

/**
 * Parses a comma list such as `early/complete-case,intermediate,late` (aliases: `naive`,
 * `indicators`, `early` = early/indicators). Returns the candidates in the canonical order, once each.
 */
export function parseCandidates(list: string): Candidate[] {
  const wanted = new Set<CandidateId>()
  for (const raw of list.split(',')) {
    const name = raw.trim().toLowerCase()
    if (name === '') continue
    if (name === 'all') {
      for (const id of CANDIDATE_IDS) wanted.add(id)
      continue
    }
    const id = Object.hasOwn(ALIASES, name) ? ALIASES[name] : undefined
    if (!id) throw new CandidateListError(`unknown candidate "${raw.trim()}"; expected a comma list of ${CANDIDATE_IDS.join(', ')} (or all)`)
    wanted.add(id)
  }
  if (wanted.size === 0) throw new CandidateListError(`no candidate given; expected a comma list of ${CANDIDATE_IDS.join(', ')}`)
  return CANDIDATES.filter((c) => wanted.has(c.id))
}

const RECOMMENDED = Object.fromEntries(CANDIDATE_DEFINITIONS.filter((d) => d.recommended).map((d) => [d.strategy, d.id as CandidateId])) as Record<Strategy, CandidateId>

/** The candidate that stands for a recommended strategy (early fusion is recommended with indicators). */
export function candidateForStrategy(strategy: Strategy | null): CandidateId | null {
  return strategy === null ? null : RECOMMENDED[strategy]
}

/** The candidates in the verdict's sentences: "early fusion with presence indicators". */
export const CANDIDATE_PROSE = Object.fromEntries(CANDIDATE_DEFINITIONS.map((d) => [d.id, d.inProse])) as Record<CandidateId, string>

/** The strategies in prose: "late fusion". */
export const STRATEGY_NAMES = Object.fromEntries(STRATEGIES.map((s) => [s, STRATEGY_DEFINITIONS[s].label.toLowerCase()])) as Record<Strategy, string>
