// Cross-document checks: problems the schema cannot see because they need the whole profile.
// Temporary home: the rule engine takes these over as rules; lint calls only `checkProfileDocument`.
import type {DocPath} from '../findings.js'
import type {Profile} from './types.js'

export interface ProfileProblem {
  ruleId: string
  severity: 'error' | 'warning' | 'info'
  message: string
  docPath: DocPath
}

export function checkProfileDocument(profile: Profile): ProfileProblem[] {
  const problems: ProfileProblem[] = []
  const names = new Map<string, number>()
  profile.modalities.forEach((m, i) => {
    if (names.has(m.name)) {
      problems.push({ruleId: 'unique-modality-names', severity: 'error', message: `Modality \`${m.name}\` is already defined at modalities[${names.get(m.name)}]; names must be unique.`, docPath: ['modalities', i, 'name']})
    } else names.set(m.name, i)
  })
  for (const [ci, cohort] of (profile.cohorts ?? []).entries()) {
    cohort.modalities.forEach((name, j) => {
      if (!names.has(name)) problems.push({ruleId: 'known-modality-references', severity: 'error', message: `Cohort \`${cohort.name}\` names unknown modality \`${name}\`.`, docPath: ['cohorts', ci, 'modalities', j]})
    })
  }
  for (const [pi, pattern] of (profile.patterns ?? []).entries()) {
    pattern.present.forEach((name, j) => {
      if (!names.has(name)) problems.push({ruleId: 'known-modality-references', severity: 'error', message: `Pattern names unknown modality \`${name}\`.`, docPath: ['patterns', pi, 'present', j]})
    })
  }
  const total = (profile.patterns ?? []).reduce((sum, p) => sum + p.share, 0)
  if (total > 1 + 1e-9) {
    problems.push({ruleId: 'pattern-shares-sum', severity: 'error', message: `Pattern shares add up to ${total.toFixed(3)}; they cannot exceed 1.`, docPath: ['patterns']})
  }
  return problems
}
