// Inference-latency model: a deliberately simple, documented estimate per fusion strategy.
//
// Per-modality encoder cost e(m) is the profile's `encoderLatencyMs` when given (measure it at the
// budget's percentile: it is used as is), otherwise a default per modality type (DEFAULT_ENCODER_MS,
// mean CPU cost of a small encoder at batch 1) multiplied by TAIL_FACTOR when the budget is at p90 or
// above; GPU divides the defaults by GPU_SPEEDUP. The strategies differ in what runs on top:
//   early         one network over the concatenated inputs: sum(e) + one head
//   intermediate  one encoder per modality, fused embeddings: sum(e) + fusion layer + one head
//   late          one model per modality: sum(e) + one head per modality + the combiner
//   attention     modality tokens + attention across them: sum(e) + attention (grows with tokens²) + one head
// Encoders run one after another (a single inference worker), so the estimate is an upper bound for
// deployments that run encoders in parallel. Batch b multiplies the per-request cost by b (a request
// waits for its whole batch). Every constant is fuseplan's own default, not a measurement: give
// `encoderLatencyMs` to replace the encoder defaults.
import type {Modality, ModalityType, Profile} from '../profile/types.js'
import type {Strategy} from '../profile/strategies.js'

export const DEFAULT_ENCODER_MS: Record<ModalityType, number> = {
  tabular: 0.2,
  embedding: 0.1,
  omics: 1,
  timeseries: 3,
  text: 8,
  image: 20,
}
export const HEAD_MS = 0.05
export const FUSION_MS = 0.1
export const LATE_HEAD_MS = 0.05
export const LATE_COMBINER_MS = 0.02
export const ATTENTION_BASE_MS = 0.3
export const ATTENTION_PER_TOKEN_PAIR_MS = 0.02
export const GPU_SPEEDUP = 5
export const TAIL_FACTOR = 1.5
export const TAIL_PERCENTILE = 90

export function encoderMs(m: Modality, latency: Profile['latency']): number {
  if (typeof m.encoderLatencyMs === 'number') return m.encoderLatencyMs
  const base = DEFAULT_ENCODER_MS[m.type] ?? DEFAULT_ENCODER_MS.tabular
  const tail = (latency?.percentile ?? 99) >= TAIL_PERCENTILE ? TAIL_FACTOR : 1
  return round((latency?.hardware === 'gpu' ? base / GPU_SPEEDUP : base) * tail)
}

export function estimateLatency(profile: Profile): Record<Strategy, number> {
  const scale = profile.latency?.hardware === 'gpu' ? 1 / GPU_SPEEDUP : 1
  const n = profile.modalities.length
  const sum = profile.modalities.reduce((s, m) => s + encoderMs(m, profile.latency), 0)
  const batch = profile.latency?.batch ?? 1
  return {
    early: round((sum + HEAD_MS * scale) * batch),
    intermediate: round((sum + (FUSION_MS + HEAD_MS) * scale) * batch),
    late: round((sum + (n * LATE_HEAD_MS + LATE_COMBINER_MS) * scale) * batch),
    attention: round((sum + (ATTENTION_BASE_MS + ATTENTION_PER_TOKEN_PAIR_MS * n * n + HEAD_MS) * scale) * batch),
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
