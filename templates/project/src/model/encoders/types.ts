// What an encoder kind is made of: how it is chosen for a modality, its defaults, what shapes it
// reads, how the data pipeline treats its input, how `fuseplan evaluate` simulates data for it, and
// its layers. One file per kind in this folder; index.ts lists them.
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../../backend.js'
import type {FusionLayers} from '../layers/common.js'

export type ModalityType = 'tabular' | 'image' | 'text' | 'timeseries' | 'omics' | 'embedding'

/** A modality's encoder fields but its kind (the training config's `encoder`). */
export interface EncoderFields {
  /** Size of the modality embedding (intermediate, attention). */
  embedding: number
  /** Dense layers: the whole mlp, or after the pooling of a conv encoder. */
  hidden?: number[]
  /** conv2d/conv1d/embedding1d: filters of each conv block; each block halves the resolution. */
  filters?: number[]
  /** conv2d/conv1d/embedding1d: odd kernel size (height and width for conv2d, else steps). */
  kernel?: number
  /** embedding1d: number of token ids (0 .. vocabulary-1; 0 is padding). */
  vocabulary?: number
  /** embedding1d: values per token vector. */
  tokenEmbedding?: number
  /** conv2d: [height, width] the images are resized to (area average) before the encoder. */
  resize?: number[]
  /** Dropout rate before the embedding (0 = none). */
  dropout?: number
  /** L2 penalty on the encoder's kernels (0 = none). */
  l2?: number
}

/** Optional fields only some kinds read (hidden, dropout and l2 belong to every kind). */
export const KIND_FIELDS = ['resize', 'filters', 'kernel', 'vocabulary', 'tokenEmbedding'] as const
export type KindField = (typeof KIND_FIELDS)[number]

/** What a kind is chosen from and shapes its defaults: the modality's type and one sample's shape. */
export interface EncodedInput {
  type: ModalityType
  inputShape: number[]
}

/** The layout of the data `fuseplan evaluate` simulates for a kind: per-feature loadings, blobs in an image, or events in a sequence. */
export type SimulatedLayout = 'features' | 'image' | 'sequence'

/** What a kind's layers are built from (networks.ts prepares it). */
export interface EncoderBuild {
  tf: Tf
  L: FusionLayers
  /** The modality's input (x_<i>), in the shape the kind reads (`modelShape`). */
  x: TF.SymbolicTensor
  shape: number[]
  encoder: Required<EncoderFields>
  /** The step mask input (s_<i>) of a kind that reads padded steps. */
  mask: TF.SymbolicTensor | undefined
  /** Prefix of every layer name of this encoder. */
  prefix: string
  /** The next seed of the network's counter. */
  nextSeed: () => number
}

export interface Encoder {
  /** Whether a modality of this type and shape gets this kind by default (at most one kind but the fallback does). */
  fits(input: EncodedInput): boolean
  /** Every field this kind reads, at its default for the input (key order is the YAML's). */
  defaults(input: EncodedInput, embedding: number): EncoderFields
  /** The optional fields this kind reads, beyond hidden, dropout and l2. */
  fields: readonly KindField[]
  /** What is wrong with reading this input shape, or null. */
  shapeProblem(inputShape: number[]): string | null
  /** One sample as the model reads it. */
  modelShape(input: {inputShape: number[]; inputSize: number}, encoder: Required<EncoderFields>): number[]
  /** Values standardised together: every feature on its own (the model size) or per channel. */
  statsWidth(modelShape: number[]): number
  /** Reads padded steps: the network gets a step mask and padded steps are left out of the statistics. */
  steps: boolean
  /** Reads token ids: never standardised, id 0 is padding. */
  tokens: boolean
  /** Images are resized (area average) to the model shape by the data pipeline. */
  resized: boolean
  /** The input reaches the dense layers as it is (no conv, no pooling). */
  raw: boolean
  /** What `fuseplan evaluate` simulates for a modality with this encoder. */
  simulated: SimulatedLayout
  /** The layers before the dense ones (conv blocks and pooling); a raw kind returns its input. */
  build(b: EncoderBuild): TF.SymbolicTensor
}
