// The fusion strategies: the one registry every layer reads (facts estimate a latency per strategy,
// rules score them, the decision picks one, scaffold and evaluate build it, formatters name it).
// A strategy is one file in this folder and one line here; its type comes from these keys, so the
// compiler points at anything that must know it. The generated project keeps its networks in
// templates/project/src/model/strategies/ (it builds without fuseplan); the build writes its lists
// from this one (scripts/strategy-files.js).
import {attention} from './attention.js'
import {early} from './early.js'
import {intermediate} from './intermediate.js'
import {late} from './late.js'
import type {CandidateDefinition, StrategyDefinition} from './types.js'

export type {CandidateDefinition, StrategyDefinition} from './types.js'

/** In the order reports list them. */
export const STRATEGY_DEFINITIONS = {early, intermediate, late, attention} as const satisfies Record<string, StrategyDefinition>

export type Strategy = keyof typeof STRATEGY_DEFINITIONS

export const STRATEGIES = Object.keys(STRATEGY_DEFINITIONS) as Strategy[]

/**
 * Who wins a tie of scores, on engineering grounds: intermediate fusion first (it degrades gracefully
 * as availability shifts, and had the lowest measured regret under missingness), then early fusion
 * (one network, the simplest and fastest to serve), late fusion, and attention (the most data and
 * compute).
 */
export const TIE_BREAK: readonly Strategy[] = [...STRATEGIES].sort((a, b) => STRATEGY_DEFINITIONS[a].tieBreakRank - STRATEGY_DEFINITIONS[b].tieBreakRank)

/** The strategy a project is built with when no strategy fits: the one that degrades most gracefully. */
export const SAFEST: Strategy = STRATEGIES.find((s) => (STRATEGY_DEFINITIONS[s] as StrategyDefinition).noFitFallback) as Strategy

export function isStrategy(value: unknown): value is Strategy {
  return typeof value === 'string' && Object.hasOwn(STRATEGY_DEFINITIONS, value)
}

export function strategyDefinition(strategy: Strategy): StrategyDefinition {
  return STRATEGY_DEFINITIONS[strategy]
}

/** Whether the shipped model of this strategy is trained with modality masking. */
export function masksModalities(strategy: Strategy): boolean {
  return strategyDefinition(strategy).masksModalities
}

/** Every strategy's candidates for `fuseplan evaluate`, with their strategy, in report order. */
export const CANDIDATE_DEFINITIONS: readonly (CandidateDefinition & {strategy: Strategy})[] = STRATEGIES.flatMap((strategy) =>
  strategyDefinition(strategy).candidates.map((c) => ({...c, strategy})),
).sort((a, b) => a.listOrder - b.listOrder)

export type CandidateId = (typeof STRATEGY_DEFINITIONS)[Strategy]['candidates'][number]['id']
