// Derived facts: everything the rules need that is not written in the profile directly, computed
// once per profile, in code, and exposed to rule conditions as `facts.<name>`. Every fact is plain
// JSON (numbers are doubles in CEL: write `1.0`, not `1`, in arithmetic). Facts come in small groups,
// each a function with the description of every fact it returns beside it (the compiler checks
// that none lacks one); FACT_DOCS collects the descriptions for `rules list --facts` and
// docs/rules.md.
import {cohortAvailability, cohortTrainingAvailability, resolveModalities, roundNoise as r} from '../profile/modality.js'
import type {Profile} from '../profile/types.js'
import {STRATEGIES, type Strategy} from '../strategies/index.js'
import {encoderMs, estimateLatency, latencyText, latencyUncertainty} from './latency.js'

/** A presence pattern counts for the evaluation plan when its share reaches this (docs/design.md#masking-plan: 1%). */
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

export interface FactDoc {
  name: string
  description: string
}

/** What every group reads: the profile, and the per-modality facts the others build on. */
interface FactContext {
  profile: Profile
  cohorts: NonNullable<Profile['cohorts']>
  patterns: NonNullable<Profile['patterns']>
  names: string[]
  known: Set<string>
  modalityFacts: ModalityFact[]
  /** Availability among served requests, per modality in profile order. */
  served: number[]
  totalCohortSize: number
  /** Training availability derived from the cohorts, when there are cohorts. */
  derivedTrainingAvailability: Map<string, number>
}

interface FactGroup<T extends object> {
  docs: {[K in keyof T]: string}
  compute: (ctx: FactContext) => T
}

/** A group of facts: how they are computed, and what each one means. */
function factGroup<T extends object>(docs: {[K in keyof NoInfer<T>]: string}, compute: (ctx: FactContext) => T): FactGroup<T> {
  return {docs, compute}
}

const modalityGroup = factGroup(
  {
    modalityCount: 'Number of modalities in the profile.',
    modalityNames: 'Modality names in profile order.',
    modalities:
      'One entry per modality: name, index, type, size (flattened input size), availability, servedAvailability (1 when `required`), trainingAvailability and its source (given | cohorts | assumed), missingness, timing, required, encoderMs (the measured `encoderLatencyMs`, else a default estimate per modality type and size: see src/facts/latency.ts).',
    minAvailability: 'Lowest deployment availability among served requests (a `required` modality counts as 1).',
    maxAvailability: 'Highest deployment availability among served requests.',
    minAvailabilityModality: 'Name of the modality with the lowest deployment availability.',
    minTrainingAvailability: 'Lowest training availability over the modalities.',
    trainingAvailability:
      'Map modality -> training availability: as given, else the size-weighted share over cohorts (cohort `availability`, default 1 for a carried modality), else assumed equal to deployment availability.',
  },
  ({modalityFacts, names, served}) => {
    const minIdx = served.reduce((best, a, i) => (a < served[best] ? i : best), 0)
    const trainingAvailability: Record<string, number> = {}
    for (const m of modalityFacts) if (!Object.hasOwn(trainingAvailability, m.name)) trainingAvailability[m.name] = m.trainingAvailability
    return {
      modalityCount: modalityFacts.length,
      modalityNames: names,
      modalities: modalityFacts,
      minAvailability: modalityFacts.length ? served[minIdx] : 0,
      maxAvailability: modalityFacts.length ? Math.max(...served) : 0,
      minAvailabilityModality: modalityFacts.length ? modalityFacts[minIdx].name : '',
      minTrainingAvailability: modalityFacts.length ? Math.min(...modalityFacts.map((m) => m.trainingAvailability)) : 0,
      trainingAvailability,
    }
  },
)

const presenceGroup = factGroup(
  {
    completeCaseShare: 'Expected share of deployment requests carrying every modality: the share of the all-modality pattern when `patterns` are given, else the product of availabilities.',
    noModalityShare: 'Expected share of deployment requests carrying no modality at all (the empty pattern, or the product of 1 - availability).',
    expectedPresentModalities: 'Expected number of modalities present in a request (sum of availabilities).',
    patternsGiven: 'True when the profile lists observed presence `patterns`.',
    patternShareTotal: 'Sum of the given pattern shares (0 without patterns).',
    presencePatterns: 'Presence patterns with share >= 1%, largest first: the given patterns, or enumerated assuming independent presence.',
    significantPatternCount: 'Number of presence patterns with share >= 1%.',
    patternsTruncated: 'True when enumeration stopped at 1000 patterns.',
  },
  ({patterns, names, known, modalityFacts, served}) => {
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
    return {
      completeCaseShare,
      noModalityShare,
      expectedPresentModalities: r(served.reduce((s, a) => s + a, 0)),
      patternsGiven: patterns.length > 0,
      patternShareTotal,
      presencePatterns,
      significantPatternCount: presencePatterns.length,
      patternsTruncated,
    }
  },
)

const trainingGroup = factGroup(
  {
    labelledSamples: '`task.labelledSamples`.',
    interactions: '`task.interactions`, default "unknown" when the profile does not say.',
    cohortCount: 'Number of training cohorts.',
    trainingSamples: 'Total cohort size (or labelledSamples without cohorts).',
    labelledTrainingSamples: 'Total size of cohorts marked `labelled` (labelled defaults to true).',
    trainingCompleteCases: 'Expected number of training samples carrying every modality (presence independent within a cohort).',
    trainingMultiModalSamples: 'Expected number of training samples carrying at least two modalities: what masking can drop from.',
  },
  ({profile, cohorts, names, modalityFacts, totalCohortSize}) => {
    const labelledSamples = profile.task?.labelledSamples ?? 0
    const expected =
      cohorts.length > 0
        ? {
            complete: cohorts.reduce((s, c) => s + c.size * names.reduce((p, n) => p * cohortAvailability(c, n), 1), 0),
            multiModal: cohorts.reduce((s, c) => s + c.size * atLeastTwo(names.map((n) => cohortAvailability(c, n))), 0),
          }
        : {
            complete: labelledSamples * modalityFacts.reduce((p, m) => p * m.trainingAvailability, 1),
            multiModal: labelledSamples * atLeastTwo(modalityFacts.map((m) => m.trainingAvailability)),
          }
    return {
      labelledSamples,
      interactions: profile.task?.interactions ?? 'unknown',
      cohortCount: cohorts.length,
      trainingSamples: cohorts.length > 0 ? totalCohortSize : labelledSamples,
      labelledTrainingSamples: cohorts.length > 0 ? cohorts.filter((c) => c.labelled !== false).reduce((s, c) => s + c.size, 0) : labelledSamples,
      trainingCompleteCases: Math.round(expected.complete),
      trainingMultiModalSamples: Math.round(expected.multiModal),
    }
  },
)

const dataRichCohortGroup = factGroup(
  {
    dataRichCohort: 'The cohort richest in modalities (highest sum of per-modality availability; ties: larger, then by name), or null without cohorts.',
    dataRichCohortIndex: 'Index of the data-rich cohort in `cohorts` (-1 without cohorts).',
    dataRichCohortSize: 'Size of the data-rich cohort.',
    dataRichCohortShare: 'Data-rich cohort size / total cohort size.',
    dataRichCohortModalities: 'Modalities the data-rich cohort carries.',
    dataRichCohortMaxGap: 'Largest |cohort availability - deployment availability| over the modalities: how far the data-rich cohort is from deployment.',
  },
  ({cohorts, names, modalityFacts, totalCohortSize}) => {
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
    return {
      dataRichCohort: richCohort?.name ?? null,
      dataRichCohortIndex: rich,
      dataRichCohortSize: richCohort?.size ?? 0,
      dataRichCohortShare: richCohort && totalCohortSize > 0 ? r(richCohort.size / totalCohortSize) : 0,
      dataRichCohortModalities: richCohort ? [...richCohort.modalities] : [],
      dataRichCohortMaxGap: richCohort ? r(Math.max(0, ...modalityFacts.map((m) => Math.abs(cohortAvailability(richCohort, m.name) - m.servedAvailability)))) : 0,
    }
  },
)

const shapeAndTimingGroup = factGroup(
  {
    dimensionalityRatio: 'Largest flattened modality input size / smallest.',
    largestModality: 'Modality with the largest flattened input size.',
    smallestModality: 'Modality with the smallest flattened input size.',
    temporalModalities: 'Modalities whose timing is episodic or continuous.',
    episodicCount: 'Number of episodic modalities.',
    continuousCount: 'Number of continuous modalities (`timing` defaults to static when the profile does not say).',
  },
  ({modalityFacts}) => {
    let largest = 0
    let smallest = 0
    modalityFacts.forEach((m, i) => {
      if (m.size > modalityFacts[largest].size) largest = i
      if (m.size < modalityFacts[smallest].size) smallest = i
    })
    return {
      dimensionalityRatio: modalityFacts.length ? r(modalityFacts[largest].size / modalityFacts[smallest].size) : 1,
      largestModality: modalityFacts[largest]?.name ?? '',
      smallestModality: modalityFacts[smallest]?.name ?? '',
      temporalModalities: modalityFacts.filter((m) => m.timing === 'episodic' || m.timing === 'continuous').map((m) => m.name),
      episodicCount: modalityFacts.filter((m) => m.timing === 'episodic').length,
      continuousCount: modalityFacts.filter((m) => m.timing === 'continuous').length,
    }
  },
)

const modalityRolesGroup = factGroup(
  {
    informativeModalities: 'Modalities whose missingness is `informative` (`missingness` defaults to random when the profile does not say).',
    requiredModalities: 'Modalities marked `required`.',
    alwaysPresentModalities: 'Modalities present in every served request (availability 1 or required).',
    shiftedModalities:
      'Modalities more available at deployment than in training: {name, index, availability, trainingAvailability, gap}. Masking can only remove inputs, so it cannot simulate this shift.',
    absentInTraining: 'Modalities present at deployment (availability > 0) but in no training sample.',
    informativeAbsence:
      'Modalities whose missingness is `informative`: {name, index, availability (deployment), trainingAvailability}. Where training carries the modality in (almost) every sample, no model sees what its absence means.',
  },
  ({modalityFacts}) => ({
    informativeModalities: modalityFacts.filter((m) => m.missingness === 'informative').map((m) => m.name),
    requiredModalities: modalityFacts.filter((m) => m.required).map((m) => m.name),
    alwaysPresentModalities: modalityFacts.filter((m) => m.servedAvailability >= 1).map((m) => m.name),
    shiftedModalities: modalityFacts
      .filter((m) => m.servedAvailability > m.trainingAvailability + 1e-9 && m.trainingAvailability > 0)
      .map((m) => ({name: m.name, index: m.index, availability: m.servedAvailability, trainingAvailability: m.trainingAvailability, gap: r(m.servedAvailability - m.trainingAvailability)})),
    absentInTraining: modalityFacts.filter((m) => m.trainingAvailability <= 0 && m.availability > 0).map((m) => ({name: m.name, index: m.index, availability: m.availability})),
    informativeAbsence: modalityFacts
      .filter((m) => m.missingness === 'informative')
      .map((m) => ({name: m.name, index: m.index, availability: m.servedAvailability, trainingAvailability: m.trainingAvailability})),
  }),
)

const latencyGroup = factGroup(
  {
    latencyBudgetMs: '`latency.budgetMs`, or null.',
    strategyCount: 'How many fusion strategies there are (each has a latency estimate), plug-ins included.',
    latencyEstimates:
      "Estimated per-request latency in ms per strategy, from each modality's encoderMs (measured when the profile gives `encoderLatencyMs`, else a default per type and size) and the fusion overhead (model documented in src/facts/latency.ts).",
    latencyHeadroom: 'Per strategy, (budget - estimate) / budget; null without a budget.',
    latencyUncertaintyMs: 'Per strategy, how far off the estimate may be, in ms: 10% of the measured encoder costs plus 50% of the default ones and of the strategy overhead (src/facts/latency.ts).',
    strategiesOverBudget:
      'Strategies over the budget even at the low end of their estimate (estimate - uncertainty > budget): {strategy, estimateMs, uncertaintyMs, budgetMs, estimate (the text "42 ± 4 ms")}.',
    strategiesNearBudget: 'Strategies whose estimate range holds the budget (they may or may not fit; measure them): {strategy, estimateMs, uncertaintyMs, budgetMs, estimate}.',
  },
  ({profile}) => {
    const latencyEstimates = estimateLatency(profile)
    const latencyUncertaintyMs = latencyUncertainty(profile)
    const budget = typeof profile.latency?.budgetMs === 'number' ? profile.latency.budgetMs : null
    const item = (s: Strategy, b: number) => ({
      strategy: s,
      estimateMs: latencyEstimates[s],
      uncertaintyMs: latencyUncertaintyMs[s],
      budgetMs: b,
      estimate: latencyText(latencyEstimates[s], latencyUncertaintyMs[s]),
    })
    return {
      latencyBudgetMs: budget,
      strategyCount: STRATEGIES.length,
      latencyEstimates,
      latencyHeadroom: budget === null ? null : (Object.fromEntries(STRATEGIES.map((s) => [s, r((budget - latencyEstimates[s]) / budget)])) as Record<Strategy, number>),
      latencyUncertaintyMs,
      strategiesOverBudget: budget === null ? [] : STRATEGIES.filter((s) => latencyEstimates[s] - latencyUncertaintyMs[s] > budget).map((s) => item(s, budget)),
      strategiesNearBudget:
        budget === null ? [] : STRATEGIES.filter((s) => latencyEstimates[s] - latencyUncertaintyMs[s] <= budget && latencyEstimates[s] + latencyUncertaintyMs[s] > budget).map((s) => item(s, budget)),
    }
  },
)

/** Cross-document problems the schema cannot see; the profile-check rules report them. */
const consistencyGroup = factGroup(
  {
    duplicateModalities: 'Repeated modality names: {name, index, firstIndex}.',
    unknownCohortModalities: 'Cohort `modalities` entries naming no modality: {cohort, cohortIndex, name, index}.',
    unknownCohortAvailabilityKeys: "Cohort `availability` keys that are not among the cohort's modalities: {cohort, cohortIndex, name, defined (the profile defines the modality), cohortModalities}.",
    unknownPatternModalities: 'Pattern `present` entries naming no modality: {patternIndex, name, index}.',
    duplicatePatterns: 'Patterns listing the same modality set as an earlier one: {patternIndex, firstIndex, present}.',
    trainingAvailabilityConflicts: 'Modalities whose given trainingAvailability differs from the cohort-derived one: {name, index, given, derived, gap}.',
    patternMarginalGaps: 'When pattern shares add up to ~1: per modality, the availability implied by the patterns vs the one written: {name, index, availability, implied, gap}.',
  },
  ({profile, cohorts, patterns, known, modalityFacts, derivedTrainingAvailability}) => {
    const firstIndex = new Map<string, number>()
    const duplicateModalities: {name: string; index: number; firstIndex: number}[] = []
    ;(profile.modalities ?? []).forEach((m, i) => {
      const f = firstIndex.get(m.name)
      if (f === undefined) firstIndex.set(m.name, i)
      else duplicateModalities.push({name: m.name, index: i, firstIndex: f})
    })
    const unknownCohortModalities: {cohort: string; cohortIndex: number; name: string; index: number}[] = []
    const unknownCohortAvailabilityKeys: {cohort: string; cohortIndex: number; name: string; defined: boolean; cohortModalities: string[]}[] = []
    cohorts.forEach((c, ci) => {
      c.modalities.forEach((name, j) => {
        if (!known.has(name)) unknownCohortModalities.push({cohort: c.name, cohortIndex: ci, name, index: j})
      })
      for (const key of Object.keys(c.availability ?? {}).sort()) {
        if (!c.modalities.includes(key)) unknownCohortAvailabilityKeys.push({cohort: c.name, cohortIndex: ci, name: key, defined: known.has(key), cohortModalities: [...c.modalities]})
      }
    })
    const unknownPatternModalities: {patternIndex: number; name: string; index: number}[] = []
    const duplicatePatterns: {patternIndex: number; firstIndex: number; present: string[]}[] = []
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
    const trainingAvailabilityConflicts = modalityFacts.flatMap((m) => {
      const derived = derivedTrainingAvailability.get(m.name)
      return m.trainingAvailabilitySource === 'given' && derived !== undefined
        ? [{name: m.name, index: m.index, given: m.trainingAvailability, derived, gap: r(Math.abs(m.trainingAvailability - derived))}]
        : []
    })
    const patternShareTotal = r(patterns.reduce((s, p) => s + p.share, 0))
    const patternMarginalGaps =
      patterns.length > 0 && Math.abs(patternShareTotal - 1) <= 0.01
        ? modalityFacts.map((m) => {
            const implied = r(patterns.filter((p) => p.present.includes(m.name)).reduce((s, p) => s + p.share, 0))
            return {name: m.name, index: m.index, availability: m.availability, implied, gap: r(Math.abs(implied - m.availability))}
          })
        : []
    return {duplicateModalities, unknownCohortModalities, unknownCohortAvailabilityKeys, unknownPatternModalities, duplicatePatterns, trainingAvailabilityConflicts, patternMarginalGaps}
  },
)

/** In the order `rules list --facts` and docs/rules.md list them. */
const GROUPS = [modalityGroup, presenceGroup, trainingGroup, dataRichCohortGroup, shapeAndTimingGroup, modalityRolesGroup, latencyGroup, consistencyGroup] as const

type FactsOf<G> = G extends FactGroup<infer T> ? T : never
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

/** Every fact a rule condition can read as `facts.<name>`. */
export type Facts = UnionToIntersection<FactsOf<(typeof GROUPS)[number]>> & {[key: string]: unknown}

export const FACT_DOCS: FactDoc[] = GROUPS.flatMap((g) => Object.entries(g.docs as Record<string, string>).map(([name, description]) => ({name, description})))

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

/** The per-modality facts every group builds on: the profile's modalities as resolved by the contract, with their encoder cost. */
function modalityFactsOf(profile: Profile): ModalityFact[] {
  return resolveModalities(profile).map((m, index) => ({
    name: m.name,
    index,
    type: m.type,
    size: m.size,
    availability: m.availability,
    servedAvailability: m.servedAvailability,
    trainingAvailability: m.trainingAvailability,
    trainingAvailabilitySource: m.trainingAvailabilitySource,
    missingness: m.missingness,
    timing: m.timing,
    required: m.required,
    encoderMs: encoderMs(profile.modalities[index], profile.latency),
  }))
}

export function computeFacts(profile: Profile): Facts {
  const cohorts = profile.cohorts ?? []
  const names = (profile.modalities ?? []).map((m) => m.name)
  const totalCohortSize = cohorts.reduce((s, c) => s + c.size, 0)
  const derivedTrainingAvailability = cohortTrainingAvailability(names, cohorts)
  const modalityFacts = modalityFactsOf(profile)
  const ctx: FactContext = {
    profile,
    cohorts,
    patterns: profile.patterns ?? [],
    names,
    known: new Set(names),
    modalityFacts,
    served: modalityFacts.map((m) => m.servedAvailability),
    totalCohortSize,
    derivedTrainingAvailability,
  }
  return Object.assign({}, ...GROUPS.map((g) => g.compute(ctx))) as Facts
}
