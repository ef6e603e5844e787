// Inference-latency model: a deliberately simple, documented estimate per fusion strategy.
//
// Per-modality encoder cost e(m) is the profile's `encoderLatencyMs` when given (measure it at the
// budget's percentile: it is used as is), otherwise a default per modality type (DEFAULT_ENCODER_MS,
// mean CPU cost of a small encoder at batch 1) multiplied by TAIL_FACTOR when the budget is at p90 or
// above; GPU divides the defaults by GPU_SPEEDUP. The strategies differ in what runs on top of
// sum(e): each strategy's `overheadMs` (src/strategies/<name>.ts), divided by GPU_SPEEDUP on a GPU.
// Encoders run one after another (a single inference worker), so the estimate is an upper bound for
// deployments that run encoders in parallel. Batch b multiplies the per-request cost by b (a request
// waits for its whole batch). Every constant is fuseplan's own default, not a measurement: give
// `encoderLatencyMs` to replace the encoder defaults.
//
// The estimate is only as precise as its parts, so it carries an uncertainty, a half-width in ms:
// MEASURED_UNCERTAINTY of the measured encoder costs (run-to-run spread of a measured percentile)
// plus DEFAULT_UNCERTAINTY of the default encoder costs and of the strategy's own overhead (a
// default stands for a small encoder, not yours). A strategy is over the budget only when even the
// low end of its estimate is (`strategiesOverBudget`); a budget inside the estimate's range is said
// to be uncertain (`strategiesNearBudget`; the ADR asks for a measurement), and numbers are shown at the precision the uncertainty
// allows (`latencyText`: "42 ± 4 ms", never "41.95 ms" against a 41.9 ms budget).
import type {Modality, ModalityType, Profile} from '../profile/types.js'
import {STRATEGIES, STRATEGY_DEFINITIONS, type Strategy} from '../strategies/index.js'

export const DEFAULT_ENCODER_MS: Record<ModalityType, number> = {
  tabular: 0.2,
  embedding: 0.1,
  omics: 1,
  timeseries: 3,
  text: 8,
  image: 20,
}
export const GPU_SPEEDUP = 5
export const TAIL_FACTOR = 1.5
export const TAIL_PERCENTILE = 90

export function encoderMs(m: Modality, latency: Profile['latency']): number {
  if (typeof m.encoderLatencyMs === 'number') return m.encoderLatencyMs
  const base = DEFAULT_ENCODER_MS[m.type] ?? DEFAULT_ENCODER_MS.tabular
  const tail = (latency?.percentile ?? 99) >= TAIL_PERCENTILE ? TAIL_FACTOR : 1
  return round((latency?.hardware === 'gpu' ? base / GPU_SPEEDUP : base) * tail)
}

/** Relative uncertainty of a measured `encoderLatencyMs`, and of a default cost or constant. */
export const MEASURED_UNCERTAINTY = 0.1
export const DEFAULT_UNCERTAINTY = 0.5

/** Per strategy, the half-width in ms of the estimate's uncertainty (see the header). */
export function latencyUncertainty(profile: Profile): Record<Strategy, number> {
  const estimates = estimateLatency(profile)
  const batch = profile.latency?.batch ?? 1
  const encoders = profile.modalities.reduce((s, m) => s + encoderMs(m, profile.latency), 0) * batch
  const measured = profile.modalities.reduce((s, m) => s + (typeof m.encoderLatencyMs === 'number' ? m.encoderLatencyMs : 0), 0) * batch
  const out = {} as Record<Strategy, number>
  for (const [strategy, ms] of Object.entries(estimates) as [Strategy, number][]) {
    const overhead = Math.max(0, ms - encoders)
    out[strategy] = round(MEASURED_UNCERTAINTY * measured + DEFAULT_UNCERTAINTY * (encoders - measured + overhead))
  }
  return out
}

/**
 * An estimate and its uncertainty at the precision they have: the uncertainty to one significant
 * figure (two when it starts with 1), the estimate to the same place. "42 ± 4 ms", "9.9 ± 1.0 ms".
 */
export function latencyText(ms: number, uncertaintyMs: number): string {
  if (!(uncertaintyMs > 0)) return `${Number(ms.toPrecision(2))} ms`
  let e = Math.floor(Math.log10(uncertaintyMs))
  if (Math.round(uncertaintyMs / 10 ** e) >= 10) e += 1
  const place = Math.round(uncertaintyMs / 10 ** e) === 1 ? e - 1 : e
  const decimals = Math.max(0, -place)
  // Half up on the decimal digits as written (9.85 is stored a hair below 9.85).
  const at = (x: number): string => (Math.round((x / 10 ** place) * (1 + 1e-12)) * 10 ** place).toFixed(decimals)
  return `${at(ms)} ± ${at(uncertaintyMs)} ms`
}

export function estimateLatency(profile: Profile): Record<Strategy, number> {
  const scale = profile.latency?.hardware === 'gpu' ? 1 / GPU_SPEEDUP : 1
  const n = profile.modalities.length
  const sum = profile.modalities.reduce((s, m) => s + encoderMs(m, profile.latency), 0)
  const batch = profile.latency?.batch ?? 1
  return Object.fromEntries(STRATEGIES.map((s) => [s, round((sum + STRATEGY_DEFINITIONS[s].overheadMs(n) * scale) * batch)])) as Record<Strategy, number>
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
