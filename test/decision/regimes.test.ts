// The scenario suite of `npm run bench:decisions` (bench/decisions/): in each strategy's home regime
// the rule engine picks that strategy. docs/decisions.md holds the evidence that it should.
import {readdirSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {loadProfile} from '../../src/profile/load.js'

const dir = new URL('../../bench/decisions/', import.meta.url).pathname
const scenarios = readdirSync(dir).filter((f) => f.endsWith('.yaml'))

describe('home regimes', () => {
  it('has at least two scenarios per regime', () => {
    for (const regime of ['late-', 'intermediate-', 'early-', 'attention-', 'informative-']) {
      expect(scenarios.filter((f) => f.startsWith(regime)).length, regime).toBeGreaterThanOrEqual(2)
    }
  })

  for (const file of scenarios) {
    it(file, () => {
      const {profile, findings} = loadProfile(dir + file)
      expect(findings.filter((f) => f.severity === 'error')).toEqual([])
      const d = decide(profile!)
      const regime = file.split('-')[0]
      if (regime === 'informative') {
        // A joint model that reads presence bits, never late fusion (which drops the presence signal).
        expect(d.strategy).not.toBe('late')
        expect(d.masking.presenceBits).toBe(true)
      } else {
        expect(d.strategy).toBe(regime)
      }
    })
  }
})
