import {availableParallelism} from 'node:os'
import {describe, expect, it} from 'vitest'
import {autoJobs, parseShard} from '../../src/commands/evaluate.js'

const frame = (trainingSamples: number, epochs: number, seeds = 3, candidates = 5) => ({
  simulation: {trainingSamples, schedule: {epochs}},
  seeds: Array.from({length: seeds}, (_, i) => i),
  candidates: Array.from({length: candidates}, (_, i) => i),
})

describe('--jobs auto and --shard K/N', () => {
  it('auto: one worker per core (at most 4, at most one per job) for real runs; tiny runs stay in one process', () => {
    expect(autoJobs(frame(240, 1))).toBe(1)
    expect(autoJobs(frame(99, 100))).toBe(1)
    expect(autoJobs(frame(1347, 100))).toBe(Math.min(availableParallelism(), 4))
    expect(autoJobs(frame(1347, 100, 1, 1))).toBe(1)
  })

  it('K/N with 1 <= K <= N, nothing else', () => {
    expect(parseShard('2/3')).toEqual({index: 2, count: 3})
    expect(parseShard(' 1 / 1 ')).toEqual({index: 1, count: 1})
    for (const bad of ['0/3', '4/3', '2', '2/3/4', 'a/b', '-1/3', '']) expect(parseShard(bad)).toBeUndefined()
  })
})
