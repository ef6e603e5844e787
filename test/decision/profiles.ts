// Profile builders for decision tests: a small valid profile plus overrides.
import type {Modality, Profile} from '../../src/profile/types.js'

export function modality(name: string, over: Partial<Modality> = {}): Modality {
  // Exactly one of features/shape/sequence, as the schema requires.
  const size = over.shape || over.sequence ? {} : {features: 32}
  return {name, type: 'tabular', ...size, availability: 1, missingness: 'random', timing: 'static', ...over}
}

export function profile(over: Partial<Profile> = {}): Profile {
  return {
    apiVersion: 'fuseplan/v1',
    kind: 'DeploymentProfile',
    name: 'test-profile',
    task: {type: 'binary', metric: 'auroc', labelledSamples: 5000},
    modalities: [modality('a'), modality('b')],
    latency: {budgetMs: 100, percentile: 99, hardware: 'cpu', batch: 1},
    ...over,
  }
}
