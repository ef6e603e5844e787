// The fusion strategies: the one list every layer reads (facts estimate a latency per strategy, rules
// score them, the decision picks one, scaffold and evaluate build it, formatters name it). Adding a
// strategy starts here; the compiler then points at every table keyed by Strategy. The generated
// project keeps its own copy (it builds without fuseplan); a test holds the two equal.

export interface StrategyDefinition {
  /** How people name it in prose: "Late fusion". */
  label: string
  /** Trained with modality masking (per-modality dropout and a learned placeholder) when it ships. */
  masksModalities: boolean
}

export const STRATEGY_DEFINITIONS = {
  early: {label: 'Early fusion', masksModalities: false},
  intermediate: {label: 'Intermediate fusion', masksModalities: true},
  late: {label: 'Late fusion', masksModalities: false},
  attention: {label: 'Attention-based fusion', masksModalities: true},
} as const satisfies Record<string, StrategyDefinition>

export type Strategy = keyof typeof STRATEGY_DEFINITIONS

/** In the order reports list them. */
export const STRATEGIES = Object.keys(STRATEGY_DEFINITIONS) as readonly Strategy[] as readonly ['early', 'intermediate', 'late', 'attention']

/**
 * Who wins a tie of scores, on engineering grounds: intermediate fusion first (it degrades gracefully
 * as availability shifts, and had the lowest measured regret under missingness), then early fusion
 * (one network, the simplest and fastest to serve), late fusion, and attention (the most data and
 * compute).
 */
export const TIE_BREAK: readonly Strategy[] = ['intermediate', 'early', 'late', 'attention']

/** The engineering grounds behind TIE_BREAK, as the ADR states them when measured candidates are equivalent. */
export const ENGINEERING_GROUNDS: Record<Strategy, string> = {
  intermediate: 'intermediate fusion degrades gracefully when availability shifts (an absent modality becomes a learned placeholder) at the latency of one network',
  early: 'early fusion is one network: the simplest to train, version and serve, and the fastest',
  late: 'late fusion degrades most gracefully (an absent modality only removes its own vote), at the cost of one model per modality to serve',
  attention: 'attention fusion weighs modalities per request, at the most data and compute of the four',
}

export function isStrategy(value: unknown): value is Strategy {
  return typeof value === 'string' && Object.hasOwn(STRATEGY_DEFINITIONS, value)
}

/** Whether the shipped model of this strategy is trained with modality masking. */
export function masksModalities(strategy: Strategy): boolean {
  return STRATEGY_DEFINITIONS[strategy].masksModalities
}
