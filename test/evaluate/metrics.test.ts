import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {accuracy, auprc, auroc, chooseMetric, computeMetric, higherIsBetter, macroF1, mae, multiclassAuroc, rmse} from '../../src/evaluate/metrics.js'

/** O(n^2) definition: share of (positive, negative) pairs ranked correctly, ties counting 1/2. */
function pairwiseAuroc(labels: number[], scores: number[]): number {
  let num = 0
  let den = 0
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < labels.length; j++) {
      if (labels[i] === 1 && labels[j] === 0) {
        den++
        num += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0
      }
    }
  }
  return num / den
}

describe('auroc', () => {
  it('gives the known values of small hand-worked cases', () => {
    expect(auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12)
    expect(auroc([0, 1], [0.2, 0.9])).toBe(1)
    expect(auroc([0, 1], [0.9, 0.2])).toBe(0)
  })

  it('counts ties as one half (mid-ranks)', () => {
    // positives {0.5, 0.9}, negatives {0.5, 0.2}: pairs 0.5 (tie), 1, 1, 1 -> 3.5 / 4
    expect(auroc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])).toBeCloseTo(0.875, 12)
    expect(auroc([0, 1, 0, 1, 1], [0.3, 0.3, 0.3, 0.3, 0.3])).toBeCloseTo(0.5, 12)
  })

  it('is NaN with a single class', () => {
    expect(auroc([1, 1, 1], [0.1, 0.2, 0.3])).toBeNaN()
    expect(auroc([0, 0], [0.1, 0.2])).toBeNaN()
  })

  it('equals the pairwise definition on random data with many ties', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({min: 0, max: 1}), fc.integer({min: 0, max: 5})), {minLength: 2, maxLength: 40}), (rows) => {
        const labels = rows.map((r) => r[0])
        const scores = rows.map((r) => r[1] / 5)
        if (!labels.includes(0) || !labels.includes(1)) return
        expect(auroc(labels, scores)).toBeCloseTo(pairwiseAuroc(labels, scores), 10)
      }),
    )
  })
})

describe('other metrics', () => {
  it('auprc is average precision with tied scores entering together', () => {
    expect(auprc([1, 0, 1], [0.9, 0.8, 0.7])).toBeCloseTo(1 * 0.5 + (2 / 3) * 0.5, 12)
    // All tied: precision = prevalence at the single threshold.
    expect(auprc([1, 0, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBeCloseTo(0.5, 12)
  })

  it('accuracy, macro-F1, RMSE and MAE on hand-computed cases', () => {
    expect(accuracy([0, 1, 2, 1], [0, 2, 2, 1])).toBe(0.75)
    // class 0: tp1 f1=1; class 1: tp1 fn1 -> 2/3; class 2: tp1 fp1 -> 2/3
    expect(macroF1([0, 1, 2, 1], [0, 2, 2, 1], 3)).toBeCloseTo((1 + 2 / 3 + 2 / 3) / 3, 12)
    expect(rmse([1, 2, 3], [1, 2, 5])).toBeCloseTo(Math.sqrt(4 / 3), 12)
    expect(mae([1, 2, 3], [2, 2, 1])).toBeCloseTo(1, 12)
  })

  it('multiclass AUROC is the macro one-vs-rest mean', () => {
    const labels = [0, 1, 2]
    const perfect = [0.8, 0.1, 0.1, 0.1, 0.8, 0.1, 0.1, 0.1, 0.8]
    expect(multiclassAuroc(labels, perfect, 3)).toBe(1)
  })

  it('computeMetric thresholds binary scores at 0.5 and picks rows', () => {
    const spec = {metric: 'accuracy' as const, task: 'binary' as const, classes: 2}
    expect(computeMetric(spec, [0, 1, 1, 0], [0.2, 0.7, 0.4, 0.9])).toBe(0.5)
    expect(computeMetric(spec, [0, 1, 1, 0], [0.2, 0.7, 0.4, 0.9], [0, 1])).toBe(1)
    expect(computeMetric({metric: 'auroc', task: 'binary', classes: 2}, [0, 1, 1, 0], [0.2, 0.7, 0.4, 0.9], [1, 1, 0, 3, 2])).toBeCloseTo(pairwiseAuroc([1, 1, 0, 0, 1], [0.7, 0.7, 0.2, 0.9, 0.4]), 12)
  })

  it('chooses the profile metric when it fits the task, else the task default with a note', () => {
    expect(chooseMetric('binary', undefined)).toEqual({metric: 'auroc'})
    expect(chooseMetric('binary', 'auprc')).toEqual({metric: 'auprc'})
    expect(chooseMetric('regression', 'auroc').metric).toBe('rmse')
    expect(chooseMetric('regression', 'auroc').note).toMatch(/does not apply/)
    expect(higherIsBetter('rmse')).toBe(false)
    expect(higherIsBetter('auroc')).toBe(true)
  })
})
