import {describe, expect, it} from 'vitest'
import {DEFAULT_MISSING_RATES, effectiveRobustness, relativeRobustness, trapezoid} from '../../src/evaluate/robustness.js'

describe('MultiBench robustness on hand-computed curves', () => {
  it('trapezoid rule over uneven rates', () => {
    expect(trapezoid([0, 0.5, 1], [0.8, 0.7, 0.5])).toBeCloseTo(0.5 * 0.75 + 0.5 * 0.6, 12)
    expect(trapezoid([0, 0.1, 1], [2, 2, 2])).toBeCloseTo(2, 12)
    expect(() => trapezoid([0, 1], [1])).toThrow()
  })

  it('relative robustness is the area under the curve; a flat curve keeps its clean value', () => {
    expect(relativeRobustness([0, 0.5, 1], [0.8, 0.7, 0.5])).toBeCloseTo(0.675, 12)
    expect(
      relativeRobustness(
        DEFAULT_MISSING_RATES,
        DEFAULT_MISSING_RATES.map(() => 0.9),
      ),
    ).toBeCloseTo(0.9, 12)
  })

  it('effective robustness is the area of the gap to late fusion shifted to the same clean value', () => {
    // late shifted by +0.1 -> [0.8, 0.75, 0.7]; gap [0, -0.05, -0.2]; area 0.5*(-0.025) + 0.5*(-0.125)
    expect(effectiveRobustness([0, 0.5, 1], [0.8, 0.7, 0.5], [0.7, 0.65, 0.6], true)).toBeCloseTo(-0.075, 12)
    // late fusion against itself is 0, and a model that degrades less than late fusion is positive
    expect(effectiveRobustness([0, 0.5, 1], [0.7, 0.65, 0.6], [0.7, 0.65, 0.6], true)).toBeCloseTo(0, 12)
    expect(effectiveRobustness([0, 1], [0.9, 0.9], [0.7, 0.5], true)).toBeCloseTo(0.1, 12)
  })

  it('flips the sign for error metrics so that positive still means more robust', () => {
    // RMSE grows 1 -> 3 for the model, 1 -> 2 for late fusion: less robust -> negative
    expect(effectiveRobustness([0, 1], [1, 3], [1, 2], false)).toBeCloseTo(-0.5, 12)
    expect(effectiveRobustness([0, 1], [1, 1.5], [2, 3], false)).toBeCloseTo(0.25, 12)
  })

  it('the default sweep is 0, 0.1, ..., 1', () => {
    expect(DEFAULT_MISSING_RATES).toHaveLength(11)
    expect(DEFAULT_MISSING_RATES[0]).toBe(0)
    expect(DEFAULT_MISSING_RATES[10]).toBe(1)
  })
})
