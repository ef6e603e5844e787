// The masking plan (docs/design.md#masking-plan, invariant 6) as properties over random availabilities.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {computeFacts} from '../../src/facts/index.js'
import {buildMaskingPlan, maskingShortfalls} from '../../src/decision/masking.js'
import {modality, profile} from './profiles.js'

const share = fc.double({min: 0.001, max: 1, noNaN: true})

describe('masking plan', () => {
  it('effective missing rate covers the deployment missing rate, for any a, t and floor', () => {
    fc.assert(
      fc.property(fc.array(fc.record({a: share, t: share, required: fc.boolean()}), {minLength: 1, maxLength: 6}), fc.double({min: 0, max: 0.5, noNaN: true}), (mods, floor) => {
        const p = profile({modalities: mods.map((m, i) => modality(`m${i}`, {availability: m.a, trainingAvailability: m.t, required: m.required}))})
        const plan = buildMaskingPlan(computeFacts(p), {floor, notes: [], sources: {}})
        expect(maskingShortfalls(plan)).toEqual([])
        plan.modalities.forEach((m, i) => {
          const a = mods[i].required ? 1 : mods[i].a
          const t = mods[i].t
          expect(m.effectiveMissingRate).toBeGreaterThanOrEqual(1 - a - 1e-9)
          // The reported numbers are consistent: recomputing from q never falls below the reported rate's target.
          expect(1 - t * (1 - m.dropProbability)).toBeGreaterThanOrEqual(1 - a - 1e-9)
          if (mods[i].required) expect(m.dropProbability).toBe(0)
          else expect(m.dropProbability).toBeGreaterThanOrEqual(Math.min(floor, 1) - 1e-9)
          const cover = plan.covers[i]
          expect(cover.maxAvailability).toBeCloseTo(t, 5)
          expect(cover.minAvailability).toBeLessThanOrEqual(a + 1e-6)
        })
      }),
      {numRuns: 300, seed: 3},
    )
  })

  it('keeps with probability a/t when training has the modality more often than deployment', () => {
    const p = profile({modalities: [modality('a'), modality('b', {availability: 0.3, trainingAvailability: 0.6})]})
    const plan = buildMaskingPlan(computeFacts(p), {floor: 0.1, warmupEpochs: 5, rampEpochs: 10, notes: [], sources: {}})
    expect(plan.modalities[1]).toMatchObject({dropProbability: 0.5, effectiveMissingRate: 0.7, note: 'keep with probability a/t = 0.5 to match deployment'})
    expect(plan.modalities[0]).toMatchObject({dropProbability: 0.1, effectiveMissingRate: 0.1})
    expect(plan.warmupEpochs).toBe(5)
    expect(plan.rampEpochs).toBe(10)
    expect(plan.mode).toBe('independent')
  })

  it('samples target patterns when patterns are given', () => {
    const p = profile({
      patterns: [
        {present: ['a'], share: 0.7},
        {present: ['a', 'b'], share: 0.3},
      ],
    })
    const plan = buildMaskingPlan(computeFacts(p), {mode: 'patterns', notes: [], sources: {}})
    expect(plan.mode).toBe('patterns')
    expect(plan.patterns).toEqual([
      {present: ['a'], share: 0.7},
      {present: ['a', 'b'], share: 0.3},
    ])
  })
})
