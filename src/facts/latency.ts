// Inference-latency model: a deliberately simple, documented estimate per fusion strategy.
//
// Per-modality encoder cost e(m) is the profile's `encoderLatencyMs` when given, otherwise a default
// per modality type (DEFAULT_ENCODER_MS, CPU numbers for a small encoder at batch 1; GPU divides by
// GPU_SPEEDUP). The strategies then differ in what runs on top of the encoders:
//   early         one network over the concatenated inputs: sum(e) + one head
//   intermediate  one encoder per modality, fused embeddings: sum(e) + fusion layer + one head
//   late          one full model per modality: sum(e) + one head per modality + the combiner
//   attention     modality tokens + attention across them: sum(e) + attention (grows with tokens²) + one head
// Encoders are assumed to run one after another (a single inference worker), so the estimate is an
// upper bound for deployments that run encoders in parallel. The estimate is a mean; the budget is a
// tail percentile, so the estimate is multiplied by TAIL_FACTOR for p90 and above. Batch b multiplies
// the per-request cost by b (the request waits for the whole batch).
// Every constant is fuseplan's own default, not a measurement: give `encoderLatencyMs` to replace it.
import type {Modality, ModalityType, Profile} from '../profile/types.js'
import type {Strategy} from '../decision/types.js'

export const DEFAULT_ENCODER_MS: Record<ModalityType, number> = {
  tabular: 1,
  embedding: 0.5,
  omics: 4,
  timeseries: 6,
  text: 12,
  image: 25,
}
export const HEAD_MS = 0.5
export const FUSION_MS = 1
export const LATE_COMBINER_MS = 0.2
export const ATTENTION_BASE_MS = 2
export const ATTENTION_PER_TOKEN_PAIR_MS = 0.05
export const GPU_SPEEDUP = 5
export const TAIL_FACTOR = 1.5
export const TAIL_PERCENTILE = 90

export function encoderMs(m: Modality, hardware: string | undefined): number {
  if (typeof m.encoderLatencyMs === 'number') return m.encoderLatencyMs
  const base = DEFAULT_ENCODER_MS[m.type] ?? DEFAULT_ENCODER_MS.tabular
  return hardware === 'gpu' ? base / GPU_SPEEDUP : base
}

export function estimateLatency(profile: Profile): Record<Strategy, number> {
  const hardware = profile.latency?.hardware
  const scale = hardware === 'gpu' ? 1 / GPU_SPEEDUP : 1
  const n = profile.modalities.length
  const sum = profile.modalities.reduce((s, m) => s + encoderMs(m, hardware), 0)
  const tail = (profile.latency?.percentile ?? 99) >= TAIL_PERCENTILE ? TAIL_FACTOR : 1
  const batch = profile.latency?.batch ?? 1
  const k = tail * batch
  return {
    early: round((sum + HEAD_MS * scale) * k),
    intermediate: round((sum + (FUSION_MS + HEAD_MS) * scale) * k),
    late: round((sum + (n * HEAD_MS + LATE_COMBINER_MS) * scale) * k),
    attention: round((sum + (ATTENTION_BASE_MS + ATTENTION_PER_TOKEN_PAIR_MS * n * n + HEAD_MS) * scale) * k),
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
