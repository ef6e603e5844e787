// Cross-document checks: problems the schema cannot see because they need the whole profile. They are
// rules of the engine now (rules/profile-checks.yaml and the other lint rules); this function keeps the
// old entry point for callers that pass no checker to loadProfile: the bundled rules, no config.
import type {DocPath} from '../findings.js'
import {checkProfile, defaultRuleSet} from '../engine/index.js'
import type {Profile} from './types.js'

export interface ProfileProblem {
  ruleId: string
  severity: 'error' | 'warning' | 'info'
  message: string
  docPath: DocPath
}

export function checkProfileDocument(profile: Profile): ProfileProblem[] {
  return checkProfile(defaultRuleSet(), profile).map((f) => ({ruleId: f.ruleId, severity: f.severity, message: f.message, docPath: f.docPath}))
}
