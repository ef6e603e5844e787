// The simulated deployment reads the facts the rules decide on, and nothing of the rules.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {createSimulatedWorld, signalFeatures, simulatedShapes, SIMULATION_LIMITS} from '../../src/evaluate/world.js'
import {loadProfile} from '../../src/profile/load.js'
import type {Profile} from '../../src/profile/types.js'

function load(path: string): Profile {
  const {profile} = loadProfile(new URL(`../../${path}`, import.meta.url).pathname)
  if (!profile) throw new Error(`cannot load ${path}`)
  return profile
}

const corr = (xs: number[], ys: number[]) => {
  const n = xs.length
  const mx = xs.reduce((a, v) => a + v, 0) / n
  const my = ys.reduce((a, v) => a + v, 0) / n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my)
    sxx += (xs[i] - mx) ** 2
    syy += (ys[i] - my) ** 2
  }
  return sxy / Math.sqrt(sxx * syy || 1)
}

describe('the simulated world follows the profile', () => {
  it("trains on the profile's labelled samples, up to a stated cap", () => {
    const small = load('test/fixtures/evaluate/scenarios/late-omics-small.yaml')
    expect(createSimulatedWorld(small, {seed: 1}).trainingSamples).toBe(600)
    expect(createSimulatedWorld(small, {seed: 1}).capped).toBe(false)
    const icu = load('examples/icu-deterioration.yaml')
    const w = createSimulatedWorld(icu, {seed: 1})
    expect(w.trainingSamples).toBe(SIMULATION_LIMITS.maxTrainingSamples)
    expect(w.capped).toBe(true)
    expect(createSimulatedWorld(icu, {seed: 1, trainingSamples: 900}).trainingSamples).toBe(900)
  })

  it('keeps modality widths in proportion (one common factor, floors for tiny ones) and shapes images and sequences', () => {
    const small = load('test/fixtures/evaluate/scenarios/late-omics-small.yaml')
    expect(simulatedShapes(small.modalities).map((s) => s.shape)).toEqual([[12], [400], [500], [400]])
    const icu = load('examples/icu-deterioration.yaml')
    const [ehr, cxr, genomics] = simulatedShapes(icu.modalities)
    expect(cxr.layout).toBe('image')
    expect(cxr.shape[0]).toBe(cxr.shape[1])
    expect(cxr.shape[2]).toBe(1)
    const size = (s: {shape: number[]}) => s.shape.reduce((a, v) => a * v, 1)
    expect(size(cxr)).toBeGreaterThan(size(genomics))
    expect(size(genomics)).toBeGreaterThan(size(ehr))
    const afib = load('examples/wearable-afib.yaml')
    const ecg = simulatedShapes(afib.modalities)[1]
    expect(ecg.layout).toBe('sequence')
    expect(ecg.shape[1]).toBe(2)
  })

  it('signal is sparse in wide modalities: a few directions among many noise features', () => {
    expect(signalFeatures(3)).toBe(3)
    expect(signalFeatures(12)).toBe(5)
    expect(signalFeatures(2000)).toBe(5)
  })

  it('interactions: weak is additive, strong weighs cross-modal products more than unknown', () => {
    const base = load('test/fixtures/evaluate/scenarios/intermediate-derm.yaml')
    const at = (interactions: 'weak' | 'unknown' | 'strong') => createSimulatedWorld({...base, task: {...base.task, interactions}}, {seed: 3}).truth.interactionWeight
    expect(at('weak')).toBe(0)
    expect(at('unknown')).toBeGreaterThan(0)
    expect(at('strong')).toBeGreaterThan(at('unknown'))
  })

  it('timing: two or more temporal streams carry an alignment signal, unless interactions are weak', () => {
    const streams = load('test/fixtures/evaluate/scenarios/attention-icu-streams.yaml')
    const w = createSimulatedWorld(streams, {seed: 3})
    expect(w.truth.temporal).toEqual(['monitor', 'ventilator', 'infusions'])
    expect(w.truth.temporalWeight).toBeGreaterThan(0)
    expect(createSimulatedWorld({...streams, task: {...streams.task, interactions: 'weak'}}, {seed: 3}).truth.temporalWeight).toBe(0)
    expect(createSimulatedWorld(load('test/fixtures/evaluate/scenarios/late-omics-small.yaml'), {seed: 3}).truth.temporalWeight).toBe(0)
  })

  it('images carry their signal in places; sequences are smooth in time', () => {
    const derm = load('test/fixtures/evaluate/scenarios/intermediate-derm.yaml')
    const w = createSimulatedWorld({...derm, task: {...derm.task, interactions: 'weak'}}, {seed: 5})
    const d = w.sample(3000, {population: 'deployment', seed: 9, presence: {photo: 1, dermoscopy: 1, metadata: 1}})
    const photo = d.modalities.photo
    const labels = Array.from(d.labels)
    const pixelCorr = Array.from({length: photo.size}, (_, j) =>
      Math.abs(
        corr(
          labels.map((_, i) => photo.values[i * photo.size + j]),
          labels,
        ),
      ),
    )
    pixelCorr.sort((a, b) => a - b)
    // Some pixels (the signal's place) correlate with the outcome far more than the typical pixel.
    expect(pixelCorr.at(-1) as number).toBeGreaterThan(4 * pixelCorr[Math.floor(pixelCorr.length / 2)])

    const streams = load('test/fixtures/evaluate/scenarios/attention-icu-streams.yaml')
    const s = createSimulatedWorld(streams, {seed: 5}).sample(200, {population: 'deployment', seed: 2})
    const monitor = s.modalities.monitor
    const [t, c] = [monitor.size / 4, 4]
    const a: number[] = []
    const b: number[] = []
    for (let i = 0; i < 200; i++)
      for (let step = 0; step + 1 < t; step++) {
        a.push(monitor.values[i * monitor.size + step * c + 2])
        b.push(monitor.values[i * monitor.size + (step + 1) * c + 2])
      }
    expect(corr(a, b)).toBeGreaterThan(0.4)
  })

  it('informative missingness ties presence to the outcome at the stated availability', () => {
    const sepsis = load('test/fixtures/evaluate/scenarios/informative-sepsis.yaml')
    const d = createSimulatedWorld(sepsis, {seed: 2}).sample(20_000, {population: 'deployment', seed: 4})
    const lactate = d.modalities.lactate.present
    let p1 = 0
    let n1 = 0
    let p0 = 0
    let n0 = 0
    for (let i = 0; i < d.n; i++) {
      if (d.labels[i] === 1) {
        n1++
        p1 += lactate[i]
      } else {
        n0++
        p0 += lactate[i]
      }
    }
    expect(p1 / n1).toBeGreaterThan(p0 / n0 + 0.1)
    expect(Math.abs((p1 + p0) / d.n - 0.3)).toBeLessThan(0.03)
  })

  it('never reads the rules or the recommendation', () => {
    const source = readFileSync(new URL('../../src/evaluate/world.ts', import.meta.url), 'utf8')
    const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1])
    expect(imports.filter((i) => /engine|decision|rules|facts/.test(i))).toEqual([])
  })
})
