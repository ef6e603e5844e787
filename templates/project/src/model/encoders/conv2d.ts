// conv2d: conv blocks (3x3 conv, ReLU, 2x2 average pooling) then global average+max pooling, over
// images [H, W, C] (or [H, W]) resized to `resize` by the data pipeline (at most IMAGE_SIDE a side).
import {convStack} from './conv.js'
import type {Encoder} from './types.js'

/** Longest image side the default conv2d encoder reads: larger images are resized down to it. */
export const IMAGE_SIDE = 32

export const conv2d: Encoder = {
  fits: ({type, inputShape}) => type === 'image' && (inputShape.length === 2 || inputShape.length === 3),
  defaults({inputShape}, embedding) {
    const [h, w] = inputShape
    const f = Math.min(1, IMAGE_SIDE / Math.max(h, w))
    return {embedding, filters: [8, 16], kernel: 3, resize: [Math.max(1, Math.round(h * f)), Math.max(1, Math.round(w * f))], hidden: [], dropout: 0.1, l2: 1e-4}
  },
  fields: ['resize', 'filters', 'kernel'],
  shapeProblem: (shape) =>
    shape.length === 2 || shape.length === 3 ? null : `conv2d reads images [height, width, channels]; inputShape [${shape.join(', ')}] has ${shape.length} dimension(s) (use mlp)`,
  modelShape({inputShape}, e) {
    const [h, w, c = 1] = inputShape
    return [Math.min(h, e.resize[0]), Math.min(w, e.resize[1]), c]
  },
  statsWidth: (shape) => shape.at(-1) as number,
  steps: false,
  tokens: false,
  resized: true,
  raw: false,
  simulated: 'image',
  build: (b) => convStack(b, b.x, b.shape[0], b.shape[1], false, true),
}
