import {describe, expect, it} from 'vitest'
import type {CandidateId} from '../../src/evaluate/candidates.js'
import {CANDIDATES} from '../../src/evaluate/candidates.js'
import type {StrategyResult} from '../../src/evaluate/types.js'
import {buildVerdict, empiricalBest, noiseThreshold, pairedBootstrapSe, zeroFillExplanation} from '../../src/evaluate/verdict.js'

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
    seeds: {deployment: [deployment], complete: [complete]},
    spread: 0,
    metrics: {complete, deployment},
    relativeRobustness: 0.7,
    effectiveRobustness: 0,
    patterns: [],
    sweep: [complete, deployment],
  }
}

const base = {spec, zeroFill: [{name: 'cxr', zeroOffsetSd: 7.4}], optional: ['cxr'], seeds: 1, perSeed: []}

describe('verdict wording', () => {
  it('agrees when the recommended candidate is best, naming the runner-up and the margin', () => {
    const results = [result('early/complete-case', 0.62, 0.8, 111), result('intermediate', 0.81), result('late', 0.79)]
    const v = buildVerdict({...base, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', standardError: 0.006})
    expect(v.kind).toBe('agrees')
    expect(v.text).toBe(
      'The simulation agrees with the recommendation: intermediate fusion with masking had the best AUROC at the deployment presence mix, 0.810, 0.020 ahead of the runner-up, late fusion (0.790) (standard error of the gap 0.006).',
    )
    expect(v.baseline).toBe(
      'The naive baseline (trained on 111 complete cases) scored AUROC 0.620 at deployment, 0.190 below the recommended intermediate fusion with masking; it lost 0.180 between full data (0.800) and the deployment mix.',
    )
  })

  it('calls a gap within two paired standard errors noise, and a larger one a disagreement', () => {
    const results = [result('intermediate', 0.8), result('late', 0.81)]
    const noisy = buildVerdict({...base, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', standardError: 0.006})
    expect(noisy.kind).toBe('within-noise')
    expect(noisy.margin).toBeCloseTo(0.01, 10)
    expect(noisy.text).toContain('late fusion scored the best AUROC at the deployment presence mix, 0.810, 0.010 above the recommended intermediate fusion with masking (0.800)'.replace(/^l/, 'L'))
    expect(noisy.text).toMatch(/^The simulation agrees with the recommendation within noise\./)
    expect(noisy.text).toContain('1.7 standard errors (0.006), not significantly worse')
    expect(noisy.rule).toMatch(
      /agrees when it is the best candidate .* or not significantly worse than the best \(a gap of at most 2 standard errors\); it disagrees only when it is significantly worse/,
    )
    const clear = buildVerdict({...base, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', standardError: 0.002})
    expect(clear.kind).toBe('disagrees')
    expect(clear.text).toContain('5.0 standard errors (0.002): the recommended strategy is significantly worse in this simulation, so the simulation disagrees with the recommendation.')
    // The symmetric rule: never "agrees" wording next to a disagreement, never "disagrees" next to agreement.
    expect(clear.text).not.toMatch(/(?<!dis)agrees with/)
    expect(noisy.text).not.toMatch(/disagrees|not the best choice/)
  })

  it('over several seeds compares the gap with Student t for seeds - 1 degrees of freedom, not with 2', () => {
    expect(noiseThreshold(1)).toBe(2)
    expect(noiseThreshold(3)).toBeCloseTo(4.303, 3)
    expect(noiseThreshold(5)).toBeCloseTo(2.776, 3)
    expect(noiseThreshold(200)).toBe(2)
    for (let s = 2; s < 40; s++) expect(noiseThreshold(s + 1)).toBeLessThanOrEqual(noiseThreshold(s))
    const results = [result('intermediate', 0.8), result('late', 0.81)]
    // 0.010 over an error of 0.004 is 2.5 errors: a disagreement with one seed's bootstrap, noise over 3 seeds.
    const oneSeed = buildVerdict({...base, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', standardError: 0.004})
    expect(oneSeed.kind).toBe('disagrees')
    const threeSeeds = buildVerdict({...base, seeds: 3, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', standardError: 0.004})
    expect(threeSeeds.kind).toBe('within-noise')
    expect(threeSeeds.text).toContain('2.5 standard errors (0.004), not significantly worse (significance needs 4.30 with 3 seeds).')
    expect(threeSeeds.rule).toContain('(a gap of at most 4.30 standard errors)')
    expect(threeSeeds.rule).toContain("with 2 degrees of freedom the 95% threshold is Student's t, 4.30.")
    const far = buildVerdict({...base, seeds: 3, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', standardError: 0.002})
    expect(far.kind).toBe('disagrees')
  })

  it('counts another variant of the recommended strategy winning as agreement, and says which', () => {
    const results = [result('early/complete-case', 0.8), result('early/indicators', 0.79), result('late', 0.7)]
    const v = buildVerdict({...base, optional: [], results, recommended: 'early', recommendedCandidate: 'early/indicators', standardError: 0.004})
    expect(v.kind).toBe('agrees')
    expect(v.text).toBe(
      'The simulation agrees with the recommended strategy, early fusion: its best variant at the deployment presence mix was the naive baseline (early fusion on complete cases, zero-filled) with AUROC 0.800, 0.010 above early fusion with presence indicators (0.790) (standard error of the gap 0.004).',
    )
  })

  it('says so when the recommended strategy was not evaluated or nothing was recommended', () => {
    const results = [result('late', 0.8)]
    expect(buildVerdict({...base, results, recommended: 'attention', recommendedCandidate: 'attention', standardError: null}).kind).toBe('not-evaluated')
    const none = buildVerdict({...base, results, recommended: null, recommendedCandidate: null, standardError: null, noRecommendationReason: 'no strategy fits the latency budget'})
    expect(none.kind).toBe('no-recommendation')
    expect(none.text).toContain('(no strategy fits the latency budget)')
  })

  it('reports a naive baseline that is not clearly worse, with the zero-fill reason when it applies', () => {
    const results = [result('early/complete-case', 0.8), result('late', 0.805)]
    const v = buildVerdict({...base, zeroFill: [{name: 'cxr', zeroOffsetSd: 0.1}], results, recommended: 'late', recommendedCandidate: 'late', standardError: 0.01})
    expect(v.baseline).toContain('was not clearly worse at deployment')
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
    const v = buildVerdict({...base, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', standardError: 0.01, informative: ['cxr']})
    expect(v.presence).toBe(
      'Presence carries signal here: cxr is missing informatively (present more often for one outcome), so early fusion with presence indicators scored 0.030 AUROC higher at the deployment mix than on full data, while the strategies trained with masking changed by intermediate fusion -0.020. A likely reason: masking drops modalities at random during training, which blurs the link between presence and outcome that the indicators read directly.',
    )
    expect(buildVerdict({...base, results, recommended: 'intermediate', recommendedCandidate: 'intermediate', standardError: 0.01, informative: []}).presence).toBeNull()
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
      / Measured: the naive baseline scored AUROC 0\.500 at deployment with zero-fill and 0\.700 when the same model gets the training means for absent inputs instead, so zero-fill itself costs it 0\.200\.$/,
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
