// The masking plan (docs/design.md#masking-plan): derived from deployment availability a and training availability t.
//
// Keeping a present modality with probability a/t reproduces the deployment presence rate, so the
// drop probability is q = 1 - a/t when t > a, else 0. A floor (the `masking-drop-floor` rule) stops the
// model from relying on any one modality, except a `required` one (requests without it are rejected,
// so it is never dropped). The effective training-time missing rate is then 1 - t(1 - q), which is
// >= 1 - a by construction (invariant 6): natural absence plus masking covers the deployment's.
// The plan covers deployment availabilities in [t(1 - q), t]: below that the model never saw so
// sparse a modality; above it, masking cannot help (it only removes inputs). Lint can compare a
// later profile against `covers` to tell when the deployment drifted out of the plan.
import type {Facts} from '../facts/index.js'
import type {MaskingSettings} from '../engine/evaluate.js'
import type {MaskingPlan, ModalityMask} from './types.js'

function r(x: number): number {
  return Math.round(x * 1e6) / 1e6
}

/** Rounds up to 6 decimals, ignoring float noise below 1e-9, so reported rates never understate the masking. */
function ceil6(x: number): number {
  return Math.ceil(x * 1e6 - 1e-3) / 1e6
}

/** 1 - t(1 - q), rounded to 6 decimals, rounded up only where rounding would fall below 1 - a. */
function effectiveRate(t: number, q: number, a: number): number {
  const exact = 1 - t * (1 - q)
  const near = r(exact)
  return Math.min(1, near + 1e-12 >= 1 - a ? near : ceil6(exact))
}

export function buildMaskingPlan(facts: Facts, settings: MaskingSettings): MaskingPlan {
  const floor = settings.floor ?? 0
  const modalities: ModalityMask[] = facts.modalities.map((m) => {
    const a = m.servedAvailability
    const t = m.trainingAvailability
    let q = 0
    let note: string | undefined
    if (m.required) {
      note = 'required: never dropped (requests without it are rejected upstream)'
    } else if (t <= 0) {
      note = 'absent from training: nothing to drop'
    } else {
      const match = t > a ? 1 - a / t : 0
      q = Math.max(match, floor)
      if (match > floor) note = `keep with probability a/t = ${Number((a / t).toFixed(3))} to match deployment`
      else if (t < a) note = `training availability below deployment: only the floor applies; masking cannot raise presence`
      else note = floor > 0 ? 'floor: no modality relied on exclusively' : undefined
    }
    q = Math.min(1, Math.max(0, ceil6(q)))
    return {
      name: m.name,
      deploymentAvailability: a,
      trainingAvailability: t,
      dropProbability: q,
      effectiveMissingRate: effectiveRate(t, q, a),
      required: m.required,
      ...(note ? {note} : {}),
    }
  })
  const mode = settings.mode ?? 'independent'
  return {
    mode,
    modalities,
    ...(mode === 'patterns' ? {patterns: facts.presencePatterns.map((p) => ({present: [...p.present], share: p.share}))} : {}),
    floor,
    warmupEpochs: settings.warmupEpochs ?? 0,
    rampEpochs: settings.rampEpochs ?? 0,
    neverDropAll: true,
    placeholder: 'learned-shared-for-dropped-and-missing',
    presenceBits: settings.presenceBits ?? true,
    covers: modalities.map((m) => ({name: m.name, minAvailability: r(1 - m.effectiveMissingRate), maxAvailability: r(m.trainingAvailability)})),
  }
}

/** Invariant 6: every modality's effective training missing rate reaches its deployment missing rate. */
export function maskingShortfalls(plan: MaskingPlan): {name: string; effective: number; deployment: number}[] {
  return plan.modalities
    .filter((m) => m.effectiveMissingRate + 1e-9 < 1 - m.deploymentAvailability)
    .map((m) => ({name: m.name, effective: m.effectiveMissingRate, deployment: r(1 - m.deploymentAvailability)}))
}
