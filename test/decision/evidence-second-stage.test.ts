// The test grid's second stage (protocol sets.test.topUp): after its planned seeds, each profile grows
// to the fewest seeds at which P(worse | gap = margin) reaches 0.8 at its own spread over the planned
// ones, at most maxSeeds. Checked on the records of spent grid 305 (17 seeds each), read as if its
// first stage had been 8 seeds.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {loadRecords, loadSet, medianSpread, secondStage} from '../../bench/evidence/records.js'
import {power} from '../../bench/evidence/analyse.js'
import {firstSeeds} from '../../bench/evidence/record-seeds.js'

const root = process.cwd()
const committed = JSON.parse(readFileSync('bench/evidence/protocol.json', 'utf8'))
const as305 = (test: object) => ({...committed, sets: {...committed.sets, test: {seed: 305, count: 30, seeds: 8, testSamples: 6000, ...test}}})
type Rec = {index: number; seeds: unknown[]; margin: number}

describe('the second stage of a test grid', () => {
  it('without one, a set is read at its planned seeds', async () => {
    const plain = as305({})
    const set = (await loadSet(root, 'test', plain)) as Rec[]
    expect(set.map((r) => r.seeds.length)).toEqual(Array(30).fill(8))
    expect(await secondStage(root, 'test', plain)).toEqual([])
  })

  it('reads each record at the fewest seeds its first-stage spread needs, within the planned and the most', async () => {
    const protocol = as305({topUp: {maxSeeds: 17}})
    const set = (await loadSet(root, 'test', protocol)) as Rec[]
    expect(set).toHaveLength(30)
    expect(await secondStage(root, 'test', protocol)).toEqual([])
    const counts = set.map((r) => r.seeds.length)
    // The design differs across profiles: quiet ones stop at 8, noisy ones run to the most.
    expect(counts).toContain(8)
    expect(counts).toContain(17)
    const engine = {...(await import('../../src/evaluate/compare.js')), ...(await import('../../src/evaluate/stats.js'))}
    const stageOne = loadRecords(root, 'test', protocol) as Rec[]
    for (const r of set) {
      const sd = medianSpread(
        stageOne.find((x) => x.index === r.index)!,
        engine,
      )
      const n = r.seeds.length
      const reaches = (k: number) => power(sd, k, r.margin, engine, {draws: 4000, only: 'worseAtMargin'}).worseAtMargin >= 0.8
      if (n < 17) expect(reaches(n), `profile ${r.index} at ${n}`).toBe(true)
      if (n > 8) expect(reaches(n - 1), `profile ${r.index} at ${n - 1}`).toBe(false)
    }
  }, 120_000)

  it('counts a record only once it holds its target, and lists what is still to run', async () => {
    const protocol = as305({topUp: {maxSeeds: 40}})
    const todo = await secondStage(root, 'test', protocol)
    const set = (await loadSet(root, 'test', protocol)) as Rec[]
    expect(todo.length).toBeGreaterThan(0)
    expect(set.length + todo.length).toBe(30)
    for (const t of todo) {
      expect(t.have).toBe(17)
      expect(t.seeds).toBeGreaterThan(17)
      expect(t.seeds).toBeLessThanOrEqual(40)
      expect(set.some((r) => r.index === t.index)).toBe(false)
    }
    // A record read at its target is its first seeds, unchanged.
    const full = JSON.parse(readFileSync(`bench/evidence/results/test-305/test-${String(set[0].index).padStart(3, '0')}.json`, 'utf8'))
    expect(set[0]).toEqual(firstSeeds(full, set[0].seeds.length))
  }, 120_000)

  it('sequential: re-reads the spread over every seed at each target, and stops where a target asks for no more', async () => {
    const twoStage = (await loadSet(root, 'test', as305({topUp: {maxSeeds: 17}}))) as Rec[]
    const sequential = (await loadSet(root, 'test', as305({topUp: {maxSeeds: 17, sequential: true}}))) as Rec[]
    expect(sequential).toHaveLength(30)
    expect(await secondStage(root, 'test', as305({topUp: {maxSeeds: 17, sequential: true}}))).toEqual([])
    const engine = {...(await import('../../src/evaluate/compare.js')), ...(await import('../../src/evaluate/stats.js'))}
    let further = 0
    for (const r of sequential) {
      const n = r.seeds.length
      const first = twoStage.find((x) => x.index === r.index)!.seeds.length
      // Its first step is the two-stage target; it only ever goes on from there.
      expect(n).toBeGreaterThanOrEqual(first)
      if (n > first) further++
      // Where it stopped short of the most, its spread over the seeds it holds needs no more.
      if (n < 17) expect(power(medianSpread(r, engine), n, r.margin, engine, {draws: 4000, only: 'worseAtMargin'}).worseAtMargin, `profile ${r.index} at ${n}`).toBeGreaterThanOrEqual(0.8)
    }
    expect(further).toBeGreaterThan(0)
  }, 120_000)
})
