// One reading of a profile's modality, for every layer that needs its numbers: the input shape as a
// list of numbers and its size, the training availability with its default, and the availability it
// is served at. Facts, scaffold's training config and evaluate's simulated world all read a modality
// through resolveModalities, so none of them spells out a default of its own.
//
// Tolerant of a profile that failed the schema (the rules still run on what is valid): an odd size
// field counts as one value instead of throwing.
import type {Cohort, Missingness, Modality, ModalityType, Profile, Timing} from './types.js'

export interface ResolvedModality {
  name: string
  type: ModalityType
  /** One sample's shape: [features], the image or tensor shape, or [length, channels]. */
  shape: number[]
  /** Flattened size: the product of shape. */
  size: number
  /** Deployment availability as written. */
  availability: number
  /** Availability among served requests: 1 for a required modality, since requests without it are rejected upstream. */
  servedAvailability: number
  trainingAvailability: number
  /** Written in the profile, derived from the cohorts, or assumed equal to deployment availability. */
  trainingAvailabilitySource: 'given' | 'cohorts' | 'assumed'
  missingness: Missingness
  timing: Timing
  required: boolean
}

/** The modality's input shape as numbers (the schema allows exactly one of features, shape, sequence). */
export function shapeOf(m: Pick<Modality, 'features' | 'shape' | 'sequence'>): number[] {
  if (typeof m.features === 'number') return [m.features]
  if (Array.isArray(m.shape) && m.shape.length > 0) return [...m.shape]
  if (m.sequence) return [m.sequence.length, m.sequence.channels]
  return [1]
}

/** Float noise rounded away, so derived availabilities (and facts) print and compare stably. */
export function roundNoise(x: number): number {
  return Math.round(x * 1e9) / 1e9
}

/**
 * Training availability per modality implied by the cohorts: the size-weighted share of samples
 * carrying it (a cohort's `availability` entry, default 1; 0 when the cohort lacks the modality).
 * Empty when the cohorts hold no samples.
 */
export function cohortTrainingAvailability(modalityNames: readonly string[], cohorts: readonly Cohort[]): Map<string, number> {
  const total = cohorts.reduce((s, c) => s + c.size, 0)
  const out = new Map<string, number>()
  if (total <= 0) return out
  for (const name of modalityNames) out.set(name, roundNoise(cohorts.reduce((s, c) => s + c.size * cohortAvailability(c, name), 0) / total))
  return out
}

/** Availability of modality `name` in a cohort: 0 when not carried; else its `availability` entry, default 1. */
export function cohortAvailability(cohort: Cohort, name: string): number {
  if (!cohort.modalities.includes(name)) return 0
  const v = cohort.availability?.[name]
  return typeof v === 'number' ? v : 1
}

/**
 * Every modality of the profile, resolved. Training availability comes from the profile, else from
 * `cohorts` (default: the profile's; the simulation passes only the cohorts that supply labelled
 * samples), else it is assumed equal to deployment availability.
 */
export function resolveModalities(profile: Pick<Profile, 'modalities' | 'cohorts'>, cohorts: readonly Cohort[] = profile.cohorts ?? []): ResolvedModality[] {
  const modalities = profile.modalities ?? []
  const derived = cohortTrainingAvailability(
    modalities.map((m) => m.name),
    cohorts,
  )
  return modalities.map((m) => {
    const shape = shapeOf(m)
    const d = derived.get(m.name)
    const [trainingAvailability, trainingAvailabilitySource]: [number, ResolvedModality['trainingAvailabilitySource']] =
      typeof m.trainingAvailability === 'number' ? [m.trainingAvailability, 'given'] : d !== undefined ? [d, 'cohorts'] : [m.availability, 'assumed']
    const required = m.required === true
    return {
      name: m.name,
      type: m.type,
      shape,
      size: shape.reduce((a, s) => a * s, 1),
      availability: m.availability,
      servedAvailability: required ? 1 : m.availability,
      trainingAvailability,
      trainingAvailabilitySource,
      missingness: m.missingness ?? 'random',
      timing: m.timing ?? 'static',
      required,
    }
  })
}
