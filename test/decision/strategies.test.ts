// The strategy registry is the one list: every copy and every table keyed by strategy follows it.
import {describe, expect, it} from 'vitest'
import {STRATEGIES as TEMPLATE_STRATEGIES} from '../../templates/project/src/config.js'
import {STRATEGY_INFO} from '../../src/decision/strategies.js'
import {isStrategy, masksModalities, STRATEGIES, STRATEGY_DEFINITIONS, TIE_BREAK} from '../../src/profile/strategies.js'
import {trainingConfigSchema} from '../../src/profile/training-config-schema.js'
import {CANDIDATES} from '../../src/evaluate/candidates.js'
import {decide} from '../../src/decision/decide.js'
import {loadProfile} from '../../src/profile/load.js'
import {adrTitle} from '../../src/formatters/decision/adr.js'

describe('strategy registry', () => {
  it('the generated project carries the same strategies in the same order (it cannot import fuseplan)', () => {
    expect([...TEMPLATE_STRATEGIES]).toEqual([...STRATEGIES])
  })

  it('the tie-break order ranks every strategy once', () => {
    expect([...TIE_BREAK].sort()).toEqual([...STRATEGIES].sort())
  })

  it('the TrainingConfig schema, the advice table and evaluate take exactly the registry', () => {
    expect(trainingConfigSchema.properties.strategy.enum).toEqual([...STRATEGIES])
    expect(Object.keys(STRATEGY_INFO).sort()).toEqual([...STRATEGIES].sort())
    expect([...new Set(CANDIDATES.map((c) => c.strategy))].sort()).toEqual([...STRATEGIES].sort())
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
