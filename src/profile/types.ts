// The DeploymentProfile contract (docs/design.md#documents). The JSON Schema in ./schema.ts is the source of
// truth for validation; these types mirror it for the code that reads a validated profile.
import type {MetricName} from './metrics.js'
import {MODALITY_NAME_SOURCE} from './schema.js'

export type TaskType = 'binary' | 'multiclass' | 'regression'
export type Interactions = 'unknown' | 'weak' | 'strong'
export type ModalityType = 'tabular' | 'image' | 'text' | 'timeseries' | 'omics' | 'embedding'
export type Missingness = 'random' | 'informative' | 'by-design'
export type Timing = 'static' | 'episodic' | 'continuous'
export type Hardware = 'cpu' | 'gpu'

export interface Task {
  type: TaskType
  classes?: number
  metric?: MetricName
  labelledSamples: number
  interactions?: Interactions
}

/** Exactly one of features, shape, sequence describes the input size (the schema's oneOf). */
export type Modality = ModalityFields & ({features: number} | {shape: number[]} | {sequence: {length: number; channels: number}})

export interface ModalityFields {
  name: string
  type: ModalityType
  features?: number
  shape?: number[]
  sequence?: {length: number; channels: number}
  availability: number
  trainingAvailability?: number
  missingness?: Missingness
  timing?: Timing
  encoderLatencyMs?: number
  required?: boolean
  description?: string
}

export interface Cohort {
  name: string
  size: number
  labelled?: boolean
  modalities: string[]
  availability?: Record<string, number>
  description?: string
}

export interface Pattern {
  present: string[]
  share: number
}

export interface Latency {
  budgetMs: number
  percentile?: number
  hardware?: Hardware
  batch?: number
}

export interface Profile {
  apiVersion: 'fuseplan/v1'
  kind: 'DeploymentProfile'
  name: string
  description?: string
  task: Task
  modalities: Modality[]
  cohorts?: Cohort[]
  patterns?: Pattern[]
  latency?: Latency
  constraints?: Record<string, unknown>
}

export const MODALITY_NAME_PATTERN = new RegExp(MODALITY_NAME_SOURCE)
export const PROFILE_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/
