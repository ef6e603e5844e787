// The four words of a comparison (src/evaluate/compare.ts) and the distributions behind them (stats.ts).
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {classify, compareAll, overallKind, seedsNeeded, type Comparison} from '../../src/evaluate/compare.js'
import {clopperPearson, holmAdjust, incompleteBeta, normalCdf, studentTCdf, studentTQuantile} from '../../src/evaluate/stats.js'

describe('distributions', () => {
  it("Student's t matches published quantiles", () => {
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.303, 3)
    expect(studentTQuantile(0.975, 4)).toBeCloseTo(2.776, 3)
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.015, 3)
    expect(studentTQuantile(0.95, 1)).toBeCloseTo(6.314, 3)
    expect(studentTQuantile(0.975, 1000)).toBeCloseTo(1.962, 2)
    expect(studentTCdf(0, 3)).toBeCloseTo(0.5, 12)
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 5)
  })

  it('the t CDF and quantile invert each other (property)', () => {
    fc.assert(
      fc.property(fc.double({min: 0.01, max: 0.99, noNaN: true}), fc.integer({min: 1, max: 60}), (p, df) => {
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 6)
      }),
    )
  })

  it('the incomplete beta is the binomial tail it should be', () => {
    // P(X >= 3) for X ~ Binomial(5, 0.4) = I_0.4(3, 3)
    const tail = [3, 4, 5].reduce((a, k) => a + [1, 5, 10, 10, 5, 1][k] * 0.4 ** k * 0.6 ** (5 - k), 0)
    expect(incompleteBeta(0.4, 3, 3)).toBeCloseTo(tail, 10)
  })

  it('Clopper-Pearson gives the exact bounds (29 of 29 reaches 0.9 one-sided at 95%, two-sided needs 36)', () => {
    expect(clopperPearson(29, 29, 0.9).lower).toBeCloseTo(0.05 ** (1 / 29), 6)
    expect(clopperPearson(29, 29).lower).toBeLessThan(0.9)
    expect(clopperPearson(36, 36).lower).toBeGreaterThan(0.9)
    expect(clopperPearson(0, 10).lower).toBe(0)
    const {lower, upper} = clopperPearson(7, 10)
    expect(lower).toBeCloseTo(0.3475, 3)
    expect(upper).toBeCloseTo(0.9333, 3)
  })

  it('Holm adjusts step-down and keeps the order', () => {
    expect(holmAdjust([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06])
    expect(holmAdjust([0.5])).toEqual([0.5])
  })
})

const sample = (against: string, diffs: number[], boot = 0) => ({against, diffs, bootstrapVariances: diffs.map(() => boot)})

describe('comparisons', () => {
  it('the four words from the interval and the margin', () => {
    expect(classify([-0.004, 0.006], 0.4, 0.3, 0.01)).toBe('equivalent')
    // Significantly below zero but inside the margin: equivalent, not worse.
    expect(classify([-0.009, -0.001], 0.01, 0.99, 0.01)).toBe('equivalent')
    expect(classify([-0.03, -0.005], 0.01, 0.99, 0.01)).toBe('worse')
    expect(classify([0.005, 0.03], 0.99, 0.01, 0.01)).toBe('better')
    expect(classify([-0.03, 0.02], 0.3, 0.7, 0.01)).toBe('inconclusive')
  })

  it('over seeds: a clear gap is worse, a tight null is equivalent, a noisy one inconclusive with the seeds it needs', () => {
    const [worse, equivalent, noisy] = compareAll(
      [sample('late', [-0.05, -0.045, -0.055, -0.05, -0.048]), sample('attention', [0.001, -0.001, 0.002, 0, -0.002]), sample('early/indicators', [0.02, -0.03, 0.01, -0.02, 0.015])],
      0.01,
    )
    expect(worse.kind).toBe('worse')
    expect(equivalent.kind).toBe('equivalent')
    expect(noisy.kind).toBe('inconclusive')
    expect(noisy.seedsNeeded).toBeGreaterThan(5)
    expect(overallKind([worse, equivalent, noisy])).toBe('worse')
    expect(overallKind([equivalent, {...equivalent, kind: 'better'} as Comparison])).toBe('equivalent')
    expect(overallKind([{...equivalent, kind: 'better'} as Comparison])).toBe('better')
    expect(overallKind([equivalent, noisy])).toBe('inconclusive')
  })

  it('one seed is always inconclusive: no interval without seed-to-seed spread', () => {
    const [c] = compareAll([sample('late', [-0.2], 0.0001)], 0.01)
    expect(c.kind).toBe('inconclusive')
    expect(c.interval).toBeNull()
  })

  it("the bootstrap error of one test set is the floor of the seeds' spread", () => {
    const [c] = compareAll([sample('late', [0, 0, 0], 0.01 ** 2)], 0.01)
    expect(c.standardError).toBeCloseTo(0.01 / Math.sqrt(3), 10)
    expect(c.kind).toBe('inconclusive')
  })

  it('seedsNeeded grows with the spread and shrinks with room to the margin', () => {
    const a = seedsNeeded(0, 0.01, 0.01, 4) as number
    const b = seedsNeeded(0, 0.02, 0.01, 4) as number
    expect(b).toBeGreaterThan(a)
    expect(seedsNeeded(0.009, 0.01, 0.01, 4)).toBeNull()
  })

  it('never calls equal candidates worse more than 5% of the time (property over simulated seeds)', () => {
    let worse = 0
    const runs = 2000
    let x = 12345
    const normal = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31
      const u = (x + 1) / 2 ** 31
      x = (x * 1103515245 + 12345) % 2 ** 31
      const v = (x + 1) / 2 ** 31
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    }
    for (let r = 0; r < runs; r++) {
      const [c] = compareAll(
        [
          sample(
            'late',
            Array.from({length: 4}, () => 0.01 * normal()),
          ),
        ],
        0.01,
      )
      if (c.kind === 'worse') worse++
    }
    expect(worse / runs).toBeLessThan(0.065)
    expect(worse / runs).toBeGreaterThan(0.02)
  })
})
