// Rule examples: every rule carries two profile patches, one on which it fires and one on which it
// does not. A patch maps dotted paths (`modalities[1].availability`, `cohorts`) to values and is applied
// to EXAMPLE_BASE_PROFILE below; `null` deletes the key. test/rules runs every bundled rule's examples;
// `fuseplan rules test DIR` runs a rule pack's (checkRuleExamples below).
import {computeFacts} from '../facts/index.js'
import {profileValidator} from '../profile/validate.js'
import type {Profile} from '../profile/types.js'
import {evaluateRules, parseDocPath} from './evaluate.js'
import type {LoadProblem} from './loader.js'
import type {ConfiguredRule, ProfilePatch, RuleSet} from './types.js'

/** An ICU-style profile: EHR always present, chest X-ray often missing, notes sometimes. */
export const EXAMPLE_BASE_PROFILE: Profile = {
  apiVersion: 'fuseplan/v1',
  kind: 'DeploymentProfile',
  name: 'rule-example',
  task: {type: 'binary', metric: 'auroc', labelledSamples: 18000, interactions: 'unknown'},
  modalities: [
    {name: 'ehr', type: 'tabular', features: 120, availability: 1, missingness: 'random', timing: 'static'},
    {name: 'cxr', type: 'image', shape: [224, 224, 1], availability: 0.22, missingness: 'informative', timing: 'episodic'},
    {name: 'notes', type: 'text', features: 768, availability: 0.6, missingness: 'random', timing: 'static'},
  ],
  cohorts: [{name: 'icu', size: 18000, labelled: true, modalities: ['ehr', 'cxr', 'notes'], availability: {cxr: 0.26, notes: 0.6}}],
  latency: {budgetMs: 100, percentile: 99, hardware: 'cpu', batch: 1},
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export function applyPatch(base: Profile, patch: ProfilePatch): Profile {
  const out = structuredClone(base) as unknown as Record<string, unknown>
  for (const [path, value] of Object.entries(patch)) {
    const parts = parseDocPath(path)
    if (parts.length === 0 || parts.some((p) => UNSAFE_KEYS.has(String(p)))) throw new Error(`Unsafe or empty patch path \`${path}\`.`)
    let cur: Record<string | number, unknown> = out
    for (let i = 0; i < parts.length - 1; i++) {
      const key = parts[i]
      if (cur[key] === undefined || cur[key] === null || typeof cur[key] !== 'object') cur[key] = typeof parts[i + 1] === 'number' ? [] : {}
      cur = cur[key] as Record<string | number, unknown>
    }
    const last = parts[parts.length - 1]
    if (value === null) {
      if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1)
      else delete cur[last]
    } else cur[last] = structuredClone(value)
  }
  return out as unknown as Profile
}

/**
 * Runs each rule's examples alone: `fires` must make it fire (with a finding, for a lint rule) and
 * `passes` must not; both must be schema-valid profiles. Each failure is a problem at the example's
 * file:line:col. Rules are evaluated with their defaults, as the rule pack ships them.
 */
export function checkRuleExamples(ruleSet: RuleSet, rules: ConfiguredRule[] = ruleSet.rules): LoadProblem[] {
  const problems: LoadProblem[] = []
  const validate = profileValidator()
  for (const cr of rules) {
    const {rule} = cr
    const alone: RuleSet = {...ruleSet, rules: [{rule, enabled: true, options: Object.fromEntries(Object.entries(rule.options).map(([k, o]) => [k, o.default]))}]}
    for (const which of ['fires', 'passes'] as const) {
      const at = rule.examplesAt?.[which] ?? rule.location
      const fail = (message: string) => problems.push({...at, message: `Rule \`${rule.id}\`, example \`${which}\`: ${message}`})
      let profile: Profile
      try {
        profile = applyPatch(EXAMPLE_BASE_PROFILE, rule.examples[which])
      } catch (error) {
        fail((error as Error).message)
        continue
      }
      if (!validate(profile)) {
        fail('the patched example profile does not pass the schema; an example must be a valid profile.')
        continue
      }
      const ev = evaluateRules(alone, profile, computeFacts(profile))
      const entry = ev.trace.find((t) => t.ruleId === rule.id)
      if (entry?.error) fail(`the rule could not be evaluated: ${entry.error}`)
      else if (which === 'fires' && !entry?.fired) fail('the rule does not fire on it. Fix the condition or the example.')
      else if (which === 'fires' && rule.effects.findings.length > 0 && ev.findings.length === 0) fail('the rule fires but reports no finding.')
      else if (which === 'passes' && (entry?.fired || ev.findings.length > 0)) fail('the rule fires on it, but `passes` is an example it must not fire on.')
    }
  }
  return problems
}
