import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {allocate, labelStrata, stratifiedSplit, stratifiedSubsample} from '../../src/evaluate/split.js'

const count = (xs: readonly string[], rows: readonly number[]) => {
  const out = new Map<string, number>()
  for (const r of rows) out.set(xs[r], (out.get(xs[r]) ?? 0) + 1)
  return out
}

describe('stratified split and subsample', () => {
  it('allocate: exact total, every stratum within one of its share, never more than it has', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: 0, max: 50}), {minLength: 1, maxLength: 12}), fc.double({min: 0, max: 1, noNaN: true}), fc.integer(), (sizes, share, seed) => {
        const total = sizes.reduce((a, v) => a + v, 0)
        const take = Math.round(total * share)
        const out = allocate(sizes, take, seed)
        expect(out.reduce((a, v) => a + v, 0)).toBe(take)
        out.forEach((k, i) => {
          expect(k).toBeLessThanOrEqual(sizes[i])
          expect(Math.abs(k - (sizes[i] * take) / Math.max(1, total))).toBeLessThan(1 + 1e-9)
        })
      }),
    )
  })

  it('split: disjoint, complete, round(n * share) for test, each stratum in proportion', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd'), {minLength: 1, maxLength: 300}), fc.integer(), (strata, seed) => {
        const {train, test} = stratifiedSplit(strata, 0.2, seed)
        expect(test).toHaveLength(Math.round(strata.length * 0.2))
        expect([...train, ...test].sort((a, b) => a - b)).toEqual(strata.map((_, i) => i))
        const all = count(
          strata,
          strata.map((_, i) => i),
        )
        const inTest = count(strata, test)
        for (const [k, v] of all) expect(Math.abs((inTest.get(k) ?? 0) - v * (test.length / strata.length))).toBeLessThan(1 + 1e-9)
      }),
    )
  })

  it('is seeded: the same seed the same split, another seed another one', () => {
    const strata = Array.from({length: 500}, (_, i) => `s${i % 7}`)
    expect(stratifiedSplit(strata, 0.2, 7)).toEqual(stratifiedSplit(strata, 0.2, 7))
    expect(stratifiedSplit(strata, 0.2, 7).test).not.toEqual(stratifiedSplit(strata, 0.2, 8).test)
  })

  it('a rare stratum keeps its share: 10 of 1,000 give 2 to a 20% test split', () => {
    const strata = Array.from({length: 1000}, (_, i) => (i < 10 ? 'rare' : 'common'))
    const {test} = stratifiedSplit(strata, 0.2, 1)
    expect(test.filter((r) => r < 10)).toHaveLength(2)
  })

  it('subsample: exactly min(take, n) rows in proportion; everything when take >= n', () => {
    const strata = Array.from({length: 1000}, (_, i) => (i % 4 === 0 ? 'y1' : 'y0'))
    const rows = stratifiedSubsample(strata, 100, 3)
    expect(rows).toHaveLength(100)
    expect(rows.filter((r) => r % 4 === 0)).toHaveLength(25)
    expect(stratifiedSubsample(strata, 5000, 3)).toHaveLength(1000)
  })

  it('label strata: classes as they are, a regression target by quintile', () => {
    expect(labelStrata('binary', [0, 1, 1])).toEqual(['y0', 'y1', 'y1'])
    const q = labelStrata(
      'regression',
      Array.from({length: 100}, (_, i) => i),
    )
    expect(new Set(q).size).toBe(5)
    expect(q.filter((s) => s === 'q0')).toHaveLength(20)
  })
})
