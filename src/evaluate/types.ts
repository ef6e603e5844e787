// The result of `fuseplan evaluate`: what the formatters render and what `--format json` prints
// (docs/design.md#output-contracts: `recommended`, `empiricalBest`, `verdict` (its `kind` and `comparisons`), `strategies[]` are the stable keys).
import type {Strategy} from '../decision/types.js'
import type {CandidateId, Variant} from './candidates.js'
import type {MetricName} from './metrics.js'
import type {Comparison, ComparisonKind} from './compare.js'

export interface PatternResult {
  present: string[]
  share: number
  metric: number
  /** Runs on the team's data: the test samples that came with this pattern (the metric is null when too few). */
  samples?: number
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
  /** Learning rate it trained with (the project's, or the one a --learning-rates grid picked on a validation split). */
  learningRate: number
  /** Per seed: the epoch kept (1-based) and the epochs trained, as the generated project's model selection chose them. */
  epochs: {kept: number; ran: number}[]
  /** Metrics are means over the training seeds; these are the per-seed values and their spread. */
  seeds: {deployment: number[]; complete: number[]; asCollected?: number[]}
  /** Sample standard deviation of the deployment metric over the seeds (0 with one seed). */
  spread: number
  metrics: {
    /** Every modality present. */
    complete: number
    /** Presence drawn from the deployment distribution (availabilities or patterns, with the missingness mechanism). */
    deployment: number
    /** Runs on the team's data: the test split as the data came, with its own presence mix. */
    asCollected?: number
  }
  /** MultiBench relative robustness: trapezoid area under the metric-vs-missing-rate curve. */
  relativeRobustness: number
  /** MultiBench effective robustness against late fusion; null when late fusion was not evaluated. */
  effectiveRobustness: number | null
  patterns: PatternResult[]
  /** Metric at each rate of `sweep.missingRates`. */
  sweep: number[]
}

export type VerdictKind = ComparisonKind | 'not-evaluated' | 'no-recommendation'

export interface Verdict {
  /**
   * The recommendation against every other candidate (src/evaluate/compare.ts): `better` than all,
   * `equivalent` (none better beyond the margin, each within it or behind), `worse` (some candidate
   * significantly ahead beyond the margin) or `inconclusive` (the seeds cannot tell).
   */
  kind: VerdictKind
  /** Quotable summary of the comparison at deployment. */
  text: string
  /** The equivalence margin in the metric's units (0.01 AUROC; 1% of the label's SD for RMSE/MAE). */
  equivalenceMargin: number
  /** How far the empirical best is ahead of the recommended candidate, in the metric's better direction (>= 0). */
  gapToBest: number | null
  /** The recommended candidate against each other candidate (the naive baseline included, as itself). */
  comparisons: Comparison[]
  /** Seeds that would likely decide the inconclusive comparisons (null when decided or more than 100). */
  seedsNeeded: number | null
  /** The rule behind the words, in words (the same in every output). */
  rule: string
  /** Per training seed: the empirical best and how far it was ahead of the recommendation. */
  perSeed: {seed: number; best: CandidateId; gap: number | null}[]
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
    /** The simulation's cap, or --max-samples on the team's data (null: no cap). */
    trainingSamplesCap: number | null
    /** Learning rates tried for every candidate (picked on a validation split; one rate: the project's). */
    learningRates: number[]
    testSamples: number
    /** The training schedule every candidate got: the generated project's, less any reduction listed. */
    schedule: {epochs: number; patience: number | null; batchSize: number; warmupEpochs: number; rampEpochs: number}
    /** What this run trained with less than the generated project ships (seeds, samples, epochs...), each with the project's value. */
    reductions: {what: string; project: string; used: string}[]
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
    /** Training samples carrying every modality, mean over the seeds (the naive baseline's training set). */
    completeCaseTrainingSamples: number
    zeroFill: ZeroFillModality[]
    /** The simulated ground truth: additive weights, cross-modal products, temporal alignment (null on the team's data). */
    truth: {additive: Record<string, number>; interactionWeight: number; pairs: [string, string][]; temporalWeight: number; temporal: string[]} | null
    description: string
  }
  /** Runs on the team's data (`--data`): where the samples came from, what was skipped, how the test split was scored. */
  data?: DataReport
  notes: string[]
  /** With judgeAll: the word each candidate would get if it were the recommendation, with its comparisons. */
  alternatives?: Partial<Record<CandidateId, {kind: ComparisonKind; comparisons: Comparison[]}>>
  /** With judgeAll: per pair of candidates ("a|b"), the paired bootstrap variance of the gap on each seed's test set (null where not measured). */
  pairVariances?: Record<string, (number | null)[]>
}

export interface DataFileSummary {
  file: string
  /** SHA-256 of the JSON Lines file (image files are not hashed). */
  sha256: string
  /** Sample lines in the file. */
  samples: number
  /** Lines chosen by a --max-samples subsample (all of them without one). */
  selected: number
  used: number
  skipped: number
  reasons: {reason: string; count: number}[]
  /** The first skipped samples, each with its file:line message. */
  problems: {file: string; line: number; message: string; reason: string}[]
}

export interface DataReport {
  train: DataFileSummary
  /** The --test file (null when the test split was cut from the data file). */
  test: DataFileSummary | null
  split: {kind: 'file' | 'stratified'; testShare: number | null; seed: number | null; by: string[]; trainingSamples: number; testSamples: number}
  subsample: {maxSamples: number; seed: number} | null
  /** The two ways the test split is scored. */
  scoring: {
    asCollected: {samples: number; availability: Record<string, number>}
    deployment: {samples: number; method: 'availability' | 'patterns'; availability: Record<string, number>; description: string}
    complete: {samples: number}
  }
  /** Patterns too rare to score, modalities the test data lacks, and the like. */
  warnings: string[]
}

export type ProgressEvent =
  | {kind: 'setup'; message: string}
  | {kind: 'candidate'; index: number; total: number; id: CandidateId; label: string; epochs: number; seed?: number}
  | {kind: 'epoch'; index: number; total: number; id: CandidateId; epoch: number; epochs: number}
  | {kind: 'evaluating'; index: number; total: number; id: CandidateId}
  | {kind: 'done'; index: number; total: number; id: CandidateId}
