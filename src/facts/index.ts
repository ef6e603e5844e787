// Derived facts: everything the rules need that is not written in the profile directly, computed
// once per profile, in code, and exposed to rule conditions as `facts.<name>`. Every fact is plain
// JSON (numbers are doubles in CEL: write `1.0`, not `1`, in arithmetic). FACT_DOCS documents each
// one; `fuseplan rules facts` and docs/rules.md list them.
import type {Profile, Modality} from '../profile/types.js'
import {STRATEGIES, type Strategy} from '../decision/types.js'
import {encoderMs, estimateLatency} from './latency.js'

/** A presence pattern counts for the evaluation plan when its share reaches this (SPEC 3/4: 1%). */
export const SIGNIFICANT_PATTERN_SHARE = 0.01
/** Enumeration of presence patterns under independence stops after this many patterns. */
export const MAX_ENUMERATED_PATTERNS = 1000

export interface ModalityFact {
  name: string
  index: number
  type: string
  /** Flattened input size: features, product of shape, or length x channels. */
  size: number
  /** Deployment availability as written. */
  availability: number
  /** Availability among served requests: 1 for a `required` modality (requests without it are rejected). */
  servedAvailability: number
  trainingAvailability: number
  trainingAvailabilitySource: 'given' | 'cohorts' | 'assumed'
  missingness: string
  timing: string
  required: boolean
  encoderMs: number
}

export interface Facts {
  [key: string]: unknown
  modalityCount: number
  modalityNames: string[]
  modalities: ModalityFact[]
  minAvailability: number
  maxAvailability: number
  minAvailabilityModality: string
  minTrainingAvailability: number
  trainingAvailability: Record<string, number>
  completeCaseShare: number
  noModalityShare: number
  expectedPresentModalities: number
  patternsGiven: boolean
  patternShareTotal: number
  presencePatterns: {present: string[]; share: number}[]
  significantPatternCount: number
  patternsTruncated: boolean
  labelledSamples: number
  interactions: string
  cohortCount: number
  trainingSamples: number
  labelledTrainingSamples: number
  trainingCompleteCases: number
  trainingMultiModalSamples: number
  dataRichCohort: string | null
  dataRichCohortIndex: number
  dataRichCohortSize: number
  dataRichCohortShare: number
  dataRichCohortModalities: string[]
  dataRichCohortMaxGap: number
  dimensionalityRatio: number
  largestModality: string
  smallestModality: string
  temporalModalities: string[]
  episodicCount: number
  continuousCount: number
  informativeModalities: string[]
  requiredModalities: string[]
  alwaysPresentModalities: string[]
  shiftedModalities: {name: string; index: number; availability: number; trainingAvailability: number; gap: number}[]
  absentInTraining: {name: string; index: number; availability: number}[]
  latencyBudgetMs: number | null
  latencyEstimates: Record<Strategy, number>
  latencyHeadroom: Record<Strategy, number> | null
  strategiesOverBudget: {strategy: Strategy; estimateMs: number; budgetMs: number}[]
  duplicateModalities: {name: string; index: number; firstIndex: number}[]
  unknownCohortModalities: {cohort: string; cohortIndex: number; name: string; index: number}[]
  unknownCohortAvailabilityKeys: {cohort: string; cohortIndex: number; name: string}[]
  unknownPatternModalities: {patternIndex: number; name: string; index: number}[]
  duplicatePatterns: {patternIndex: number; firstIndex: number; present: string[]}[]
  trainingAvailabilityConflicts: {name: string; index: number; given: number; derived: number; gap: number}[]
  patternMarginalGaps: {name: string; index: number; availability: number; implied: number; gap: number}[]
}

export interface FactDoc {
  name: string
  description: string
}

export const FACT_DOCS: FactDoc[] = [
  {name: 'modalityCount', description: 'Number of modalities in the profile.'},
  {name: 'modalityNames', description: 'Modality names in profile order.'},
  {name: 'modalities', description: 'One entry per modality: name, index, type, size (flattened input size), availability, servedAvailability (1 when `required`), trainingAvailability and its source (given | cohorts | assumed), missingness, timing, required, encoderMs.'},
  {name: 'minAvailability', description: 'Lowest deployment availability among served requests (a `required` modality counts as 1).'},
  {name: 'maxAvailability', description: 'Highest deployment availability among served requests.'},
  {name: 'minAvailabilityModality', description: 'Name of the modality with the lowest deployment availability.'},
  {name: 'minTrainingAvailability', description: 'Lowest training availability over the modalities.'},
  {name: 'trainingAvailability', description: 'Map modality -> training availability: as given, else the size-weighted share over cohorts (cohort `availability`, default 1 for a carried modality), else assumed equal to deployment availability.'},
  {name: 'completeCaseShare', description: 'Expected share of deployment requests carrying every modality: the share of the all-modality pattern when `patterns` are given, else the product of availabilities.'},
  {name: 'noModalityShare', description: 'Expected share of deployment requests carrying no modality at all (the empty pattern, or the product of 1 - availability).'},
  {name: 'expectedPresentModalities', description: 'Expected number of modalities present in a request (sum of availabilities).'},
  {name: 'patternsGiven', description: 'True when the profile lists observed presence `patterns`.'},
  {name: 'patternShareTotal', description: 'Sum of the given pattern shares (0 without patterns).'},
  {name: 'presencePatterns', description: 'Presence patterns with share >= 1%, largest first: the given patterns, or enumerated assuming independent presence.'},
  {name: 'significantPatternCount', description: 'Number of presence patterns with share >= 1%.'},
  {name: 'patternsTruncated', description: 'True when enumeration stopped at 1000 patterns.'},
  {name: 'labelledSamples', description: '`task.labelledSamples`.'},
  {name: 'interactions', description: '`task.interactions`, default "unknown".'},
  {name: 'cohortCount', description: 'Number of training cohorts.'},
  {name: 'trainingSamples', description: 'Total cohort size (or labelledSamples without cohorts).'},
  {name: 'labelledTrainingSamples', description: 'Total size of cohorts marked `labelled` (labelled defaults to true).'},
  {name: 'trainingCompleteCases', description: 'Expected number of training samples carrying every modality (presence independent within a cohort).'},
  {name: 'trainingMultiModalSamples', description: 'Expected number of training samples carrying at least two modalities: what masking can drop from.'},
  {name: 'dataRichCohort', description: 'The cohort richest in modalities (highest sum of per-modality availability; ties: larger, then by name), or null without cohorts.'},
  {name: 'dataRichCohortIndex', description: 'Index of the data-rich cohort in `cohorts` (-1 without cohorts).'},
  {name: 'dataRichCohortSize', description: 'Size of the data-rich cohort.'},
  {name: 'dataRichCohortShare', description: 'Data-rich cohort size / total cohort size.'},
  {name: 'dataRichCohortModalities', description: 'Modalities the data-rich cohort carries.'},
  {name: 'dataRichCohortMaxGap', description: 'Largest |cohort availability - deployment availability| over the modalities: how far the data-rich cohort is from deployment.'},
  {name: 'dimensionalityRatio', description: 'Largest flattened modality input size / smallest.'},
  {name: 'largestModality', description: 'Modality with the largest flattened input size.'},
  {name: 'smallestModality', description: 'Modality with the smallest flattened input size.'},
  {name: 'temporalModalities', description: 'Modalities whose timing is episodic or continuous.'},
  {name: 'episodicCount', description: 'Number of episodic modalities.'},
  {name: 'continuousCount', description: 'Number of continuous modalities.'},
  {name: 'informativeModalities', description: 'Modalities whose missingness is `informative`.'},
  {name: 'requiredModalities', description: 'Modalities marked `required`.'},
  {name: 'alwaysPresentModalities', description: 'Modalities present in every served request (availability 1 or required).'},
  {name: 'shiftedModalities', description: 'Modalities more available at deployment than in training: {name, index, availability, trainingAvailability, gap}. Masking can only remove inputs, so it cannot simulate this shift.'},
  {name: 'absentInTraining', description: 'Modalities present at deployment (availability > 0) but in no training sample.'},
  {name: 'latencyBudgetMs', description: '`latency.budgetMs`, or null.'},
  {name: 'latencyEstimates', description: 'Estimated per-request latency in ms per strategy (model documented in src/facts/latency.ts).'},
  {name: 'latencyHeadroom', description: 'Per strategy, (budget - estimate) / budget; null without a budget.'},
  {name: 'strategiesOverBudget', description: 'Strategies whose estimate exceeds the budget: {strategy, estimateMs, budgetMs}.'},
  {name: 'duplicateModalities', description: 'Repeated modality names: {name, index, firstIndex}.'},
  {name: 'unknownCohortModalities', description: 'Cohort `modalities` entries naming no modality: {cohort, cohortIndex, name, index}.'},
  {name: 'unknownCohortAvailabilityKeys', description: 'Cohort `availability` keys that are not among the cohort\'s modalities: {cohort, cohortIndex, name}.'},
  {name: 'unknownPatternModalities', description: 'Pattern `present` entries naming no modality: {patternIndex, name, index}.'},
  {name: 'duplicatePatterns', description: 'Patterns listing the same modality set as an earlier one: {patternIndex, firstIndex, present}.'},
  {name: 'trainingAvailabilityConflicts', description: 'Modalities whose given trainingAvailability differs from the cohort-derived one: {name, index, given, derived, gap}.'},
  {name: 'patternMarginalGaps', description: 'When pattern shares add up to ~1: per modality, the availability implied by the patterns vs the one written: {name, index, availability, implied, gap}.'},
]

export function modalitySize(m: Modality): number {
  if (typeof m.features === 'number') return m.features
  if (Array.isArray(m.shape) && m.shape.length > 0) return m.shape.reduce((p, d) => p * d, 1)
  if (m.sequence) return m.sequence.length * m.sequence.channels
  return 1
}

function r(x: number): number {
  // Round away float noise so facts, traces and outputs are stable and readable.
  return Math.round(x * 1e9) / 1e9
}

/** Availability of modality `name` in a cohort: 0 when not carried; else its `availability` entry, default 1. */
function cohortAvailability(cohort: NonNullable<Profile['cohorts']>[number], name: string): number {
  if (!cohort.modalities.includes(name)) return 0
  const v = cohort.availability?.[name]
  return typeof v === 'number' ? v : 1
}

/** P(at least k of the independent Bernoulli presences) for k = 2, via the complement. */
function atLeastTwo(ps: number[]): number {
  let none = 1
  for (const p of ps) none *= 1 - p
  let one = 0
  for (let i = 0; i < ps.length; i++) {
    let term = ps[i]
    for (let j = 0; j < ps.length; j++) if (j !== i) term *= 1 - ps[j]
    one += term
  }
  return Math.max(0, 1 - none - one)
}

function enumeratePatterns(mods: {name: string; p: number}[]): {patterns: {present: string[]; share: number}[]; truncated: boolean} {
  const out: {present: string[]; share: number}[] = []
  let truncated = false
  const present: string[] = []
  const walk = (i: number, share: number): void => {
    if (truncated) return
    if (share < SIGNIFICANT_PATTERN_SHARE) return // every completion is at most this share: prune
    if (i === mods.length) {
      if (out.length >= MAX_ENUMERATED_PATTERNS) {
        truncated = true
        return
      }
      out.push({present: [...present], share: r(share)})
      return
    }
    const {name, p} = mods[i]
    if (p > 0) {
      present.push(name)
      walk(i + 1, share * p)
      present.pop()
    }
    if (p < 1) walk(i + 1, share * (1 - p))
  }
  walk(0, 1)
  return {patterns: out, truncated}
}

function sortPatterns(ps: {present: string[]; share: number}[]): {present: string[]; share: number}[] {
  return [...ps].sort((a, b) => b.share - a.share || b.present.length - a.present.length || a.present.join(',').localeCompare(b.present.join(',')))
}

export function computeFacts(profile: Profile): Facts {
  const modalities = profile.modalities ?? []
  const cohorts = profile.cohorts ?? []
  const patterns = profile.patterns ?? []
  const names = modalities.map((m) => m.name)
  const known = new Set(names)

  // Cross-document problems (lint rules read these).
  const firstIndex = new Map<string, number>()
  const duplicateModalities: Facts['duplicateModalities'] = []
  modalities.forEach((m, i) => {
    const f = firstIndex.get(m.name)
    if (f === undefined) firstIndex.set(m.name, i)
    else duplicateModalities.push({name: m.name, index: i, firstIndex: f})
  })
  const unknownCohortModalities: Facts['unknownCohortModalities'] = []
  const unknownCohortAvailabilityKeys: Facts['unknownCohortAvailabilityKeys'] = []
  cohorts.forEach((c, ci) => {
    c.modalities.forEach((name, j) => {
      if (!known.has(name)) unknownCohortModalities.push({cohort: c.name, cohortIndex: ci, name, index: j})
    })
    for (const key of Object.keys(c.availability ?? {}).sort()) {
      if (!c.modalities.includes(key)) unknownCohortAvailabilityKeys.push({cohort: c.name, cohortIndex: ci, name: key})
    }
  })
  const unknownPatternModalities: Facts['unknownPatternModalities'] = []
  const duplicatePatterns: Facts['duplicatePatterns'] = []
  const patternKeys = new Map<string, number>()
  patterns.forEach((p, pi) => {
    p.present.forEach((name, j) => {
      if (!known.has(name)) unknownPatternModalities.push({patternIndex: pi, name, index: j})
    })
    const key = [...new Set(p.present)].sort().join(',')
    const first = patternKeys.get(key)
    if (first === undefined) patternKeys.set(key, pi)
    else duplicatePatterns.push({patternIndex: pi, firstIndex: first, present: [...p.present]})
  })

  // Training availability per modality.
  const totalCohortSize = cohorts.reduce((s, c) => s + c.size, 0)
  const derived = new Map<string, number>()
  if (totalCohortSize > 0) {
    for (const name of names) derived.set(name, r(cohorts.reduce((s, c) => s + c.size * cohortAvailability(c, name), 0) / totalCohortSize))
  }
  const trainingAvailabilityConflicts: Facts['trainingAvailabilityConflicts'] = []
  const modalityFacts: ModalityFact[] = modalities.map((m, index) => {
    const d = derived.get(m.name)
    let t: number
    let source: ModalityFact['trainingAvailabilitySource']
    if (typeof m.trainingAvailability === 'number') {
      t = m.trainingAvailability
      source = 'given'
      if (d !== undefined) trainingAvailabilityConflicts.push({name: m.name, index, given: t, derived: d, gap: r(Math.abs(t - d))})
    } else if (d !== undefined) {
      t = d
      source = 'cohorts'
    } else {
      t = m.availability
      source = 'assumed'
    }
    return {
      name: m.name,
      index,
      type: m.type,
      size: modalitySize(m),
      availability: m.availability,
      servedAvailability: m.required ? 1 : m.availability,
      trainingAvailability: t,
      trainingAvailabilitySource: source,
      missingness: m.missingness ?? 'random',
      timing: m.timing ?? 'static',
      required: m.required === true,
      encoderMs: encoderMs(m, profile.latency),
    }
  })
  const trainingAvailability: Record<string, number> = {}
  for (const m of modalityFacts) if (!Object.hasOwn(trainingAvailability, m.name)) trainingAvailability[m.name] = m.trainingAvailability

  // Deployment presence.
  const served = modalityFacts.map((m) => m.servedAvailability)
  const minIdx = served.reduce((best, a, i) => (a < served[best] ? i : best), 0)
  const patternShareTotal = r(patterns.reduce((s, p) => s + p.share, 0))
  let completeCaseShare: number
  let noModalityShare: number
  let presencePatterns: {present: string[]; share: number}[]
  let patternsTruncated = false
  if (patterns.length > 0) {
    const all = new Set(names)
    completeCaseShare = r(patterns.filter((p) => all.size > 0 && [...all].every((n) => p.present.includes(n))).reduce((s, p) => s + p.share, 0))
    noModalityShare = r(patterns.filter((p) => p.present.filter((n) => known.has(n)).length === 0).reduce((s, p) => s + p.share, 0))
    presencePatterns = sortPatterns(patterns.filter((p) => p.share >= SIGNIFICANT_PATTERN_SHARE).map((p) => ({present: [...p.present], share: p.share})))
  } else {
    completeCaseShare = r(served.reduce((p, a) => p * a, 1))
    noModalityShare = r(served.reduce((p, a) => p * (1 - a), 1))
    const e = enumeratePatterns(modalityFacts.map((m) => ({name: m.name, p: m.servedAvailability})))
    presencePatterns = sortPatterns(e.patterns)
    patternsTruncated = e.truncated
  }
  const patternMarginalGaps: Facts['patternMarginalGaps'] = []
  if (patterns.length > 0 && Math.abs(patternShareTotal - 1) <= 0.01) {
    modalityFacts.forEach((m) => {
      const implied = r(patterns.filter((p) => p.present.includes(m.name)).reduce((s, p) => s + p.share, 0))
      patternMarginalGaps.push({name: m.name, index: m.index, availability: m.availability, implied, gap: r(Math.abs(implied - m.availability))})
    })
  }

  // Training data.
  const labelledSamples = profile.task?.labelledSamples ?? 0
  let trainingCompleteCases: number
  let trainingMultiModalSamples: number
  if (cohorts.length > 0) {
    trainingCompleteCases = cohorts.reduce((s, c) => s + c.size * names.reduce((p, n) => p * cohortAvailability(c, n), 1), 0)
    trainingMultiModalSamples = cohorts.reduce((s, c) => s + c.size * atLeastTwo(names.map((n) => cohortAvailability(c, n))), 0)
  } else {
    trainingCompleteCases = labelledSamples * modalityFacts.reduce((p, m) => p * m.trainingAvailability, 1)
    trainingMultiModalSamples = labelledSamples * atLeastTwo(modalityFacts.map((m) => m.trainingAvailability))
  }

  // Data-rich cohort.
  let rich = -1
  let richScore = -1
  cohorts.forEach((c, i) => {
    const score = names.reduce((s, n) => s + cohortAvailability(c, n), 0)
    if (rich < 0 || score > richScore + 1e-12 || (Math.abs(score - richScore) <= 1e-12 && (c.size > cohorts[rich].size || (c.size === cohorts[rich].size && c.name < cohorts[rich].name)))) {
      rich = i
      richScore = score
    }
  })
  const richCohort = rich >= 0 ? cohorts[rich] : undefined

  // Dimensionality.
  let largest = 0
  let smallest = 0
  modalityFacts.forEach((m, i) => {
    if (m.size > modalityFacts[largest].size) largest = i
    if (m.size < modalityFacts[smallest].size) smallest = i
  })

  // Latency.
  const latencyEstimates = estimateLatency(profile)
  const budget = typeof profile.latency?.budgetMs === 'number' ? profile.latency.budgetMs : null
  const latencyHeadroom = budget === null ? null : (Object.fromEntries(STRATEGIES.map((s) => [s, r((budget - latencyEstimates[s]) / budget)])) as Record<Strategy, number>)
  const strategiesOverBudget = budget === null ? [] : STRATEGIES.filter((s) => latencyEstimates[s] > budget).map((s) => ({strategy: s, estimateMs: latencyEstimates[s], budgetMs: budget}))

  return {
    modalityCount: modalityFacts.length,
    modalityNames: names,
    modalities: modalityFacts,
    minAvailability: modalityFacts.length ? served[minIdx] : 0,
    maxAvailability: modalityFacts.length ? Math.max(...served) : 0,
    minAvailabilityModality: modalityFacts.length ? modalityFacts[minIdx].name : '',
    minTrainingAvailability: modalityFacts.length ? Math.min(...modalityFacts.map((m) => m.trainingAvailability)) : 0,
    trainingAvailability,
    completeCaseShare,
    noModalityShare,
    expectedPresentModalities: r(served.reduce((s, a) => s + a, 0)),
    patternsGiven: patterns.length > 0,
    patternShareTotal,
    presencePatterns,
    significantPatternCount: presencePatterns.length,
    patternsTruncated,
    labelledSamples,
    interactions: profile.task?.interactions ?? 'unknown',
    cohortCount: cohorts.length,
    trainingSamples: cohorts.length > 0 ? totalCohortSize : labelledSamples,
    labelledTrainingSamples: cohorts.length > 0 ? cohorts.filter((c) => c.labelled !== false).reduce((s, c) => s + c.size, 0) : labelledSamples,
    trainingCompleteCases: Math.round(trainingCompleteCases),
    trainingMultiModalSamples: Math.round(trainingMultiModalSamples),
    dataRichCohort: richCohort?.name ?? null,
    dataRichCohortIndex: rich,
    dataRichCohortSize: richCohort?.size ?? 0,
    dataRichCohortShare: richCohort && totalCohortSize > 0 ? r(richCohort.size / totalCohortSize) : 0,
    dataRichCohortModalities: richCohort ? [...richCohort.modalities] : [],
    dataRichCohortMaxGap: richCohort ? r(Math.max(0, ...modalityFacts.map((m) => Math.abs(cohortAvailability(richCohort, m.name) - m.servedAvailability)))) : 0,
    dimensionalityRatio: modalityFacts.length ? r(modalityFacts[largest].size / modalityFacts[smallest].size) : 1,
    largestModality: modalityFacts[largest]?.name ?? '',
    smallestModality: modalityFacts[smallest]?.name ?? '',
    temporalModalities: modalityFacts.filter((m) => m.timing === 'episodic' || m.timing === 'continuous').map((m) => m.name),
    episodicCount: modalityFacts.filter((m) => m.timing === 'episodic').length,
    continuousCount: modalityFacts.filter((m) => m.timing === 'continuous').length,
    informativeModalities: modalityFacts.filter((m) => m.missingness === 'informative').map((m) => m.name),
    requiredModalities: modalityFacts.filter((m) => m.required).map((m) => m.name),
    alwaysPresentModalities: modalityFacts.filter((m) => m.servedAvailability >= 1).map((m) => m.name),
    shiftedModalities: modalityFacts
      .filter((m) => m.servedAvailability > m.trainingAvailability + 1e-9 && m.trainingAvailability > 0)
      .map((m) => ({name: m.name, index: m.index, availability: m.servedAvailability, trainingAvailability: m.trainingAvailability, gap: r(m.servedAvailability - m.trainingAvailability)})),
    absentInTraining: modalityFacts.filter((m) => m.trainingAvailability <= 0 && m.availability > 0).map((m) => ({name: m.name, index: m.index, availability: m.availability})),
    latencyBudgetMs: budget,
    latencyEstimates,
    latencyHeadroom,
    strategiesOverBudget,
    duplicateModalities,
    unknownCohortModalities,
    unknownCohortAvailabilityKeys,
    unknownPatternModalities,
    duplicatePatterns,
    trainingAvailabilityConflicts,
    patternMarginalGaps,
  }
}
