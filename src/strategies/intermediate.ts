// Intermediate (joint) fusion: one encoder per modality, embeddings fused, one head.
import {HEAD_MS, type StrategyDefinition} from './types.js'

/** The fusion layer over the embeddings (ms). */
const FUSION_MS = 0.1

export const intermediate = {
  label: 'Intermediate fusion',
  masksModalities: true,
  tieBreakRank: 0,
  engineeringGrounds: 'intermediate fusion degrades gracefully when availability shifts (an absent modality becomes a learned placeholder) at the latency of one network',
  summary: 'One encoder per modality; their embeddings are fused and a joint head predicts.',
  absentInputs: (bits: boolean) =>
    `An absent or dropped modality's embedding is replaced by a learned placeholder (one per modality, the same for dropped and truly missing inputs)${bits ? ', and presence bits are fed to the fusion layer beside the embeddings' : ''}.`,
  pros: ['each modality gets an encoder suited to its shape and size', 'it learns cross-modal interactions at the embedding level'],
  cons: ['it degrades badly under missingness unless trained with per-modality dropout and a learned placeholder embedding'],
  overheadMs: () => FUSION_MS + HEAD_MS,
  candidates: [
    {
      id: 'intermediate',
      variant: 'masked',
      aliases: ['intermediate/masked'],
      listOrder: 2,
      recommended: true,
      completeCasesOnly: false,
      label: 'intermediate + masking',
      inProse: 'intermediate fusion with masking',
      shortName: 'intermediate',
      description: 'Per-modality encoders, learned placeholders, trained with the masking plan.',
      chartColor: 'green',
      marker: 'o',
      htmlColor: '#2ca02c',
    },
  ],
} as const satisfies StrategyDefinition
