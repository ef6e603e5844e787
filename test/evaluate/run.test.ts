// Orchestration without tfjs: a stand-in model code so the pipeline (simulation, views, metrics,
// robustness, verdict, formatters) is checked quickly. The real model code runs in evaluate-command.test.ts.
import {describe, expect, it} from 'vitest'
import {parseCandidates} from '../../src/evaluate/candidates.js'
import {runEvaluation, type FusionModelLike, type ModelCode} from '../../src/evaluate/run.js'
import type {EvaluationResult, ProgressEvent} from '../../src/evaluate/types.js'
import {formatSweepChart} from '../../src/formatters/evaluation/chart.js'
import {formatEvaluationHtml} from '../../src/formatters/evaluation/html.js'
import {formatEvaluationJson} from '../../src/formatters/evaluation/json.js'
import {formatEvaluationTable} from '../../src/formatters/evaluation/table.js'
import {loadProfile} from '../../src/profile/load.js'
import type {Profile} from '../../src/profile/types.js'
import type {Dataset} from '../../templates/project/src/dataset.js'

function example(name: string): Profile {
  const {profile} = loadProfile(new URL(`../../examples/${name}.yaml`, import.meta.url).pathname)
  if (!profile) throw new Error(name)
  return profile
}

/** Scores each sample by the mean of the present modalities' first feature, standardised by training stats; strategy-specific weight. */
const fakeCode: ModelCode = {
  backend: 'fake',
  createModel(_config, opts) {
    let stats: Record<string, {mean: number; sd: number}> = {}
    const model: FusionModelLike = {
      async fit(train: Dataset, o) {
        stats = {}
        for (const [name, b] of Object.entries(train.modalities)) {
          const xs: number[] = []
          for (let i = 0; i < train.n; i++) if (b.present[i]) xs.push(b.values[i * b.size])
          const mean = xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.length)
          const sd = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, xs.length)) || 1
          stats[name] = {mean, sd}
        }
        for (let e = 0; e < o.epochs; e++) o.onEpoch?.(e, {loss: 1})
        return {loss: []}
      },
      async predict(data: Dataset) {
        const out = new Float32Array(data.n)
        const zeroFill = opts.absentInputs?.fill !== undefined
        for (let i = 0; i < data.n; i++) {
          let s = 0
          for (const [name, b] of Object.entries(data.modalities)) {
            const {mean, sd} = stats[name]
            if (b.present[i]) s += (b.values[i * b.size] - mean) / sd
            else if (zeroFill) s += (0 - mean) / sd
          }
          out[i] = 1 / (1 + Math.exp(-s / 4))
        }
        return out
      },
      dispose() {},
    }
    return model
  },
}

const small = {seed: 5, seeds: 1, samples: 400, testSamples: 300, epochs: 2, batchSize: 32, maxInputSize: 8, learningRates: [0.003]}

describe('runEvaluation', () => {
  it('caps the simulated training samples at maxTrainingSamples and says so', async () => {
    const {samples: _samples, ...rest} = small
    const r = await runEvaluation(example('icu-deterioration'), {...rest, maxTrainingSamples: 300, candidates: parseCandidates('late')}, fakeCode)
    expect(r.simulation.trainingSamples).toBe(300)
    expect(r.simulation.trainingSamplesCap).toBe(300)
    expect(r.simulation.reductions).toContainEqual({what: 'training samples', project: '18000', used: '300 (capped at 300 for time; --samples N simulates more)'})
  })

  it('fills the JSON contract and reports progress per candidate and epoch', async () => {
    const events: ProgressEvent[] = []
    const r = await runEvaluation(example('icu-deterioration'), {...small, candidates: parseCandidates('all'), onProgress: (e) => events.push(e)}, fakeCode)
    expect(r.recommended).toBe('intermediate')
    expect(r.verdict.kind).toBe('inconclusive') // one seed
    expect(r.verdict.comparisons.map((c) => c.against)).toEqual(['early/complete-case', 'early/indicators', 'attention', 'late'])
    expect(r.simulation.schedule).toMatchObject({epochs: 2, batchSize: 32})
    expect(r.simulation.reductions.map((x) => x.what)).toEqual(expect.arrayContaining(['training samples', 'epoch budget', 'training seeds']))
    expect(r.empiricalBest).toMatchObject({strategy: expect.any(String), variant: expect.any(String)})
    expect(r.strategies.map((s) => `${s.strategy}/${s.variant}`)).toEqual(['early/complete-case', 'early/indicators', 'intermediate/masked', 'attention/masked', 'late/skip-absent'])
    for (const s of r.strategies) {
      expect(Object.keys(s.metrics)).toEqual(['complete', 'deployment'])
      expect(s.patterns.length).toBeGreaterThan(0)
      expect(s.patterns[0]).toEqual({present: expect.any(Array), share: expect.any(Number), metric: expect.any(Number)})
      expect(s.sweep).toHaveLength(r.sweep.missingRates.length)
      expect(s.relativeRobustness).toBeGreaterThan(0)
    }
    expect(r.strategies.find((s) => s.id === 'late')?.effectiveRobustness).toBe(0)
    expect(r.strategies.find((s) => s.strategy === 'early' && s.variant === 'complete-case')?.trainingSamples).toBe(r.simulation.completeCaseTrainingSamples)
    expect(r.strategies.filter((s) => s.recommended).map((s) => s.id)).toEqual(['intermediate'])
    expect(r.sweep.modalities).toEqual(['cxr', 'genomics'])
    expect(r.sweep.kept).toEqual(['ehr'])
    expect(events.filter((e) => e.kind === 'candidate')).toHaveLength(5)
    expect(events.filter((e) => e.kind === 'epoch')).toHaveLength(10)
  })

  it('is reproducible: the same seed gives byte-identical JSON, another seed different numbers', async () => {
    const profile = example('wearable-afib')
    const candidates = parseCandidates('naive,late')
    const a = formatEvaluationJson(await runEvaluation(profile, {...small, candidates}, fakeCode))
    const b = formatEvaluationJson(await runEvaluation(profile, {...small, candidates}, fakeCode))
    const c = formatEvaluationJson(await runEvaluation(profile, {...small, seed: 6, candidates}, fakeCode))
    expect(a).toBe(b)
    expect(c).not.toBe(a)
  })

  it('without late fusion, effective robustness is null and a note says why', async () => {
    const r = await runEvaluation(example('retail-complete'), {...small, candidates: parseCandidates('naive,intermediate')}, fakeCode)
    expect(r.metric.name).toBe('rmse')
    expect(r.strategies.every((s) => s.effectiveRobustness === null)).toBe(true)
    expect(r.notes.join(' ')).toMatch(/late fusion, which was not among the candidates/)
    expect(JSON.parse(formatEvaluationJson(r)).strategies[0].effectiveRobustness).toBeNull()
  })
})

describe('formatters', () => {
  let result: EvaluationResult
  it('table: the candidates, the patterns, the sweep and the verdict, without colour codes', async () => {
    result = await runEvaluation(example('icu-deterioration'), {...small, candidates: parseCandidates('naive,early,late')}, fakeCode)
    const t = formatEvaluationTable(result, {color: false})
    expect(t).not.toMatch(/\u001B\[/)
    expect(t).toContain('early, complete cases (naive)')
    expect(t).toMatch(/present \(share\)\s+naive\s+early\+ind\s+late/)
    expect(t).toMatch(/^ehr \(\d+\.\d%\)/m)
    expect(t).toContain('Verdict: ')
    expect(t).toContain('Zero-fill: Zero-fill is not mean imputation here')
    expect(formatEvaluationTable(result, {color: true})).toMatch(/\u001B\[1m/)
    // The sweep by tenths is shown at every 0.2; a coarse one (--quick's quarters) whole.
    expect(t).toMatch(/^missing rate\s+0\.0\s+0\.2\s+0\.4\s+0\.6\s+0\.8\s+1\.0$/m)
    const quarters = await runEvaluation(example('icu-deterioration'), {...small, missingRates: [0, 0.25, 0.5, 0.75, 1], candidates: parseCandidates('naive,late')}, fakeCode)
    expect(formatEvaluationTable(quarters, {color: false})).toMatch(/^missing rate\s+0\.0\s+0\.25\s+0\.5\s+0\.75\s+1\.0$/m)
  })

  it('chart: an asciichart line chart with the x axis and one marker per candidate', () => {
    const c = formatSweepChart(result, {color: false})
    expect(c).toContain('AUROC vs missing rate')
    expect(c).toMatch(/0\.0\s+0\.2\s+0\.4\s+0\.6\s+0\.8\s+1\.0/)
    expect(c).toMatch(/[┤┼]/)
    expect(c).toMatch(/^ {2}x naive/m)
    expect(c).toMatch(/^ {2}\* late/m)
    expect(c).toMatch(/^ {2}\+ early\+ind/m)
    expect(c).not.toMatch(/\u001B\[/)
    expect(formatSweepChart(result, {color: true})).toMatch(/\u001B\[3\dm/)
  })

  it('html: self-contained (inlined Chart.js, no external resources) and escaped', () => {
    const evil = {...result, profile: {name: '<script>alert(1)</script>'}, notes: ['a </script><b>']}
    const html = formatEvaluationHtml(evil)
    expect(html.startsWith('<!doctype html>')).toBe(true)
    expect(html).toContain('Chart.js v4')
    expect(html).not.toMatch(/<script[^>]+src=/)
    expect(html).not.toMatch(/<link[^>]+href=/)
    expect(html).not.toContain('<script>alert(1)</script>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toContain('sourceMappingURL')
    // the data island cannot close its script element
    const island = html.slice(html.indexOf('id="fuseplan-data">'), html.indexOf('</script>', html.indexOf('id="fuseplan-data">')))
    expect(island).not.toContain('<')
    expect(formatEvaluationHtml(result)).toBe(formatEvaluationHtml(result))
  })
})
