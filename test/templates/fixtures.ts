// Hand-built training configs for tests of the template model code (no profile or decision needed).
import type {TrainingConfig, Strategy} from '../../templates/project/src/config.js'

export function tinyConfig(strategy: Strategy, over: Partial<TrainingConfig> = {}): TrainingConfig {
  const mod = (name: string, type: 'tabular' | 'image' | 'omics', size: number, availability: number, required = false) => ({
    name,
    type,
    inputShape: [size],
    inputSize: size,
    encoder: {kind: 'mlp' as const, hidden: [16], embedding: 8},
    availability,
    trainingAvailability: availability,
    missingness: 'random' as const,
    timing: 'static' as const,
    required,
  })
  return {
    apiVersion: 'fuseplan/v1',
    kind: 'TrainingConfig',
    name: 'tiny',
    strategy,
    task: {type: 'binary', metric: 'auroc'},
    modalities: [mod('ehr', 'tabular', 12, 1, true), mod('cxr', 'image', 16, 0.4), mod('genomics', 'omics', 10, 0.3)],
    cohorts: [],
    masking: {
      mode: 'independent',
      modalities: [
        {name: 'ehr', dropProbability: 0, effectiveMissingRate: 0},
        {name: 'cxr', dropProbability: 0.3, effectiveMissingRate: 0.72},
        {name: 'genomics', dropProbability: 0.3, effectiveMissingRate: 0.79},
      ],
      floor: 0.1,
      warmupEpochs: 1,
      rampEpochs: 2,
      neverDropAll: true,
      placeholder: 'learned-shared-for-dropped-and-missing',
      presenceBits: true,
      covers: [],
    },
    transfer: null,
    evaluation: {patterns: [], ablations: [], robustnessSweep: {missingRates: [0, 0.5, 1], modalities: ['cxr', 'genomics']}},
    fusion: {hidden: 16, heads: 2},
    training: {epochs: 4, batchSize: 32, learningRate: 0.01, seed: 7},
    latency: {budgetMs: 100, percentile: 99},
    source: {profile: 'profile.yaml', profileHash: 'sha256:0'},
    ...over,
  }
}
