// The simulation's statistics: what evaluate trains and tests on must look like the profile.
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {completeCaseRows, imposePattern, meanImpute, observedAvailability, observedPatterns, sweepDataset, zeroOffsetSd} from '../../src/evaluate/simulate.js'
import {removeWhere, subset} from '../../templates/project/src/data/ops.js'
import {reportPatterns, simulationConfig} from '../../src/evaluate/run.js'
import {loadProfile} from '../../src/profile/load.js'
import type {Profile} from '../../src/profile/types.js'
import {createSimulatedWorld} from '../../src/evaluate/world.js'
import type {Dataset} from '../../templates/project/src/dataset.js'

function example(name: string): Profile {
  const {profile} = loadProfile(new URL(`../../examples/${name}.yaml`, import.meta.url).pathname)
  if (!profile) throw new Error(`cannot load ${name}`)
  return profile
}

function world(profile: Profile) {
  const decision = decide(profile)
  const w = createSimulatedWorld(profile, {seed: 11, maxWidth: 8})
  const config = simulationConfig(profile, decision, w)
  return {decision, config, world: w}
}

const N = 10_000
const TOL = 0.025

describe('simulated data follow the profile', () => {
  it('ICU: training availability from the cohorts, deployment availability from the profile', () => {
    const profile = example('icu-deterioration')
    const {config, world: w} = world(profile)
    const train = observedAvailability(w.sample(N, {population: 'training', seed: 1}))
    const deploy = observedAvailability(w.sample(N, {population: 'deployment', seed: 2}))
    // cohorts: icu 16500 (cxr 0.26), enrolled 1500 (cxr 0.4, genomics 1) -> cxr 0.2717, genomics 0.0833
    expect(train.ehr).toBe(1)
    expect(train.cxr).toBeCloseTo((16500 * 0.26 + 1500 * 0.4) / 18000, 1)
    expect(Math.abs(train.cxr - (16500 * 0.26 + 1500 * 0.4) / 18000)).toBeLessThan(TOL)
    expect(Math.abs(train.genomics - 1500 / 18000)).toBeLessThan(TOL)
    for (const m of config.modalities) expect(Math.abs(deploy[m.name] - m.availability), m.name).toBeLessThan(TOL)
  })

  it('fraud: deployment presence patterns have the profile shares', () => {
    const profile = example('fraud-realtime')
    const {world: w} = world(profile)
    const shares = observedPatterns(w.sample(N, {population: 'deployment', seed: 3}))
    const order = ['transaction', 'device', 'session_events', 'merchant_text']
    for (const p of profile.patterns ?? []) {
      const key = order.filter((n) => p.present.includes(n)).join('+')
      expect(Math.abs((shares.get(key) ?? 0) - p.share), key).toBeLessThan(TOL)
    }
  })

  it("the reported patterns are the decision plan's (share >= 1%)", () => {
    const profile = example('icu-deterioration')
    const pats = reportPatterns(profile, decide(profile))
    expect(pats.every((p) => p.share >= 0.01)).toBe(true)
    expect(pats.map((p) => p.present.join('+'))).toContain('ehr')
    expect(pats.reduce((s, p) => s + p.share, 0)).toBeGreaterThan(0.98)
  })

  it('features are on non-centred scales: a zero lies several SDs from the mean', () => {
    const {world: w} = world(example('icu-deterioration'))
    const train = w.sample(2000, {population: 'training', seed: 4})
    expect(zeroOffsetSd(train, 'cxr')).toBeGreaterThan(2)
  })
})

function tiny(): Dataset {
  return {
    n: 4,
    modalities: {
      a: {size: 2, values: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), present: Uint8Array.from([1, 1, 1, 1])},
      b: {size: 1, values: Float32Array.from([9, 0, 11, 12]), present: Uint8Array.from([1, 0, 1, 1])},
    },
    labels: Float32Array.from([0, 1, 0, 1]),
  }
}

describe('dataset views', () => {
  it('masking zeroes absent rows and never revives an absent modality', () => {
    const d = removeWhere(tiny(), (i, name) => name === 'a' && i === 0)
    expect(Array.from(d.modalities.a.present)).toEqual([0, 1, 1, 1])
    expect(Array.from(d.modalities.a.values.slice(0, 2))).toEqual([0, 0])
    expect(Array.from(d.modalities.b.present)).toEqual([1, 0, 1, 1])
    expect(Array.from(tiny().modalities.a.present)).toEqual([1, 1, 1, 1])
  })

  it('patterns, complete cases and subsets', () => {
    expect(Array.from(imposePattern(tiny(), ['b']).modalities.a.present)).toEqual([0, 0, 0, 0])
    expect(completeCaseRows(tiny())).toEqual([0, 2, 3])
    const s = subset(tiny(), [3, 0])
    expect(Array.from(s.modalities.a.values)).toEqual([7, 8, 1, 2])
    expect(Array.from(s.labels)).toEqual([1, 0])
  })

  it('sequence step counts survive every view (the conv1d encoder masks padded steps by them)', () => {
    const seq = tiny()
    seq.modalities.a.steps = Uint32Array.from([1, 2, 2, 1])
    expect(Array.from(subset(seq, [3, 0]).modalities.a.steps ?? [])).toEqual([1, 1])
    expect(imposePattern(seq, ['a']).modalities.a.steps).toBeDefined()
    expect(sweepDataset(seq, 0.5, ['a'], 'b', 1).modalities.a.steps).toBeDefined()
    expect(meanImpute(seq, {a: [0, 0], b: [0, 0]}).modalities.a.steps).toBeDefined()
  })

  it('sweep: rate 0 keeps everything, rate 1 drops the swept modalities but keeps the anchor', () => {
    expect(Array.from(sweepDataset(tiny(), 0, ['b'], 'a', 1).modalities.b.present)).toEqual([1, 0, 1, 1])
    const all = sweepDataset(tiny(), 1, ['a', 'b'], 'a', 1)
    expect(Array.from(all.modalities.b.present)).toEqual([0, 0, 0, 0])
    expect(Array.from(all.modalities.a.present)).toEqual([1, 1, 1, 1])
    // same seed and rate, same draws
    const x = sweepDataset(tiny(), 0.5, ['a', 'b'], 'a', 9)
    const y = sweepDataset(tiny(), 0.5, ['a', 'b'], 'a', 9)
    expect(Array.from(x.modalities.b.present)).toEqual(Array.from(y.modalities.b.present))
  })
})
