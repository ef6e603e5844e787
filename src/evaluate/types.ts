// The result of `fuseplan evaluate`: what the formatters render and what `--format json` prints
// (SPEC section 8: `recommended`, `empiricalBest`, `agrees`, `strategies[]` are the stable keys).
import type {Strategy} from '../decision/types.js'
import type {CandidateId, Variant} from './candidates.js'
import type {MetricName} from './metrics.js'

export interface PatternResult {
  present: string[]
  share: number
  metric: number
}

export interface StrategyResult {
  id: CandidateId
  strategy: Strategy
  variant: Variant
  label: string
  /** True for the candidate that stands for the recommended strategy. */
  recommended: boolean
  /** Training samples the candidate was fitted on (complete cases only for the naive baseline). */
  trainingSamples: number
  metrics: {
    /** Every modality present. */
    complete: number
    /** Presence drawn from the deployment distribution (availabilities or patterns, with the missingness mechanism). */
    deployment: number
  }
  /** MultiBench relative robustness: trapezoid area under the metric-vs-missing-rate curve. */
  relativeRobustness: number
  /** MultiBench effective robustness against late fusion; null when late fusion was not evaluated. */
  effectiveRobustness: number | null
  patterns: PatternResult[]
  /** Metric at each rate of `sweep.missingRates`. */
  sweep: number[]
}

export type VerdictKind = 'agrees' | 'within-noise' | 'disagrees' | 'not-evaluated' | 'no-recommendation'

export interface Verdict {
  kind: VerdictKind
  /** Quotable summary of the comparison at deployment. */
  text: string
  /** How far the empirical best is ahead of the recommended candidate, in the metric's better direction (>= 0). */
  margin: number | null
  /** Paired bootstrap standard error of that difference on the deployment test set. */
  standardError: number | null
  /** What happened to the naive baseline, and why. */
  baseline: string | null
  /** Whether zero-filling behaves like mean imputation for this profile, and what that means. */
  zeroFill: string
  /** The naive baseline at deployment with zero-fill and, the same model, with absent inputs mean-imputed instead. */
  zeroFillCheck: {zeroFilled: number; meanImputed: number} | null
  /** With informative missingness: whether presence itself predicted the outcome, and who used it (null otherwise). */
  presence: string | null
}

export interface ZeroFillModality {
  name: string
  /** Mean over features of |feature mean| / feature sd on the training data: where a zero lies, in SDs. */
  zeroOffsetSd: number
}

export interface EvaluationResult {
  tool: 'fuseplan evaluate'
  profile: {name: string; file?: string}
  recommended: Strategy | null
  recommendedCandidate: CandidateId | null
  /** True when the empirical best at deployment is the recommended strategy (any of its variants). */
  agrees: boolean
  empiricalBest: {strategy: Strategy; variant: Variant; id: CandidateId; deployment: number}
  verdict: Verdict
  metric: {name: MetricName; label: string; higherIsBetter: boolean}
  strategies: StrategyResult[]
  sweep: {missingRates: number[]; modalities: string[]; kept: string[]; description: string}
  simulation: {
    seed: number
    trainingSamples: number
    testSamples: number
    epochs: number
    batchSize: number
    maxInputSize: number
    backend: string
    modalities: {
      name: string
      inputSize: number
      scaledFrom: number | null
      availability: number
      trainingAvailability: number
      /** Observed shares in the simulated training and deployment sets. */
      simulatedTrainingAvailability: number
      simulatedDeploymentAvailability: number
    }[]
    completeCaseTrainingSamples: number
    zeroFill: ZeroFillModality[]
    description: string
  }
  notes: string[]
}

export type ProgressEvent =
  | {kind: 'setup'; message: string}
  | {kind: 'candidate'; index: number; total: number; id: CandidateId; label: string; epochs: number}
  | {kind: 'epoch'; index: number; total: number; id: CandidateId; epoch: number; epochs: number}
  | {kind: 'evaluating'; index: number; total: number; id: CandidateId}
  | {kind: 'done'; index: number; total: number; id: CandidateId}
