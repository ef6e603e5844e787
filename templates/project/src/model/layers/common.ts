// What the custom layers share: tensor and shape types, the mask constant and two input helpers.
import type * as TF from '@tensorflow/tfjs'

export type Tensor = TF.Tensor
export type Shape = (number | null)[]
export type LayerArgs = {name?: string; trainable?: boolean}

/** Large negative logit used to mask absent tokens; finite so that a fully masked row is uniform, not NaN. */
export const MASK_NEG = -1e9

export interface FusionLayers {
  PresenceGate: new (args: LayerArgs & {seed?: number}) => TF.layers.Layer
  StackTokens: new (args: LayerArgs & {typeEmbedding?: boolean; seed?: number}) => TF.layers.Layer
  MaskedAttention: new (args: LayerArgs & {heads: number; seed?: number}) => TF.layers.Layer
  MaskedMeanPool: new (args?: LayerArgs) => TF.layers.Layer
  PresenceWeightedMean: new (args?: LayerArgs) => TF.layers.Layer
  ConvBlock: new (args: LayerArgs & {filters: number; kernel: number[]; pool: number[]; seed?: number; inputGradient?: boolean}) => TF.layers.Layer
  GlobalPool: new (args: LayerArgs & {stride?: number}) => TF.layers.Layer
  TokenEmbedding: new (args: LayerArgs & {vocabulary: number; width: number; seed?: number}) => TF.layers.Layer
}

export function list<T>(x: T | T[]): T[] {
  return Array.isArray(x) ? x : [x]
}

export function shapes(s: Shape | Shape[]): Shape[] {
  return Array.isArray(s[0]) || s.length === 0 ? (s as Shape[]) : [s as Shape]
}

/** Defines and registers the custom layers against the loaded tfjs module (once per process). */
