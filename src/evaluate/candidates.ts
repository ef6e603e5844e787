// The strategies `fuseplan evaluate` trains and compares (docs/design.md#evaluate-the-decision-checked). Each candidate is a
// fusion strategy plus the way it treats absent modalities. All of them run the model code the
// scaffolded project ships (templates/project/src/model), so the check tests the code users get.
import type {Strategy} from '../decision/types.js'
import type {AbsentInputs} from '../../templates/project/src/model/index.js'
import type {Stats} from '../../templates/project/src/model/pipeline.js'

export type Variant = 'complete-case' | 'indicators' | 'masked' | 'skip-absent'
export type CandidateId = 'early/complete-case' | 'early/indicators' | 'intermediate' | 'attention' | 'late'

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

export const CANDIDATES: readonly Candidate[] = [
  {
    id: 'early/complete-case',
    strategy: 'early',
    variant: 'complete-case',
    absentInputs: {fill: rawZeroFill, presenceInputs: false, masking: false},
    completeCasesOnly: true,
    label: 'early, complete cases (naive)',
    description: 'Early fusion trained only on samples with every modality; absent inputs are zero-filled at inference.',
  },
  {
    id: 'early/indicators',
    strategy: 'early',
    variant: 'indicators',
    // As scaffold ships it: mean fill, one presence bit per modality, the masking plan.
    completeCasesOnly: false,
    label: 'early + presence indicators',
    description: 'Early fusion on all samples, absent inputs mean-filled, one presence bit per modality, trained with the masking plan.',
  },
  {
    id: 'intermediate',
    strategy: 'intermediate',
    variant: 'masked',
    completeCasesOnly: false,
    label: 'intermediate + masking',
    description: 'Per-modality encoders, learned placeholders, trained with the masking plan.',
  },
  {
    id: 'attention',
    strategy: 'attention',
    variant: 'masked',
    completeCasesOnly: false,
    label: 'attention + masking',
    description: 'Modality tokens with masked attention, trained with the masking plan.',
  },
  {
    id: 'late',
    strategy: 'late',
    variant: 'skip-absent',
    completeCasesOnly: false,
    label: 'late',
    description: 'One model per modality; absent modalities are skipped when predictions are combined.',
  },
]

export const CANDIDATE_IDS: readonly CandidateId[] = CANDIDATES.map((c) => c.id)

const ALIASES: Record<string, CandidateId> = {
  'early/complete-case': 'early/complete-case',
  'complete-case': 'early/complete-case',
  naive: 'early/complete-case',
  baseline: 'early/complete-case',
  'early/indicators': 'early/indicators',
  indicators: 'early/indicators',
  early: 'early/indicators',
  intermediate: 'intermediate',
  'intermediate/masked': 'intermediate',
  attention: 'attention',
  'attention/masked': 'attention',
  late: 'late',
  'late/skip-absent': 'late',
}

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
    const id = ALIASES[name]
    if (!id) throw new CandidateListError(`unknown candidate "${raw.trim()}"; expected a comma list of ${CANDIDATE_IDS.join(', ')} (or all)`)
    wanted.add(id)
  }
  if (wanted.size === 0) throw new CandidateListError(`no candidate given; expected a comma list of ${CANDIDATE_IDS.join(', ')}`)
  return CANDIDATES.filter((c) => wanted.has(c.id))
}

/** The candidate that stands for a recommended strategy (early fusion is recommended with indicators). */
export function candidateForStrategy(strategy: Strategy | null): CandidateId | null {
  if (strategy === null) return null
  return strategy === 'early' ? 'early/indicators' : strategy
}

export const STRATEGY_NAMES: Record<Strategy, string> = {
  early: 'early fusion',
  intermediate: 'intermediate fusion',
  attention: 'attention-based fusion',
  late: 'late fusion',
}
