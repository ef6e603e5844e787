// The generated model's numbers, pinned: for a fixed seed, every strategy (and evaluate's two early
// fusion baselines) trains and predicts to the same bytes on the wasm backend as recorded in
// __golden__/predictions.json. A refactor of templates/project/src/model must leave them unchanged;
// a change that means to move them rewrites the file with FUSEPLAN_UPDATE_GOLDEN=1 and says why.
// The data is made here, not by the template's synthetic world, so that only the model code is pinned.
import {createHash} from 'node:crypto'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import type {ModalityConfig, Strategy, TrainingConfig} from '../../templates/project/src/config.js'
import type {Dataset} from '../../templates/project/src/dataset.js'
import {initBackend} from '../../dist/templates/project/src/backend.js'
import {createModel, type AbsentInputs} from '../../dist/templates/project/src/model/index.js'
import {subset} from '../../dist/templates/project/src/data/ops.js'
import {rawZeroFill} from '../../src/evaluate/candidates.js'
import {tinyConfig} from './fixtures.js'

const GOLDEN = join(import.meta.dirname, '__golden__', 'predictions.json')
const UPDATE = process.env.FUSEPLAN_UPDATE_GOLDEN === '1'

/** Every encoder kind: mlp, conv2d, conv1d and embedding1d, one modality each. */
function mixedConfig(strategy: Strategy): TrainingConfig {
  const base = tinyConfig(strategy)
  const m = (name: string, over: Partial<ModalityConfig>): ModalityConfig => ({
    name,
    type: 'tabular',
    inputShape: [6],
    inputSize: 6,
    encoder: {kind: 'mlp', embedding: 8, hidden: [8]},
    availability: 0.6,
    trainingAvailability: 0.6,
    missingness: 'random',
    timing: 'static',
    required: false,
    ...over,
  })
  const modalities = [
    m('ehr', {availability: 1, trainingAvailability: 1, required: true}),
    m('photo', {type: 'image', inputShape: [8, 8, 3], inputSize: 192, encoder: {kind: 'conv2d', embedding: 8, filters: [4], kernel: 3, resize: [8, 8], hidden: []}}),
    m('ecg', {type: 'timeseries', inputShape: [12, 2], inputSize: 24, encoder: {kind: 'conv1d', embedding: 8, filters: [4], kernel: 3, hidden: []}}),
    m('notes', {type: 'text', inputShape: [10, 1], inputSize: 10, encoder: {kind: 'embedding1d', embedding: 8, vocabulary: 50, tokenEmbedding: 4, filters: [4], kernel: 3, hidden: []}}),
  ]
  return {
    ...base,
    modalities,
    masking: {
      ...base.masking,
      modalities: modalities.map((x) => ({name: x.name, dropProbability: x.required ? 0 : 0.2, effectiveMissingRate: x.required ? 0 : 0.5})),
    },
    evaluation: {...base.evaluation, robustnessSweep: {missingRates: [0, 1], modalities: ['photo']}},
  }
}

/** A small deterministic dataset (a linear congruential generator, so no template code makes it). */
function dataset(config: TrainingConfig, n: number, seed: number): Dataset {
  let state = seed >>> 0
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state / 2 ** 32
  }
  const labels = Float32Array.from({length: n}, () => (next() < 0.4 ? 1 : 0))
  const modalities: Dataset['modalities'] = {}
  for (const m of config.modalities) {
    const present = Uint8Array.from({length: n}, () => (m.required || next() < m.availability ? 1 : 0))
    const values = new Float32Array(n * m.inputSize)
    const tokens = m.encoder.kind === 'embedding1d'
    for (let r = 0; r < n; r++) {
      if (!present[r]) continue
      for (let j = 0; j < m.inputSize; j++) values[r * m.inputSize + j] = tokens ? 1 + Math.floor(next() * 49) : next() - 0.5 + (j % 3 === 0 ? labels[r] : 0)
    }
    modalities[m.name] = {size: m.inputSize, values, present}
  }
  return {n, modalities, labels}
}

/** As shipped, then `evaluate`'s naive baseline (complete cases, raw zero fill) and early fusion without masking. */
const CASES: [Strategy, string, AbsentInputs | undefined, boolean][] = [
  ['early', 'default', undefined, false],
  ['intermediate', 'default', undefined, false],
  ['late', 'default', undefined, false],
  ['attention', 'default', undefined, false],
  ['early', 'complete-case', {fill: rawZeroFill, presenceInputs: false, masking: false}, true],
  ['early', 'indicators', {masking: false}, false],
]

async function fingerprint(strategy: Strategy, absentInputs?: AbsentInputs, completeCases = false): Promise<{sha256: string; first: number[]}> {
  const config = mixedConfig(strategy)
  const model = await createModel(config, {absentInputs, seed: 11})
  const train = dataset(config, 96, 1)
  const rows = Uint32Array.from({length: train.n}, (_, i) => i).filter((r) => !completeCases || config.modalities.every((m) => train.modalities[m.name].present[r] === 1))
  await model.fit(subset(train, rows), {epochs: 3, batchSize: 32, seed: 5})
  const out = await model.predict(dataset(config, 24, 2))
  model.dispose()
  return {
    sha256: createHash('sha256')
      .update(Buffer.from(out.buffer, out.byteOffset, out.byteLength))
      .digest('hex'),
    first: Array.from(out.subarray(0, 3)),
  }
}

describe('the model code gives the recorded predictions for a fixed seed (wasm backend)', () => {
  const golden = existsSync(GOLDEN) ? (JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, {sha256: string; first: number[]}>) : {}
  const seen: Record<string, {sha256: string; first: number[]}> = {}

  beforeAll(async () => {
    await initBackend({quiet: true, prefer: 'wasm', strict: true})
  })

  it.each(CASES)('%s (%s)', async (strategy, name, absentInputs, completeCases) => {
    const key = `${strategy}/${name}`
    seen[key] = await fingerprint(strategy, absentInputs, completeCases)
    if (UPDATE) {
      writeFileSync(GOLDEN, JSON.stringify({...golden, ...seen}, null, 2) + '\n')
      return
    }
    expect(golden[key], `${key} has no recorded predictions: run with FUSEPLAN_UPDATE_GOLDEN=1`).toBeDefined()
    expect(seen[key]).toEqual(golden[key])
  })

  it('the same seed twice gives the same bytes (the pin can hold)', async () => {
    expect(await fingerprint('attention')).toEqual(await fingerprint('attention'))
  })
})
