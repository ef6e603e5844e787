// The project's own tests: the configured strategy trains, predicts with each modality absent,
// and round-trips through save/load. Inputs are scaled down so the suite runs in seconds.
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {after, before, describe, it} from 'node:test'
import {initBackend} from '../src/backend.js'
import {loadTrainingConfig, scaleInputs, type TrainingConfig} from '../src/config.js'
import {createWorld, type SyntheticWorld} from '../src/data/synthetic.js'
import {chance, score} from '../src/metrics.js'
import {createModel, loadModel, type FusionModel} from '../src/model/index.js'

const config: TrainingConfig = scaleInputs(loadTrainingConfig('fuseplan.training.yaml'), 32)
const names = config.modalities.map((m) => m.name)
const classes = config.task.classes ?? 2
const outputs = config.task.type === 'multiclass' ? classes : 1

describe(`${config.strategy} fusion model`, () => {
  let world: SyntheticWorld
  let model: FusionModel
  let dir: string

  before(async () => {
    await initBackend({quiet: true})
    world = createWorld(config, 1)
    model = await createModel(config)
    dir = mkdtempSync(path.join(tmpdir(), 'fusion-model-'))
  })
  after(() => {
    model.dispose()
    rmSync(dir, {recursive: true, force: true})
  })

  it('trains above chance on synthetic data', async () => {
    const train = world.sample(1500, {population: 'training', seed: 2})
    const result = await model.fit(train, {epochs: 8, batchSize: 64, seed: 3})
    assert.equal(result.loss.length, 8)
    assert.ok(result.loss.every(Number.isFinite))
    const all = Object.fromEntries(names.map((n) => [n, 1]))
    const test = world.sample(800, {population: 'deployment', seed: 4, presence: all})
    const m = score(config.task.metric, config.task.type, test.labels, await model.predict(test), classes)
    const base = chance(config.task.metric, config.task.type, test.labels, classes)
    const better = config.task.type === 'regression' ? m < base : m > base + 0.05
    assert.ok(better, `${config.task.metric} ${m} vs chance ${base}`)
  })

  for (const name of names) {
    it(`predicts without NaN when ${name} is absent`, async () => {
      const others = Object.fromEntries(names.map((n) => [n, 1]))
      const data = world.sample(64, {population: 'deployment', seed: 5, presence: {...others, [name]: 0}})
      if (names.length > 1) assert.ok(Array.from(data.modalities[name].present).every((p) => p === 0))
      const out = await model.predict(data)
      assert.equal(out.length, data.n * outputs)
      assert.ok(out.every(Number.isFinite))
    })
  }

  it('predicts with every optional modality absent', async () => {
    const optional = config.modalities.filter((m) => !m.required).map((m) => m.name)
    const data = world.sample(32, {population: 'deployment', seed: 6, presence: Object.fromEntries(optional.map((n) => [n, 0]))})
    const out = await model.predict(data)
    assert.ok(out.every(Number.isFinite))
  })

  it('gives identical predictions after save and load', async () => {
    const data = world.sample(100, {population: 'deployment', seed: 7})
    const before = await model.predict(data)
    await model.save(dir)
    const loaded = await loadModel(dir)
    const after = await loaded.predict(data)
    loaded.dispose()
    assert.deepEqual(Array.from(after), Array.from(before))
  })
})
