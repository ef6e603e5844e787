// The encoder kinds, one file each. The list is the training config schema's enum (fuseplan's
// src/scaffold/training-config-schema.ts reads it), so the compiler asks for a file for each kind.
import {conv1d} from './conv1d.js'
import {conv2d} from './conv2d.js'
import {embedding1d} from './embedding1d.js'
import {mlp} from './mlp.js'
import type {EncodedInput, Encoder} from './types.js'

export type {EncodedInput, Encoder, EncoderFields, ModalityType, SimulatedLayout} from './types.js'

export const ENCODER_KINDS = ['mlp', 'conv2d', 'conv1d', 'embedding1d'] as const
export type EncoderKind = (typeof ENCODER_KINDS)[number]

export const ENCODERS: Record<EncoderKind, Encoder> = {mlp, conv2d, conv1d, embedding1d}

/** The kind a modality gets when no other fits it. */
export const FALLBACK_KIND: EncoderKind = 'mlp'

/** The default kind for a modality's type and shape: the one that fits, else the fallback. */
export function kindFor(input: EncodedInput): EncoderKind {
  return ENCODER_KINDS.find((k) => k !== FALLBACK_KIND && ENCODERS[k].fits(input)) ?? FALLBACK_KIND
}
