// profile + decision -> the training config (`fuseplan.training.yaml`) the scaffolded project runs on.
// Values only: the generated model code is static and reads this file at run time.
import type {Decision, Strategy} from '../decision/types.js'
import {defaultMetricFor} from '../profile/metrics.js'
import {SAFEST} from '../strategies/index.js'
import {resolveModalities} from '../profile/modality.js'
import type {Profile} from '../profile/types.js'
import {defaultEncoder, scaleInputs, type EncoderConfig, type Metric, type ModalityConfig, type ModalityType, type TrainingConfig} from '../../templates/project/src/config.js'

export type {EncoderConfig, TrainingConfig} from '../../templates/project/src/config.js'

export interface BuildOptions {
  /** Overrides the decision's strategy. */
  strategy?: Strategy
  /**
   * Scales every modality's flattened input down to at most this many values (each axis shrunk by
   * the same factor, see `scaleInputs` in templates/project/src/config.ts); `scaledFrom` records
   * the profile's size. For fast simulations (`fuseplan evaluate`); scaffold keeps real sizes.
   */
  maxInputSize?: number
  /**
   * One sample's shape per modality, in profile order, when the inputs exist at other sizes than
   * the profile's (`fuseplan evaluate` simulates them smaller); the encoders follow these shapes.
   */
  inputShapes?: readonly (readonly number[])[]
  /** Path of the profile relative to the training config, recorded in `source.profile`. */
  profilePath?: string
}

/**
 * Training defaults of a scaffolded project: fuseplan's own choices, edit them in the YAML. The
 * epoch count is a budget: early stopping (patience, counted once masking is at full strength) ends
 * training when the validation loss at the deployment presence mix stops falling.
 */
export const TRAINING_DEFAULTS = {epochs: 100, patience: 20, batchSize: 64, learningRate: 0.003, seed: 42}
/** Width of every modality embedding (one width so attention can stack them as tokens). */
export const EMBEDDING = 16
export const FUSION = {hidden: 32, heads: 2}

export function defaultMetric(profile: Profile): Metric {
  if (profile.task.metric) return profile.task.metric as Metric
  return defaultMetricFor(profile.task.type)
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6

/**
 * The encoder a modality gets from its type and (possibly scaled) shape: conv2d for images
 * [H, W(, C)] (resized to at most 32 pixels a side), embedding1d for text as token ids (a profile
 * `sequence` with 1 channel), conv1d for timeseries/text sequences [T, C], an MLP with dropout and
 * L2 for the rest (precomputed text vectors and embeddings included). Pure; the scaffolded
 * project's `defaultEncoder`.
 */
export function encoderFor(modality: {type: ModalityType; inputShape: number[]}): EncoderConfig {
  return defaultEncoder(modality.type, modality.inputShape, EMBEDDING)
}

export function buildTrainingConfig(profile: Profile, decision: Decision, opts: BuildOptions = {}): TrainingConfig {
  const strategy = opts.strategy ?? decision.strategy ?? SAFEST
  const modalities: ModalityConfig[] = resolveModalities(profile).map((m, i) => {
    const inputShape = opts.inputShapes ? [...opts.inputShapes[i]] : m.shape
    return {
      name: m.name,
      type: m.type,
      inputShape,
      inputSize: inputShape.reduce((a, s) => a * s, 1),
      encoder: encoderFor({type: m.type, inputShape}),
      availability: r6(m.availability),
      trainingAvailability: r6(m.trainingAvailability),
      missingness: m.missingness,
      timing: m.timing,
      required: m.required,
    }
  })
  const config: TrainingConfig = {
    apiVersion: 'fuseplan/v1',
    kind: 'TrainingConfig',
    name: profile.name,
    strategy,
    task: {
      type: profile.task.type,
      ...(profile.task.type === 'multiclass' ? {classes: profile.task.classes ?? 2} : {}),
      metric: defaultMetric(profile),
    },
    modalities,
    cohorts: (profile.cohorts ?? []).map((c) => ({
      name: c.name,
      size: c.size,
      labelled: c.labelled ?? true,
      modalities: [...c.modalities],
      availability: Object.fromEntries(c.modalities.map((n) => [n, r6(c.availability?.[n] ?? 1)])),
    })),
    ...(profile.patterns ? {patterns: profile.patterns.map((p) => ({present: [...p.present], share: r6(p.share)}))} : {}),
    masking: {
      mode: decision.masking.mode,
      modalities: decision.masking.modalities.map((m) => ({name: m.name, dropProbability: r6(m.dropProbability), effectiveMissingRate: r6(m.effectiveMissingRate)})),
      ...(decision.masking.patterns ? {patterns: decision.masking.patterns.map((p) => ({present: [...p.present], share: r6(p.share)}))} : {}),
      floor: decision.masking.floor,
      warmupEpochs: decision.masking.warmupEpochs,
      rampEpochs: decision.masking.rampEpochs,
      neverDropAll: true,
      placeholder: 'learned-shared-for-dropped-and-missing',
      presenceBits: decision.masking.presenceBits,
      covers: decision.masking.covers.map((c) => ({name: c.name, minAvailability: r6(c.minAvailability), maxAvailability: r6(c.maxAvailability)})),
    },
    transfer: decision.transfer
      ? {
          pretrainCohort: decision.transfer.pretrainCohort,
          finetuneCohorts: [...decision.transfer.finetuneCohorts],
          validationCohorts: [...decision.transfer.validationCohorts],
          biasChecks: [...decision.transfer.biasChecks],
          steps: [...decision.transfer.steps],
          learningRateScale: r6(decision.transfer.finetune.learningRateScale),
          freezeEncoderEpochs: decision.transfer.finetune.freezeEncoderEpochs,
        }
      : null,
    evaluation: {
      patterns: decision.evaluation.patterns.map((p) => ({present: [...p.present], share: r6(p.share)})),
      ablations: [...decision.evaluation.ablations],
      robustnessSweep: {missingRates: [...decision.evaluation.robustnessSweep.missingRates], modalities: [...decision.evaluation.robustnessSweep.modalities]},
    },
    fusion: {...FUSION},
    training: {...TRAINING_DEFAULTS},
    latency: {budgetMs: profile.latency?.budgetMs ?? null, percentile: profile.latency?.percentile ?? 99},
    source: {profile: opts.profilePath ?? 'profile.yaml', profileHash: decision.profile.hash},
  }
  if (opts.maxInputSize === undefined) return config
  // Encoders follow the scaled shapes (a shrunk image gets a resize that fits it).
  const scaled = scaleInputs(config, opts.maxInputSize)
  return {...scaled, modalities: scaled.modalities.map((m) => ({...m, encoder: encoderFor(m)}))}
}
