// Late fusion: one model per modality, their predictions combined over the present ones.
import {type StrategyDefinition} from './types.js'

/** Each per-modality model's head, and the learned weighted mean over them (ms). */
const LATE_HEAD_MS = 0.05
const LATE_COMBINER_MS = 0.02

export const late = {
  label: 'Late fusion',
  masksModalities: false,
  tieBreakRank: 2,
  engineeringGrounds: 'late fusion degrades most gracefully (an absent modality only removes its own vote), at the cost of one model per modality to serve',
  noFitFallback: true,
  summary: 'One model per modality; their predictions are combined, skipping the models whose input is absent.',
  absentInputs: () =>
    "An absent or dropped modality's model is skipped: the prediction is a learned weighted mean of the present modalities' predictions, with weights renormalised over them. No placeholder or presence bit reaches a model, so late fusion cannot read absence itself; each per-modality model trains on every sample where its modality is naturally present, and the combination trains under the masking plan.",
  pros: ['it degrades gracefully: an absent modality only removes its own vote', 'each per-modality model trains on every sample that has its modality'],
  cons: ['it cannot learn interactions between modalities', 'there is one model per modality to train, monitor and deploy'],
  overheadMs: (n: number) => n * LATE_HEAD_MS + LATE_COMBINER_MS,
  candidates: [
    {
      id: 'late',
      variant: 'skip-absent',
      aliases: ['late/skip-absent'],
      listOrder: 4,
      recommended: true,
      // Effective robustness is measured against it.
      role: 'robustness-reference',
      completeCasesOnly: false,
      label: 'late',
      inProse: 'late fusion',
      shortName: 'late',
      description: 'One model per modality; absent modalities are skipped when predictions are combined.',
      chartColor: 'blue',
      marker: '*',
      htmlColor: '#1f77b4',
    },
  ],
} as const satisfies StrategyDefinition
