// One reading of a profile modality (src/profile/modality.ts), shared by facts, scaffold and evaluate.
import {describe, expect, it} from 'vitest'
import {computeFacts} from '../../src/facts/index.js'
import {resolveModalities, shapeOf} from '../../src/profile/modality.js'
import type {Modality} from '../../src/profile/types.js'
import {decide} from '../../src/decision/decide.js'
import {buildTrainingConfig} from '../../src/scaffold/training-config.js'
import {modality, profile} from '../decision/profiles.js'

describe('resolveModalities', () => {
  it('turns each way of writing a size into a shape and its size', () => {
    expect(shapeOf({features: 12})).toEqual([12])
    expect(shapeOf({shape: [32, 16, 3]})).toEqual([32, 16, 3])
    expect(shapeOf({sequence: {length: 96, channels: 4}})).toEqual([96, 4])
    // A profile that failed the schema is still read (the rules run on what is valid).
    expect(shapeOf({} as Modality)).toEqual([1])
    expect(shapeOf({shape: []} as unknown as Modality)).toEqual([1])
  })

  const p = profile({
    modalities: [
      modality('ehr', {features: 40, availability: 0.8, required: true}),
      modality('cxr', {type: 'image', shape: [64, 64, 1], availability: 0.3}),
      modality('note', {type: 'text', sequence: {length: 50, channels: 1}, availability: 0.5, trainingAvailability: 0.7}),
    ],
    cohorts: [
      {name: 'a', size: 300, modalities: ['ehr', 'cxr'], availability: {cxr: 0.5}},
      {name: 'b', size: 100, modalities: ['ehr', 'note']},
    ],
  })
  const [ehr, cxr, note] = resolveModalities(p)

  it('a required modality is always served; the written availability is kept beside it', () => {
    expect([ehr.availability, ehr.servedAvailability, ehr.required]).toEqual([0.8, 1, true])
    expect([cxr.servedAvailability, cxr.required]).toEqual([0.3, false])
  })

  it('training availability: given, else from the cohorts, else assumed equal to deployment', () => {
    expect([note.trainingAvailability, note.trainingAvailabilitySource]).toEqual([0.7, 'given'])
    expect([cxr.trainingAvailability, cxr.trainingAvailabilitySource]).toEqual([0.375, 'cohorts'])
    const alone = resolveModalities(p, [])
    expect([alone[1].trainingAvailability, alone[1].trainingAvailabilitySource]).toEqual([0.3, 'assumed'])
  })

  it('facts and the training config read the same numbers', () => {
    const facts = computeFacts(p)
    const config = buildTrainingConfig(p, decide(p))
    for (const [i, m] of resolveModalities(p).entries()) {
      expect(facts.modalities[i]).toMatchObject({size: m.size, servedAvailability: m.servedAvailability, trainingAvailability: m.trainingAvailability})
      expect(config.modalities[i]).toMatchObject({inputShape: m.shape, inputSize: m.size, trainingAvailability: m.trainingAvailability, required: m.required})
    }
  })
})
