// The strategy registry is the one list: every copy and every table keyed by strategy follows it.
import {describe, expect, it} from 'vitest'
import {STRATEGIES as TEMPLATE_STRATEGIES} from '../../templates/project/src/config.js'
import {isStrategy, masksModalities, STRATEGIES, STRATEGY_DEFINITIONS, TIE_BREAK} from '../../src/strategies/index.js'
import {trainingConfigSchema} from '../../src/scaffold/training-config-schema.js'
import {CANDIDATES, candidateForStrategy, NAIVE_BASELINE, PRESENCE_INDICATORS, ROBUSTNESS_REFERENCE} from '../../src/evaluate/candidates.js'
import {decide} from '../../src/decision/decide.js'
import {loadProfile} from '../../src/profile/load.js'
import {adrTitle} from '../../src/formatters/decision/adr.js'

describe('strategy registry', () => {
  it('the generated project carries the same strategies in the same order (it cannot import fuseplan)', () => {
    expect([...TEMPLATE_STRATEGIES]).toEqual([...STRATEGIES])
  })

  it('the tie-break order ranks every strategy once, the one that degrades most gracefully first', () => {
    expect(new Set(STRATEGIES.map((s) => STRATEGY_DEFINITIONS[s].tieBreakRank)).size).toBe(STRATEGIES.length)
    expect([...TIE_BREAK].sort()).toEqual([...STRATEGIES].sort())
    expect(TIE_BREAK.map((s) => STRATEGY_DEFINITIONS[s].tieBreakRank)).toEqual(
      [...TIE_BREAK.keys()].map((i) => [...STRATEGIES.map((s) => STRATEGY_DEFINITIONS[s].tieBreakRank)].sort((a, b) => a - b)[i]),
    )
  })

  it('the TrainingConfig schema and evaluate take exactly the registry', () => {
    expect(trainingConfigSchema.properties.strategy.enum).toEqual([...STRATEGIES])
    expect([...new Set(CANDIDATES.map((c) => c.strategy))].sort()).toEqual([...STRATEGIES].sort())
  })

  it('each strategy has exactly one candidate that stands for it, and every candidate one id, alias, position, colour and marker', () => {
    for (const s of STRATEGIES) {
      const own = STRATEGY_DEFINITIONS[s].candidates
      expect(
        own.filter((c) => c.recommended),
        s,
      ).toHaveLength(1)
      expect(candidateForStrategy(s)).toBe(own.find((c) => c.recommended)!.id)
    }
    const all = STRATEGIES.flatMap((s) => STRATEGY_DEFINITIONS[s].candidates)
    for (const key of ['id', 'listOrder', 'shortName', 'chartColor', 'marker', 'htmlColor'] as const) expect(new Set(all.map((c) => c[key])).size, key).toBe(all.length)
    const names = all.flatMap((c) => [c.id, ...c.aliases])
    expect(new Set(names).size).toBe(names.length)
    expect([NAIVE_BASELINE, PRESENCE_INDICATORS, ROBUSTNESS_REFERENCE].every((id) => CANDIDATES.some((c) => c.id === id))).toBe(true)
  })

  it('isStrategy accepts the ids and nothing inherited', () => {
    for (const s of STRATEGIES) expect(isStrategy(s)).toBe(true)
    for (const v of ['Early', 'toString', '__proto__', 'constructor', '', null, 1]) expect(isStrategy(v)).toBe(false)
  })

  it('a strategy that masks gets a masking plan and says so in the ADR title', () => {
    const {profile} = loadProfile('examples/icu-deterioration.yaml')
    for (const strategy of STRATEGIES) {
      const decision = {...decide(profile!), strategy}
      expect(adrTitle(decision).includes('with modality masking'), strategy).toBe(masksModalities(strategy))
      expect(STRATEGY_DEFINITIONS[strategy].label.length).toBeGreaterThan(0)
    }
  })
})
