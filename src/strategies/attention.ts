// Attention-based fusion: modality embeddings as tokens, attention across them masking absent ones.
import {HEAD_MS, type StrategyDefinition} from './types.js'

/** Attention across n tokens: a fixed part and one that grows with the number of token pairs (ms). */
const ATTENTION_BASE_MS = 0.3
const ATTENTION_PER_TOKEN_PAIR_MS = 0.02

export const attention = {
  label: 'Attention-based fusion',
  masksModalities: true,
  tieBreakRank: 3,
  engineeringGrounds: 'attention fusion weighs modalities per request, at the most data and compute of the four',
  summary: 'Modality embeddings become tokens; attention across them masks out absent tokens.',
  absentInputs: (bits: boolean) =>
    `An absent or dropped modality's token is masked out: attention never attends to it and the pooled representation averages the present tokens only${bits ? ', and presence bits are fed to the fusion layer beside it' : ''}.`,
  pros: ['it masks out the tokens of absent modalities at inference', 'it can weigh modalities per request and model timing and interactions'],
  cons: ['it learns to down-weight absent modalities only when trained with modality masking', 'it needs more labelled data and more compute than the other options'],
  overheadMs: (n: number) => ATTENTION_BASE_MS + ATTENTION_PER_TOKEN_PAIR_MS * n * n + HEAD_MS,
  candidates: [
    {
      id: 'attention',
      variant: 'masked',
      aliases: ['attention/masked'],
      listOrder: 3,
      recommended: true,
      completeCasesOnly: false,
      label: 'attention + masking',
      inProse: 'attention-based fusion with masking',
      shortName: 'attention',
      description: 'Modality tokens with masked attention, trained with the masking plan.',
      chartColor: 'magenta',
      marker: '#',
      htmlColor: '#9467bd',
    },
  ],
} as const satisfies StrategyDefinition
