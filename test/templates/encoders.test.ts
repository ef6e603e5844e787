// Encoders per modality type: conv2d over (resized) images, conv1d over padded sequences,
// embedding1d over token ids, mlp for the rest. The schema, `fuseplan lint`, the project's own validator and the model code agree on the
// kinds; models with conv encoders train, round-trip through save/load and predict with modalities
// absent. Tiny shapes and few epochs keep it fast.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ENCODER_KINDS, encoderProblems, modelShape, validateTrainingConfig, type EncoderConfig, type ModalityConfig, type TrainingConfig} from '../../templates/project/src/config.js'
import {trainingConfigSchema} from '../../src/scaffold/training-config-schema.js'
import {lintTrainingConfig} from '../../src/lint/training-config.js'
import {encoderFor} from '../../src/scaffold/training-config.js'
import {initBackend, loadTf} from '../../dist/templates/project/src/backend.js'
import {fusionLayers} from '../../dist/templates/project/src/model/layers.js'
import {createWorld} from '../../dist/templates/project/src/data/synthetic.js'
import {auroc} from '../../dist/templates/project/src/metrics.js'
import {createModel, loadModel} from '../../dist/templates/project/src/model/index.js'
import {prepare, resizeImage} from '../../dist/templates/project/src/model/pipeline.js'
import {jsonlLines, parseJsonl} from '../../dist/templates/project/src/data/loader.js'
import {withoutModality} from '../../dist/templates/project/src/data/ops.js'
import {tinyConfig} from './fixtures.js'

let dir: string
beforeAll(async () => {
  await initBackend({quiet: true})
  dir = mkdtempSync(path.join(tmpdir(), 'fuseplan-encoders-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const modality = (over: Partial<ModalityConfig>): ModalityConfig => ({
  name: 'm',
  type: 'tabular',
  inputShape: [8],
  inputSize: 8,
  encoder: {kind: 'mlp', embedding: 8},
  availability: 1,
  trainingAvailability: 1,
  missingness: 'random',
  timing: 'static',
  required: true,
  ...over,
})

/** ehr (tabular, required), photo (image 12x12x3, resized to 8x8), ecg (sequence 24x2, often shorter). */
function multimodal(strategy: TrainingConfig['strategy'] = 'intermediate'): TrainingConfig {
  const base = tinyConfig(strategy)
  return {
    ...base,
    modalities: [
      modality({name: 'ehr', inputShape: [6], inputSize: 6, encoder: encoderFor({type: 'tabular', inputShape: [6]})}),
      modality({
        name: 'photo',
        type: 'image',
        inputShape: [12, 12, 3],
        inputSize: 432,
        encoder: {...encoderFor({type: 'image', inputShape: [12, 12, 3]}), resize: [8, 8]},
        availability: 0.6,
        trainingAvailability: 0.6,
        required: false,
      }),
      modality({
        name: 'ecg',
        type: 'timeseries',
        inputShape: [24, 2],
        inputSize: 48,
        encoder: encoderFor({type: 'timeseries', inputShape: [24, 2]}),
        availability: 0.5,
        trainingAvailability: 0.5,
        timing: 'continuous',
        required: false,
      }),
    ],
    masking: {
      ...base.masking,
      modalities: [
        {name: 'ehr', dropProbability: 0, effectiveMissingRate: 0},
        {name: 'photo', dropProbability: 0.2, effectiveMissingRate: 0.5},
        {name: 'ecg', dropProbability: 0.2, effectiveMissingRate: 0.6},
      ],
    },
    evaluation: {...base.evaluation, robustnessSweep: {missingRates: [0, 1], modalities: ['photo', 'ecg']}},
    training: {epochs: 6, batchSize: 32, learningRate: 0.01, seed: 7},
  }
}

describe('encoder kinds: one list for the schema, lint, the validator and the model', () => {
  it('the schema enumerates exactly the kinds the project knows', () => {
    const enc = trainingConfigSchema.properties.modalities.items.properties.encoder
    expect(enc.properties.kind.enum).toEqual([...ENCODER_KINDS])
    expect(enc.required).toEqual(['kind', 'embedding'])
  })

  const cases: [string, number[], EncoderConfig, boolean][] = [
    ['conv2d on an image', [16, 16, 3], {kind: 'conv2d', embedding: 8}, true],
    ['conv2d on a grey image [H, W]', [16, 16], {kind: 'conv2d', embedding: 8, resize: [8, 8]}, true],
    ['conv2d on a vector', [16], {kind: 'conv2d', embedding: 8}, false],
    ['conv1d on a sequence', [20, 3], {kind: 'conv1d', embedding: 8, filters: [4], kernel: 3}, true],
    ['conv1d on an image', [8, 8, 3], {kind: 'conv1d', embedding: 8}, false],
    ['mlp on an image', [8, 8, 3], {kind: 'mlp', embedding: 8}, true],
    ['mlp with conv fields', [8], {kind: 'mlp', embedding: 8, filters: [4]}, false],
    ['resize on conv1d', [20, 3], {kind: 'conv1d', embedding: 8, resize: [4, 4]}, false],
    ['an even kernel', [8, 8, 1], {kind: 'conv2d', embedding: 8, kernel: 4}, false],
    ['embedding1d on token ids [T, 1]', [20, 1], {kind: 'embedding1d', embedding: 8, vocabulary: 50, tokenEmbedding: 4}, true],
    ['embedding1d on token ids [T]', [20], {kind: 'embedding1d', embedding: 8}, true],
    ['embedding1d on a vector per step', [20, 3], {kind: 'embedding1d', embedding: 8}, false],
    ['a vocabulary on conv1d', [20, 3], {kind: 'conv1d', embedding: 8, vocabulary: 50}, false],
  ]
  it.each(cases)('%s: validator and lint agree', (_, shape, encoder, ok) => {
    const config = tinyConfig('intermediate')
    const size = shape.reduce((a, s) => a * s, 1)
    config.modalities[1] = {...config.modalities[1], inputShape: shape, inputSize: size, encoder}
    const valid = (() => {
      try {
        validateTrainingConfig(JSON.parse(JSON.stringify(config)))
        return true
      } catch {
        return false
      }
    })()
    const findings = lintTrainingConfig(JSON.parse(JSON.stringify(config)), {filePath: path.join(dir, 'x.yaml'), positionOf: () => ({line: 1, column: 1})})
    const encoderFindings = findings.filter((f) => f.path?.[2] === 'encoder' || f.ruleId === 'training-config-schema')
    expect(valid).toBe(ok)
    expect(encoderFindings.length === 0).toBe(ok)
    expect(encoderProblems({inputShape: shape, encoder: encoder as unknown as Record<string, unknown>}).length === 0).toBe(ok)
  })

  it('encoderFor picks the encoder from the type and the (possibly shrunk) shape', () => {
    expect(encoderFor({type: 'image', inputShape: [224, 224, 3]})).toMatchObject({kind: 'conv2d', resize: [32, 32]})
    expect(encoderFor({type: 'image', inputShape: [448, 224, 1]})).toMatchObject({kind: 'conv2d', resize: [32, 16]})
    expect(encoderFor({type: 'image', inputShape: [10, 10, 1]})).toMatchObject({kind: 'conv2d', resize: [10, 10]})
    expect(encoderFor({type: 'timeseries', inputShape: [512, 2]}).kind).toBe('conv1d')
    expect(encoderFor({type: 'text', inputShape: [64, 16]}).kind).toBe('conv1d')
    expect(encoderFor({type: 'text', inputShape: [384]}).kind).toBe('mlp')
    expect(encoderFor({type: 'text', inputShape: [128, 1]})).toMatchObject({kind: 'embedding1d', vocabulary: 8192})
    expect(encoderFor({type: 'embedding', inputShape: [768]}).kind).toBe('mlp')
    const narrow = encoderFor({type: 'tabular', inputShape: [12]})
    const wide = encoderFor({type: 'omics', inputShape: [2000]})
    expect(narrow.kind).toBe('mlp')
    expect(wide.dropout as number).toBeGreaterThan(narrow.dropout as number)
    expect(wide.l2 as number).toBeGreaterThan(narrow.l2 as number)
  })
})

describe('FuseplanConvBlock', () => {
  it('has the gradients of a stock convolution (checked against conv3d, which wasm can differentiate)', async () => {
    const tf = await loadTf()
    const layer = new (fusionLayers(tf).ConvBlock)({filters: 3, kernel: [3, 3], pool: [1, 1], seed: 1})
    const x = tf.randomNormal([2, 5, 6, 2], 0, 1, 'float32', 1)
    const r = tf.randomNormal([2, 5, 6, 3], 0, 1, 'float32', 2)
    layer.apply(x)
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read())
    const ours = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as never, r)), [kernel as never])
    const oursDx = tf.grad((xx) => tf.sum(tf.mul(layer.apply(xx) as never, r)))(x)
    const ref = (xx: never, w: never) => tf.sum(tf.mul(tf.relu(tf.add(tf.conv3d(tf.reshape(xx, [2, 1, 5, 6, 2]), tf.reshape(w, [1, 3, 3, 2, 3]), 1, 'same'), bias)).reshape([2, 5, 6, 3]), r))
    const [refDx, refDw] = tf.grads(ref)([x, kernel])
    const diff = (a: unknown, b: unknown) => tf.max(tf.abs(tf.sub(a as never, b as never))).dataSync()[0]
    expect(diff(ours.grads[(kernel as unknown as {name: string}).name], refDw)).toBeLessThan(1e-4)
    expect(diff(oursDx, refDx)).toBeLessThan(1e-4)
  })
})

describe('FuseplanTokenEmbedding and the global max pooling', () => {
  it('have the gradients of a one-hot lookup and of tf.max', async () => {
    const tf = await loadTf()
    const L = fusionLayers(tf)
    const layer = new L.TokenEmbedding({vocabulary: 7, width: 3, seed: 1})
    const ids = tf.tensor2d([
      [1, 2, 2, 0],
      [6, 1, 3, 3],
    ])
    const r = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 2)
    layer.apply(ids)
    const table = layer.trainableWeights[0].read()
    const ours = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(ids) as never, r)), [table as never])
    const ref = tf.grad((t) => tf.sum(tf.mul(tf.matMul(tf.oneHot(tf.cast(ids, 'int32'), 7).reshape([8, 7]), t).reshape([2, 4, 3]), r)))(table)
    const diff = (a: unknown, b: unknown) => tf.max(tf.abs(tf.sub(a as never, b as never))).dataSync()[0]
    expect(diff(ours.grads[(table as unknown as {name: string}).name], ref)).toBeLessThan(1e-5)
    // Ties included: every position equal to the max gets the gradient, as with tf.max.
    const pool = new L.GlobalPool({})
    const x = tf.tensor4d([1, 5, 5, 2, 0, 3, 3, 3], [2, 1, 2, 2])
    const w = tf.tensor2d([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ])
    const g = tf.grad((xx) => tf.sum(tf.mul(pool.apply(xx) as never, w)))(x)
    const gRef = tf.grad((xx) => tf.sum(tf.mul(tf.concat([tf.mean(xx.reshape([2, 2, 2]), 1), tf.max(xx.reshape([2, 2, 2]), 1)], -1), w)))(x)
    expect(Array.from(g.dataSync())).toEqual(Array.from(gRef.dataSync()))
  })
})

describe('the image pipeline', () => {
  it('resizes by area average', () => {
    // 4x4 one-channel image of 0..15 -> 2x2 means of each quadrant.
    const src = Float32Array.from({length: 16}, (_, i) => i)
    const out = new Float32Array(4)
    resizeImage(src, 0, 4, 4, 1, 2, 2, out, 0)
    expect(Array.from(out)).toEqual([2.5, 4.5, 10.5, 12.5])
  })

  it('the model reads full-size and pre-resized image blocks alike', () => {
    const config = multimodal()
    const world = createWorld(config, 1)
    const full = world.sample(5, {population: 'training', seed: 2})
    const small = world.sample(5, {population: 'training', seed: 2, resolution: 'model'})
    expect(full.modalities.photo.size).toBe(432)
    expect(small.modalities.photo.size).toBe(modelShape(config.modalities[1]).reduce((a, s) => a * s, 1))
    expect(prepare(config, full).modalities.photo.size).toBe(small.modalities.photo.size)
    expect(prepare(config, small)).toBe(small)
  })
})

describe('a model with conv2d and conv1d encoders', () => {
  const config = multimodal()
  const world = createWorld(config, 1)

  it('learns from images and sequences, round-trips through save/load, predicts with each modality absent', {timeout: 120_000}, async () => {
    const model = await createModel(config)
    const result = await model.fit(world.sample(600, {population: 'training', seed: 2}), {epochs: 6, batchSize: 32, seed: 3, validationSplit: 0})
    expect(result.loss.every(Number.isFinite)).toBe(true)
    expect(result.loss.at(-1) as number).toBeLessThan(result.loss[0])
    // Only the photo and the sequence: the tabular modality is removed, so the score comes from them.
    const test = world.sample(300, {population: 'deployment', seed: 4, presence: {ehr: 0, photo: 1, ecg: 1}})
    expect(auroc(test.labels, await model.predict(test))).toBeGreaterThan(0.6)

    const data = world.sample(40, {population: 'deployment', seed: 5})
    const before = await model.predict(data)
    await model.save(dir)
    const loaded = await loadModel(dir)
    expect(Array.from(await loaded.predict(data))).toEqual(Array.from(before))
    expect(loaded.lastHistory?.loss).toHaveLength(6)
    for (const name of ['photo', 'ecg']) {
      const without = world.sample(20, {population: 'deployment', seed: 6, presence: {[name]: 0}})
      expect((await loaded.predict(without)).every(Number.isFinite)).toBe(true)
    }
    loaded.dispose()
    model.dispose()
  })

  it('ignores what lies in the padded steps of a sequence', async () => {
    const model = await createModel(config)
    await model.fit(world.sample(64, {population: 'training', seed: 2}), {epochs: 1, batchSize: 32, seed: 3, validationSplit: 0})
    const data = world.sample(30, {population: 'deployment', seed: 8, presence: {ecg: 1}})
    const ecg = data.modalities.ecg
    const short = Array.from(ecg.steps as Uint32Array).findIndex((s) => s < 24)
    expect(short).toBeGreaterThanOrEqual(0)
    const before = await model.predict(data)
    const noisy = ecg.values.slice()
    for (let t = (ecg.steps as Uint32Array)[short]; t < 24; t++) noisy.fill(1e3, short * 48 + t * 2, short * 48 + t * 2 + 2)
    const after = await model.predict({...data, modalities: {...data.modalities, ecg: {...ecg, values: noisy}}})
    expect(after[short]).toBeCloseTo(before[short], 5)
    model.dispose()
  })

  it('switching an encoder in the config (conv2d to mlp, conv1d to mlp) trains without regenerating', async () => {
    const switched = {...config, modalities: config.modalities.map((m) => ({...m, encoder: {kind: 'mlp' as const, embedding: 8}}))}
    validateTrainingConfig(JSON.parse(JSON.stringify(switched)))
    const model = await createModel(switched, {strategy: 'attention'})
    const result = await model.fit(world.sample(64, {population: 'training', seed: 2}), {epochs: 1, batchSize: 32, seed: 3})
    expect(result.loss.every(Number.isFinite)).toBe(true)
    model.dispose()
  })

  it.each(['early', 'late', 'attention'] as const)('%s fusion builds and trains with conv encoders', async (strategy) => {
    const model = await createModel(config, {strategy})
    const result = await model.fit(world.sample(64, {population: 'training', seed: 2}), {epochs: 1, batchSize: 32, seed: 3})
    expect(result.loss.every(Number.isFinite)).toBe(true)
    expect((await model.predict(world.sample(10, {population: 'deployment', seed: 9, presence: {photo: 0, ecg: 0}}))).every(Number.isFinite)).toBe(true)
    model.dispose()
  })
})

describe('a model with an embedding1d (token ids) encoder', () => {
  // notes: token ids [32, 1] over 100 ids, often shorter than 32 (padded with 0); ehr: tabular.
  const base = tinyConfig('intermediate')
  const notes = modality({
    name: 'notes',
    type: 'text',
    inputShape: [32, 1],
    inputSize: 32,
    encoder: {kind: 'embedding1d', embedding: 16, vocabulary: 100, tokenEmbedding: 8, filters: [8]},
    availability: 0.7,
    trainingAvailability: 0.7,
    timing: 'episodic',
    required: false,
  })
  const config: TrainingConfig = {
    ...base,
    modalities: [modality({name: 'ehr', inputShape: [6], inputSize: 6, encoder: encoderFor({type: 'tabular', inputShape: [6]})}), notes],
    masking: {
      ...base.masking,
      modalities: [
        {name: 'ehr', dropProbability: 0, effectiveMissingRate: 0},
        {name: 'notes', dropProbability: 0.2, effectiveMissingRate: 0.4},
      ],
    },
    evaluation: {...base.evaluation, robustnessSweep: {missingRates: [0, 1], modalities: ['notes']}},
    training: {epochs: 6, batchSize: 32, learningRate: 0.01, seed: 7},
  }
  const world = createWorld(config, 1)

  it('synthetic texts are token ids with padding, and the loader round-trips them', () => {
    const data = world.sample(50, {population: 'training', seed: 2})
    const block = data.modalities.notes
    expect(block.values.every((v) => Number.isInteger(v) && v >= 0 && v < 100)).toBe(true)
    const steps = block.steps as Uint32Array
    const i = Array.from(steps).findIndex((s, r) => s < 32 && block.present[r] === 1)
    expect(i).toBeGreaterThanOrEqual(0)
    expect(Array.from(block.values.subarray(i * 32 + steps[i], (i + 1) * 32)).every((v) => v === 0)).toBe(true)
    const back = parseJsonl(config, jsonlLines(config, data).join('\n'), 'f.jsonl')
    expect(Array.from(back.modalities.notes.values)).toEqual(Array.from(block.values))
    expect(Array.from(back.modalities.notes.steps as Uint32Array).filter((_, r) => block.present[r])).toEqual(Array.from(steps).filter((_, r) => block.present[r]))
    expect(() => parseJsonl(config, '{"label": 1, "inputs": {"ehr": [1, 2, 3, 4, 5, 6], "notes": [3, 100]}}', 'f.jsonl')).toThrow(
      /f\.jsonl:1: modality notes holds token ids, integers 0\.\.99 \(encoder\.vocabulary\); found 100/,
    )
    expect(() => parseJsonl(config, '{"label": 1, "inputs": {"notes": [3, 1.5]}}', 'f.jsonl')).toThrow(/token ids/)
  })

  it('learns from the text, ignores padding, round-trips through save/load, predicts with the text absent', {timeout: 60_000}, async () => {
    const model = await createModel(config)
    const result = await model.fit(world.sample(600, {population: 'training', seed: 2}), {epochs: 6, batchSize: 32, seed: 3, validationSplit: 0})
    expect(result.loss.at(-1) as number).toBeLessThan(result.loss[0])
    // The same rows with and without their text: the text adds what the ehr does not show.
    const test = world.sample(400, {population: 'deployment', seed: 4, presence: {notes: 1}})
    const withText = auroc(test.labels, await model.predict(test))
    expect(withText).toBeGreaterThan(auroc(test.labels, await model.predict(withoutModality(test, 'notes'))) + 0.03)

    const data = world.sample(30, {population: 'deployment', seed: 5, presence: {notes: 1}})
    const before = await model.predict(data)
    // Ids written past a text's length, or id 0 anywhere, are padding: the prediction does not move.
    const block = data.modalities.notes
    const r = Array.from(block.steps as Uint32Array).findIndex((s) => s < 31)
    const padded = block.values.slice()
    padded.fill(7, r * 32 + (block.steps as Uint32Array)[r], (r + 1) * 32)
    const moved = await model.predict({...data, modalities: {...data.modalities, notes: {...block, values: padded}}})
    expect(moved[r]).toBeCloseTo(before[r], 5)

    await model.save(path.join(dir, 'tokens'))
    const loaded = await loadModel(path.join(dir, 'tokens'))
    expect(Array.from(await loaded.predict(data))).toEqual(Array.from(before))
    const without = world.sample(20, {population: 'deployment', seed: 6, presence: {notes: 0}})
    expect((await loaded.predict(without)).every(Number.isFinite)).toBe(true)
    loaded.dispose()
    model.dispose()
  })

  it.each(['early', 'late', 'attention'] as const)('%s fusion builds and trains with it', async (strategy) => {
    const model = await createModel(config, {strategy})
    const result = await model.fit(world.sample(64, {population: 'training', seed: 2}), {epochs: 1, batchSize: 32, seed: 3})
    expect(result.loss.every(Number.isFinite)).toBe(true)
    model.dispose()
  })
})
