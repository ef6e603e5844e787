import {describe, expect, it} from 'vitest'
import type {CandidateId} from '../../src/evaluate/candidates.js'
import {CANDIDATES} from '../../src/evaluate/candidates.js'
import type {StrategyResult} from '../../src/evaluate/types.js'
import {buildVerdict, empiricalBest, pairedBootstrapSe, zeroFillExplanation} from '../../src/evaluate/verdict.js'
import type {Comparison, ComparisonKind} from '../../src/evaluate/compare.js'

const spec = {metric: 'auroc' as const, task: 'binary' as const, classes: 2}

function result(id: CandidateId, deployment: number, complete = deployment + 0.02, trainingSamples = 1000): StrategyResult {
  const c = CANDIDATES.find((x) => x.id === id)!
  return {
    id,
    strategy: c.strategy,
    variant: c.variant,
    label: c.label,
    recommended: false,
    trainingSamples,
    learningRate: 0.003,
    epochs: [{kept: 5, ran: 10}],
    seeds: {deployment: [deployment], complete: [complete]},
    spread: 0,
    metrics: {complete, deployment},
    relativeRobustness: 0.7,
    effectiveRobustness: 0,
    patterns: [],
    sweep: [complete, deployment],
  }
}

const base = {spec, zeroFill: [{name: 'cxr', zeroOffsetSd: 7.4}], optional: ['cxr'], seeds: 1, perSeed: [], margin: 0.01}

/** A comparison as compare.ts makes it: the recommendation against `against`. */
function comparison(against: CandidateId, gap: number, kind: ComparisonKind, half = 0.004): Comparison {
  return {
    against,
    gap,
    standardError: half / 2,
    df: 2,
    interval: [gap - half, gap + half],
    pWorse: kind === 'worse' ? 0.01 : 0.5,
    pBetter: kind === 'better' ? 0.01 : 0.5,
    kind,
    seedsNeeded: kind === 'inconclusive' ? 9 : null,
  }
}

describe('verdict wording', () => {
  it('better: ahead of every other candidate beyond the margin, with each gap and interval', () => {
    const results = [result('early/complete-case', 0.62, 0.8, 111), result('intermediate', 0.81), result('late', 0.79)]
    const comparisons = [comparison('early/complete-case', 0.19, 'better'), comparison('late', 0.02, 'better')]
    const v = buildVerdict({...base, seeds: 3, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', comparisons})
    expect(v.kind).toBe('better')
    expect(v.text).toBe(
      'Better: Intermediate fusion with masking scored AUROC 0.810 at the deployment presence mix (mean of 3 training seeds), ahead of every other candidate beyond the 0.010 AUROC margin: ' +
        'the naive baseline (early fusion on complete cases, zero-filled) (+0.190, 90% interval +0.186 to +0.194); late fusion (+0.020, 90% interval +0.016 to +0.024).',
    )
    expect(v.baseline).toBe(
      'The naive baseline (trained on 111 complete cases) scored AUROC 0.620 at deployment, 0.190 below the recommended intermediate fusion with masking; it lost 0.180 between full data (0.800) and the deployment mix.',
    )
    expect(v.gapToBest).toBe(0)
    expect(v.equivalenceMargin).toBe(0.01)
  })

  it('equivalent: nobody ahead beyond the margin, and the choice rests on engineering grounds', () => {
    const results = [result('intermediate', 0.8), result('late', 0.803), result('attention', 0.7)]
    const comparisons = [comparison('late', -0.003, 'equivalent'), comparison('attention', 0.1, 'better')]
    const v = buildVerdict({...base, seeds: 5, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', comparisons})
    expect(v.kind).toBe('equivalent')
    expect(v.text).toMatch(/^Equivalent: .* No candidate is ahead by more than the 0\.010 AUROC margin: equivalent to late fusion \(-0\.003, 90% interval -0\.007 to \+0\.001\); better than attention/)
    expect(v.text).toContain('the choice rests on engineering grounds')
    expect(v.gapToBest).toBeCloseTo(0.003, 10)
  })

  it('worse: some candidate significantly ahead beyond the margin; one such comparison decides', () => {
    const results = [result('intermediate', 0.78), result('late', 0.81)]
    const v = buildVerdict({...base, seeds: 3, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', comparisons: [comparison('late', -0.03, 'worse')]})
    expect(v.kind).toBe('worse')
    expect(v.text).toContain('late fusion (-0.030, 90% interval -0.034 to -0.026) is ahead of it, significantly and not within the 0.010 AUROC margin')
    expect(v.text).not.toMatch(/agrees/)
  })

  it('inconclusive: names the open comparisons and the seeds that would likely decide them', () => {
    const results = [result('intermediate', 0.8), result('late', 0.805), result('attention', 0.7)]
    const comparisons = [comparison('late', -0.005, 'inconclusive', 0.02), comparison('attention', 0.1, 'better')]
    const v = buildVerdict({...base, seeds: 3, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', comparisons})
    expect(v.kind).toBe('inconclusive')
    expect(v.seedsNeeded).toBe(9)
    expect(v.text).toContain('The seeds cannot tell against late fusion (-0.005, 90% interval -0.025 to +0.015); about 9 seeds would likely decide it (--seeds 9).')
  })

  it('an unadjusted interval clear of 0 that Holm does not confirm says so, instead of looking decided', () => {
    const results = [result('intermediate', 0.8), result('late', 0.771), result('attention', 0.799)]
    const comparisons = [comparison('late', 0.029, 'inconclusive', 0.016), comparison('attention', 0.001, 'inconclusive', 0.012)]
    const v = buildVerdict({...base, seeds: 3, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', comparisons})
    expect(v.text).toContain('late fusion (+0.029, 90% interval +0.013 to +0.045, unadjusted: not significant once adjusted for the other comparisons)')
    expect(v.text).toContain('attention-based fusion with masking (+0.001, 90% interval -0.011 to +0.013)')
  })

  it('one seed is always inconclusive, with the gap, whatever the comparisons say', () => {
    const results = [result('intermediate', 0.8), result('late', 0.83)]
    const v = buildVerdict({...base, seeds: 1, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', comparisons: [comparison('late', -0.03, 'worse')]})
    expect(v.kind).toBe('inconclusive')
    expect(v.text).toContain('late fusion was best, 0.030 ahead. One training seed measures the test set, not training')
    expect(v.rule).toContain('every comparison is inconclusive')
  })

  it('the naive baseline is its own candidate: it can make the recommendation worse, never count as early fusion', () => {
    const results = [result('early/complete-case', 0.82), result('early/indicators', 0.79), result('late', 0.7)]
    const v = buildVerdict({
      ...base,
      seeds: 3,
      optional: [],
      results,
      recommended: 'early',
      recommendedCandidate: 'early/indicators',
      comparisons: [comparison('early/complete-case', -0.03, 'worse'), comparison('late', 0.09, 'better')],
    })
    expect(v.kind).toBe('worse')
    expect(v.text).toContain('the naive baseline (early fusion on complete cases, zero-filled) (-0.030')
  })

  it('says so when the recommended strategy was not evaluated or nothing was recommended', () => {
    const results = [result('late', 0.8)]
    expect(buildVerdict({...base, results, recommended: 'attention', recommendedCandidate: 'attention', comparisons: []}).kind).toBe('not-evaluated')
    const none = buildVerdict({...base, results, recommended: null, recommendedCandidate: null, comparisons: [], noRecommendationReason: 'no strategy fits the latency budget'})
    expect(none.kind).toBe('no-recommendation')
    expect(none.text).toContain('(no strategy fits the latency budget)')
  })

  it('reports a naive baseline that is not clearly worse, with the zero-fill reason when it applies', () => {
    const results = [result('early/complete-case', 0.8), result('late', 0.805)]
    const v = buildVerdict({...base, zeroFill: [{name: 'cxr', zeroOffsetSd: 0.1}], results, recommended: 'late', recommendedCandidate: 'late', comparisons: []})
    expect(v.baseline).toContain('was not behind by more than the 0.010 margin at deployment')
    expect(v.baseline).toContain('zero-fill acts as mean imputation')
  })

  it('for error metrics, lower is better', () => {
    const rmse = {metric: 'rmse' as const, task: 'regression' as const, classes: 2}
    const best = empiricalBest(rmse, [result('early/indicators', 11), result('late', 16)])
    expect(best.id).toBe('early/indicators')
  })
})

describe('presence signal', () => {
  it('explains a deployment score above full data under informative missingness', () => {
    const results = [result('early/indicators', 0.81, 0.78), result('intermediate', 0.8, 0.82)]
    const v = buildVerdict({...base, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', comparisons: [], informative: ['cxr']})
    expect(v.presence).toBe(
      'Presence carries signal here: cxr is missing informatively (present more often for one outcome), so early fusion with presence indicators scored 0.030 AUROC higher at the deployment mix than on full data, while the strategies trained with masking changed by intermediate fusion -0.020. A likely reason: masking drops modalities at random during training, which blurs the link between presence and outcome that the indicators read directly.',
    )
    expect(buildVerdict({...base, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', comparisons: [], informative: []}).presence).toBeNull()
  })
})

describe('zero-fill explanation', () => {
  it('tells mean imputation from an off-scale fill', () => {
    expect(zeroFillExplanation([{name: 'cxr', zeroOffsetSd: 0.2}], ['cxr'])).toMatch(/^Zero-fill is close to mean imputation here.*cxr 0\.2 SD/)
    expect(zeroFillExplanation([{name: 'cxr', zeroOffsetSd: 7.4}], ['cxr'])).toMatch(/^Zero-fill is not mean imputation here.*cxr 7\.4 SD/)
    expect(zeroFillExplanation([{name: 'ehr', zeroOffsetSd: 7.4}], [])).toMatch(/never happens/)
  })

  it('adds the measured comparison of zero-fill and mean imputation for the naive baseline', () => {
    const z = [{name: 'cxr', zeroOffsetSd: 7.4}]
    expect(zeroFillExplanation(z, ['cxr'], {zeroFilled: 0.5, meanImputed: 0.7}, spec)).toMatch(
      / Measured \(one training seed, so the test set's noise only\): the naive baseline scored AUROC 0\.500 at deployment with zero-fill and 0\.700 when the same model gets the training means for absent inputs instead, so zero-fill itself costs it 0\.200\.$/,
    )
    expect(zeroFillExplanation(z, ['cxr'], {zeroFilled: 0.68, meanImputed: 0.69}, spec)).toMatch(/about the same, so the fill value is not what hurts it/)
    expect(zeroFillExplanation(z, ['cxr'], {zeroFilled: 0.7, meanImputed: 0.6}, spec)).toMatch(/zero-fill happens to do better than mean imputation \(by 0\.100\)/)
  })
})

describe('paired bootstrap', () => {
  it('is zero for identical predictions and deterministic for a seed', () => {
    const labels = [0, 1, 0, 1, 1, 0, 1, 0]
    const a = [0.1, 0.9, 0.3, 0.7, 0.6, 0.4, 0.8, 0.2]
    const b = [0.4, 0.6, 0.5, 0.5, 0.7, 0.1, 0.3, 0.2]
    expect(pairedBootstrapSe(spec, labels, a, a, 1)).toBe(0)
    const se = pairedBootstrapSe(spec, labels, a, b, 1)
    expect(se).toBeGreaterThan(0)
    expect(pairedBootstrapSe(spec, labels, a, b, 1)).toBe(se)
  })
})
