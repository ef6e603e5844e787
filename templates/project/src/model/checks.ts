// Checks that the model's math is right on the backend in use, run by the project's tests (and by
// fuseplan's CI on tfjs-node, wasm and cpu). TensorFlow.js backends do not agree everywhere:
//   - AvgPool with 'same' padding: the cpu and wasm gradients divide by the full window at the
//     border while the forward pass divides by the valid cells only (tensorflow's gradient is the
//     right one). The conv encoders therefore pad to whole windows, pool with 'valid' padding and
//     bring their own gradient (FuseplanConvBlock), exact everywhere; `gradientChecks` holds it to
//     finite differences.
//   - GatherNd has no gradient on any backend: the token embedding (FuseplanTokenEmbedding) brings
//     its own (scatterND); `gradientChecks` holds it to the sum it must be.
//   - Round on int32 tensors returns zeros on the tensorflow backend (tfjs-node 4.22): nothing here
//     rounds a tensor (token ids are rounded in JavaScript when data is loaded).
// `networkKernels` lists the kernels one training step of the configured network runs, so a test
// can assert that none of the avoided ones (AVOIDED_KERNELS) came back.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../backend.js'
import {encoderOf, resolveEncoder, type TrainingConfig} from '../config.js'
import {Rng} from '../random.js'
import {fusionLayers} from './layers.js'
import {buildNetwork} from './networks.js'

export interface GradientCheck {
  name: string
  /** Largest |analytic - numeric| / max(1, |numeric|) over the checked entries. */
  maxError: number
}

/**
 * Gradient checks pass at this error. Each checked function is piecewise linear with no kink near
 * the point (inputs and weights are chosen so), so central differences are exact but for float32
 * rounding (about 1e-5 here); a wrong gradient is off by a factor (AvgPool's border cells: 2x-4x).
 */
export const GRADIENT_TOLERANCE = 1e-3

/** Kernels the model must not run, and why. */
export const AVOIDED_KERNELS: Readonly<Record<string, string>> = {
  AvgPoolGrad: "its 'same'-padding gradient is wrong on the cpu and wasm backends",
  Round: 'int32 round returns zeros on the tensorflow backend',
}

const STEP = 0.01

function uniform(rng: Rng, n: number, lo: number, hi: number): Float32Array {
  return Float32Array.from({length: n}, () => lo + (hi - lo) * rng.next())
}

/** Largest relative error between `analytic` and central differences of `f` at `x`. */
function numericError(f: (x: Float32Array) => number, x: Float32Array, analytic: Float32Array): number {
  let worst = 0
  const probe = Float32Array.from(x)
  for (let i = 0; i < x.length; i++) {
    probe[i] = x[i] + STEP
    const up = f(probe)
    probe[i] = x[i] - STEP
    const down = f(probe)
    probe[i] = x[i]
    const numeric = (up - down) / (2 * STEP)
    worst = Math.max(worst, Math.abs(analytic[i] - numeric) / Math.max(1, Math.abs(numeric)))
  }
  return worst
}

/** Largest relative error between tfjs's gradient of `loss` at `x` and its central differences. */
export function gradientError(tf: Tf, loss: (x: TF.Tensor) => TF.Scalar, x: TF.Tensor): number {
  const analytic = tf.tidy(() => tf.grad(loss)(x).dataSync() as Float32Array)
  return numericError((v) => tf.tidy(() => loss(tf.tensor(v, x.shape)).dataSync()[0]), x.dataSync() as Float32Array, analytic)
}

/**
 * Checks a layer's gradient with respect to its input (unless `inputGradient` is false) and each
 * weight: loss = sum(r * layer(x, extra)), r a fixed random weighting of the outputs, analytic
 * gradients from tfjs against central differences.
 */
function checkLayer(tf: Tf, name: string, layer: TF.layers.Layer, x: TF.Tensor, extra: TF.Tensor[], weights: Float32Array[], rng: Rng, opts: {inputGradient?: boolean} = {}): GradientCheck {
  const apply = (input: TF.Tensor) => layer.apply(extra.length > 0 ? [input, ...extra] : input) as TF.Tensor
  tf.tidy(() => apply(x)) // builds the weights
  const shapes = layer.getWeights().map((w) => w.shape)
  const setWeights = (values: Float32Array[]) => tf.tidy(() => layer.setWeights(values.map((v, i) => tf.tensor(v, shapes[i]))))
  setWeights(weights)
  const outShape = tf.tidy(() => apply(x).shape)
  const r = tf.tensor(
    uniform(
      rng,
      outShape.reduce((a, s) => a * s, 1),
      -1,
      1,
    ),
    outShape,
  )
  const loss = (input: TF.Tensor) => tf.sum(tf.mul(apply(input), r)) as TF.Scalar
  const value = (input: TF.Tensor) => tf.tidy(() => loss(input).dataSync()[0])

  const variables = layer.trainableWeights.map((w) => w.read() as TF.Variable)
  const dw = tf.tidy(() => {
    if (variables.length === 0) return []
    const {grads} = tf.variableGrads(() => loss(x), variables)
    return variables.map((v) => grads[v.name].dataSync() as Float32Array)
  })
  let maxError = opts.inputGradient === false ? 0 : gradientError(tf, loss, x)
  weights.forEach((w, i) => {
    const f = (v: Float32Array) => {
      setWeights(weights.map((u, j) => (j === i ? v : u)))
      return value(x)
    }
    maxError = Math.max(maxError, numericError(f, w, dw[i]))
  })
  setWeights(weights)
  r.dispose()
  return {name, maxError}
}

/** Finite-difference and analytic checks of the custom layers' gradients on the current backend. */
export function gradientChecks(tf: Tf): GradientCheck[] {
  const L = fusionLayers(tf)
  const rng = new Rng(21)
  const out: GradientCheck[] = []

  // Conv block: 'same' convolution (custom gradient), bias, ReLU, pooling with a padded border
  // (odd sizes). Positive inputs and weights keep every ReLU on its linear side.
  // The last case is a first block on the model's input: its weights' gradients without dx.
  const convCases: [string, number[], number[], number[], number, boolean][] = [
    ['conv2d block, 5x5 input, pool 2x2 (padded border)', [2, 5, 5, 2], [3, 3], [2, 2], 3, true],
    ['conv1d block, 7 steps, pool 1x2 (padded end)', [2, 1, 7, 3], [1, 3], [1, 2], 2, true],
    ['conv2d block on the input (no input gradient), 6x6, pool 2x2', [2, 6, 6, 1], [3, 3], [2, 2], 2, false],
  ]
  for (const [name, shape, kernel, pool, filters, inputGradient] of convCases) {
    const C = shape[3]
    const layer = new L.ConvBlock({filters, kernel, pool, seed: 1, inputGradient})
    const x = tf.tensor(
      uniform(
        rng,
        shape.reduce((a, s) => a * s, 1),
        0.5,
        1.5,
      ),
      shape,
    )
    const w = uniform(rng, kernel[0] * kernel[1] * C * filters, 0.05, 0.3)
    out.push(checkLayer(tf, name, layer, x, [], [w, uniform(rng, filters, 0.05, 0.2)], rng, {inputGradient}))
    x.dispose()
    layer.dispose()
  }

  // Global mean + max pool over valid steps (custom max gradient). Distinct values, so the max
  // does not change within a step; steps 9..11 are padding.
  {
    const layer = new L.GlobalPool({stride: 2})
    const values = Float32Array.from({length: 12}, (_, i) => 0.2 + ((i * 7) % 12) * 0.15)
    const x = tf.tensor(values, [1, 1, 6, 2])
    const mask = tf.tensor(
      Float32Array.from({length: 12}, (_, i) => (i < 9 ? 1 : 0)),
      [1, 12, 1],
    )
    out.push(checkLayer(tf, 'global mean+max pool over valid steps', layer, x, [mask], [], rng))
    x.dispose()
    mask.dispose()
  }

  // Token embedding: looked up with gatherND (no gradient of its own on any backend). Each table
  // row's gradient must be the sum of the output gradients at the positions holding its id
  // (repeated ids add up; out-of-range ids count as the nearest valid one).
  {
    const V = 5
    const d = 3
    const ids = [0, 1, 1, 4, 7, -1, 2, 2]
    const layer = new L.TokenEmbedding({vocabulary: V, width: d, seed: 1})
    const x = tf.tensor(ids, [2, 4])
    const table = uniform(rng, V * d, -1, 1)
    // Ids are not differentiable (the layer gives them a zero gradient): only the table is checked.
    const check = checkLayer(tf, 'token embedding (gatherND lookup, scatterND gradient)', layer, x, [], [table], rng, {inputGradient: false})
    // Forward: every position holds the table row of its (clamped) id.
    const rows = tf.tidy(() => (layer.apply(x) as TF.Tensor).dataSync())
    let forward = 0
    ids.forEach((id, p) => {
      const row = Math.min(V - 1, Math.max(0, id))
      for (let k = 0; k < d; k++) forward = Math.max(forward, Math.abs(rows[p * d + k] - table[row * d + k]))
    })
    // Backward, against the sum written out by hand.
    const grad = tf.tidy(() => {
      const v = layer.trainableWeights[0].read() as TF.Variable
      const weighting = uniform(rng, ids.length * d, -1, 1)
      const {grads} = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as TF.Tensor, tf.tensor(weighting, [2, 4, d]))) as TF.Scalar, [v])
      const expected = new Float32Array(V * d)
      ids.forEach((id, p) => {
        const row = Math.min(V - 1, Math.max(0, id))
        for (let k = 0; k < d; k++) expected[row * d + k] += weighting[p * d + k]
      })
      return Math.max(...Array.from(grads[v.name].dataSync(), (g, i) => Math.abs(g - expected[i])))
    })
    out.push({...check, maxError: Math.max(check.maxError, forward, grad)})
    x.dispose()
    layer.dispose()
  }
  return out
}

/**
 * One forward and backward pass of the configured network (a batch of 4 random inputs, dropout on,
 * each modality absent in some row): the names of the kernels it ran, and the trainable weights whose
 * gradient is not finite or is zero throughout. (In attention fusion the placeholders get no gradient
 * by design: absent tokens are masked out of the attention and the pooling.)
 */
export async function networkKernels(tf: Tf, config: TrainingConfig): Promise<{kernels: string[]; nonFinite: string[]; zeroGradient: string[]}> {
  const net = buildNetwork(tf, config, {strategy: config.strategy, presenceInputs: true, seed: config.training.seed})
  const rng = new Rng(3)
  const n = 4
  const vocab = config.modalities.map((m) => (encoderOf(m).tokens ? resolveEncoder(m).vocabulary : 0))
  const inputs = net.inputs.map((input) => {
    const shape = [n, ...(input.shape.slice(1) as number[])]
    const size = shape.reduce((a, s) => a * s, 1)
    // x_<i>, p_<i>, s_<i> (tfjs appends _<k> when a process builds the network again).
    const [, kind, index] = /^([xps])_(\d+)/.exec(input.name) ?? ['', 'x', '0']
    const i = Number(index)
    if (kind === 'x' && vocab[i] > 0)
      return tf.tensor(
        Float32Array.from({length: size}, () => rng.int(vocab[i])),
        shape,
      )
    // Presence: each modality absent in a third of the rows, not all in the same; step masks: the last steps padding.
    if (kind === 'p')
      return tf.tensor(
        Float32Array.from({length: size}, (_, row) => ((row + i) % 3 === 2 ? 0 : 1)),
        shape,
      )
    if (kind === 's')
      return tf.tensor(
        Float32Array.from({length: size}, (_, t) => (t % shape[1] < Math.ceil((shape[1] * 3) / 4) ? 1 : 0)),
        shape,
      )
    return tf.tensor(
      Float32Array.from({length: size}, () => rng.normal()),
      shape,
    )
  })
  const variables = net.trainableWeights.map((w) => w.read() as TF.Variable)
  const nonFinite: string[] = []
  const zeroGradient: string[] = []
  const info = await tf.profile(() => {
    const {value, grads} = tf.variableGrads(() => {
      const outputs = ([] as TF.Tensor[]).concat(net.apply(inputs, {training: true}) as TF.Tensor | TF.Tensor[])
      return tf.addN(outputs.map((o) => tf.mean(tf.square(o)))) as TF.Scalar
    }, variables)
    for (const w of net.trainableWeights) {
      const g = grads[(w.read() as TF.Variable).name]
      const values = g ? g.dataSync() : new Float32Array(1)
      if (!values.every(Number.isFinite)) nonFinite.push(w.originalName)
      else if (values.every((x) => x === 0)) zeroGradient.push(w.originalName)
    }
    return [value, ...Object.values(grads)]
  })
  tf.dispose([...inputs, ...(info.result as TF.Tensor[])])
  net.dispose()
  return {kernels: [...new Set(info.kernelNames)].sort(), nonFinite, zeroGradient}
}
