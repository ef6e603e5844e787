// What each fusion strategy is, and the trade-offs that hold whatever the profile says. The rules add
// the profile-specific pros and cons on top (their score reasons).
import type {Strategy} from '../profile/strategies.js'

export interface StrategyInfo {
  summary: string
  /**
   * What the generated model does with an absent or dropped modality (templates/project/src/model/networks.ts);
   * `presenceBits` says whether the masking plan feeds presence to the fusion layer.
   */
  absentInputs: (presenceBits: boolean) => string
  pros: string[]
  cons: string[]
}

export const STRATEGY_INFO: Record<Strategy, StrategyInfo> = {
  early: {
    summary: 'Concatenate the inputs of all modalities and train one model on the result.',
    absentInputs: () =>
      'An absent or dropped input is filled with its training mean (0 after standardisation) and its presence indicator, one per modality and concatenated with the inputs, is 0; image and sequence modalities enter through their pooled convolutional features.',
    pros: ['one model is the simplest thing to train, version and serve', 'it can learn low-level interactions between modalities'],
    cons: ['an absent modality must be filled in, and a zero-filled input looks exactly like a present input whose values are zero', 'the largest input dominates the concatenated vector'],
  },
  intermediate: {
    summary: 'One encoder per modality; their embeddings are fused and a joint head predicts.',
    absentInputs: (bits) =>
      `An absent or dropped modality's embedding is replaced by a learned placeholder (one per modality, the same for dropped and truly missing inputs)${bits ? ', and presence bits are fed to the fusion layer beside the embeddings' : ''}.`,
    pros: ['each modality gets an encoder suited to its shape and size', 'it learns cross-modal interactions at the embedding level'],
    cons: ['it degrades badly under missingness unless trained with per-modality dropout and a learned placeholder embedding'],
  },
  late: {
    summary: 'One model per modality; their predictions are combined, skipping the models whose input is absent.',
    absentInputs: () =>
      "An absent or dropped modality's model is skipped: the prediction is a learned weighted mean of the present modalities' predictions, with weights renormalised over them. No placeholder or presence bit reaches a model, so late fusion cannot read absence itself; each per-modality model trains on every sample where its modality is naturally present, and the combination trains under the masking plan.",
    pros: ['it degrades gracefully: an absent modality only removes its own vote', 'each per-modality model trains on every sample that has its modality'],
    cons: ['it cannot learn interactions between modalities', 'there is one model per modality to train, monitor and deploy'],
  },
  attention: {
    summary: 'Modality embeddings become tokens; attention across them masks out absent tokens.',
    absentInputs: (bits) =>
      `An absent or dropped modality's token is masked out: attention never attends to it and the pooled representation averages the present tokens only${bits ? ', and presence bits are fed to the fusion layer beside it' : ''}.`,
    pros: ['it masks out the tokens of absent modalities at inference', 'it can weigh modalities per request and model timing and interactions'],
    cons: ['it learns to down-weight absent modalities only when trained with modality masking', 'it needs more labelled data and more compute than the other options'],
  },
}
