// The decision contract (docs/design.md#output-contracts). `fuseplan recommend --format json` serialises a
// Decision; scaffold and evaluate read one. Keep keys stable: scripts outside the project read them.
import type {RegimeCall, StrategyEvidence} from './evidence.js'
import type {DecisionFinding, ScoreReason, TraceEntry} from '../engine/types.js'
import type {Strategy} from '../strategies/index.js'

export {STRATEGIES, type Strategy} from '../strategies/index.js'
export type {DecisionFinding, ScoreReason, TraceEntry} from '../engine/types.js'

export interface StrategyOption {
  strategy: Strategy
  score: number
  excluded: boolean
  /** Human-readable reasons (score adjustments and exclusions), in rule order. */
  reasons: string[]
  adjustments: ScoreReason[]
  exclusions: {ruleId: string; reason: string; soft?: boolean}[]
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
  /** Fine-tuning: the learning rate as a share of training's, and the epochs the encoders stay frozen first. */
  finetune: {learningRateScale: number; freezeEncoderEpochs: number}
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
  /**
   * From measurements (src/decision/evidence.ts): 'high' when, on calibration profiles like this
   * one, the strategy was better than every other eligible candidate; 'equivalent' when it was as
   * good as the best within the margin; 'inconclusive' otherwise or without enough evidence.
   */
  level: 'high' | 'equivalent' | 'inconclusive'
  /** The profile's regime (size, missingness, interactions) and the one the numbers come from. */
  regime: {key: string; words: string}
  evidenceRegime: string | null
  /** The calibration counts behind the level (null without evidence). */
  evidence: StrategyEvidence | null
  /** One sentence for the ADR and the terminal, with the numbers. */
  note: string
  /** The held-out test grid's call for this regime: the rules against the best constant policy (null without a test grid). */
  heldOut: RegimeCall | null
  /** Rule points of the chosen strategy minus the best other allowed one's: a trace of the rules, not a confidence. */
  ruleMargin: number | null
  /** The best strategy that was not chosen and no rule excludes. */
  runnerUp: Strategy | null
}

export interface Decision {
  profile: {name: string; description?: string; hash: string}
  strategy: Strategy | null
  /** Absent when no strategy was chosen. */
  confidence?: DecisionConfidence
  /** Why no strategy was chosen, when strategy is null. */
  noStrategyReason?: string
  /** When every strategy was excluded and a softly excluded one was chosen anyway: which, and why. */
  fallbackNote?: string
  /** What would change the decision: per number the rules read, the nearest value each way where the strategy changes (with `sensitivity`). */
  sensitivity?: Sensitivity[]
  options: StrategyOption[]
  masking: MaskingPlan
  transfer: TransferPlan | null
  evaluation: EvaluationPlan
  latency: {budgetMs: number | null; percentile: number | null; estimates: Record<Strategy, number>}
  findings: DecisionFinding[]
  facts: Record<string, unknown>
  trace: TraceEntry[]
}

// What would change the decision (src/decision/sensitivity.ts).
export interface Change {
  /** The nearest grid value at which the strategy differs from the current one. */
  value: number
  /** The strategy there (null: none fits). */
  strategy: Strategy | null
}

export interface Sensitivity {
  /** What is varied, in words ("labelled samples", "availability of cxr"). */
  fact: string
  /** Where it sits in the profile (task.labelledSamples, modalities[1].availability). */
  path: string
  current: number
  resolution: string
  /** Nearest change below and above the current value (null: none within the walked range). */
  below: Change | null
  above: Change | null
  /** The range walked, [lowest, highest]. */
  range: [number, number]
}
