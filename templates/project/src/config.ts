// The training config (`fuseplan.training.yaml`, `kind: TrainingConfig`). Every model, script and
// test in this project is parameterised by it at run time: nothing from the deployment profile is
// pasted into code. `fuseplan lint` checks the same file against its JSON Schema and its profile.
import {readFileSync} from 'node:fs'
import {parse} from 'yaml'

export const STRATEGIES = ['early', 'intermediate', 'late', 'attention'] as const
export type Strategy = (typeof STRATEGIES)[number]
export type TaskType = 'binary' | 'multiclass' | 'regression'
export type Metric = 'auroc' | 'auprc' | 'accuracy' | 'macro_f1' | 'rmse' | 'mae'
export type ModalityType = 'tabular' | 'image' | 'text' | 'timeseries' | 'omics' | 'embedding'
export type Missingness = 'random' | 'informative' | 'by-design'
export type Timing = 'static' | 'episodic' | 'continuous'

export const MODALITY_NAME = /^[a-z][a-z0-9_]{0,39}$/

export interface EncoderConfig {
  /** 'mlp': dense layers over the flattened input. Replace with a CNN/RNN for large images or sequences. */
  kind: 'mlp'
  hidden: number[]
  /** Size of the modality embedding (intermediate, attention). */
  embedding: number
}

export interface ModalityConfig {
  name: string
  type: ModalityType
  /** Shape of one sample, as in the profile (possibly scaled down, see `scaledFrom`). */
  inputShape: number[]
  /** Product of inputShape: the flattened size the model reads. */
  inputSize: number
  /** The profile's flattened size when inputs were scaled down for fast runs. */
  scaledFrom?: number
  encoder: EncoderConfig
  availability: number
  trainingAvailability: number
  missingness: Missingness
  timing: Timing
  required: boolean
}

export interface CohortConfig {
  name: string
  size: number
  labelled: boolean
  modalities: string[]
  /** Share of the cohort carrying each of its modalities (default 1). */
  availability: Record<string, number>
}

export interface PatternConfig {
  present: string[]
  share: number
}

export interface MaskingConfig {
  mode: 'independent' | 'patterns'
  modalities: {name: string; dropProbability: number; effectiveMissingRate: number}[]
  patterns?: PatternConfig[]
  floor: number
  warmupEpochs: number
  rampEpochs: number
  neverDropAll: true
  placeholder: 'learned-shared-for-dropped-and-missing'
  presenceBits: boolean
  covers: {name: string; minAvailability: number; maxAvailability: number}[]
}

export interface TransferConfig {
  pretrainCohort: string
  finetuneCohorts: string[]
  validationCohorts: string[]
  biasChecks: string[]
  steps: string[]
}

export interface EvaluationConfig {
  patterns: PatternConfig[]
  ablations: string[]
  robustnessSweep: {missingRates: number[]; modalities: string[]}
}

export interface TrainingConfig {
  apiVersion: 'fuseplan/v1'
  kind: 'TrainingConfig'
  name: string
  strategy: Strategy
  task: {type: TaskType; classes?: number; metric: Metric}
  modalities: ModalityConfig[]
  cohorts: CohortConfig[]
  patterns?: PatternConfig[]
  masking: MaskingConfig
  transfer: TransferConfig | null
  evaluation: EvaluationConfig
  fusion: {hidden: number; heads: number}
  training: {epochs: number; batchSize: number; learningRate: number; seed: number}
  latency: {budgetMs: number | null; percentile: number}
  source: {profile: string; profileHash: string}
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function need(cond: boolean, where: string, what: string): void {
  if (!cond) throw new ConfigError(`${where}: ${what}`)
}
function num(o: Obj, key: string, where: string, min = -Infinity, max = Infinity): number {
  const v = o[key]
  need(typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max, `${where}.${key}`, `expected a number in [${min}, ${max}]`)
  return v as number
}
function int(o: Obj, key: string, where: string, min: number, max: number): number {
  const v = num(o, key, where, min, max)
  need(Number.isInteger(v), `${where}.${key}`, 'expected an integer')
  return v
}
function str(o: Obj, key: string, where: string, allowed?: readonly string[]): string {
  const v = o[key]
  need(typeof v === 'string', `${where}.${key}`, 'expected a string')
  if (allowed) need(allowed.includes(v as string), `${where}.${key}`, `expected one of ${allowed.join(', ')}`)
  return v as string
}
function obj(o: Obj, key: string, where: string): Obj {
  const v = o[key]
  need(isObj(v), `${where}.${key}`, 'expected a mapping')
  return v as Obj
}
function arr(o: Obj, key: string, where: string): unknown[] {
  const v = o[key]
  need(Array.isArray(v), `${where}.${key}`, 'expected a list')
  return v as unknown[]
}

/**
 * Checks the structure a training run relies on and returns the config typed. `fuseplan lint`
 * does the full schema check with line and column; this keeps a hand-edited file from failing
 * deep inside tfjs.
 */
export function validateTrainingConfig(doc: unknown): TrainingConfig {
  need(isObj(doc), 'config', 'expected a mapping at the top level')
  const d = doc as Obj
  need(d.apiVersion === 'fuseplan/v1', 'apiVersion', 'expected fuseplan/v1')
  need(d.kind === 'TrainingConfig', 'kind', 'expected TrainingConfig')
  str(d, 'name', '')
  str(d, 'strategy', '', STRATEGIES)
  const task = obj(d, 'task', '')
  const type = str(task, 'type', 'task', ['binary', 'multiclass', 'regression'])
  str(task, 'metric', 'task', ['auroc', 'auprc', 'accuracy', 'macro_f1', 'rmse', 'mae'])
  if (type === 'multiclass') int(task, 'classes', 'task', 2, 1000)
  const mods = arr(d, 'modalities', '')
  need(mods.length >= 1, 'modalities', 'expected at least one modality')
  const names = new Set<string>()
  mods.forEach((m, i) => {
    const w = `modalities[${i}]`
    need(isObj(m), w, 'expected a mapping')
    const mo = m as Obj
    const name = str(mo, 'name', w)
    need(MODALITY_NAME.test(name), `${w}.name`, 'expected a lower-case identifier')
    need(!names.has(name), `${w}.name`, `duplicate modality ${name}`)
    names.add(name)
    const shape = arr(mo, 'inputShape', w)
    need(shape.length >= 1 && shape.every((s) => Number.isInteger(s) && (s as number) >= 1), `${w}.inputShape`, 'expected positive integers')
    const size = int(mo, 'inputSize', w, 1, 1e8)
    need(shape.reduce((a: number, s) => a * (s as number), 1) === size, `${w}.inputSize`, 'must equal the product of inputShape')
    const enc = obj(mo, 'encoder', w)
    need(enc.kind === 'mlp', `${w}.encoder.kind`, 'expected mlp')
    const hidden = arr(enc, 'hidden', `${w}.encoder`)
    need(hidden.every((h) => Number.isInteger(h) && (h as number) >= 1 && (h as number) <= 4096), `${w}.encoder.hidden`, 'expected layer sizes 1..4096')
    int(enc, 'embedding', `${w}.encoder`, 1, 4096)
    num(mo, 'availability', w, 0, 1)
    num(mo, 'trainingAvailability', w, 0, 1)
    need(typeof mo.required === 'boolean', `${w}.required`, 'expected true or false')
  })
  const masking = obj(d, 'masking', '')
  str(masking, 'mode', 'masking', ['independent', 'patterns'])
  for (const [i, m] of arr(masking, 'modalities', 'masking').entries()) {
    need(isObj(m), `masking.modalities[${i}]`, 'expected a mapping')
    need(names.has((m as Obj).name as string), `masking.modalities[${i}].name`, 'unknown modality')
    num(m as Obj, 'dropProbability', `masking.modalities[${i}]`, 0, 1)
  }
  num(masking, 'floor', 'masking', 0, 1)
  int(masking, 'warmupEpochs', 'masking', 0, 1e6)
  int(masking, 'rampEpochs', 'masking', 0, 1e6)
  need(typeof masking.presenceBits === 'boolean', 'masking.presenceBits', 'expected true or false')
  const training = obj(d, 'training', '')
  int(training, 'epochs', 'training', 1, 1e6)
  int(training, 'batchSize', 'training', 1, 1e6)
  num(training, 'learningRate', 'training', 0, 10)
  int(training, 'seed', 'training', 0, 2 ** 32 - 1)
  const fusion = obj(d, 'fusion', '')
  int(fusion, 'hidden', 'fusion', 1, 4096)
  int(fusion, 'heads', 'fusion', 1, 64)
  arr(d, 'cohorts', '')
  obj(d, 'evaluation', '')
  obj(d, 'latency', '')
  return d as unknown as TrainingConfig
}

export function parseTrainingConfig(text: string): TrainingConfig {
  let doc: unknown
  try {
    doc = parse(text, {maxAliasCount: 100})
  } catch (error) {
    throw new ConfigError(`not valid YAML: ${(error as Error).message.split('\n')[0]}`)
  }
  return validateTrainingConfig(doc)
}

export function loadTrainingConfig(path: string): TrainingConfig {
  const text = readFileSync(path, 'utf8')
  try {
    return parseTrainingConfig(text)
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${path}: ${error.message}`)
    throw error
  }
}

/** Number of output units: classes for multiclass, one otherwise. */
export function outputUnits(config: TrainingConfig): number {
  return config.task.type === 'multiclass' ? (config.task.classes ?? 2) : 1
}

/**
 * Scales every modality's input down to at most `maxInputSize` flattened values, keeping the
 * number of dimensions: each axis is shrunk by the same factor (rounded, at least 1) until the
 * product fits. Used for fast simulations (`fuseplan evaluate`, this project's tests); real
 * training uses the sizes from the profile. `scaledFrom` records the original size.
 */
export function scaleInputs(config: TrainingConfig, maxInputSize: number): TrainingConfig {
  const modalities = config.modalities.map((m) => {
    if (m.inputSize <= maxInputSize) return m
    const shape = scaleShape(m.inputShape, maxInputSize)
    const inputSize = shape.reduce((a, s) => a * s, 1)
    return {...m, inputShape: shape, inputSize, scaledFrom: m.scaledFrom ?? m.inputSize}
  })
  return {...config, modalities}
}

export function scaleShape(shape: number[], maxInputSize: number): number[] {
  const size = shape.reduce((a, s) => a * s, 1)
  if (size <= maxInputSize) return [...shape]
  let factor = Math.pow(maxInputSize / size, 1 / shape.length)
  for (;;) {
    const scaled = shape.map((s) => Math.max(1, Math.floor(s * factor)))
    if (scaled.reduce((a, s) => a * s, 1) <= maxInputSize) return scaled
    factor *= 0.95
  }
}
