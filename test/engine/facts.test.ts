// Derived facts: each computed once in code; the numbers rules rely on.
import {describe, expect, it} from 'vitest'
import {computeFacts} from '../../src/facts/index.js'
import {estimateLatency, TAIL_FACTOR, DEFAULT_ENCODER_MS} from '../../src/facts/latency.js'
import {modality, profile} from '../decision/profiles.js'

describe('facts', () => {
  const p = profile({
    modalities: [
      modality('ehr', {features: 120}),
      modality('cxr', {type: 'image', shape: [224, 224, 1], availability: 0.22, timing: 'episodic', missingness: 'informative'}),
      modality('gen', {type: 'omics', features: 2000, availability: 0.05}),
    ],
    cohorts: [
      {name: 'icu', size: 16500, modalities: ['ehr', 'cxr'], availability: {cxr: 0.26}},
      {name: 'enrolled', size: 1500, modalities: ['ehr', 'cxr', 'gen'], availability: {cxr: 0.4}},
    ],
  })
  const f = computeFacts(p)

  it('availability extremes and complete-case share under independence', () => {
    expect(f.minAvailability).toBe(0.05)
    expect(f.minAvailabilityModality).toBe('gen')
    expect(f.maxAvailability).toBe(1)
    expect(f.completeCaseShare).toBeCloseTo(0.011, 9)
    expect(f.noModalityShare).toBe(0)
  })

  it('presence patterns >= 1% enumerated under independence, largest first', () => {
    expect(f.presencePatterns.map((x) => x.present.join('+'))).toEqual(['ehr', 'ehr+cxr', 'ehr+gen', 'ehr+cxr+gen'])
    expect(f.presencePatterns[0].share).toBeCloseTo(0.78 * 0.95, 9)
    expect(f.significantPatternCount).toBe(4)
  })

  it('training availability is size-weighted over cohorts', () => {
    expect(f.trainingAvailability.cxr).toBeCloseTo((16500 * 0.26 + 1500 * 0.4) / 18000, 9)
    expect(f.trainingAvailability.gen).toBeCloseTo(1500 / 18000, 9)
    expect(f.modalities[1].trainingAvailabilitySource).toBe('cohorts')
    expect(f.trainingCompleteCases).toBe(Math.round(1500 * 0.4))
  })

  it('data-rich cohort, its share and its distance from deployment', () => {
    expect(f.dataRichCohort).toBe('enrolled')
    expect(f.dataRichCohortShare).toBeCloseTo(1500 / 18000, 9)
    expect(f.dataRichCohortMaxGap).toBeCloseTo(0.95, 9)
  })

  it('dimensionality ratio, temporal and informative modalities', () => {
    expect(f.dimensionalityRatio).toBeCloseTo(50176 / 120, 6)
    expect(f.largestModality).toBe('cxr')
    expect(f.smallestModality).toBe('ehr')
    expect(f.temporalModalities).toEqual(['cxr'])
    expect(f.informativeModalities).toEqual(['cxr'])
  })

  it('shift: more available at deployment than in training', () => {
    const g = computeFacts(profile({modalities: [modality('a'), modality('b', {availability: 0.7, trainingAvailability: 0.4})]}))
    expect(g.shiftedModalities).toEqual([{name: 'b', index: 1, availability: 0.7, trainingAvailability: 0.4, gap: 0.3}])
  })

  it('informative absence, with what training shows of it', () => {
    const g = computeFacts(profile({modalities: [modality('a'), modality('b', {availability: 0.6, trainingAvailability: 1, missingness: 'informative'}), modality('c', {availability: 0.5})]}))
    expect(g.informativeAbsence).toEqual([{name: 'b', index: 1, availability: 0.6, trainingAvailability: 1}])
  })

  it('given patterns drive complete-case share and the pattern list', () => {
    const g = computeFacts(
      profile({
        patterns: [
          {present: ['a'], share: 0.6},
          {present: ['a', 'b'], share: 0.395},
          {present: ['b'], share: 0.005},
        ],
      }),
    )
    expect(g.completeCaseShare).toBe(0.395)
    expect(g.presencePatterns.map((x) => x.present)).toEqual([['a'], ['a', 'b']])
    expect(g.patternShareTotal).toBe(1)
  })

  it('a required modality counts as always present', () => {
    const g = computeFacts(profile({modalities: [modality('a', {availability: 0.8, required: true}), modality('b', {availability: 0.5})]}))
    expect(g.minAvailability).toBe(0.5)
    expect(g.alwaysPresentModalities).toEqual(['a'])
    expect(g.noModalityShare).toBe(0)
  })

  it('pattern enumeration is pruned and capped', () => {
    const many = profile({modalities: Array.from({length: 20}, (_, i) => modality(`m${i}`, {availability: 0.5}))})
    const g = computeFacts(many)
    expect(g.presencePatterns).toHaveLength(0)
    const some = profile({modalities: Array.from({length: 12}, (_, i) => modality(`m${i}`, {availability: i < 10 ? 0.999 : 0.5}))})
    expect(computeFacts(some).presencePatterns.length).toBe(4)
  })

  it('latency: measured encoder costs used as given, defaults get the tail factor, strategies ordered', () => {
    const e = estimateLatency(profile({modalities: [modality('a', {encoderLatencyMs: 2}), modality('b', {type: 'image', shape: [8, 8, 1]})]}))
    const sum = 2 + DEFAULT_ENCODER_MS.image * TAIL_FACTOR
    expect(e.early).toBeCloseTo(sum + 0.05, 6)
    expect(e.early).toBeLessThan(e.intermediate)
    expect(e.intermediate).toBeLessThan(e.attention)
    const batched = estimateLatency(profile({latency: {budgetMs: 100, batch: 4}}))
    expect(batched.early).toBeCloseTo(4 * estimateLatency(profile()).early, 6)
  })
})
