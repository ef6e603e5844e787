// embedding1d: text as token ids [T] (or [T, 1]): a learned vector per id (`vocabulary` ids of
// `tokenEmbedding` values; id 0 is padding), then conv1d blocks and the same masked pooling.
// Precomputed text vectors use mlp.
import type * as TF from '@tensorflow/tfjs'
import {asSteps, convStack} from './conv.js'
import type {Encoder} from './types.js'

/** Default embedding1d vocabulary: set it to the tokenizer's in fuseplan.training.yaml. */
export const VOCABULARY = 8192

export const embedding1d: Encoder = {
  fits: ({type, inputShape}) => type === 'text' && inputShape.length === 2 && inputShape[1] === 1,
  defaults: (_input, embedding) => ({embedding, vocabulary: VOCABULARY, tokenEmbedding: 16, filters: [16], kernel: 5, hidden: [], dropout: 0.1, l2: 1e-4}),
  fields: ['filters', 'kernel', 'vocabulary', 'tokenEmbedding'],
  shapeProblem: (shape) =>
    shape.length === 1 || (shape.length === 2 && shape[1] === 1)
      ? null
      : `embedding1d reads token ids [steps] or [steps, 1]; inputShape [${shape.join(', ')}] is not (use conv1d for a vector per step, mlp for one vector)`,
  modelShape: ({inputShape}) => [inputShape[0]],
  statsWidth: () => 1,
  steps: true,
  tokens: true,
  resized: false,
  raw: false,
  simulated: 'sequence',
  build(b) {
    const e = b.encoder
    const tokens = new b.L.TokenEmbedding({name: `${b.prefix}tokens`, vocabulary: e.vocabulary, width: e.tokenEmbedding, seed: b.nextSeed()}).apply(b.x) as TF.SymbolicTensor
    return convStack(b, asSteps(b, tokens, b.shape[0], e.tokenEmbedding), 1, b.shape[0], true, false)
  },
}
