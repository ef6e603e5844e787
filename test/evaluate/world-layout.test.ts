// The simulated world lays each modality out as its encoder kind reads it
// (templates/project/src/model/encoders/<kind>.ts says which), so evaluate trains the encoder kind
// scaffold ships, on data with the structure that kind is built to find.
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {simulationConfig} from '../../src/evaluate/run.js'
import {createSimulatedWorld} from '../../src/evaluate/world.js'
import type {Modality, ModalityType} from '../../src/profile/types.js'
import {buildTrainingConfig} from '../../src/scaffold/training-config.js'
import {ENCODERS} from '../../templates/project/src/model/encoders/index.js'
import {profile} from '../decision/profiles.js'

const TYPES: ModalityType[] = ['tabular', 'image', 'text', 'timeseries', 'omics', 'embedding']
const SIZES: Pick<Modality, 'features' | 'shape' | 'sequence'>[] = [
  {features: 40},
  {shape: [64, 48]},
  {shape: [96, 96, 3]},
  {shape: [4, 4, 4, 2]},
  {shape: [50, 2]},
  {sequence: {length: 60, channels: 1}},
  {sequence: {length: 40, channels: 5}},
]

describe('the simulated layout follows the encoder kind', () => {
  const modalities = TYPES.flatMap((type, t) => SIZES.map((size, s) => ({name: `m${t}_${s}`, type, ...size, availability: 0.8}) as Modality))
  const p = profile({modalities: [{name: 'anchor', type: 'tabular', features: 4, availability: 1, required: true} as Modality, ...modalities]})
  const decision = decide(p)
  const world = createSimulatedWorld(p, {seed: 3, maxWidth: 256})
  const shipped = buildTrainingConfig(p, decision)
  const simulated = simulationConfig(p, decision, world)

  it('evaluate trains the encoder kind scaffold ships, for every type and way of writing a size', () => {
    expect(simulated.modalities.map((m) => `${m.name} ${m.encoder.kind}`)).toEqual(shipped.modalities.map((m) => `${m.name} ${m.encoder.kind}`))
  })

  it("each modality is simulated in its kind's layout", () => {
    for (const [i, m] of world.modalities.entries()) expect(m.layout, m.name).toBe(ENCODERS[shipped.modalities[i].encoder.kind].simulated)
  })

  it('a size written as a sequence does not make a sequence: an omics sequence is read by an mlp, so it is simulated as features', () => {
    const omics = world.modalities.find((m) => m.type === 'omics' && m.profileSize === 200)
    expect(omics?.layout).toBe('features')
    expect(world.modalities.find((m) => m.type === 'timeseries' && m.profileSize === 200)?.layout).toBe('sequence')
  })
})
