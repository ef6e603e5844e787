// The encoder kinds as plug-ins (templates/project/src/model/encoders/): every kind in the list has
// a file, is chosen for the shapes it says it fits, accepts its own defaults, rejects the shapes it
// cannot read, and builds a network that trains one step, checked by iterating the registry, never by
// naming a kind. Adding a kind adds its cases here without a line of this file changing.
import {describe, expect, it} from 'vitest'
import {defaultEncoder, encoderProblems, modelShape, resolveEncoder, validateTrainingConfig, type ModalityConfig, type ModalityType, type TrainingConfig} from '../../templates/project/src/config.js'
import {ENCODER_KINDS, ENCODERS, FALLBACK_KIND, kindFor} from '../../templates/project/src/model/encoders/index.js'
import {trainingConfigSchema} from '../../src/scaffold/training-config-schema.js'
import {initBackend} from '../../dist/templates/project/src/backend.js'
import {createWorld} from '../../dist/templates/project/src/data/synthetic.js'
import {createModel} from '../../dist/templates/project/src/model/index.js'
import {tinyConfig} from './fixtures.js'

const TYPES: ModalityType[] = ['tabular', 'image', 'text', 'timeseries', 'omics', 'embedding']
const SHAPES = [[1], [12], [300], [10, 1], [12, 2], [24, 6], [8, 8], [9, 7, 1], [10, 10, 3], [4, 4, 4, 2]]
const inputs = TYPES.flatMap((type) => SHAPES.map((inputShape) => ({type, inputShape})))

/** A small shape each kind reads, found from the kinds themselves: the first of SHAPES some type gets it for. */
function exampleOf(kind: (typeof ENCODER_KINDS)[number]) {
  const found = inputs.find((i) => kindFor(i) === kind)
  if (!found) throw new Error(`no type and shape in this test gets ${kind}: add one to SHAPES`)
  return found
}

describe('encoder kinds as plug-ins', () => {
  it('the schema lists exactly the kinds that have a file', () => {
    const kind = (trainingConfigSchema.properties.modalities.items.properties.encoder.properties.kind as {enum: string[]}).enum
    expect(kind).toEqual([...ENCODER_KINDS])
    expect(Object.keys(ENCODERS).sort()).toEqual([...ENCODER_KINDS].sort())
  })

  it('at most one kind but the fallback fits any type and shape, and the default encoder is that kind', () => {
    for (const input of inputs) {
      const fitting = ENCODER_KINDS.filter((k) => k !== FALLBACK_KIND && ENCODERS[k].fits(input))
      expect(fitting.length, JSON.stringify(input)).toBeLessThanOrEqual(1)
      expect(defaultEncoder(input.type, input.inputShape).kind).toBe(fitting[0] ?? FALLBACK_KIND)
    }
  })

  it.each([...ENCODER_KINDS])('%s: its defaults pass its own checks, it reads the fields it has, and a shape it cannot read is refused', (kind) => {
    const input = exampleOf(kind)
    const encoder = defaultEncoder(input.type, input.inputShape, 8)
    expect(encoder.kind).toBe(kind)
    expect(encoderProblems({inputShape: input.inputShape, encoder: {...encoder}})).toEqual([])
    // A field it does not read is a problem naming that field.
    for (const field of ['resize', 'filters', 'kernel', 'vocabulary', 'tokenEmbedding'] as const) {
      if (ENCODERS[kind].fields.includes(field)) continue
      expect(encoderProblems({inputShape: input.inputShape, encoder: {...encoder, [field]: field === 'resize' ? [2, 2] : 3}}).map(([f]) => f)).toContain(field)
    }
    const unreadable = SHAPES.filter((s) => ENCODERS[kind].shapeProblem(s) !== null)
    for (const shape of unreadable) expect(encoderProblems({inputShape: shape, encoder: {...encoder}}).map(([f]) => f)).toContain('kind')
    const size = input.inputShape.reduce((a, s) => a * s, 1)
    expect(modelShape({type: input.type, inputShape: input.inputShape, inputSize: size, encoder}).length).toBeGreaterThan(0)
    expect(resolveEncoder({type: input.type, inputShape: input.inputShape, encoder: {kind, embedding: 8}})).toMatchObject({kind, embedding: 8})
  })

  it.each([...ENCODER_KINDS])('%s: a two-modality model with it trains and predicts', async (kind) => {
    await initBackend({quiet: true})
    const input = exampleOf(kind)
    const size = input.inputShape.reduce((a, s) => a * s, 1)
    const base = tinyConfig('intermediate')
    const other: ModalityConfig = {...base.modalities[0], name: 'other', required: true}
    const encoder = {...defaultEncoder(input.type, input.inputShape, 8), ...(ENCODERS[kind].tokens ? {vocabulary: 30} : {})}
    const config: TrainingConfig = validateTrainingConfig({
      ...base,
      modalities: [other, {...other, name: 'probe', type: input.type, inputShape: input.inputShape, inputSize: size, encoder, required: false, availability: 0.7, trainingAvailability: 0.7}],
      masking: {...base.masking, modalities: [], covers: []},
    })
    const world = createWorld(config, 3)
    const train = world.sample(64, {population: 'training', seed: 1})
    const model = await createModel(config, {seed: 1})
    await model.fit(train, {epochs: 1, batchSize: 32, seed: 1})
    const scores = await model.predict(world.sample(16, {population: 'deployment', seed: 2}))
    expect(scores.length).toBe(16)
    expect(scores.every((v: number) => Number.isFinite(v))).toBe(true)
    model.dispose()
  })
})
