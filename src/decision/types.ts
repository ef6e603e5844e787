// The decision contract (docs/design.md#output-contracts). `fuseplan recommend --format json` serialises a
// Decision; scaffold and evaluate read one. Keep keys stable: scripts outside the project read them.
import type {DecisionFinding, ScoreReason, TraceEntry} from '../engine/types.js'
import type {Strategy} from '../profile/strategies.js'

export {STRATEGIES, type Strategy} from '../profile/strategies.js'
export type {DecisionFinding, ScoreReason, TraceEntry} from '../engine/types.js'

export interface StrategyOption {
  strategy: Strategy
  score: number
  excluded: boolean
  /** Human-readable reasons (score adjustments and exclusions), in rule order. */
  reasons: string[]
  adjustments: ScoreReason[]
  exclusions: {ruleId: string; reason: string}[]
  pros: string[]
  cons: string[]
  latencyMs: number
}

export interface ModalityMask {
  name: string
  deploymentAvailability: number
  trainingAvailability: number
  /** Train-time probability of dropping the modality when it is present. */
  dropProbability: number
  /** 1 - t * (1 - q): natural absence plus masking. */
  effectiveMissingRate: number
  required: boolean
  note?: string
}

export interface MaskingPlan {
  /** 'independent' draws each modality separately; 'patterns' samples target presence patterns. */
  mode: 'independent' | 'patterns'
  modalities: ModalityMask[]
  /** Target presence patterns when mode is 'patterns'. */
  patterns?: {present: string[]; share: number}[]
  floor: number
  warmupEpochs: number
  rampEpochs: number
  neverDropAll: true
  placeholder: 'learned-shared-for-dropped-and-missing'
  presenceBits: boolean
  /** The deployment availability range per modality this plan was built to cover. */
  covers: {name: string; minAvailability: number; maxAvailability: number}[]
}

export interface TransferPlan {
  pretrainCohort: string
  finetuneCohorts: string[]
  reason: string
  steps: string[]
  validationCohorts: string[]
  biasChecks: string[]
}

export interface EvaluationPlan {
  patterns: {present: string[]; share: number}[]
  ablations: string[]
  robustnessSweep: {missingRates: number[]; modalities: string[]}
}

/** How clearly the rules separate the chosen strategy from the next one. */
export interface DecisionConfidence {
  /** 'low' when the runner-up is tied or within LOW_CONFIDENCE_MARGIN points; 'high' otherwise (or with no rival left). */
  level: 'high' | 'low'
  /** Score of the chosen strategy minus the runner-up's (null when no other strategy is allowed). */
  margin: number | null
  /** The best strategy that was not chosen and no rule excludes. */
  runnerUp: Strategy | null
  /** One sentence for the ADR and the terminal. */
  note: string
}

export interface Decision {
  profile: {name: string; description?: string; hash: string}
  strategy: Strategy | null
  /** Absent when no strategy was chosen. */
  confidence?: DecisionConfidence
  /** Why no strategy was chosen, when strategy is null. */
  noStrategyReason?: string
  options: StrategyOption[]
  masking: MaskingPlan
  transfer: TransferPlan | null
  evaluation: EvaluationPlan
  latency: {budgetMs: number | null; percentile: number | null; estimates: Record<Strategy, number>}
  findings: DecisionFinding[]
  facts: Record<string, unknown>
  trace: TraceEntry[]
}
