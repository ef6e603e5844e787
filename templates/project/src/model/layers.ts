// Custom tfjs layers used by the fusion models. Each has a SINGLE output (tfjs calls `call()` once
// per consumed output), is registered for serialization under a `Fuseplan*` class name, and
// round-trips through save/load.
//
// Each layer is one file in ./layers/ (its doc there); this module defines them against the loaded
// tfjs module and registers them once.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../backend.js'
import type {FusionLayers} from './layers/common.js'
import {definePresenceGate} from './layers/presence-gate.js'
import {defineStackTokens} from './layers/stack-tokens.js'
import {defineMaskedAttention} from './layers/masked-attention.js'
import {defineMaskedMeanPool} from './layers/masked-mean-pool.js'
import {definePresenceWeightedMean} from './layers/presence-weighted-mean.js'
import {defineConvBlock} from './layers/conv-block.js'
import {defineGlobalPool} from './layers/global-pool.js'
import {defineTokenEmbedding} from './layers/token-embedding.js'

export type {FusionLayers} from './layers/common.js'

let cached: FusionLayers | undefined

/** Defines and registers the custom layers against the loaded tfjs module (once per process). */
export function fusionLayers(tf: Tf): FusionLayers {
  if (cached) return cached
  const layers: FusionLayers = {
    PresenceGate: definePresenceGate(tf),
    StackTokens: defineStackTokens(tf),
    MaskedAttention: defineMaskedAttention(tf),
    MaskedMeanPool: defineMaskedMeanPool(tf),
    PresenceWeightedMean: definePresenceWeightedMean(tf),
    ConvBlock: defineConvBlock(tf),
    GlobalPool: defineGlobalPool(tf),
    TokenEmbedding: defineTokenEmbedding(tf),
  }
  for (const cls of Object.values(layers)) {
    tf.serialization.registerClass(cls as unknown as TF.serialization.SerializableConstructor<TF.serialization.Serializable>)
  }
  cached = layers
  return cached
}
