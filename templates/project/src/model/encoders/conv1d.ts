// conv1d: the conv blocks of conv2d over sequences [T, C] (or [T]), time-major, for timeseries and
// text with a vector per step; padded steps (see `steps` in dataset.ts) are masked out of the pooling.
import {asSteps, convStack} from './conv.js'
import type {Encoder} from './types.js'

export const conv1d: Encoder = {
  // Text with one value per step is token ids (embedding1d).
  fits: ({type, inputShape}) => (type === 'timeseries' || type === 'text') && inputShape.length === 2 && !(type === 'text' && inputShape[1] === 1),
  defaults: (_input, embedding) => ({embedding, filters: [16, 16], kernel: 5, hidden: [], dropout: 0.1, l2: 1e-4}),
  fields: ['filters', 'kernel'],
  shapeProblem: (shape) =>
    shape.length === 1 || shape.length === 2 ? null : `conv1d reads sequences [steps, channels]; inputShape [${shape.join(', ')}] has ${shape.length} dimensions (use conv2d or mlp)`,
  modelShape: ({inputShape}) => (inputShape.length === 1 ? [inputShape[0], 1] : [...inputShape]),
  statsWidth: (shape) => shape.at(-1) as number,
  steps: true,
  tokens: false,
  resized: false,
  raw: false,
  simulated: 'sequence',
  build: (b) => convStack(b, asSteps(b, b.x, b.shape[0], b.shape[1]), 1, b.shape[0], true, true),
}
