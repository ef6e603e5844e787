// Which records a set counts: those run at the protocol's test samples with at least its seeds, read
// at the first of them (a record grows by seeds, bench/evidence/record-seeds.js); never one with
// fewer seeds or other test samples, so a changed protocol never reports old records as new.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {loadFitted, loadRecords} from '../../bench/evidence/records.js'
import {CONDITIONS, drawProfile, setIndexes} from '../../bench/evidence/grid.js'
import {tempDir} from '../helpers/run-cli.js'

const record = (index: number, seeds: number, testSamples: number) => ({
  name: `test-${index}`,
  index,
  seeds: Array.from({length: seeds}, (_, i) => 7 + i),
  testSamples,
  candidates: [
    {id: 'intermediate', deployment: Array.from({length: seeds}, (_, i) => 0.7 + i / 100), complete: Array(seeds).fill(0.8), epochs: Array(seeds).fill({kept: 3, ran: 5})},
    {id: 'late', deployment: Array(seeds).fill(0.6), complete: Array(seeds).fill(0.7), epochs: Array(seeds).fill({kept: 2, ran: 4})},
  ],
  pairVariances: {'intermediate|late': Array(seeds).fill(1e-4)},
  elapsedMs: 1000 * seeds,
})

describe('loadRecords', () => {
  const root = tempDir('fuseplan-records-')
  const dir = join(root, 'bench', 'evidence', 'results', 'test-9')
  mkdirSync(dir, {recursive: true})
  writeFileSync(join(dir, 'test-000.json'), JSON.stringify(record(0, 8, 6000)))
  writeFileSync(join(dir, 'test-001.json'), JSON.stringify(record(1, 4, 6000)))
  writeFileSync(join(dir, 'test-002.json'), JSON.stringify(record(2, 8, 1500)))
  writeFileSync(join(dir, 'test-003.json'), JSON.stringify(record(3, 16, 6000)))
  const protocol = (seeds: number) => ({sets: {test: {seed: 9, count: 4, seeds, testSamples: 6000}}})

  it('counts records with at least the protocol’s seeds at its test samples, read at its seeds', () => {
    const got = loadRecords(root, 'test', protocol(8))
    expect(got.map((r: {name: string}) => r.name)).toEqual(['test-0', 'test-3'])
    const longer = got[1]
    expect(longer.seeds).toEqual([7, 8, 9, 10, 11, 12, 13, 14])
    expect(longer.candidates[0].deployment).toHaveLength(8)
    expect(longer.candidates[0].epochs).toHaveLength(8)
    expect(longer.pairVariances['intermediate|late']).toHaveLength(8)
    expect(longer.elapsedMs).toBe(8000)
  })

  it('a protocol asking for more seeds than any record has counts none of them', () => {
    expect(loadRecords(root, 'test', protocol(20))).toEqual([])
  })

  it('a set growing past the seeds its rules were fitted to reads every record that holds the fit’s seeds, at those', async () => {
    // Mid-growth: test-0 and test-3 reached 8 seeds, test-1 still has the 4 of the fit.
    const growing = {sets: {test: {seed: 9, count: 4, seeds: 8, fittedSeeds: 4, testSamples: 6000}}}
    expect(loadRecords(root, 'test', growing).map((r: {name: string}) => r.name)).toEqual(['test-0', 'test-3'])
    const fitted = await loadFitted(root, 'test', growing)
    expect(fitted.map((r: {name: string}) => r.name)).toEqual(['test-0', 'test-1', 'test-3'])
    expect(fitted.map((r: {seeds: number[]}) => r.seeds.length)).toEqual([4, 4, 4])
  })

  it('profiles past the protocol’s count are left out', () => {
    expect(loadRecords(root, 'test', {sets: {test: {seed: 9, count: 1, seeds: 4, testSamples: 6000}}}).map((r: {name: string}) => r.name)).toEqual(['test-0'])
  })
})

describe('a conditioned tuning set', () => {
  it('is the first `count` draws of its seed that meet the condition, the same every time', () => {
    const p = {seed: 111, count: 5, where: 'complete'}
    const indexes = setIndexes(p, 'tuning-complete')
    expect(indexes).toHaveLength(5)
    expect(setIndexes(p, 'tuning-complete')).toEqual(indexes)
    for (let i = 0; i <= indexes.at(-1)!; i++) {
      const profile = drawProfile(111, 'tuning-complete', i)
      expect(CONDITIONS.complete.holds(profile), `draw ${i}`).toBe(indexes.includes(i))
      if (indexes.includes(i)) expect(profile.modalities.every((m: {availability: number}) => m.availability === 1)).toBe(true)
    }
    expect(setIndexes({seed: 111, count: 3}, 'tuning')).toEqual([0, 1, 2])
    expect(() => setIndexes({seed: 111, count: 3, where: 'sunny'}, 'tuning-sunny')).toThrow(/unknown condition "sunny"/)
  })

  it('counts only records of its members, at its settings', () => {
    const p = {seed: 111, count: 2, seeds: 4, testSamples: 6000, where: 'complete'}
    const [first, second] = setIndexes(p, 'tuning-complete')
    const root = tempDir('fuseplan-conditioned-')
    const dir = join(root, 'bench', 'evidence', 'results', 'tuning-complete-111')
    mkdirSync(dir, {recursive: true})
    for (const index of [0, first, second])
      writeFileSync(join(dir, `tuning-complete-${String(index).padStart(3, '0')}.json`), JSON.stringify({...record(index, 4, 6000), name: `tuning-complete-${index}`}))
    const got = loadRecords(root, 'tuning-complete', {sets: {'tuning-complete': p}})
    expect(got.map((r: {index: number}) => r.index)).toEqual([first, second])
    expect(first).toBeGreaterThan(0)
  })
})
