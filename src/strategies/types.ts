// What a fusion strategy is to fuseplan: one file per strategy in this folder says all of it, and
// index.ts lists them. The generated project keeps the networks (templates/project/src/model/strategies/).

export interface StrategyDefinition {
  /** How people name it in prose: "Late fusion". */
  label: string
  /** Trained with modality masking (per-modality dropout and a learned placeholder) when it ships. */
  masksModalities: boolean
  /** Its place when scores tie, 0 first, on the engineering grounds below. */
  tieBreakRank: number
  /** The engineering grounds of choosing it, as the ADR states them when measured candidates are equivalent. */
  engineeringGrounds: string
  /** Built when no strategy fits: the one that degrades most gracefully (exactly one strategy sets it). */
  noFitFallback?: true
  /** One sentence: what it does. */
  summary: string
  /**
   * What the generated model does with an absent or dropped modality (its network in
   * templates/project/src/model/strategies/); `presenceBits` says whether the masking plan feeds
   * presence to the fusion layer.
   */
  absentInputs: (presenceBits: boolean) => string
  /** Trade-offs that hold whatever the profile says; the rules add the profile-specific ones. */
  pros: string[]
  cons: string[]
  /**
   * Inference cost on top of the modality encoders, in ms at batch 1 on a CPU, for `n` modalities
   * (the latency model of src/facts/latency.ts scales it for hardware and batch).
   */
  overheadMs: (n: number) => number
  /** The candidates `fuseplan evaluate` trains for it; exactly one of them stands for the strategy when it is recommended. */
  candidates: readonly CandidateDefinition[]
}

/** How a candidate's model meets absent inputs when not as the generated project ships it (src/evaluate/candidates.ts). */
export interface CandidateAbsentInputs {
  /** `raw-zero`: the raw value 0, standardised (the naive baseline); default the training mean. */
  fill?: 'raw-zero'
  presenceInputs?: boolean
  masking?: boolean
}

export interface CandidateDefinition {
  /** The strategy's name, or `<name>/<variant>` when it has several candidates. */
  id: string
  variant: 'complete-case' | 'indicators' | 'masked' | 'skip-absent'
  /** Other names `--candidates` accepts. */
  aliases: readonly string[]
  /** Where reports list it among all candidates (ascending). */
  listOrder: number
  /** Stands for the strategy when the decision recommends it. */
  recommended: boolean
  /** A role other parts of evaluate look a candidate up by. */
  role?: 'naive-baseline' | 'presence-indicators' | 'robustness-reference'
  /** In the verdict's sentences: "early fusion with presence indicators". */
  inProse: string
  absentInputs?: CandidateAbsentInputs
  /** Train only on samples that carry every modality. */
  completeCasesOnly: boolean
  /** In the JSON and the HTML report: "early, complete cases (naive)". */
  label: string
  /** In table headers: "naive". */
  shortName: string
  description: string
  /** The terminal chart's colour (an asciichart colour name), its marker without colour, and the HTML report's colour. */
  chartColor: 'red' | 'yellow' | 'green' | 'magenta' | 'blue' | 'cyan' | 'lightgray' | 'white'
  marker: string
  htmlColor: string
}

/** Every strategy's own head: one dense output layer (ms). */
export const HEAD_MS = 0.05
