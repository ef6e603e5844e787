// Two synthetic-data generators, on purpose: evaluate's world (src/evaluate/world.ts) and the
// generated project's data/synthetic.ts. The world is built from the profile and simulates what only
// the profile says, such as how strongly the modalities interact; the project's generator has only
// its training config, which does not say it. These tests pin that difference, so whoever merges the
// two sees what the merged one must carry.
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {createSimulatedWorld} from '../../src/evaluate/world.js'
import {buildTrainingConfig} from '../../src/scaffold/training-config.js'
import {createWorld} from '../../templates/project/src/data/synthetic.js'
import {modality, profile} from '../decision/profiles.js'
import type {Interactions} from '../../src/profile/types.js'

const declared = (interactions: Interactions) =>
  profile({
    task: {type: 'binary', metric: 'auroc', labelledSamples: 2000, interactions},
    modalities: [modality('ehr', {features: 12}), modality('cxr', {type: 'image', shape: [16, 16, 1], availability: 0.5})],
  })

describe('two generators, because the training config does not carry the whole profile', () => {
  const weak = declared('weak')
  const strong = declared('strong')

  it("evaluate's world follows the declared interactions: no cross-modal products when weak", () => {
    expect(createSimulatedWorld(weak, {seed: 7}).truth.interactionWeight).toBe(0)
    expect(createSimulatedWorld(strong, {seed: 7}).truth.interactionWeight).toBeGreaterThan(0)
  })

  it("the project's generator cannot: its training config has no interactions, so both get the same ground truth", () => {
    const [w, s] = [weak, strong].map((p) => buildTrainingConfig(p, decide(p)))
    expect(Object.keys(w.task)).not.toContain('interactions')
    expect(createWorld(w, 7).truth).toEqual(createWorld(s, 7).truth)
    expect(createWorld(w, 7).truth.interactionWeight).toBeGreaterThan(0)
  })
})
