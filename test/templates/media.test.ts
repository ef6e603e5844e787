// Data in the shape of the modality: images from PNG and JPEG files (pure JavaScript decoders),
// sequences as arrays shorter than T, the synthetic world's spatial and temporal structure, and the
// plain-words warnings of `train` and `evaluate`. No tfjs here.
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import type {ModalityConfig, TrainingConfig} from '../../templates/project/src/config.js'
import {createWorld} from '../../dist/templates/project/src/data/synthetic.js'
import {jsonlLines, parseJsonl} from '../../dist/templates/project/src/data/loader.js'
import {encodeJpeg} from '../../dist/templates/project/src/data/images.js'
import {atChance, learningWarnings, overfitted} from '../../dist/templates/project/src/diagnose.js'
import {tinyConfig} from './fixtures.js'

const dir = mkdtempSync(path.join(tmpdir(), 'fuseplan-media-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const require = createRequire(import.meta.url)

function config(): TrainingConfig {
  const base = tinyConfig('intermediate')
  const m = (over: Partial<ModalityConfig>): ModalityConfig => ({...base.modalities[0], required: false, ...over})
  return {
    ...base,
    modalities: [
      base.modalities[0],
      m({name: 'cxr', type: 'image', inputShape: [8, 8, 1], inputSize: 64, encoder: {kind: 'conv2d', embedding: 8, resize: [4, 4]}}),
      m({name: 'genomics', type: 'timeseries', inputShape: [6, 2], inputSize: 12, encoder: {kind: 'conv1d', embedding: 8}, timing: 'continuous'}),
    ],
  }
}

describe('images and sequences in the data files', () => {
  it('reads PNG and JPEG files relative to the data file, resized to the encoder input', () => {
    const {PNG} = require('pngjs') as {PNG: {sync: {write(p: {width: number; height: number; data: Buffer}): Buffer}}}
    mkdirSync(path.join(dir, 'img'), {recursive: true})
    // 8x8 grey PNG: left half 0, right half 200. 2x2 area means keep that split.
    const rgba = Buffer.alloc(8 * 8 * 4)
    for (let p = 0; p < 64; p++) rgba.fill(p % 8 < 4 ? 0 : 200, p * 4, p * 4 + 3).writeUInt8(255, p * 4 + 3)
    writeFileSync(path.join(dir, 'img', 'a.png'), PNG.sync.write({width: 8, height: 8, data: rgba}))
    // 16x16 JPEG of a flat 120: any size is accepted.
    writeFileSync(path.join(dir, 'img', 'b.jpg'), encodeJpeg(new Float32Array(256).fill(120), 0, 16, 16, 1, 95))
    const ehr = Array.from({length: 12}, (_, i) => i)
    const text = [
      JSON.stringify({
        label: 1,
        inputs: {
          ehr,
          cxr: 'img/a.png',
          genomics: [
            [1, 2],
            [3, 4],
          ],
        },
      }),
      JSON.stringify({label: 0, inputs: {ehr, cxr: 'img/b.jpg', genomics: null}}),
    ].join('\n')
    const data = parseJsonl(config(), text, path.join(dir, 'train.jsonl'))
    expect(data.modalities.cxr.size).toBe(16)
    expect(Array.from(data.modalities.cxr.values.subarray(0, 4))).toEqual([0, 0, 200, 200])
    for (const v of data.modalities.cxr.values.subarray(16, 32)) expect(Math.abs(v - 120)).toBeLessThan(3)
    expect(Array.from(data.modalities.genomics.steps as Uint32Array)).toEqual([2, 0])
    expect(Array.from(data.modalities.genomics.values.subarray(0, 6))).toEqual([1, 2, 3, 4, 0, 0])
    expect(() => parseJsonl(config(), JSON.stringify({label: 1, inputs: {cxr: 'img/missing.png'}}), path.join(dir, 'x.jsonl'))).toThrow(/x\.jsonl:1: modality cxr: image "img\/missing\.png" not found/)
    expect(() => parseJsonl(config(), JSON.stringify({label: 1, inputs: {genomics: [[1, 2, 3]]}}), path.join(dir, 'x.jsonl'))).toThrow(/up to 6 steps of 2/)
  })

  it('writes synthetic images as JPEG files that read back, and sequences trimmed to their steps', () => {
    const c = config()
    const data = createWorld(c, 3).sample(20, {population: 'deployment', seed: 1, presence: {cxr: 1, genomics: 1}})
    const lines = jsonlLines(c, data, {dir: path.join(dir, 'data', 'images'), base: path.join(dir, 'data'), prefix: 't-'})
    const first = JSON.parse(lines[0]) as {inputs: {cxr: string; genomics: number[][]}}
    expect(first.inputs.cxr).toMatch(/^images\/t-0-cxr\.jpg$/)
    const back = parseJsonl(c, lines.join('\n'), path.join(dir, 'data', 'test.jsonl'))
    expect(Array.from(back.modalities.genomics.steps as Uint32Array)).toEqual(Array.from(data.modalities.genomics.steps as Uint32Array))
    expect(back.modalities.cxr.size).toBe(16)
  })
})

describe('synthetic structure', () => {
  it('images carry a blob (centre brighter or darker than the border), sequences oscillate over time', () => {
    const c = config()
    c.modalities[1] = {...c.modalities[1], inputShape: [32, 32, 1], inputSize: 1024, encoder: {kind: 'conv2d', embedding: 8, resize: [32, 32]}}
    c.modalities[2] = {...c.modalities[2], inputShape: [64, 1], inputSize: 64}
    const data = createWorld(c, 1).sample(50, {population: 'deployment', seed: 2, presence: {cxr: 1, genomics: 1}})
    // Neighbouring pixels and steps are correlated (structure), unlike independent features.
    const lag1 = (v: Float32Array, stride: number, len: number, n: number) => {
      let num = 0
      let den = 0
      for (let i = 0; i < n; i++) {
        const row = v.subarray(i * len, (i + 1) * len)
        const mean = row.reduce((a, b) => a + b, 0) / len
        for (let j = 0; j + stride < len; j++) num += (row[j] - mean) * (row[j + stride] - mean)
        for (let j = 0; j < len; j++) den += (row[j] - mean) ** 2
      }
      return num / den
    }
    expect(lag1(data.modalities.cxr.values, 32, 1024, 50)).toBeGreaterThan(0.3)
    expect(lag1(data.modalities.genomics.values, 1, 64, 50)).toBeGreaterThan(0.3)
  })
})

describe('warnings when the model has not learned', () => {
  it('flags a metric at or below chance', () => {
    expect(atChance('auroc', 0.44, 0.5)).toBe(true)
    expect(atChance('auroc', 0.81, 0.5)).toBe(false)
    expect(atChance('rmse', 10.1, 10)).toBe(true)
    expect(atChance('rmse', 6, 10)).toBe(false)
    const [w] = learningWarnings({metric: 'auroc', task: 'binary', value: 0.435, chance: 0.5, on: 'data/test.jsonl'})
    expect(w).toMatch(/has not learned: auroc 0\.435 on data\/test\.jsonl is at or below chance \(0\.500\)/)
  })

  it('flags training loss collapsing while validation loss rises', () => {
    const collapse = {loss: [0.69, 0.3, 0.05, 0.01, 0.0], valLoss: [2.47, 2.6, 3.0, 3.3, 3.59], bestEpoch: 0}
    expect(overfitted(collapse)).toBe(true)
    expect(overfitted({loss: [0.69, 0.6, 0.55, 0.5], valLoss: [0.68, 0.6, 0.57, 0.56], bestEpoch: 3})).toBe(false)
    const warnings = learningWarnings({metric: 'auroc', task: 'binary', value: 0.9, chance: 0.5, history: collapse})
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/memorises/)
  })
})
