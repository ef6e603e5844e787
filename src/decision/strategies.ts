// What each fusion strategy is, and the trade-offs that hold whatever the profile says. The rules add
// the profile-specific pros and cons on top (their score reasons).
import type {Strategy} from '../profile/strategies.js'

export interface StrategyInfo {
  summary: string
  pros: string[]
  cons: string[]
}

export const STRATEGY_INFO: Record<Strategy, StrategyInfo> = {
  early: {
    summary: 'Concatenate the inputs of all modalities and train one model on the result.',
    pros: ['one model is the simplest thing to train, version and serve', 'it can learn low-level interactions between modalities'],
    cons: ['an absent modality must be filled in, and a zero-filled input looks exactly like a present input whose values are zero', 'the largest input dominates the concatenated vector'],
  },
  intermediate: {
    summary: 'One encoder per modality; their embeddings are fused and a joint head predicts.',
    pros: ['each modality gets an encoder suited to its shape and size', 'it learns cross-modal interactions at the embedding level'],
    cons: ['it degrades badly under missingness unless trained with per-modality dropout and a learned placeholder embedding'],
  },
  late: {
    summary: 'One model per modality; their predictions are combined, skipping the models whose input is absent.',
    pros: ['it degrades gracefully: an absent modality only removes its own vote', 'each per-modality model trains on every sample that has its modality'],
    cons: ['it cannot learn interactions between modalities', 'there is one model per modality to train, monitor and deploy'],
  },
  attention: {
    summary: 'Modality embeddings become tokens; attention across them masks out absent tokens.',
    pros: ['it masks out the tokens of absent modalities at inference', 'it can weigh modalities per request and model timing and interactions'],
    cons: ['it learns to down-weight absent modalities only when trained with modality masking', 'it needs more labelled data and more compute than the other options'],
  },
}
