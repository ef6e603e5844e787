// mlp: dense layers over the flattened input (tabular, omics, embedding, text vectors); the kind a
// modality gets when no other fits. Wider inputs get more dropout and L2.
import type {Encoder} from './types.js'

function hiddenFor(size: number): number[] {
  return [size <= 16 ? 16 : size <= 256 ? 32 : 64]
}

export const mlp: Encoder = {
  fits: () => true,
  defaults({type, inputShape}, embedding) {
    const size = inputShape.reduce((a, s) => a * s, 1)
    const wide = size > 256 || type === 'omics'
    return {embedding, hidden: hiddenFor(size), dropout: wide ? 0.3 : 0.1, l2: wide ? 1e-3 : 1e-4}
  },
  fields: [],
  shapeProblem: () => null,
  modelShape: ({inputSize}) => [inputSize],
  statsWidth: (shape) => shape[0],
  steps: false,
  tokens: false,
  resized: false,
  raw: true,
  simulated: 'features',
  build: (b) => b.x,
}
