// Confidence comes from measurements (src/decision/evidence.ts): the calibration evidence of profiles
// like this one, never the rule scores, which stay in the decision as a trace.
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {confidenceFromEvidence, regimeCallOf, regimeOf, type ConfidenceTable, type HeldOutRegime} from '../../src/decision/evidence.js'
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

  describe("the test grid's regime call", () => {
    const held = (regimes: Record<string, Partial<HeldOutRegime> & Pick<HeldOutRegime, 'call' | 'interval'>>): ConfidenceTable => ({
      ...table({}),
      heldOut: {
        set: 'test',
        gridSeed: 304,
        profiles: 30,
        seeds: 4,
        rulesHash: 'abc',
        margin: 0.01,
        regimes: Object.fromEntries(Object.entries(regimes).map(([k, r]) => [k, {profiles: 4, bestConstant: 'always intermediate', constantRegret: 0.002, rulesRegret: 0.003, ...r}])),
      },
    })
    const regime = regimeOf(facts)

    it('says tie with the interval and the constant it ties with, and that it is not better', () => {
      const c = regimeCallOf(regime, held({'small/random/other': {call: 'tie', interval: [-0.003, 0.009]}}))
      expect(c?.call).toBe('tie')
      expect(c?.note).toMatch(/^Tie: in the 4 profiles of the held-out test grid \(seed 304, 30 profiles, 4 training seeds each, rules abc\) in this regime/)
      expect(c?.note).toContain('the 90% interval of the difference (rules minus constant) is -0.0030 to +0.0090, margin 0.010')
      expect(c?.note).toContain('as good as "always intermediate" within the margin, not better')
    })

    it('says undecided where the interval reaches past the margin, or the regime has under 2 test profiles', () => {
      expect(regimeCallOf(regime, held({'small/random/other': {call: 'undecided', interval: [0.002, 0.011]}}))?.note).toMatch(/^Undecided: .*reaching past the margin/)
      const one = regimeCallOf(regime, held({'small/random/other': {call: 'tie', interval: [0, 0], profiles: 1}}))
      expect(one).toMatchObject({call: 'undecided', interval: null})
      expect(one?.note).toContain('only one profile of the held-out test grid')
      const none = regimeCallOf(regime, held({'large/random/other': {call: 'tie', interval: [0, 0]}}))
      expect(none).toMatchObject({call: 'undecided', profiles: 0, bestConstant: null})
      expect(none?.note).toContain('no profile of the held-out test grid')
    })

    it('is absent without a test grid, and reaches the ADR beside the confidence', () => {
      expect(regimeCallOf(regime, table({}))).toBeNull()
      expect(regimeCallOf(regime, null)).toBeNull()
      const p = profile({modalities: [modality('ehr'), modality('cxr', {availability: 0.3})]})
      const key = regimeOf({labelledSamples: p.task.labelledSamples, minAvailability: 0.3, informativeModalities: [], interactions: 'unknown'}).key
      const d = decide(p, {confidenceTable: held({[key]: {call: 'rules ahead', interval: [-0.02, -0.004]}})})
      expect(d.confidence?.heldOut?.call).toBe('rules ahead')
      expect(formatAdr(d, {date: '2026-01-01'})).toContain('**Against the best constant policy: rules ahead.** Rules ahead: in the 4 profiles')
    })
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
