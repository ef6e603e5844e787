// A tie or a one-point margin is a low-confidence decision, reported with the runner-up and a pointer to evaluate.
import {describe, expect, it} from 'vitest'
import {confidenceOf, decide, LOW_CONFIDENCE_MARGIN} from '../../src/decision/decide.js'
import type {StrategyOption} from '../../src/decision/types.js'
import {formatAdr} from '../../src/formatters/decision/adr.js'
import {modality, profile} from './profiles.js'

const option = (strategy: StrategyOption['strategy'], score: number): StrategyOption => ({
  strategy,
  score,
  excluded: false,
  reasons: [],
  adjustments: [],
  exclusions: [],
  pros: [],
  cons: [],
  latencyMs: 1,
})

describe('decision confidence', () => {
  it('a tie is low confidence and names the runner-up', () => {
    const c = confidenceOf('late', [option('late', 2), option('intermediate', 2), option('early', 0)])
    expect(c).toMatchObject({level: 'low', margin: 0, runnerUp: 'intermediate'})
    expect(c.note).toContain('ties with intermediate fusion')
    expect(c.note).toContain('fuseplan evaluate')
  })

  it(`a margin of ${LOW_CONFIDENCE_MARGIN} point is low, more is high, no rival is high`, () => {
    expect(confidenceOf('late', [option('late', 3), option('early', 2)])).toMatchObject({level: 'low', margin: 1, runnerUp: 'early'})
    expect(confidenceOf('late', [option('late', 5), option('early', 2)])).toMatchObject({level: 'high', margin: 3, runnerUp: 'early'})
    expect(confidenceOf('late', [option('late', 5)])).toMatchObject({level: 'high', margin: null, runnerUp: null})
  })

  it('reaches the decision JSON and the ADR', () => {
    const d = decide(profile({modalities: [modality('a'), modality('b', {availability: 0.9})]}))
    expect(d.confidence).toBeDefined()
    expect(JSON.parse(JSON.stringify(d)).confidence.level).toMatch(/^(low|high)$/)
    const adr = formatAdr(d, {date: '2026-01-01'})
    expect(adr).toContain(`**Confidence: ${d.confidence?.level}.**`)
  })
})
