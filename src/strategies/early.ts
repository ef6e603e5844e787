// Early fusion: the inputs of all modalities concatenated into one model.
import {HEAD_MS, type StrategyDefinition} from './types.js'

export const early = {
  label: 'Early fusion',
  masksModalities: false,
  tieBreakRank: 1,
  engineeringGrounds: 'early fusion is one network: the simplest to train, version and serve, and the fastest',
  summary: 'Concatenate the inputs of all modalities and train one model on the result.',
  absentInputs: () =>
    'An absent or dropped input is filled with its training mean (0 after standardisation) and its presence indicator, one per modality and concatenated with the inputs, is 0; image and sequence modalities enter through their pooled convolutional features.',
  pros: ['one model is the simplest thing to train, version and serve', 'it can learn low-level interactions between modalities'],
  cons: ['an absent modality must be filled in, and a zero-filled input looks exactly like a present input whose values are zero', 'the largest input dominates the concatenated vector'],
  // One network over the concatenated inputs.
  overheadMs: () => HEAD_MS,
  candidates: [
    {
      id: 'early/complete-case',
      variant: 'complete-case',
      aliases: ['complete-case', 'naive', 'baseline'],
      listOrder: 0,
      recommended: false,
      role: 'naive-baseline',
      absentInputs: {fill: 'raw-zero', presenceInputs: false, masking: false},
      completeCasesOnly: true,
      label: 'early, complete cases (naive)',
      inProse: 'the naive baseline (early fusion on complete cases, zero-filled)',
      shortName: 'naive',
      description: 'Early fusion trained only on samples with every modality; absent inputs are zero-filled at inference.',
      chartColor: 'red',
      marker: 'x',
      htmlColor: '#d62728',
    },
    {
      id: 'early/indicators',
      variant: 'indicators',
      aliases: ['indicators', 'early'],
      listOrder: 1,
      // As scaffold ships it: mean fill, one presence bit per modality, the masking plan.
      recommended: true,
      // Presence itself can carry signal: this candidate reads it (the verdict looks at its lift).
      role: 'presence-indicators',
      completeCasesOnly: false,
      label: 'early + presence indicators',
      inProse: 'early fusion with presence indicators',
      shortName: 'early+ind',
      description: 'Early fusion on all samples, absent inputs mean-filled, one presence bit per modality, trained with the masking plan.',
      chartColor: 'yellow',
      marker: '+',
      htmlColor: '#ff7f0e',
    },
  ],
} as const satisfies StrategyDefinition
