// The fusion networks, built with the tfjs functional API from the training config: the parts every
// strategy shares are here, each strategy's own network is in strategies/<name>.ts.
//
// Inputs (in order): one `x_<i>` per modality in the shape its encoder reads (`modelShape`:
// flattened for mlp, [h, w, C] for conv2d, [T, C] for conv1d, [T] token ids for embedding1d),
// standardised (token ids are not); then - for every network that reads presence - one `p_<i>` per
// modality (1 present, 0 absent or dropped); then one step mask `s_<i>` (T, 1) per modality whose
// kind reads padded steps (conv1d, embedding1d). Layer names use the modality's index, never its
// name from the profile; every encoder layer is named `enc_<i>_...` (the L2 penalty finds them so).
//
//   encoder_i     its kind's layers (model/encoders/<kind>.ts: none for mlp; conv blocks and a global
//                 mean+max pool for conv2d/conv1d; token vectors then conv1d for embedding1d)
//                 -> dense (ReLU) per hidden layer -> dropout -> dense embedding
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../backend.js'
import {encoderOf, modelShape, outputUnits, resolveEncoder, type Strategy, type TrainingConfig} from '../config.js'
import {fusionLayers} from './layers.js'
import {NETWORKS} from './strategies/index.js'

/** Prefix of every layer of modality i's encoder. */
export const encoderPrefix = (i: number) => `enc_${i}_`

export interface NetworkSpec {
  strategy: Strategy
  /** Whether presence inputs exist (indicators / presence bits / masks). */
  presenceInputs: boolean
  seed: number
}

export function buildNetwork(tf: Tf, config: TrainingConfig, spec: NetworkSpec): TF.LayersModel {
  const L = fusionLayers(tf)
  const C = outputUnits(config)
  let seed = spec.seed >>> 0
  const init = () => tf.initializers.glorotUniform({seed: seed++})
  const dense = (units: number, name: string, activation: 'relu' | 'linear' = 'relu') => tf.layers.dense({units, activation, name, kernelInitializer: init(), biasInitializer: 'zeros'})
  const concat = (xs: TF.SymbolicTensor[], name: string): TF.SymbolicTensor => (xs.length === 1 ? xs[0] : (tf.layers.concatenate({name}).apply(xs) as TF.SymbolicTensor))

  const shapesIn = config.modalities.map((m) => modelShape(m))
  const kinds = config.modalities.map((m) => resolveEncoder(m))
  const xs = config.modalities.map((_, i) => tf.input({shape: shapesIn[i], name: `x_${i}`}))
  const ps = spec.presenceInputs ? config.modalities.map((_, i) => tf.input({shape: [1], name: `p_${i}`})) : []
  const masks = new Map<number, TF.SymbolicTensor>()
  config.modalities.forEach((m, i) => {
    if (encoderOf(m).steps) masks.set(i, tf.input({shape: [shapesIn[i][0], 1], name: `s_${i}`}))
  })
  const inputs = [...xs, ...ps, ...masks.values()]
  const presence = ps.length > 0 ? concat(ps, 'presence') : undefined
  const hidden = config.fusion.hidden

  /** Modality i's features before the embedding: its kind's layers (model/encoders/), hidden layers, dropout. */
  const trunk = (i: number, fallbackHidden: number[] = []): TF.SymbolicTensor => {
    const e = kinds[i]
    const kind = encoderOf(config.modalities[i])
    let h = kind.build({tf, L, x: xs[i], shape: shapesIn[i], encoder: e, mask: masks.get(i), prefix: encoderPrefix(i), nextSeed: () => seed++})
    // A raw input with no hidden layers of its own takes the strategy's.
    const layers = kind.raw && e.hidden.length === 0 ? fallbackHidden : e.hidden
    layers.forEach((units, l) => {
      h = dense(units, `${encoderPrefix(i)}dense_${l}`).apply(h) as TF.SymbolicTensor
    })
    if (e.dropout > 0) h = tf.layers.dropout({rate: e.dropout, seed: seed++, name: `${encoderPrefix(i)}dropout`}).apply(h) as TF.SymbolicTensor
    return h
  }
  const encoder = (i: number): TF.SymbolicTensor => dense(kinds[i].embedding, `${encoderPrefix(i)}embedding`, 'linear').apply(trunk(i)) as TF.SymbolicTensor

  return NETWORKS[spec.strategy].build({
    tf,
    L,
    config,
    C,
    hidden,
    kinds,
    xs,
    ps,
    presence,
    inputs,
    nextSeed: () => seed++,
    skipSeeds: (k) => (seed += k),
    dense,
    concat,
    trunk,
    encoder,
  })
}
