// Latency estimates carry their uncertainty and are shown at the precision it allows: a budget is
// never compared with a false-precision number ("41.95 ms exceeds 41.9 ms").
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {formatAdr} from '../../src/formatters/decision/adr.js'
import {latencyText, latencyUncertainty, estimateLatency, DEFAULT_UNCERTAINTY, MEASURED_UNCERTAINTY} from '../../src/facts/latency.js'
import {profile, modality} from '../decision/profiles.js'

describe('latencyText', () => {
  it.each([
    [41.95, 4.2, '42 ± 4 ms'],
    [41.95, 21, '40 ± 20 ms'],
    [9.85, 0.99, '9.9 ± 1.0 ms'],
    [10.47, 1.3, '10.5 ± 1.3 ms'],
    [0.952, 0.05, '0.95 ± 0.05 ms'],
    [120, 0, '120 ms'],
  ])('%s ± %s -> %s', (ms, u, text) => {
    expect(latencyText(ms, u)).toBe(text)
  })
})

describe('latencyUncertainty', () => {
  it('is 10% of measured encoder costs plus 50% of default ones and of the strategy overhead', () => {
    const p = profile({modalities: [modality('a', {encoderLatencyMs: 10}), modality('b', {availability: 0.5})], latency: {budgetMs: 100, percentile: 50}})
    const estimates = estimateLatency(p)
    const u = latencyUncertainty(p)
    // b is tabular: a 0.2 ms default at p50.
    expect(u.early).toBeCloseTo(MEASURED_UNCERTAINTY * 10 + DEFAULT_UNCERTAINTY * (0.2 + (estimates.early - 10.2)), 6)
    expect(u.attention).toBeGreaterThan(u.early)
  })
})

describe('the ADR states latency with its uncertainty', () => {
  it('a 41.9 ms budget and estimates around 42 ms: no strategy excluded for 0.05 ms, and no 41.95 in the text', () => {
    const p = profile({
      modalities: [modality('a', {encoderLatencyMs: 20}), modality('b', {availability: 0.6, encoderLatencyMs: 21.8})],
      latency: {budgetMs: 41.9, percentile: 99},
    })
    const d = decide(p)
    expect(d.options.map((o) => o.latencyMs)).toContain(41.95)
    expect(d.options.some((o) => o.exclusions.some((x) => x.ruleId === 'latency-budget-excludes-strategy'))).toBe(false)
    expect(d.strategy).not.toBeNull()
    const adr = formatAdr(d, {date: '2026-01-15'})
    expect(adr).not.toContain('41.95')
    expect(adr).toContain('| 42 ± 4 ms |')
    expect(adr).toMatch(/\* Intermediate fusion: 42 ± 4 ms \(the budget is within its uncertainty: measure it\)/)
    expect(adr).toContain('against a budget of 41.9 ms')
  })
})
