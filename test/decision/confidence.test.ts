// Confidence comes from measurements (src/decision/evidence.ts): the calibration evidence of profiles
// like this one, never the rule scores, which stay in the decision as a trace.
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {confidenceFromEvidence, regimeOf, type ConfidenceTable} from '../../src/decision/evidence.js'
import {formatAdr} from '../../src/formatters/decision/adr.js'
import {modality, profile} from './profiles.js'

const facts = {labelledSamples: 1200, minAvailability: 0.4, informativeModalities: [] as string[], interactions: 'unknown'}

function table(cells: Record<string, Partial<Record<'late' | 'intermediate', [number, number, number, number]>>>): ConfidenceTable {
  return {
    format: 'fuseplan-confidence/v1',
    source: {set: 'calibration', gridSeed: 1, profiles: 10, seeds: 4, rulesHash: 'x', margin: 0.01},
    regimes: Object.fromEntries(
      Object.entries(cells).map(([key, strategies]) => [
        key,
        {
          words: key,
          profiles: 5,
          strategies: Object.fromEntries(
            Object.entries(strategies).map(([s, [better, equivalent, worse, inconclusive]]) => [
              s,
              {profiles: better + equivalent + worse + inconclusive, better, equivalent, worse, inconclusive, gapRange: [0, 0.02]},
            ]),
          ),
        },
      ]),
    ),
  }
}

describe('decision confidence', () => {
  it('regimes: size, missingness, interactions', () => {
    expect(regimeOf(facts).key).toBe('small/random/other')
    expect(regimeOf({...facts, labelledSamples: 2000, informativeModalities: ['cxr'], interactions: 'strong'}).key).toBe('large/informative/strong')
    expect(regimeOf({...facts, minAvailability: 0.995}).words).toContain('every modality present')
  })

  it('high when the strategy was better than every other eligible candidate in most calibration profiles like this one', () => {
    const c = confidenceFromEvidence('late', facts, table({'small/random/other': {late: [4, 1, 0, 0]}}))
    expect(c.level).toBe('high')
    expect(c.note).toMatch(/^High: Late fusion was better than every other eligible candidate in 4, equivalent to the best in 1, worse in 0, inconclusive in 0/)
    expect(c.note).toContain('in 5 calibration profiles like this one (under 2,000 labelled samples')
  })

  it('equivalent when it tied with the best; inconclusive when the evidence is mixed or thin', () => {
    const tied = confidenceFromEvidence('late', facts, table({'small/random/other': {late: [1, 3, 0, 0]}}))
    expect(tied.level).toBe('equivalent')
    // A tie is settled on stated engineering grounds, and the note names them.
    expect(tied.note).toContain('the choice among them rests on engineering grounds, not on the measurement: late fusion degrades most gracefully')
    expect(confidenceFromEvidence('late', facts, table({'small/random/other': {late: [1, 1, 1, 1]}})).level).toBe('inconclusive')
    const thin = confidenceFromEvidence('late', facts, table({'small/random/other': {late: [2, 0, 0, 0]}}))
    expect(thin.level).toBe('inconclusive')
    expect(thin.note).toContain('fewer than 3 calibration profiles like this one')
    expect(confidenceFromEvidence('late', facts, null).level).toBe('inconclusive')
  })

  it('falls back to a coarser regime when its own has too few profiles, and says so', () => {
    const c = confidenceFromEvidence('late', facts, table({'small/random/strong': {late: [2, 0, 0, 0]}, 'small/random/other': {late: [1, 0, 0, 0]}}))
    expect(c.level).toBe('high')
    expect(c.evidenceRegime).toBe('small/random/*')
    expect(c.note).toContain('pooled')
  })

  it('reaches the decision JSON and the ADR, with rule points kept as a trace only', () => {
    const p = profile({modalities: [modality('ehr'), modality('cxr', {availability: 0.3})]})
    const d = decide(p, {
      confidenceTable: table({
        [regimeOf({labelledSamples: p.task.labelledSamples, minAvailability: 0.3, informativeModalities: [], interactions: 'unknown'}).key]: {late: [5, 0, 0, 0], intermediate: [5, 0, 0, 0]},
      }),
    })
    expect(d.confidence?.level).toBe('high')
    expect(JSON.parse(JSON.stringify(d)).confidence).toMatchObject({level: 'high', ruleMargin: expect.any(Number), regime: {key: expect.any(String)}})
    const adr = formatAdr(d, {date: '2026-01-01'})
    expect(adr).toContain(`**Confidence: high.**`)
    expect(adr).toContain('Rule points below are a trace of which rules fired, not a confidence')
  })
})
