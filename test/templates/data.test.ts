// Synthetic world, masking plan, data loader and metrics of the generated project (no tfjs here).
import {describe, expect, it} from 'vitest'
import {scaleInputs, scaleShape, parseTrainingConfig, type TrainingConfig} from '../../dist/templates/project/src/config.js'
import {createWorld} from '../../dist/templates/project/src/data/synthetic.js'
import {parseJsonl} from '../../dist/templates/project/src/data/loader.js'
import {dropAtRate, rowsWithPattern, withoutModality} from '../../dist/templates/project/src/data/ops.js'
import {ModalityDropout, scheduleFor} from '../../dist/templates/project/src/model/masking.js'
import {auroc, score} from '../../dist/templates/project/src/metrics.js'
import {Rng} from '../../dist/templates/project/src/random.js'
import {tinyConfig} from './fixtures.js'

const share = (p: Uint8Array) => p.reduce((a, b) => a + b, 0) / p.length

describe('synthetic world', () => {
  const config = tinyConfig('late')

  it('is deterministic for a seed and differs across seeds', () => {
    const a = createWorld(config, 5).sample(50, {population: 'deployment', seed: 1})
    const b = createWorld(config, 5).sample(50, {population: 'deployment', seed: 1})
    const c = createWorld(config, 6).sample(50, {population: 'deployment', seed: 1})
    expect(Array.from(a.modalities.ehr.values)).toEqual(Array.from(b.modalities.ehr.values))
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels))
    expect(Array.from(a.modalities.ehr.values)).not.toEqual(Array.from(c.modalities.ehr.values))
  })

  it('follows deployment availability, keeps required modalities and never leaves a sample empty', () => {
    const data = createWorld(config, 1).sample(6000, {population: 'deployment', seed: 2})
    expect(share(data.modalities.ehr.present)).toBe(1)
    expect(share(data.modalities.cxr.present)).toBeCloseTo(0.4, 1)
    expect(share(data.modalities.genomics.present)).toBeCloseTo(0.3, 1)
  })

  it('puts features on non-centred scales and zeros in absent rows', () => {
    const data = createWorld(config, 1).sample(500, {population: 'deployment', seed: 3})
    const ehr = data.modalities.ehr.values
    const mean = ehr.reduce((a, b) => a + b, 0) / ehr.length
    expect(mean).toBeGreaterThan(10)
    const cxr = data.modalities.cxr
    for (let r = 0; r < data.n; r++) if (!cxr.present[r]) expect(cxr.values.subarray(r * 16, r * 16 + 16).every((v) => v === 0)).toBe(true)
  })

  it('training population follows cohorts: sizes, modalities and per-cohort availability', () => {
    const cfg = tinyConfig('late', {
      cohorts: [
        {name: 'general', size: 3000, labelled: true, modalities: ['ehr'], availability: {ehr: 1}},
        {name: 'enrolled', size: 1000, labelled: true, modalities: ['ehr', 'cxr', 'genomics'], availability: {ehr: 1, cxr: 0.5, genomics: 1}},
      ],
    })
    const data = createWorld(cfg, 1).sample(8000, {population: 'training', seed: 4})
    const enrolled = (data.cohort ?? []).map((c) => c === 'enrolled')
    expect(enrolled.filter(Boolean).length / data.n).toBeCloseTo(0.25, 1)
    let gen = 0
    let cxr = 0
    data.cohort?.forEach((c, r) => {
      if (c === 'general') expect(data.modalities.genomics.present[r] + data.modalities.cxr.present[r]).toBe(0)
      else {
        gen += data.modalities.genomics.present[r]
        cxr += data.modalities.cxr.present[r]
      }
    })
    const nEnrolled = enrolled.filter(Boolean).length
    expect(gen / nEnrolled).toBe(1)
    expect(cxr / nEnrolled).toBeCloseTo(0.5, 1)
  })

  it('uses deployment patterns when given, and presence overrides them', () => {
    const cfg = tinyConfig('late', {
      patterns: [
        {present: ['ehr'], share: 0.7},
        {present: ['ehr', 'cxr', 'genomics'], share: 0.3},
      ],
    })
    const data = createWorld(cfg, 1).sample(4000, {population: 'deployment', seed: 5})
    const full = rowsWithPattern(data, ['ehr', 'cxr', 'genomics'], ['ehr', 'cxr', 'genomics']).length / data.n
    expect(full).toBeCloseTo(0.3, 1)
    expect(rowsWithPattern(data, ['ehr', 'cxr', 'genomics'], ['ehr', 'cxr']).length).toBe(0)
    const swept = createWorld(cfg, 1).sample(2000, {population: 'deployment', seed: 5, presence: {cxr: 0.1, genomics: 0.9}})
    expect(share(swept.modalities.cxr.present)).toBeCloseTo(0.1, 1)
    expect(share(swept.modalities.genomics.present)).toBeCloseTo(0.9, 1)
  })

  it('informative missingness ties presence to the outcome at the same availability; by-design makes modalities co-present', () => {
    const base = tinyConfig('late')
    const cfg: TrainingConfig = {
      ...base,
      modalities: base.modalities.map((m) => (m.name === 'cxr' ? {...m, missingness: 'informative' as const} : {...m, missingness: 'by-design' as const})),
    }
    const data = createWorld(cfg, 1).sample(8000, {population: 'deployment', seed: 6})
    const cxr = data.modalities.cxr.present
    expect(share(cxr)).toBeCloseTo(0.4, 1)
    let pos = 0
    let posPresent = 0
    let neg = 0
    let negPresent = 0
    for (let r = 0; r < data.n; r++) {
      if (data.labels[r] === 1) {
        pos++
        posPresent += cxr[r]
      } else {
        neg++
        negPresent += cxr[r]
      }
    }
    expect(posPresent / pos - negPresent / neg).toBeGreaterThan(0.1)
    // genomics (0.3) is by-design like ehr (1.0, required): enrolment is shared, genomics rows are nested.
    expect(share(data.modalities.genomics.present)).toBeCloseTo(0.3, 1)
  })

  it('gives a label that needs several modalities and their interaction', () => {
    const world = createWorld(tinyConfig('late'), 1)
    expect(world.truth.interaction).toEqual(['ehr', 'cxr'])
    expect(Object.keys(world.truth.specific)).toEqual(['ehr', 'cxr', 'genomics'])
  })
})

describe('modality dropout (masking plan)', () => {
  const config = tinyConfig('intermediate')

  it('does nothing during warm-up, then ramps up linearly', () => {
    const d = new ModalityDropout(config, config.masking, new Rng(1), {warmup: 2, ramp: 4})
    expect([0, 1, 2, 3, 4, 5, 9].map((e) => d.strength(e))).toEqual([0, 0, 0.25, 0.5, 0.75, 1, 1])
    const presence = new Uint8Array(300).fill(1)
    expect(Array.from(d.apply(presence.slice(), 0))).toEqual(Array.from(presence))
  })

  it('drops at the planned rate, never the required one and never every present modality', () => {
    const d = new ModalityDropout(config, config.masking, new Rng(2), {warmup: 0, ramp: 0})
    const rows = 20000
    const masked = d.apply(new Uint8Array(rows * 3).fill(1), 0)
    let cxr = 0
    for (let r = 0; r < rows; r++) {
      expect(masked[r * 3]).toBe(1) // ehr is required
      cxr += masked[r * 3 + 1]
    }
    expect(cxr / rows).toBeCloseTo(0.7, 1)
    // Only optional modalities present: masking may drop one but restores one if it drops both.
    const cfg = tinyConfig('intermediate', {masking: {...config.masking, modalities: config.masking.modalities.map((m) => ({...m, dropProbability: 0.9}))}})
    const d2 = new ModalityDropout(cfg, cfg.masking, new Rng(3), {warmup: 0, ramp: 0})
    const only = new Uint8Array(3000)
    for (let r = 0; r < 1000; r++) only.set([0, 1, 1], r * 3)
    const out = d2.apply(only, 0)
    for (let r = 0; r < 1000; r++) expect(out[r * 3 + 1] + out[r * 3 + 2]).toBeGreaterThanOrEqual(1)
  })

  it('samples target patterns in patterns mode', () => {
    const cfg = tinyConfig('intermediate')
    cfg.masking = {...cfg.masking, mode: 'patterns', patterns: [{present: ['ehr'], share: 1}]}
    const d = new ModalityDropout(cfg, cfg.masking, new Rng(4), {warmup: 0, ramp: 0})
    const out = d.apply(new Uint8Array(300).fill(1), 0)
    expect(Array.from(out)).toEqual(Array.from({length: 300}, (_, i) => (i % 3 === 0 ? 1 : 0)))
  })

  it('scales warm-up and ramp to shorter runs', () => {
    const cfg = tinyConfig('intermediate', {training: {epochs: 20, batchSize: 32, learningRate: 0.01, seed: 1}})
    cfg.masking = {...cfg.masking, warmupEpochs: 4, rampEpochs: 8}
    expect(scheduleFor(cfg, 20)).toEqual({warmup: 4, ramp: 8})
    expect(scheduleFor(cfg, 5)).toEqual({warmup: 1, ramp: 2})
  })
})

describe('data loader and dataset operations', () => {
  const config = tinyConfig('late')
  const ehr = Array.from({length: 12}, (_, i) => i + 50)

  it('reads null and missing modalities as absent, nested arrays flattened', () => {
    const cfg = tinyConfig('late')
    cfg.modalities[1] = {...cfg.modalities[1], inputShape: [4, 4], inputSize: 16}
    const image = Array.from({length: 4}, (_, r) => Array.from({length: 4}, (_, c) => r * 4 + c))
    const text = [
      `{"label": 1, "inputs": {"ehr": ${JSON.stringify(ehr)}, "cxr": null}}`,
      '# comment',
      `{"label": 0, "cohort": "x", "inputs": {"ehr": ${JSON.stringify(ehr)}, "cxr": ${JSON.stringify(image)}}}`,
    ].join('\n')
    const data = parseJsonl(cfg, text, 'f.jsonl')
    expect(data.n).toBe(2)
    expect(Array.from(data.modalities.cxr.present)).toEqual([0, 1])
    expect(Array.from(data.modalities.genomics.present)).toEqual([0, 0])
    expect(data.modalities.cxr.values[16 + 5]).toBe(5)
  })

  it('points at the line of a bad sample', () => {
    expect(() => parseJsonl(config, `\n{"label": 1, "inputs": {"ehr": [1, 2]}}`, 'f.jsonl')).toThrow(/^f\.jsonl:2: modality ehr has 2 values, expected 12/)
    expect(() => parseJsonl(config, `{"label": 3, "inputs": {}}`, 'f.jsonl')).toThrow(/f\.jsonl:1: a binary label is 0 or 1/)
    expect(() => parseJsonl(config, `{"label": 1, "inputs": {"__proto__": [1]}}`, 'f.jsonl')).toThrow(/unknown modality/)
    expect(() => parseJsonl(config, `{"label": 1,`, 'f.jsonl')).toThrow(/f\.jsonl:1: not valid JSON/)
  })

  it('removes modalities for ablations and sweeps without touching the input', () => {
    const data = createWorld(config, 1).sample(1000, {population: 'deployment', seed: 1, presence: {cxr: 1, genomics: 1}})
    const without = withoutModality(data, 'cxr')
    expect(share(without.modalities.cxr.present)).toBe(0)
    expect(share(data.modalities.cxr.present)).toBe(1)
    const half = dropAtRate(data, ['cxr', 'genomics'], 0.5, 3)
    expect(share(half.modalities.cxr.present)).toBeCloseTo(0.5, 1)
    expect(share(half.modalities.ehr.present)).toBe(1)
  })
})

describe('metrics and config helpers', () => {
  it('AUROC handles ties and perfect ranking', () => {
    expect(auroc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1)
    expect(auroc([0, 1], [0.5, 0.5])).toBe(0.5)
    expect(auroc([0, 1, 0, 1], [0.1, 0.4, 0.5, 0.8])).toBe(0.75)
    expect(score('rmse', 'regression', [1, 2], [1, 4])).toBeCloseTo(Math.sqrt(2))
  })

  it('scales large inputs down keeping their rank', () => {
    expect(scaleShape([224, 224, 1], 64)).toEqual([8, 8, 1])
    expect(scaleShape([120], 64)).toEqual([64])
    const scaled = scaleInputs(tinyConfig('late'), 10)
    expect(scaled.modalities.map((m) => [m.inputSize, m.scaledFrom])).toEqual([
      [10, 12],
      [10, 16],
      [10, undefined],
    ])
  })

  it('parseTrainingConfig names the broken field', () => {
    expect(() => parseTrainingConfig('apiVersion: fuseplan/v1\nkind: TrainingConfig\nname: x\nstrategy: magic\n')).toThrow(/strategy: expected one of early/)
    expect(() => parseTrainingConfig('a: [')).toThrow(/not valid YAML/)
  })
})

describe('robustness sweep removal', () => {
  it('never removes the last present modality of a row', () => {
    const config = tinyConfig('late')
    const data = createWorld(config, 1).sample(500, {population: 'deployment', seed: 11, presence: {ehr: 1, cxr: 1, genomics: 1}})
    const gone = dropAtRate(data, ['ehr', 'cxr', 'genomics'], 1, 4)
    for (let r = 0; r < gone.n; r++) expect(gone.modalities.ehr.present[r] + gone.modalities.cxr.present[r] + gone.modalities.genomics.present[r]).toBe(1)
  })
})
