// The training config (`fuseplan.training.yaml`, `kind: TrainingConfig`). Every model, script and
// test in this project is parameterised by it at run time: nothing from the deployment profile is
// pasted into code. `fuseplan lint` checks the same file against its JSON Schema and its profile.
import {readFileSync} from 'node:fs'
import {parse} from 'yaml'

export const STRATEGIES = ['early', 'intermediate', 'late', 'attention'] as const
export type Strategy = (typeof STRATEGIES)[number]
export type TaskType = 'binary' | 'multiclass' | 'regression'
export const METRICS = ['auroc', 'auprc', 'accuracy', 'macro_f1', 'rmse', 'mae'] as const
export type Metric = (typeof METRICS)[number]
export type ModalityType = 'tabular' | 'image' | 'text' | 'timeseries' | 'omics' | 'embedding'
export type Missingness = 'random' | 'informative' | 'by-design'
export type Timing = 'static' | 'episodic' | 'continuous'

export const MODALITY_NAME = /^[a-z][a-z0-9_]{0,39}$/

/**
 * Encoder kinds (the same list in the JSON Schema, `fuseplan lint` and networks.ts):
 *   mlp     dense layers over the flattened input (tabular, omics, embedding, text vectors);
 *   conv2d  conv blocks (3x3 conv, ReLU, 2x2 average pooling) then global average+max pooling, over
 *           images [H, W, C] (or [H, W]) resized to `resize` by the data pipeline;
 *   conv1d  the same over sequences [T, C] (or [T]), time-major; padded steps (see `steps` in
 *           dataset.ts) are masked out of the pooling.
 *   embedding1d  text as token ids [T] (or [T, 1]): a learned vector per id (`vocabulary` ids of
 *           `tokenEmbedding` values; id 0 is padding), then conv1d blocks and the same masked
 *           pooling. Precomputed text vectors use mlp.
 * Every field but `kind` and `embedding` is optional: a missing one takes the default for the
 * modality's shape (`defaultEncoder`), so switching `kind` in the YAML is enough to retrain.
 */
export const ENCODER_KINDS = ['mlp', 'conv2d', 'conv1d', 'embedding1d'] as const
export type EncoderKind = (typeof ENCODER_KINDS)[number]

export interface EncoderConfig {
  kind: EncoderKind
  /** Size of the modality embedding (intermediate, attention). */
  embedding: number
  /** Dense layers: the whole mlp, or after the pooling of a conv encoder. */
  hidden?: number[]
  /** conv2d/conv1d/embedding1d: filters of each conv block; each block halves the resolution. */
  filters?: number[]
  /** conv2d/conv1d/embedding1d: odd kernel size (height and width for conv2d, else steps). */
  kernel?: number
  /** embedding1d: number of token ids (0 .. vocabulary-1; 0 is padding). */
  vocabulary?: number
  /** embedding1d: values per token vector. */
  tokenEmbedding?: number
  /** conv2d: [height, width] the images are resized to (area average) before the encoder. */
  resize?: number[]
  /** Dropout rate before the embedding (0 = none). */
  dropout?: number
  /** L2 penalty on the encoder's kernels (0 = none). */
  l2?: number
}

export type ResolvedEncoder = Required<EncoderConfig>

/** Longest image side the default conv2d encoder reads: larger images are resized down to it. */
export const IMAGE_SIDE = 32
/** Default embedding1d vocabulary: set it to the tokenizer's in fuseplan.training.yaml. */
export const VOCABULARY = 8192

function mlpHidden(size: number): number[] {
  return [size <= 16 ? 16 : size <= 256 ? 32 : 64]
}

/**
 * The default encoder of a modality from its type and shape: conv2d for images [H, W(, C)],
 * embedding1d for text as token ids [T, 1], conv1d for other sequences [T, C] of timeseries or
 * text (a vector per token), an MLP for everything else (text vectors and embeddings included;
 * wider inputs get more dropout and L2). `fuseplan scaffold` writes exactly this.
 */
export function defaultEncoder(type: ModalityType, inputShape: number[], embedding = 16): EncoderConfig {
  const size = inputShape.reduce((a, s) => a * s, 1)
  if (type === 'image' && (inputShape.length === 2 || inputShape.length === 3)) {
    const [h, w] = inputShape
    const f = Math.min(1, IMAGE_SIDE / Math.max(h, w))
    return {kind: 'conv2d', embedding, filters: [8, 16], kernel: 3, resize: [Math.max(1, Math.round(h * f)), Math.max(1, Math.round(w * f))], hidden: [], dropout: 0.1, l2: 1e-4}
  }
  if (type === 'text' && inputShape.length === 2 && inputShape[1] === 1) {
    return {kind: 'embedding1d', embedding, vocabulary: VOCABULARY, tokenEmbedding: 16, filters: [16], kernel: 5, hidden: [], dropout: 0.1, l2: 1e-4}
  }
  if ((type === 'timeseries' || type === 'text') && inputShape.length === 2) {
    return {kind: 'conv1d', embedding, filters: [16, 16], kernel: 5, hidden: [], dropout: 0.1, l2: 1e-4}
  }
  const wide = size > 256 || type === 'omics'
  return {kind: 'mlp', embedding, hidden: mlpHidden(size), dropout: wide ? 0.3 : 0.1, l2: wide ? 1e-3 : 1e-4}
}

/** The modality's encoder with every optional field filled from the defaults of its kind and shape. */
export function resolveEncoder(m: Pick<ModalityConfig, 'type' | 'inputShape' | 'encoder'>): ResolvedEncoder {
  const e = m.encoder
  const asType: ModalityType = e.kind === 'conv2d' ? 'image' : e.kind === 'conv1d' ? 'timeseries' : e.kind === 'embedding1d' ? 'text' : 'tabular'
  const shape = (e.kind === 'conv1d' || e.kind === 'embedding1d') && m.inputShape.length === 1 ? [m.inputShape[0], 1] : m.inputShape
  const d = defaultEncoder(e.kind === 'mlp' ? (m.type === 'omics' ? 'omics' : 'tabular') : asType, e.kind === 'mlp' ? [shape.reduce((a, s) => a * s, 1)] : shape, e.embedding)
  return {
    kind: e.kind,
    embedding: e.embedding,
    hidden: e.hidden ?? d.hidden ?? [],
    filters: e.filters ?? d.filters ?? [],
    kernel: e.kernel ?? d.kernel ?? 1,
    resize: e.resize ?? d.resize ?? [],
    vocabulary: e.vocabulary ?? d.vocabulary ?? 0,
    tokenEmbedding: e.tokenEmbedding ?? d.tokenEmbedding ?? 0,
    dropout: e.dropout ?? d.dropout ?? 0,
    l2: e.l2 ?? d.l2 ?? 0,
  }
}

/**
 * Shape of one sample as the model reads it: conv2d [h, w, C] (the resize, never larger than the
 * input), conv1d [T, C], embedding1d [T] (token ids), mlp [inputSize].
 */
export function modelShape(m: Pick<ModalityConfig, 'type' | 'inputShape' | 'inputSize' | 'encoder'>): number[] {
  const e = resolveEncoder(m)
  if (e.kind === 'conv2d') {
    const [h, w, c = 1] = m.inputShape
    return [Math.min(h, e.resize[0]), Math.min(w, e.resize[1]), c]
  }
  if (e.kind === 'conv1d') return m.inputShape.length === 1 ? [m.inputShape[0], 1] : [...m.inputShape]
  if (e.kind === 'embedding1d') return [m.inputShape[0]]
  return [m.inputSize]
}

export function modelSize(m: Pick<ModalityConfig, 'type' | 'inputShape' | 'inputSize' | 'encoder'>): number {
  return modelShape(m).reduce((a, s) => a * s, 1)
}

/**
 * What is wrong with a modality's encoder for its shape, as [field, message] pairs. One function
 * for this project's validator and `fuseplan lint`, so both accept the same configs.
 */
export function encoderProblems(m: {inputShape: number[]; encoder: Record<string, unknown>}): [string, string][] {
  const e = m.encoder
  const out: [string, string][] = []
  const rank = m.inputShape.length
  if (e.kind === 'conv2d' && rank !== 2 && rank !== 3) out.push(['kind', `conv2d reads images [height, width, channels]; inputShape [${m.inputShape.join(', ')}] has ${rank} dimension(s) (use mlp)`])
  if (e.kind === 'conv1d' && rank !== 1 && rank !== 2)
    out.push(['kind', `conv1d reads sequences [steps, channels]; inputShape [${m.inputShape.join(', ')}] has ${rank} dimensions (use conv2d or mlp)`])
  if (e.kind === 'embedding1d' && !(rank === 1 || (rank === 2 && m.inputShape[1] === 1)))
    out.push(['kind', `embedding1d reads token ids [steps] or [steps, 1]; inputShape [${m.inputShape.join(', ')}] is not (use conv1d for a vector per step, mlp for one vector)`])
  if (e.resize !== undefined && e.kind !== 'conv2d') out.push(['resize', 'only conv2d encoders resize their input'])
  if ((e.filters !== undefined || e.kernel !== undefined) && e.kind === 'mlp')
    out.push([e.filters !== undefined ? 'filters' : 'kernel', 'mlp encoders have no conv blocks (filters, kernel); use hidden'])
  for (const key of ['vocabulary', 'tokenEmbedding']) {
    if (e[key] !== undefined && e.kind !== 'embedding1d') out.push([key, `only embedding1d encoders have ${key}`])
  }
  if (typeof e.kernel === 'number' && e.kernel % 2 !== 1) out.push(['kernel', 'the kernel size must be odd'])
  if (Array.isArray(e.resize) && e.resize.length !== 2) out.push(['resize', 'expected [height, width]'])
  return out
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
  str(task, 'metric', 'task', METRICS)
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
    str(enc, 'kind', `${w}.encoder`, ENCODER_KINDS)
    int(enc, 'embedding', `${w}.encoder`, 1, 4096)
    for (const key of ['hidden', 'filters', 'resize']) {
      if (enc[key] === undefined) continue
      const list = arr(enc, key, `${w}.encoder`)
      need(
        list.every((h) => Number.isInteger(h) && (h as number) >= 1 && (h as number) <= 4096),
        `${w}.encoder.${key}`,
        'expected integers 1..4096',
      )
      // The schema's minItems: pooling assumes the non-negative output of at least one conv block.
      if (key === 'filters') need(list.length >= 1, `${w}.encoder.filters`, 'expected at least one conv block')
    }
    if (enc.kernel !== undefined) int(enc, 'kernel', `${w}.encoder`, 1, 31)
    if (enc.vocabulary !== undefined) int(enc, 'vocabulary', `${w}.encoder`, 2, 1e7)
    if (enc.tokenEmbedding !== undefined) int(enc, 'tokenEmbedding', `${w}.encoder`, 1, 4096)
    if (enc.dropout !== undefined) num(enc, 'dropout', `${w}.encoder`, 0, 0.9)
    if (enc.l2 !== undefined) num(enc, 'l2', `${w}.encoder`, 0, 1)
    const [problem] = encoderProblems({inputShape: shape as number[], encoder: enc})
    if (problem) need(false, `${w}.encoder.${problem[0]}`, problem[1])
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
