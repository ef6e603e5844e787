// The fusion networks, built with the tfjs functional API from the training config: the parts every
// strategy shares are here, each strategy's own network is in strategies/<name>.ts.
//
// Inputs (in order): one `x_<i>` per modality in the shape its encoder reads (`modelShape`:
// flattened for mlp, [h, w, C] for conv2d, [T, C] for conv1d, [T] token ids for embedding1d),
// standardised (token ids are not); then - for every network that reads presence - one `p_<i>` per
// modality (1 present, 0 absent or dropped); then one step mask `s_<i>` (T, 1) per conv1d or
// embedding1d modality. Layer names use the modality's index, never its
// name from the profile; every encoder layer is named `enc_<i>_...` (the L2 penalty finds them so).
//
//   encoder_i     mlp: dense (ReLU) per hidden layer -> dropout -> dense embedding
//                 conv2d/conv1d: conv blocks -> global mean+max pool -> hidden dense -> dropout -> dense embedding
//                 embedding1d: token vectors -> the conv1d encoder over them
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../backend.js'
import {modelShape, outputUnits, resolveEncoder, type Strategy, type TrainingConfig} from '../config.js'
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
  kinds.forEach((e, i) => {
    if (e.kind === 'conv1d' || e.kind === 'embedding1d') masks.set(i, tf.input({shape: [shapesIn[i][0], 1], name: `s_${i}`}))
  })
  const inputs = [...xs, ...ps, ...masks.values()]
  const presence = ps.length > 0 ? concat(ps, 'presence') : undefined
  const hidden = config.fusion.hidden

  /** Modality i's features before the embedding: conv blocks and pooling, hidden layers, dropout. */
  const trunk = (i: number, fallbackHidden: number[] = []): TF.SymbolicTensor => {
    const e = kinds[i]
    const p = encoderPrefix(i)
    let h: TF.SymbolicTensor = xs[i]
    if (e.kind !== 'mlp') {
      const is1d = e.kind !== 'conv2d'
      let [H, W] = is1d ? [1, shapesIn[i][0]] : shapesIn[i]
      if (e.kind === 'embedding1d') {
        h = new L.TokenEmbedding({name: `${p}tokens`, vocabulary: e.vocabulary, width: e.tokenEmbedding, seed: seed++}).apply(h) as TF.SymbolicTensor
      }
      const channels = e.kind === 'embedding1d' ? e.tokenEmbedding : (shapesIn[i][1] as number)
      if (is1d) h = tf.layers.reshape({targetShape: [1, W, channels], name: `${p}steps`}).apply(h) as TF.SymbolicTensor
      let stride = 1
      e.filters.forEach((f, l) => {
        const pool = [H >= 2 ? 2 : 1, W >= 2 ? 2 : 1]
        const kernel = [is1d ? 1 : e.kernel, e.kernel]
        h = new L.ConvBlock({name: `${p}conv_${l}`, filters: f, kernel, pool, seed: seed++}).apply(h) as TF.SymbolicTensor
        H = Math.ceil(H / pool[0])
        W = Math.ceil(W / pool[1])
        stride *= pool[1]
      })
      const mask = masks.get(i)
      h = new L.GlobalPool({name: `${p}pool`, stride}).apply(mask ? [h, mask] : h) as TF.SymbolicTensor
    }
    const layers = e.kind === 'mlp' && e.hidden.length === 0 ? fallbackHidden : e.hidden
    layers.forEach((units, l) => {
      h = dense(units, `${p}dense_${l}`).apply(h) as TF.SymbolicTensor
    })
    if (e.dropout > 0) h = tf.layers.dropout({rate: e.dropout, seed: seed++, name: `${p}dropout`}).apply(h) as TF.SymbolicTensor
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
