// The result of `fuseplan evaluate`: what the formatters render and what `--format json` prints
// (docs/design.md#output-contracts: `recommended`, `empiricalBest`, `agrees`, `strategies[]` are the stable keys).
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
  /** Training samples the candidate was fitted on (complete cases only for the naive baseline; mean over seeds). */
  trainingSamples: number
  /** Learning rate chosen for it on a validation split (the same grid for every candidate). */
  learningRate: number
  /** Metrics are means over the training seeds; these are the per-seed values and their spread. */
  seeds: {deployment: number[]; complete: number[]}
  /** Sample standard deviation of the deployment metric over the seeds (0 with one seed). */
  spread: number
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
  /**
   * Standard error of that difference: over training seeds (each seed draws its own training and
   * test sets), never below the paired bootstrap error of one test set.
   */
  standardError: number | null
  /** The rule that decides `agrees`, in words (the same in every output). */
  rule: string
  /** Per training seed: the empirical best and whether the recommendation agreed in that seed alone. */
  perSeed: {seed: number; best: CandidateId; agrees: boolean | null; margin: number | null; standardError: number | null}[]
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
  /**
   * True when the recommended candidate is the empirical best at deployment, or not significantly
   * worse than it (margin within noiseThreshold(seeds) standard errors); false only when significantly worse.
   */
  agrees: boolean
  empiricalBest: {strategy: Strategy; variant: Variant; id: CandidateId; deployment: number}
  verdict: Verdict
  metric: {name: MetricName; label: string; higherIsBetter: boolean}
  strategies: StrategyResult[]
  sweep: {missingRates: number[]; modalities: string[]; kept: string[]; description: string}
  simulation: {
    seed: number
    /** Training seeds: each draws its own training set, test sets, weights and masks. */
    seeds: number[]
    /** Training-set size: the profile's labelledSamples up to trainingSamplesCap (or --samples). */
    trainingSamples: number
    labelledSamples: number
    trainingSamplesCap: number
    /** Learning rates tried for every candidate (picked on a validation split). */
    learningRates: number[]
    testSamples: number
    epochs: number
    batchSize: number
    backend: string
    modalities: {
      name: string
      inputSize: number
      /** Simulated shape (image [H, W, C], sequence [T, C], features [d]). */
      shape: number[]
      scaledFrom: number | null
      availability: number
      trainingAvailability: number
      /** Observed shares in the simulated training and deployment sets. */
      simulatedTrainingAvailability: number
      simulatedDeploymentAvailability: number
    }[]
    completeCaseTrainingSamples: number
    zeroFill: ZeroFillModality[]
    /** The simulated ground truth: additive weights, cross-modal products, temporal alignment. */
    truth: {additive: Record<string, number>; interactionWeight: number; pairs: [string, string][]; temporalWeight: number; temporal: string[]}
    description: string
  }
  notes: string[]
  /** With judgeAll: the verdict each strategy would get if it were the recommendation. */
  alternatives?: Partial<Record<Strategy, {agrees: boolean; kind: VerdictKind; margin: number | null; standardError: number | null; perSeed: (boolean | null)[]}>>
}

export type ProgressEvent =
  | {kind: 'setup'; message: string}
  | {kind: 'candidate'; index: number; total: number; id: CandidateId; label: string; epochs: number; seed?: number}
  | {kind: 'epoch'; index: number; total: number; id: CandidateId; epoch: number; epochs: number}
  | {kind: 'evaluating'; index: number; total: number; id: CandidateId}
  | {kind: 'done'; index: number; total: number; id: CandidateId}
