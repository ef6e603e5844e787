// The JSON Lines loader, the synthetic generator and the training config.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {loadTrainingConfig, scaleInputs} from '../src/config.js'
import {parseJsonl, readJsonl} from '../src/data/loader.js'
import {createWorld} from '../src/data/synthetic.js'

// Inputs scaled down: the generator's statistics do not depend on the input sizes.
const config = scaleInputs(loadTrainingConfig('fuseplan.training.yaml'), 16)
const [first, ...rest] = config.modalities

function row(value: number): number[] {
  return new Array<number>(first.inputSize).fill(value)
}

describe('data', () => {
  it('reads absent modalities as null or missing keys', () => {
    const absent = Object.fromEntries(rest.map((m) => [m.name, null]))
    const text = [JSON.stringify({label: 0, inputs: {[first.name]: row(1), ...absent}}), '', JSON.stringify({label: 1, inputs: {[first.name]: row(2)}})].join('\n')
    const data = parseJsonl(config, text, 'mem')
    assert.equal(data.n, 2)
    assert.deepEqual(Array.from(data.modalities[first.name].present), [1, 1])
    for (const m of rest) assert.deepEqual(Array.from(data.modalities[m.name].present), [0, 0])
    assert.equal(data.modalities[first.name].values[first.inputSize], 2)
  })

  it('reports the line of a bad sample', () => {
    const text = `${JSON.stringify({label: 0, inputs: {[first.name]: [1]}})}\n`
    assert.throws(() => parseJsonl(config, text, 'mem'), /mem:1: modality/)
    assert.throws(() => parseJsonl(config, '{"label": 0, "inputs": {"nope": [1]}}', 'mem'), /unknown modality/)
  })

  it('with skipBad, keeps the usable samples and names the others by line and reason (what train and evaluate use)', () => {
    const text = [
      JSON.stringify({label: 0, inputs: {[first.name]: row(1)}}),
      '{"label": 1, "inputs": {',
      JSON.stringify({label: 1, inputs: {[first.name]: [1]}}),
      JSON.stringify({label: 1, inputs: {[first.name]: row(3)}}),
    ].join('\n')
    const loaded = readJsonl(config, 'mem', text, {skipBad: true})
    assert.equal(loaded.data.n, 2)
    assert.deepEqual(loaded.lines, [1, 4])
    assert.deepEqual(Array.from(loaded.data.labels), [0, 1])
    assert.deepEqual(
      loaded.skipped.listed.map((p) => [p.where, p.kind]),
      [
        ['mem:2', 'not valid JSON'],
        ['mem:3', 'wrong number of values'],
      ],
    )
  })

  it('generates the same data for the same seed', () => {
    const a = createWorld(config, 9).sample(20, {population: 'training', seed: 1})
    const b = createWorld(config, 9).sample(20, {population: 'training', seed: 1})
    assert.deepEqual(Array.from(a.labels), Array.from(b.labels))
    assert.deepEqual(Array.from(a.modalities[first.name].values), Array.from(b.modalities[first.name].values))
  })

  it('follows the deployment availability', () => {
    const data = createWorld(config, 9).sample(4000, {population: 'deployment', seed: 2})
    for (const m of config.modalities) {
      if (config.patterns) break
      const share = Array.from(data.modalities[m.name].present).reduce((a, b) => a + b, 0) / data.n
      const target = m.required ? 1 : m.availability
      assert.ok(Math.abs(share - target) < 0.05 || share >= target, `${m.name}: ${share} vs ${target}`)
    }
  })
})
