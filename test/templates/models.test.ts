// The generated model code, exercised through the compiled templates (dist/templates/project/src),
// the same files `fuseplan evaluate` runs and the scaffolded project ships. Tiny data, few epochs.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TrainingConfig} from '../../templates/project/src/config.js'
import {initBackend, loadTf} from '../../dist/templates/project/src/backend.js'
import {createWorld} from '../../dist/templates/project/src/data/synthetic.js'
import {fusionLayers} from '../../dist/templates/project/src/model/layers.js'
import {createModel, loadModel, type AbsentInputs, type FusionModel} from '../../dist/templates/project/src/model/index.js'
import {computeStats, presenceOf} from '../../dist/templates/project/src/model/pipeline.js'
import {rawZeroFill} from '../../src/evaluate/candidates.js'
import {STRATEGIES} from '../../src/strategies/index.js'
import {tinyConfig} from './fixtures.js'

const NAMES = ['ehr', 'cxr', 'genomics']
let dir: string

beforeAll(async () => {
  await initBackend({quiet: true})
  dir = mkdtempSync(path.join(tmpdir(), 'fuseplan-models-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

function isFiniteArray(a: Float32Array): boolean {
  return a.every((v) => Number.isFinite(v))
}

async function trained(config: TrainingConfig, absentInputs?: AbsentInputs): Promise<FusionModel> {
  const world = createWorld(config, 1)
  const model = await createModel(config, {absentInputs})
  const result = await model.fit(world.sample(160, {population: 'training', seed: 2}), {epochs: 2, batchSize: 32, seed: 3})
  expect(result.loss).toHaveLength(2)
  expect(result.loss.every(Number.isFinite)).toBe(true)
  return model
}

describe.each(STRATEGIES)('%s fusion', (strategy) => {
  const config = tinyConfig(strategy)
  const world = createWorld(config, 1)
  let model: FusionModel

  beforeAll(async () => {
    model = await trained(config)
  })
  afterAll(() => model.dispose())

  it.each(NAMES)('predicts finite probabilities with %s absent', async (name) => {
    const presence = {...Object.fromEntries(NAMES.map((n) => [n, 1])), [name]: 0}
    const data = world.sample(24, {population: 'deployment', seed: 4, presence})
    expect(Array.from(data.modalities[name].present).every((p) => p === 0)).toBe(true)
    const out = await model.predict(data)
    expect(out).toHaveLength(24)
    expect(isFiniteArray(out)).toBe(true)
    expect(out.every((p) => p >= 0 && p <= 1)).toBe(true)
  })

  it('predicts with every optional modality absent', async () => {
    const data = world.sample(16, {population: 'deployment', seed: 5, presence: {cxr: 0, genomics: 0}})
    expect(isFiniteArray(await model.predict(data))).toBe(true)
  })

  it('gives identical predictions after save and load', async () => {
    const data = world.sample(40, {population: 'deployment', seed: 6})
    const before = await model.predict(data)
    const target = path.join(dir, strategy)
    await model.save(target)
    expect(JSON.parse(readFileSync(path.join(target, 'model.json'), 'utf8')).weightsManifest[0].paths).toEqual(['./weights.bin'])
    const loaded = await loadModel(target)
    expect(loaded.strategy).toBe(strategy)
    expect(Array.from(await loaded.predict(data))).toEqual(Array.from(before))
    loaded.dispose()
  })
})

describe('reproducibility', () => {
  it('the same seeds give identical predictions', async () => {
    const config = tinyConfig('intermediate')
    const world = createWorld(config, 1)
    const test = world.sample(30, {population: 'deployment', seed: 12})
    const runs: number[][] = []
    for (let i = 0; i < 2; i++) {
      const model = await trained(config)
      runs.push(Array.from(await model.predict(test)))
      model.dispose()
    }
    expect(runs[1]).toEqual(runs[0])
  })
})

describe('the L2 penalty', () => {
  it('updates the weights as differentiating it would, and is part of the logged loss', async () => {
    // One batch, no masking or dropout: fit() against the same step with the penalty in the tape.
    const base = tinyConfig('intermediate')
    const config: TrainingConfig = {
      ...base,
      modalities: base.modalities.map((m) => ({...m, encoder: {...m.encoder, l2: 0.05, dropout: 0}})),
      masking: {...base.masking, modalities: base.masking.modalities.map((m) => ({...m, dropProbability: 0}))},
    }
    const data = createWorld(config, 1).sample(48, {population: 'training', seed: 2})
    const fitted = await createModel(config, {seed: 3})
    const {loss} = await fitted.fit(data, {epochs: 1, batchSize: 64, seed: 3, validationSplit: 0})
    const tf = await loadTf()
    // The model's private parts, to replay the step by hand.
    const ref = (await createModel(config, {seed: 3})) as unknown as {
      net: {apply: (x: unknown, o: unknown) => never; trainableWeights: {read: () => never}[]}
      tensors: (...a: unknown[]) => never[]
      fills: (s: unknown) => unknown
      rowLoss: (o: never, y: never) => never
      l2Terms: () => {v: never; l2: number}[]
    }
    const rows = Uint32Array.from({length: data.n}, (_, i) => i)
    const stats = computeStats(config, data, rows)
    const inputs = ref.tensors(data, rows, presenceOf(config, data, rows), stats, ref.fills(stats))
    const y = tf.tensor1d(data.labels)
    const terms = ref.l2Terms()
    expect(terms.length).toBeGreaterThan(0)
    const cost = tf.train.adam(config.training.learningRate).minimize(
      () => {
        const dataLoss = tf.mean(ref.rowLoss(ref.net.apply(inputs, {training: true}), y as never))
        return terms.reduce((acc, t) => tf.add(acc, tf.mul(tf.sum(tf.square(t.v)), t.l2)), dataLoss) as never
      },
      true,
      ref.net.trainableWeights.map((w) => w.read()),
    )
    expect(loss[0]).toBeCloseTo((cost as unknown as {dataSync: () => Float32Array}).dataSync()[0], 5)
    const weights = (m: unknown) => (m as typeof ref).net.trainableWeights.map((w) => Array.from((w.read() as {dataSync: () => Float32Array}).dataSync()))
    const a = weights(fitted).flat()
    const b = weights(ref).flat()
    expect(a.length).toBe(b.length)
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-6)
  })
})

describe("absent inputs met otherwise than shipped (evaluate's baselines)", () => {
  it.each([
    ['the naive baseline', {fill: rawZeroFill, presenceInputs: false, masking: false}],
    ['no masking', {masking: false}],
  ] as const)('%s trains and predicts with modalities absent', async (_, absentInputs) => {
    const config = tinyConfig('early')
    const model = await trained(config, absentInputs)
    const data = createWorld(config, 1).sample(20, {population: 'deployment', seed: 7, presence: {cxr: 0, genomics: 0}})
    expect(isFiniteArray(await model.predict(data))).toBe(true)
    model.dispose()
  })

  it('validates and keeps the running average of the weights, and trains on from its own', async () => {
    const config = tinyConfig('intermediate')
    const data = createWorld(config, 1).sample(120, {population: 'training', seed: 2})
    type Internal = {net: {trainableWeights: {read: () => {dataSync: () => Float32Array}}[]}}
    const weights = (m: FusionModel) => (m as unknown as Internal).net.trainableWeights.map((w) => w.read().dataSync().slice())
    const run = async (averaging: number) => {
      const model = await createModel(config, {seed: 3})
      const live: Float32Array[][] = []
      // onEpoch sees the weights training goes on from (the average is swapped out again by then).
      const result = await model.fit(data, {epochs: 3, batchSize: 32, seed: 3, validationSplit: 0.25, averaging, onEpoch: () => live.push(weights(model))})
      const kept = weights(model)
      model.dispose()
      return {result, live, kept}
    }
    const averaged = await run(0.5)
    const plain = await run(0)
    // The same training path either way: averaging only changes what is validated and kept.
    expect(averaged.live).toEqual(plain.live)
    expect(averaged.result.loss).toEqual(plain.result.loss)
    const [w1, w2, w3] = averaged.live
    const average = [w1, w2, w3].slice(0, averaged.result.bestEpoch + 1).reduce((acc, w) => acc.map((a, i) => a.map((x, j) => 0.5 * x + 0.5 * w[i][j])))
    averaged.kept.forEach((w, i) => w.forEach((x, j) => expect(x).toBeCloseTo(average[i][j], 5)))
    expect(plain.kept).toEqual(plain.live[plain.result.bestEpoch])
    // Kept after more than one epoch, so the average differs from that epoch's own weights.
    expect(averaged.result.bestEpoch).toBeGreaterThan(0)
    expect(averaged.kept).not.toEqual(averaged.live[averaged.result.bestEpoch])
    expect(averaged.result.valLoss).not.toEqual(plain.result.valLoss)
  })

  it('a model with its own fill is not saved (a saved model is always the shipped one)', async () => {
    const model = await trained(tinyConfig('early'), {fill: rawZeroFill, presenceInputs: false, masking: false})
    await expect(model.save(path.join(dir, 'raw-zero'))).rejects.toThrow('a model with its own fill for absent inputs cannot be saved')
    model.dispose()
  })

  it('a strategy other than early fusion needs presence inputs', async () => {
    await expect(createModel(tinyConfig('late'), {absentInputs: {presenceInputs: false}})).rejects.toThrow(/late fusion needs presence inputs/)
  })
})

describe('multiclass and regression heads', () => {
  it.each(['attention', 'late'] as const)('multiclass predictions of %s fusion are per-row probability vectors', async (strategy) => {
    const config = tinyConfig(strategy, {task: {type: 'multiclass', classes: 3, metric: 'accuracy'}})
    const model = await trained(config)
    const out = await model.predict(createWorld(config, 1).sample(10, {population: 'deployment', seed: 8}))
    expect(out).toHaveLength(30)
    expect(isFiniteArray(out)).toBe(true)
    for (let r = 0; r < 10; r++) expect(out[r * 3] + out[r * 3 + 1] + out[r * 3 + 2]).toBeCloseTo(1, 4)
    model.dispose()
  })

  it('regression predicts on the label scale', async () => {
    const config = tinyConfig('late', {task: {type: 'regression', metric: 'rmse'}})
    const model = await trained(config)
    const out = await model.predict(createWorld(config, 1).sample(10, {population: 'deployment', seed: 9}))
    expect(isFiniteArray(out)).toBe(true)
    // The synthetic label is centred near 50: standardisation is undone at prediction.
    expect(out.reduce((a, b) => a + b, 0) / 10).toBeGreaterThan(20)
    model.dispose()
  })
})

describe('custom layers', () => {
  it('masked attention and pooling stay finite when every optional token is masked, and ignore masked tokens', async () => {
    const tf = await loadTf()
    const L = fusionLayers(tf)
    const attention = new L.MaskedAttention({heads: 2, seed: 1})
    const pool = new L.MaskedMeanPool({})
    const tokens = tf.randomNormal([3, 3, 8], 0, 1, 'float32', 1)
    // Row 0: one token present; row 1: none present (never happens in use, must still be finite); row 2: all.
    const mask = tf.tensor2d([
      [1, 0, 0],
      [0, 0, 0],
      [1, 1, 1],
    ])
    const attended = attention.apply([tokens, mask]) as import('@tensorflow/tfjs').Tensor
    const pooled = pool.apply([attended, mask]) as import('@tensorflow/tfjs').Tensor
    expect(pooled.shape).toEqual([3, 8])
    const values = (await pooled.data()) as Float32Array
    expect(isFiniteArray(values)).toBe(true)
    // Changing a masked token does not change the output of a row.
    const changed = tf.tidy(() =>
      tokens.add(
        tf
          .tensor3d([
            [[0], [100], [100]],
            [[0], [0], [0]],
            [[0], [0], [0]],
          ])
          .tile([1, 1, 8]),
      ),
    )
    const pooled2 = pool.apply([attention.apply([changed, mask]) as import('@tensorflow/tfjs').Tensor, mask]) as import('@tensorflow/tfjs').Tensor
    const v2 = (await pooled2.data()) as Float32Array
    for (let i = 0; i < 8; i++) expect(v2[i]).toBeCloseTo(values[i], 4)
    // An all-masked row pools to zeros.
    expect(Array.from(values.slice(8, 16)).every((v) => v === 0)).toBe(true)
    tf.dispose([tokens, mask, attended, pooled, changed, pooled2])
  })

  it('presence-weighted mean skips absent modalities', async () => {
    const tf = await loadTf()
    const L = fusionLayers(tf)
    const layer = new L.PresenceWeightedMean({})
    const outs = tf.tensor3d([[[1], [5], [9]]])
    const r1 = layer.apply([outs, tf.tensor2d([[1, 0, 0]])]) as import('@tensorflow/tfjs').Tensor
    const r2 = layer.apply([outs, tf.tensor2d([[1, 0, 1]])]) as import('@tensorflow/tfjs').Tensor
    expect((await r1.data())[0]).toBeCloseTo(1, 5)
    expect((await r2.data())[0]).toBeCloseTo(5, 5) // equal initial weights: mean of 1 and 9
  })
})

describe('backend selection', () => {
  it('uses wasm when tfjs-node is not installed', async () => {
    // tfjs-node cannot install on this machine (its install script downloads libtensorflow).
    expect(await initBackend({quiet: true})).toBe('wasm')
    expect((await loadTf()).getBackend()).toBe('wasm')
  })

  it('honours FUSEPLAN_BACKEND and prints the choice once', () => {
    const script = `import('./dist/templates/project/src/backend.js').then(async (b) => { const n = await b.initBackend(); await b.initBackend(); console.log(n) })`
    for (const [wanted, expected] of [
      ['cpu', 'cpu'],
      ['wasm', 'wasm'],
      ['tensorflow', 'wasm'],
    ] as const) {
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: path.resolve(import.meta.dirname, '../..'),
        env: {...process.env, FUSEPLAN_BACKEND: wanted},
        encoding: 'utf8',
      })
      expect(run.status).toBe(0)
      expect(run.stdout.trim()).toBe(expected)
      expect(run.stderr.match(/tfjs backend: /g)).toHaveLength(1)
      expect(run.stderr).toContain(`tfjs backend: ${expected}`)
    }
  })
})
