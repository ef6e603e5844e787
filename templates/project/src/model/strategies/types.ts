// What a strategy's network is built from: the shared parts networks.ts prepares (inputs, each
// modality's encoder, the custom layers) and a seed counter that every initializer draws from in
// build order, so a network is the same for the same seed.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import type {ResolvedEncoder, TrainingConfig} from '../../config.js'
import type {FusionLayers} from '../layers.js'

export interface NetworkContext {
  tf: Tf
  L: FusionLayers
  config: TrainingConfig
  /** Output units (classes, or 1). */
  C: number
  /** The fusion layer's width (config.fusion.hidden). */
  hidden: number
  kinds: ResolvedEncoder[]
  /** One input per modality, in the shape its encoder reads. */
  xs: TF.SymbolicTensor[]
  /** One presence input per modality (empty when the network reads no presence). */
  ps: TF.SymbolicTensor[]
  /** The presence inputs concatenated (n, K), when there are any. */
  presence: TF.SymbolicTensor | undefined
  /** Every input of the model, in order. */
  inputs: TF.SymbolicTensor[]
  /** The next seed (and the counter moves on by one). */
  nextSeed: () => number
  /** Moves the seed counter on by `k` and returns it. */
  skipSeeds: (k: number) => number
  dense: (units: number, name: string, activation?: 'relu' | 'linear') => TF.layers.Layer
  concat: (xs: TF.SymbolicTensor[], name: string) => TF.SymbolicTensor
  /** Modality i's features before the embedding: conv blocks and pooling, hidden layers, dropout. */
  trunk: (i: number, fallbackHidden?: number[]) => TF.SymbolicTensor
  /** Modality i's embedding: its trunk, then a linear dense layer. */
  encoder: (i: number) => TF.SymbolicTensor
}

export interface StrategyNetwork {
  build(ctx: NetworkContext): TF.LayersModel
  /**
   * The network's second output holds one prediction per modality (n, K, C), each trained on the
   * samples where its modality is naturally present.
   */
  perModalityOutputs: boolean
}
