// docs/design.md#decision-invariants, 1-10: each pinned on a profile built for it, and the universal
// ones (6, 9, 10) also checked as properties over random profiles.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {decide} from '../../src/decision/decide.js'
import {loadRuleSet} from '../../src/engine/index.js'
import {formatAdr} from '../../src/formatters/decision/adr.js'
import type {Modality, Profile} from '../../src/profile/types.js'
import {modality, profile} from './profiles.js'

/** A rule pack that excludes every joint model (early, intermediate, attention). */
const pack = mkdtempSync(join(tmpdir(), 'fuseplan-no-joint-'))
writeFileSync(
  join(pack, 'no-joint.yaml'),
  `id: platform-serves-single-models
title: The serving platform runs one small model per modality only
rationale: A team constraint for the test.
source: team policy
when: "true"
effects:
  exclude:
    - {strategy: early, reason: the platform cannot serve a joint model}
    - {strategy: intermediate, reason: the platform cannot serve a joint model}
    - {strategy: attention, reason: the platform cannot serve a joint model}
examples:
  fires: {}
  passes: {}
`,
)

describe('invariant 1: complete, small, balanced data allows early fusion', () => {
  const p = profile({
    task: {type: 'regression', labelledSamples: 1500},
    modalities: [modality('sales', {features: 48}), modality('prices', {features: 12}), modality('store', {features: 20})],
    cohorts: [{name: 'pilot', size: 1500, modalities: ['sales', 'prices', 'store']}],
  })
  it('recommends early fusion, not excluded', () => {
    const d = decide(p)
    expect(d.strategy).toBe('early')
    expect(d.options.find((o) => o.strategy === 'early')!.excluded).toBe(false)
    expect(d.trace.find((t) => t.ruleId === 'complete-data-allows-early-fusion')!.fired).toBe(true)
  })
  it('keeps favouring early fusion for a large complete cohort (measured: docs/decisions.md), not for several cohorts', () => {
    const big = {...p, task: {...p.task, labelledSamples: 200000}, cohorts: [{name: 'all', size: 200000, modalities: ['sales', 'prices', 'store']}]}
    expect(decide(big).strategy).toBe('early')
    const two = {
      ...big,
      cohorts: [
        {name: 'a', size: 100000, modalities: ['sales', 'prices', 'store']},
        {name: 'b', size: 100000, modalities: ['sales', 'prices', 'store']},
      ],
    }
    expect(decide(two).trace.find((t) => t.ruleId === 'complete-data-allows-early-fusion')!.fired).toBe(false)
  })
  it('does not favour early fusion when strong interactions are declared (measured behind intermediate there)', () => {
    const strong = {...p, task: {...p.task, interactions: 'strong' as const}}
    const d = decide(strong)
    expect(d.trace.find((t) => t.ruleId === 'complete-data-allows-early-fusion')!.fired).toBe(false)
    expect(d.options.find((o) => o.strategy === 'early')!.excluded).toBe(false)
    expect(d.strategy).toBe('intermediate')
  })
})

describe('invariant 2: early fusion with presence indicators is a full candidate under missingness', () => {
  it('is not excluded at 0.94 (or any) availability; the missingness default prefers intermediate fusion', () => {
    const p = profile({
      task: {type: 'binary', labelledSamples: 1500},
      modalities: [modality('a'), modality('b', {availability: 0.94, trainingAvailability: 1})],
    })
    const d = decide(p)
    expect(d.options.find((o) => o.strategy === 'early')!.excluded).toBe(false)
    expect(d.strategy).toBe('intermediate')
    expect(d.trace.find((t) => t.ruleId === 'joint-model-under-missingness')!.fired).toBe(true)
  })
  it('counts against early fusion only where absence is informative (measured)', () => {
    const p = profile({modalities: [modality('a'), modality('b', {availability: 0.5, missingness: 'informative'})]})
    const early = decide(p).options.find((o) => o.strategy === 'early')!
    expect(early.excluded).toBe(false)
    expect(early.adjustments.map((x) => [x.ruleId, x.delta])).toEqual([['informative-missingness-presence-bits', -1]])
  })
})

describe('invariant 3: no way to mask gives late fusion; little labelled data no longer does', () => {
  it('little labelled data: a joint model with masking (the measured lowest regret), not late fusion', () => {
    const p = profile({
      task: {type: 'binary', labelledSamples: 1200},
      modalities: [
        modality('ehr', {features: 100}),
        modality('img', {type: 'image', shape: [64, 64, 1], availability: 0.3}),
        modality('txt', {type: 'text', features: 256, availability: 0.5, timing: 'episodic'}),
      ],
    })
    expect(decide(p).strategy).toBe('intermediate')
  })
  it('no masking possible: no training sample carries two modalities', () => {
    const p = profile({
      task: {type: 'binary', labelledSamples: 50000},
      modalities: [modality('ehr', {features: 100}), modality('img', {type: 'image', shape: [64, 64, 1], availability: 0.3})],
      cohorts: [
        {name: 'ward', size: 40000, modalities: ['ehr']},
        {name: 'radiology', size: 10000, modalities: ['img']},
      ],
    })
    const d = decide(p)
    expect(d.strategy).toBe('late')
    expect(d.options.find((o) => o.strategy === 'intermediate')!.excluded).toBe(true)
    expect(d.options.find((o) => o.strategy === 'attention')!.excluded).toBe(true)
  })
})

describe('invariant 4: high- and low-dimensional modalities with masking favour intermediate fusion', () => {
  const p = profile({
    task: {type: 'binary', labelledSamples: 12000},
    modalities: [modality('labs', {features: 40}), modality('scan', {type: 'image', shape: [128, 128, 1], availability: 0.6})],
    cohorts: [{name: 'all', size: 12000, modalities: ['labs', 'scan'], availability: {scan: 0.7}}],
  })
  it('recommends intermediate with a masking plan', () => {
    const d = decide(p)
    expect(d.strategy).toBe('intermediate')
    expect(d.masking.modalities.find((m) => m.name === 'scan')!.dropProbability).toBeGreaterThan(0)
  })
  it('balanced sizes do not trigger it', () => {
    const q = {...p, modalities: [modality('labs', {features: 40}), modality('more', {features: 400, availability: 0.6})]}
    expect(decide(q).trace.find((t) => t.ruleId === 'mixed-dimensionality-favours-intermediate')!.fired).toBe(false)
  })
})

describe('invariant 5: timing, enough labels and headroom favour attention fusion', () => {
  const base = profile({
    task: {type: 'binary', labelledSamples: 30000},
    modalities: [
      modality('survey', {features: 30}),
      modality('ecg', {type: 'timeseries', sequence: {length: 256, channels: 2}, availability: 0.5, timing: 'continuous'}),
      modality('notes', {type: 'text', features: 384, availability: 0.4, timing: 'episodic'}),
    ],
    latency: {budgetMs: 200, percentile: 99},
  })
  it('recommends attention', () => {
    expect(decide(base).strategy).toBe('attention')
  })
  it('two episodic modalities count too', () => {
    const p = {
      ...base,
      modalities: [
        modality('survey'),
        modality('labs', {availability: 0.5, timing: 'episodic' as const}),
        modality('notes', {type: 'text' as const, features: 384, availability: 0.4, timing: 'episodic' as const}),
      ],
    }
    expect(decide(p).strategy).toBe('attention')
  })
  it('not when interactions are weak', () => {
    expect(decide({...base, task: {...base.task, interactions: 'weak'}}).strategy).not.toBe('attention')
  })
  it('not without enough labelled data', () => {
    expect(decide({...base, task: {...base.task, labelledSamples: 15000}}).strategy).not.toBe('attention')
  })
  it('not without latency headroom', () => {
    const d = decide({...base, latency: {budgetMs: 20, percentile: 99}})
    expect(d.latency.estimates.attention).toBeLessThanOrEqual(20)
    expect(d.strategy).not.toBe('attention')
  })
})

describe('invariant 6: intermediate/attention only with a masking plan covering deployment missingness', () => {
  it('effective missing rate >= deployment missing rate, required never dropped, floor applied', () => {
    const p = profile({
      task: {type: 'binary', labelledSamples: 30000},
      modalities: [
        modality('ehr', {required: true, availability: 0.9}),
        modality('img', {type: 'image', shape: [128, 128, 1], availability: 0.2, trainingAvailability: 0.5}),
        modality('labs', {features: 20, availability: 1}),
      ],
    })
    const d = decide(p)
    expect(['intermediate', 'attention']).toContain(d.strategy)
    const byName = Object.fromEntries(d.masking.modalities.map((m) => [m.name, m]))
    expect(byName.ehr.dropProbability).toBe(0)
    expect(byName.img.dropProbability).toBeCloseTo(1 - 0.2 / 0.5, 6)
    expect(byName.img.effectiveMissingRate).toBeCloseTo(0.8, 6)
    expect(byName.labs.dropProbability).toBe(0.1)
    expect(d.masking.neverDropAll).toBe(true)
    expect(d.masking.placeholder).toBe('learned-shared-for-dropped-and-missing')
    expect(d.masking.presenceBits).toBe(true)
    expect(d.masking.warmupEpochs).toBeGreaterThan(0)
    expect(d.masking.covers.find((c) => c.name === 'img')).toEqual({name: 'img', minAvailability: 0.2, maxAvailability: 0.5})
  })
  it('holds for random profiles (property)', () => {
    fc.assert(
      fc.property(arbProfile(), (p) => {
        const d = decide(p)
        if (d.strategy === 'intermediate' || d.strategy === 'attention') {
          for (const m of d.masking.modalities) expect(m.effectiveMissingRate).toBeGreaterThanOrEqual(1 - m.deploymentAvailability - 1e-9)
        }
        for (const m of d.masking.modalities) if (m.required) expect(m.dropProbability).toBe(0)
      }),
      {numRuns: 150, seed: 7},
    )
  })
})

describe('invariant 7: a small or different data-rich cohort gets a transfer plan', () => {
  const p = profile({
    task: {type: 'binary', labelledSamples: 41500},
    modalities: [modality('ehr'), modality('img', {type: 'image', shape: [64, 64, 1], availability: 0.2}), modality('gen', {type: 'omics', features: 2000, availability: 0.05})],
    cohorts: [
      {name: 'enrolled', size: 1500, modalities: ['ehr', 'img', 'gen']},
      {name: 'general', size: 40000, modalities: ['ehr', 'img'], availability: {img: 0.2}},
    ],
  })
  it('pre-trains on the rich cohort, validates per cohort, checks bias by cohort and by pattern', () => {
    const t = decide(p).transfer!
    expect(t.pretrainCohort).toBe('enrolled')
    expect(t.finetuneCohorts).toEqual(['general'])
    expect(t.validationCohorts).toEqual(['enrolled', 'general'])
    expect(t.biasChecks.some((b) => /by cohort/.test(b))).toBe(true)
    expect(t.biasChecks.some((b) => /presence pattern/.test(b))).toBe(true)
  })
  it('no transfer plan with one representative cohort', () => {
    expect(decide({...p, cohorts: [{name: 'all', size: 41500, modalities: ['ehr', 'img', 'gen'], availability: {img: 0.2, gen: 0.05}}]}).transfer).toBeNull()
  })
})

describe('invariant 8: more available at deployment than in training warns', () => {
  it('warns at the modality availability', () => {
    const p = profile({modalities: [modality('a'), modality('b', {availability: 0.7, trainingAvailability: 0.4})]})
    const f = decide(p).findings.filter((x) => x.ruleId === 'shifted-availability')
    expect(f).toHaveLength(1)
    expect(f[0].severity).toBe('warning')
    expect(f[0].docPath).toEqual(['modalities', 1, 'availability'])
    expect(f[0].message).toMatch(/masking can only remove inputs/)
  })
})

describe('invariant 9: latency budget', () => {
  const p = profile({
    modalities: [modality('a', {encoderLatencyMs: 4}), modality('b', {availability: 0.6, encoderLatencyMs: 5.5})],
    latency: {budgetMs: 9.7, percentile: 99},
  })
  const uncertainty = (d: ReturnType<typeof decide>, s: string) => (d.facts.latencyUncertaintyMs as Record<string, number>)[s]
  it('excludes strategies over budget even at the low end of their estimate, keeps the ones that fit, and flags the uncertain ones', () => {
    // Twelve cheap measured encoders: attention's cost grows with the square of the tokens.
    const many = profile({
      modalities: Array.from({length: 12}, (_, i) => modality(`m${i}`, {encoderLatencyMs: 0.1, availability: i === 0 ? 1 : 0.6})),
      latency: {budgetMs: 2, percentile: 99},
    })
    const d = decide(many)
    const status = Object.fromEntries(d.options.map((o) => [o.strategy, o.latencyMs - uncertainty(d, o.strategy) > 2 ? 'over' : o.latencyMs + uncertainty(d, o.strategy) <= 2 ? 'fits' : 'uncertain']))
    expect(status).toEqual({early: 'fits', intermediate: 'fits', late: 'uncertain', attention: 'over'})
    for (const o of d.options) expect(o.exclusions.some((x) => x.ruleId === 'latency-budget-excludes-strategy')).toBe(status[o.strategy] === 'over')
    expect((d.facts.strategiesNearBudget as {strategy: string; estimate: string}[]).map((s) => `${s.strategy} ${s.estimate}`)).toEqual(['late 1.8 ± 0.4 ms'])
    expect(d.strategy).not.toBeNull()
  })
  it('an estimate a hair over the budget is not excluded: the budget is within its uncertainty (no 41.95 ms vs 41.9 ms)', () => {
    const d = decide(p)
    expect(d.options.filter((o) => o.latencyMs > 9.7).map((o) => o.strategy)).toEqual(['attention'])
    expect(d.options.every((o) => !o.excluded || o.exclusions.every((x) => x.ruleId !== 'latency-budget-excludes-strategy'))).toBe(true)
    expect((d.facts.strategiesNearBudget as {strategy: string; estimate: string}[]).find((s) => s.strategy === 'attention')?.estimate).toBe('9.9 ± 1.2 ms')
  })
  it('recommends nothing, and says why, when nothing fits', () => {
    const d = decide({...p, latency: {budgetMs: 2, percentile: 99}})
    expect(d.strategy).toBeNull()
    expect(d.noStrategyReason).toMatch(/No strategy fits the latency budget of 2 ms/)
    expect(d.findings.some((f) => f.ruleId === 'no-strategy-fits-latency' && f.severity === 'error')).toBe(true)
  })
  it('never recommends an excluded or over-budget strategy (property)', () => {
    fc.assert(
      fc.property(arbProfile(), (p) => {
        const d = decide(p)
        if (d.strategy === null) {
          expect(d.options.every((o) => o.excluded)).toBe(true)
          expect(d.noStrategyReason).toBeTruthy()
          return
        }
        const chosen = d.options.find((o) => o.strategy === d.strategy)!
        // Excluded only softly, and only when every other strategy is excluded too: the decision then says so.
        if (chosen.excluded) {
          expect(chosen.exclusions.every((x) => x.soft)).toBe(true)
          expect(d.options.every((o) => o.excluded)).toBe(true)
          expect(d.fallbackNote).toMatch(/chosen only because its exclusions are soft/)
        }
        if (p.latency) expect(chosen.latencyMs - uncertainty(d, chosen.strategy)).toBeLessThanOrEqual(p.latency.budgetMs)
      }),
      {numRuns: 150, seed: 11},
    )
  })
})

describe('invariant 10: informative missingness calls for a joint model that reads presence bits', () => {
  const p = profile({
    modalities: [modality('ehr', {required: true}), modality('cxr', {type: 'image', shape: [64, 64, 1], availability: 0.3, missingness: 'informative'})],
  })
  it('late fusion is excluded (softly), presence bits are planned, a joint model is chosen', () => {
    const d = decide(p)
    expect(d.masking.presenceBits).toBe(true)
    const late = d.options.find((o) => o.strategy === 'late')!
    expect(late.excluded).toBe(true)
    expect(late.exclusions.map((x) => [x.ruleId, x.soft])).toEqual([['informative-missingness-presence-bits', true]])
    expect(d.strategy).toBe('intermediate')
    expect(d.fallbackNote).toBeUndefined()
  })
  it('picks late fusion only when every joint model is excluded, and then says so', () => {
    // A team rule pack that rules the joint models out (a platform without them, say).
    const ruleSet = loadRuleSet({rulesDirs: [pack]})
    const d = decide(p, {ruleSet})
    expect(d.strategy).toBe('late')
    expect(d.fallbackNote).toMatch(/^Every strategy is excluded; late fusion is chosen only because its exclusions are soft/)
    expect(d.fallbackNote).toContain('informative absence of cxr never reaches the prediction')
    expect(formatAdr(d, {date: '2026-01-01'})).toContain('late fusion is chosen only because its exclusions are soft')
  })
  it('never picks late fusion under informative missingness unless it says why (property)', () => {
    fc.assert(
      fc.property(arbProfile(), (q) => {
        if (!q.modalities.some((m) => m.missingness === 'informative' && !m.required && m.availability < 1)) return
        const d = decide(q)
        if (d.strategy === 'late') expect(d.fallbackNote).toBeTruthy()
      }),
      {numRuns: 150, seed: 12},
    )
  })
})

describe('determinism', () => {
  it('same profile, same decision (deep equal and same JSON)', () => {
    const p = profile({modalities: [modality('a'), modality('b', {availability: 0.3})]})
    expect(JSON.stringify(decide(p))).toBe(JSON.stringify(decide(structuredClone(p))))
  })
})

function arbProfile(): fc.Arbitrary<Profile> {
  const types = ['tabular', 'image', 'text', 'timeseries', 'omics', 'embedding'] as const
  const arbModality = (i: number): fc.Arbitrary<Modality> =>
    fc
      .record({
        type: fc.constantFrom(...types),
        features: fc.integer({min: 1, max: 100000}),
        availability: fc.oneof(fc.constant(1), fc.double({min: 0.01, max: 1, noNaN: true})),
        trainingAvailability: fc.option(fc.double({min: 0.01, max: 1, noNaN: true}), {nil: undefined}),
        timing: fc.constantFrom('static', 'episodic', 'continuous'),
        missingness: fc.constantFrom('random', 'informative', 'by-design'),
        required: fc.boolean(),
      })
      .map((m) => ({name: `m${i}`, ...m}) as Modality)
  return fc
    .record({
      n: fc.integer({min: 1, max: 5}),
      labelled: fc.integer({min: 100, max: 200000}),
      interactions: fc.constantFrom('unknown', 'weak', 'strong'),
      budget: fc.option(fc.double({min: 1, max: 300, noNaN: true}), {nil: undefined}),
      mods: fc.array(fc.nat(), {minLength: 5, maxLength: 5}),
    })
    .chain(({n, labelled, interactions, budget}) =>
      fc.tuple(...Array.from({length: n}, (_, i) => arbModality(i))).map((modalities) =>
        profile({
          task: {type: 'binary', labelledSamples: labelled, interactions: interactions as 'unknown'},
          modalities: modalities as Modality[],
          latency: budget === undefined ? undefined : {budgetMs: budget, percentile: 99},
        }),
      ),
    )
}
