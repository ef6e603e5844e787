// The line init shows before writing: the strategy the profile leads to and its strongest reason.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {decisionLine, previewLine} from '../../src/init/summary.js'
import {loadProfileText} from '../../src/profile/load.js'
import {STRATEGY_DEFINITIONS} from '../../src/strategies/index.js'
import {ROOT} from '../helpers/run-cli.js'

function example(name: string) {
  const file = join(ROOT, 'examples', name)
  const {profile} = loadProfileText(file, readFileSync(file, 'utf8'))
  if (!profile) throw new Error(`${name} does not load`)
  return profile
}

describe('the decision line of init', () => {
  it('names the recommended strategy by its label and gives the rule with the largest positive score', async () => {
    const profile = example('icu-deterioration.yaml')
    const d = decide(structuredClone(profile))
    expect(d.strategy).not.toBeNull()
    const best = d.options.find((o) => o.strategy === d.strategy)!.adjustments.reduce((a, b) => (b.delta > a.delta ? b : a))
    expect(await decisionLine(profile)).toBe(`Recommended: ${STRATEGY_DEFINITIONS[d.strategy!].label.toLowerCase()} — ${best.reason} (${best.ruleId})`)
  })

  it('says why no strategy fits when none does', () => {
    const d = {...decide(example('icu-deterioration.yaml')), strategy: null, noStrategyReason: 'every strategy is over the latency budget'}
    expect(previewLine(d)).toBe('No strategy fits: every strategy is over the latency budget')
  })
})
