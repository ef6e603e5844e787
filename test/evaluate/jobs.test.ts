// Jobs, their encoding and the shard files: what lets a run be cut up and put back together.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {parseCandidates} from '../../src/evaluate/candidates.js'
import {chooseRates, decode, encode, jobsOf, roundTrip, shardJobs, type Frame, type JobResult} from '../../src/evaluate/jobs.js'
import {finishEvaluation, missingJobs, prepareEvaluation, runJobs, type ModelCode} from '../../src/evaluate/run.js'
import {readShards, shardFileName, shardText} from '../../src/evaluate/shards.js'
import {loadProfile} from '../../src/profile/load.js'
import {tempDir} from '../helpers/run-cli.js'
import type {Dataset} from '../../templates/project/src/dataset.js'

const frameish = {seeds: [7, 8, 9], candidates: parseCandidates('naive,late,intermediate').map((c) => c.id), grid: [0.003]}

describe('jobs', () => {
  it('one job per candidate x seed; the learning-rate grid on the first seed only', () => {
    expect(jobsOf(frameish)).toHaveLength(9)
    const grid = {...frameish, grid: [0.001, 0.003]}
    expect(jobsOf(grid)).toHaveLength(3 * 2 + 2 * 3)
    expect(jobsOf(grid, new Map([['late', 0.001]])).filter((j) => j.candidate === 'late' && j.seed === 8)[0].learningRate).toBe(0.001)
  })

  it('shards partition the jobs: every job in exactly one shard, sizes within one', () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 40}), (n) => {
        const jobs = jobsOf(frameish)
        const shards = Array.from({length: n}, (_, k) => shardJobs(jobs, k + 1, n))
        expect(shards.flat().length).toBe(jobs.length)
        expect(new Set(shards.flat()).size).toBe(jobs.length)
        const sizes = shards.map((s) => s.length)
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('the rate kept is the lowest validation loss on the first seed; a NaN loss never wins', () => {
    const grid = {...frameish, grid: [0.001, 0.003, 0.01]}
    const r = (candidate: 'late' | 'intermediate' | 'early/complete-case', learningRate: number, valLoss: number) => ({candidate, seed: 7, learningRate, valLoss}) as JobResult
    const chosen = chooseRates(grid, [r('late', 0.001, Number.NaN), r('late', 0.003, 0.5), r('late', 0.01, 0.4), r('intermediate', 0.001, 0.2), r('intermediate', 0.003, 0.2)])
    expect(chosen.get('late')).toBe(0.01)
    expect(chosen.get('intermediate')).toBe(0.001)
  })

  it('the encoding brings back NaN, infinities and Float32Arrays exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.float({noNaN: false})), fc.double(), (floats, d) => {
        const value = {a: Float32Array.from(floats), b: [Number.NaN, Number.POSITIVE_INFINITY, d], c: {nested: Number.NEGATIVE_INFINITY}}
        const back = roundTrip(value)
        expect(back.a).toEqual(value.a)
        expect(back.b).toEqual(value.b)
        expect(back.c.nested).toBe(Number.NEGATIVE_INFINITY)
      }),
    )
    expect(decode(JSON.parse(JSON.stringify(encode({s: 'NaN'}))))).toEqual({s: 'NaN'})
  })
})

/** A stand-in model: the score is the first feature of the first present modality, nudged by the seed. */
const fakeCode: ModelCode = {
  backend: 'fake',
  createModel(_config, opts) {
    const nudge = ((opts.seed ?? 0) % 97) / 1000
    return {
      async fit(_train: Dataset, o) {
        for (let e = 0; e < o.epochs; e++) o.onEpoch?.(e, {loss: 1})
        return {loss: [1], valLoss: [0.5 + nudge], bestEpoch: 0}
      },
      async predict(data: Dataset) {
        const out = new Float32Array(data.n)
        for (let i = 0; i < data.n; i++) {
          const b = Object.values(data.modalities).find((m) => m.present[i])
          out[i] = 1 / (1 + Math.exp(-((b ? b.values[i * b.size] / 50 : 0) + nudge)))
        }
        return out
      },
      dispose() {},
    }
  },
}

function preparedIcu() {
  const {profile} = loadProfile(new URL('../../examples/icu-deterioration.yaml', import.meta.url).pathname)
  if (!profile) throw new Error('example')
  return prepareEvaluation(profile, {seed: 4, seeds: 2, samples: 200, testSamples: 150, epochs: 2, maxInputSize: 8, candidates: parseCandidates('naive,intermediate,late')})
}

describe('shards and merge', () => {
  it('shards written and merged make the report of the unsharded run, byte for byte', async () => {
    const prepared = preparedIcu()
    const all = await runJobs(prepared, fakeCode, () => {})
    const whole = JSON.stringify(finishEvaluation(prepared.frame, all, 'fake'))
    const dir = tempDir()
    for (let k = 1; k <= 3; k++) {
      const results = await runJobs(preparedIcu(), fakeCode, () => {}, shardJobs(jobsOf(prepared.frame), k, 3))
      writeFileSync(join(dir, shardFileName(k, 3)), shardText({shard: {index: k, count: 3}, backend: 'fake', fuseplan: '0.1.0', frame: prepared.frame, results}))
    }
    const merged = readShards(dir)
    expect(merged.files).toHaveLength(3)
    expect(JSON.stringify(finishEvaluation(merged.frame, merged.results, merged.backend))).toBe(whole)
  })

  it('refuses a folder with a shard missing, shards of another run, another backend, or a file that is not JSON', async () => {
    const prepared = preparedIcu()
    const jobs = jobsOf(prepared.frame)
    const results = await runJobs(prepared, fakeCode, () => {}, shardJobs(jobs, 1, 2))
    const write = (dir: string, k: number, over: Partial<{backend: string; frame: Frame}> = {}) =>
      writeFileSync(join(dir, shardFileName(k, 2)), shardText({shard: {index: k, count: 2}, backend: 'fake', fuseplan: '0.1.0', frame: prepared.frame, results, ...over}))
    const one = tempDir()
    write(one, 1)
    expect(() => readShards(one)).toThrow(/shard 2 of 2 missing/)
    const other = tempDir()
    write(other, 1)
    write(other, 2, {frame: {...prepared.frame, seeds: [1, 2]}})
    expect(() => readShards(other)).toThrow(/shard-2-of-2\.json: from a different run than .*shard-1-of-2\.json/)
    const backends = tempDir()
    write(backends, 1)
    write(backends, 2, {backend: 'tensorflow'})
    expect(() => readShards(backends)).toThrow(/trained on the tensorflow backend, .* on fake/)
    const broken = tempDir()
    writeFileSync(join(broken, shardFileName(1, 1)), '{"format": "fuseplan-evaluate-shard", "vers')
    expect(() => readShards(broken)).toThrow(/shard-1-of-1\.json: not valid JSON/)
    const empty = tempDir()
    expect(() => readShards(empty)).toThrow(/no shard files/)
    mkdirSync(join(empty, 'x'))
    expect(() => readShards(join(empty, 'nope'))).toThrow(/cannot read the folder/)
    // Two shards that both hold the same jobs: the report would count them twice.
    const twice = tempDir()
    write(twice, 1)
    writeFileSync(join(twice, shardFileName(2, 2)), shardText({shard: {index: 2, count: 2}, backend: 'fake', fuseplan: '0.1.0', frame: prepared.frame, results}))
    const m = readShards(twice)
    expect(missingJobs(m.frame, m.results)).toMatch(/jobs given more than once/)
  })
})
