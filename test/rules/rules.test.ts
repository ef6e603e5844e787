// Table-driven: every bundled rule's `examples` are run through the engine. The `fires` patch must
// make the rule fire (and produce its effects), the `passes` patch must not. Removing a rule fails the
// id list below; breaking its condition fails its examples.
import {describe, expect, it} from 'vitest'
import {computeFacts} from '../../src/facts/index.js'
import {evaluateRules, loadRuleSet} from '../../src/engine/index.js'
import {applyPatch, EXAMPLE_BASE_PROFILE} from '../../src/engine/examples.js'
import type {RuleSet} from '../../src/engine/types.js'
import {validateProfileSchema} from '../../src/profile/validate.js'
import {parseSource} from '../../src/profile/source.js'
import {stringify} from 'yaml'

const ruleSet = loadRuleSet()

const EXPECTED_IDS = [
  'complete-data-allows-early-fusion',
  'duplicate-patterns',
  'informative-absence-unseen-in-training',
  'informative-missingness-presence-bits',
  'joint-model-under-missingness',
  'known-modality-references',
  'labelled-samples-within-cohorts',
  'latency-budget-excludes-strategy',
  'masking-curriculum',
  'masking-drop-floor',
  'masking-sample-patterns',
  'mixed-dimensionality-favours-intermediate',
  'modality-absent-in-training',
  'no-masking-possible',
  'no-strategy-fits-latency',
  'pattern-shares-sum',
  'patterns-match-availability',
  'rare-modality',
  'request-without-modality',
  'required-modality-always-present',
  'shifted-availability',
  'strong-interactions-need-joint-model',
  'temporal-favours-attention',
  'training-availability-matches-cohorts',
  'transfer-from-data-rich-cohort',
  'unique-modality-names',
]

function only(id: string): RuleSet {
  return {...ruleSet, rules: ruleSet.rules.map((cr) => ({...cr, enabled: cr.rule.id === id}))}
}

describe('bundled rules', () => {
  it('has exactly the documented rule ids', () => {
    expect(ruleSet.rules.map((r) => r.rule.id).sort()).toEqual(EXPECTED_IDS)
  })

  it('the example base profile passes the schema', () => {
    const src = parseSource('base.yaml', stringify(EXAMPLE_BASE_PROFILE))
    expect(validateProfileSchema(src)).toEqual([])
  })

  for (const cr of ruleSet.rules) {
    const {rule} = cr
    describe(rule.id, () => {
      it('has a doc: title, rationale, source, option descriptions', () => {
        expect(rule.title.length).toBeGreaterThan(10)
        expect(rule.rationale.length).toBeGreaterThan(60)
        expect(rule.source.length).toBeGreaterThan(3)
        for (const o of Object.values(rule.options)) expect(o.description.length).toBeGreaterThan(5)
      })

      it('fires on its `fires` example, with effects', () => {
        const profile = applyPatch(EXAMPLE_BASE_PROFILE, rule.examples.fires)
        const ev = evaluateRules(only(rule.id), profile, computeFacts(profile))
        const entry = ev.trace.find((t) => t.ruleId === rule.id)!
        expect(entry.error).toBeUndefined()
        expect(entry.fired).toBe(true)
        expect(entry.effects.length).toBeGreaterThan(0)
        if (rule.effects.findings.length > 0) {
          expect(ev.findings.length).toBeGreaterThan(0)
          for (const f of ev.findings) expect(f.ruleId).toBe(rule.id)
        }
      })

      it('does not fire on its `passes` example', () => {
        const profile = applyPatch(EXAMPLE_BASE_PROFILE, rule.examples.passes)
        const ev = evaluateRules(only(rule.id), profile, computeFacts(profile))
        const entry = ev.trace.find((t) => t.ruleId === rule.id)!
        expect(entry.error).toBeUndefined()
        expect(entry.fired).toBe(false)
        expect(ev.findings).toEqual([])
      })

      it('examples are schema-valid profiles', () => {
        for (const patch of [rule.examples.fires, rule.examples.passes]) {
          const src = parseSource('example.yaml', stringify(applyPatch(EXAMPLE_BASE_PROFILE, patch)))
          expect(validateProfileSchema(src)).toEqual([])
        }
      })
    })
  }
})
