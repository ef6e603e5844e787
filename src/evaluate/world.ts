// The simulated deployment behind `fuseplan evaluate`: a data-generating process built from the
// profile's facts alone. It never reads the rules or the recommendation, so the evidence it gives
// cannot be tuned to them. What each profile field changes:
//
//   task.labelledSamples   the training-set size (up to SIMULATION_LIMITS.maxTrainingSamples)
//   modality sizes         the width of each simulated input, shrunk by one common factor so the
//                          ratios between modalities survive (floors keep tiny ones usable)
//   modality type / shape  features, a small image (spatial signal in blobs) or a sequence
//                          (temporal signal in events and trends): the layout the encoder kind
//                          scaffold picks for it asks for (templates/project/src/model/encoders/)
//   signal density         a modality's signal sits in a few directions among many noise
//                          features, so a wide modality is mostly noise
//   timing                 episodic streams carry an event at a time; continuous streams a recent
//                          trend; two or more temporal streams also carry a signal in whether their
//                          events line up in time (only a joint model can see it)
//   task.interactions      weak: additive per-modality signals; strong: the label depends on
//                          cross-modal products; unknown: a documented middle
//   missingness            random, informative (presence shifts with the outcome) or by-design
//                          (presence follows an enrolment variable)
//   cohorts / patterns     training presence from the labelled cohorts; deployment presence from
//                          the availabilities or the explicit patterns
//
// src/evaluate/README.md documents the process and the literature each part follows.
//
// The generated project has a generator of its own (templates/project/src/data/synthetic.ts), kept
// apart on purpose: it sees only the training config, which does not carry what this world reads
// from the profile (declared interactions, above all), and its data is pinned by the project's
// prediction tests, while these numbers are the evidence the decision benchmark is calibrated on.
// test/evaluate/two-generators.test.ts pins the difference.
import {resolveModalities, shapeOf, type ResolvedModality} from '../profile/modality.js'
import type {Modality, ModalityType, Profile} from '../profile/types.js'
import type {Dataset, ModalityBlock} from '../../templates/project/src/dataset.js'
import {ENCODERS, kindFor, type SimulatedLayout} from '../../templates/project/src/model/encoders/index.js'
import {Rng, deriveSeed} from '../../templates/project/src/random.js'

/** Sizes the simulation caps for time; the report states them. */
export const SIMULATION_LIMITS = {
  /** Training samples at most (the profile's labelledSamples up to this). */
  maxTrainingSamples: 4000,
  /** The widest modality is shrunk to at most this many values; the others by the same factor. */
  maxWidth: 1024,
  /** No modality is shrunk below this many values (or its own size when smaller). */
  minWidth: 16,
  imageSide: {min: 8, max: 12},
  steps: {min: 12, max: 24},
  maxChannels: 8,
}

export type Layout = SimulatedLayout
export type Population = 'training' | 'deployment'

/** A profile modality as the contract resolves it (availabilities, missingness, timing), at its simulated shape. */
export interface SimulatedModality extends Omit<ResolvedModality, 'shape' | 'size'> {
  layout: Layout
  /** Simulated shape (image [H, W, C], sequence [T, C], features [d]). */
  shape: number[]
  size: number
  /** The profile's flattened size. */
  profileSize: number
}

export interface WorldOptions {
  seed: number
  /** Overrides the training-set size taken from the profile. */
  trainingSamples?: number
  /** The most training samples simulated from the profile's labelledSamples (default SIMULATION_LIMITS.maxTrainingSamples). */
  maxTrainingSamples?: number
  /** Overrides SIMULATION_LIMITS.maxWidth (tests and quick looks). */
  maxWidth?: number
}

export interface SampleOptions {
  population: Population
  seed: number
  /** Overrides a modality's presence probability (0..1), independent draws. */
  presence?: Record<string, number>
}

export interface SimulatedWorld {
  modalities: SimulatedModality[]
  /** Training samples: min(labelledSamples, cap) unless overridden. */
  trainingSamples: number
  /** Whether the profile's labelled count was cut to the cap. */
  capped: boolean
  /** The cap on simulated training samples that applied. */
  cap: number
  /** Ground truth, for the report. */
  truth: {additive: Record<string, number>; interactionWeight: number; pairs: [string, string][]; temporalWeight: number; temporal: string[]}
  sample(n: number, opts: SampleOptions): Dataset
}

/** How strongly the label depends on cross-modal products, by declared interaction strength. */
export const INTERACTION_STRENGTH = {
  weak: {additive: 1, products: 0},
  unknown: {additive: 0.85, products: 0.5},
  strong: {additive: 0.55, products: 0.9},
} as const

/** Weight of the temporal-alignment signal among two or more temporal streams (0 when interactions are weak). */
export const TEMPORAL_WEIGHT = 0.6
/** Correlation of each modality's main factor with the shared factor (modalities are partly redundant). */
export const SHARED_CORRELATION = 0.4
const LABEL_SHARPNESS = 2.5
/** How far informative missingness moves presence towards one outcome (share of the room available). */
const INFORMATIVE_SHIFT = 0.6

/** The layout the modality's default encoder kind reads; its generator below makes data with that structure. */
function layoutOf(m: Modality): Layout {
  return ENCODERS[kindFor({type: m.type, inputShape: shapeOf(m)})].simulated
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

/**
 * The simulated shape of every modality: the widest is shrunk to at most maxWidth values and all
 * others by the same factor, never below minWidth (or their own size); images keep their channels
 * (at most 3) and become square, sequences keep their channels (at most maxChannels).
 */
export function simulatedShapes(modalities: readonly Modality[], maxWidth: number = SIMULATION_LIMITS.maxWidth): {shape: number[]; layout: Layout; profileSize: number}[] {
  const L = SIMULATION_LIMITS
  const sizes = modalities.map((m) => shapeOf(m).reduce((a, s) => a * s, 1))
  const factor = Math.min(1, maxWidth / Math.max(...sizes))
  const floor = Math.min(L.minWidth, maxWidth)
  return modalities.map((m, i) => {
    const shape = shapeOf(m)
    const layout = layoutOf(m)
    const target = Math.min(maxWidth, Math.max(Math.min(sizes[i], floor), Math.round(sizes[i] * factor)))
    if (layout === 'image') {
      const c = Math.min(3, shape[2] ?? 1)
      const side = clamp(Math.round(Math.sqrt(target / c)), L.imageSide.min, Math.min(L.imageSide.max, Math.max(shape[0], shape[1])))
      return {shape: [side, side, c], layout, profileSize: sizes[i]}
    }
    if (layout === 'sequence') {
      const c = Math.min(L.maxChannels, shape[1] ?? 1)
      const t = clamp(Math.round(target / c), Math.min(L.steps.min, shape[0]), Math.min(L.steps.max, shape[0]))
      return {shape: [t, c], layout, profileSize: sizes[i]}
    }
    return {shape: [Math.max(1, Math.min(sizes[i], target))], layout, profileSize: sizes[i]}
  })
}

/** The cohorts that contribute training samples (unlabelled ones only pre-train, which is not simulated). */
function labelledCohorts(profile: Profile) {
  return (profile.cohorts ?? []).filter((c) => (c.labelled ?? true) && c.size > 0)
}

/** Natural scales by modality type: offset range and scale range (never zero-centred). */
const SCALES: Record<ModalityType, [number, number, number, number]> = {
  tabular: [20, 140, 2, 15],
  image: [60, 180, 8, 30],
  omics: [5, 60, 1, 8],
  timeseries: [50, 110, 3, 12],
  text: [0.5, 3, 0.2, 1],
  embedding: [0.5, 3, 0.2, 1],
}

interface Generator {
  /** Writes one sample's values (before offset/scale) into out, given its factors. */
  write(out: Float32Array, base: number, a: number, b: number, eventTime: number, r: Rng): void
}

/** Features that carry each latent factor in a features modality: a few, whatever the width. */
export const SIGNAL_FEATURES = 5

/** Number of features that carry one factor in a features modality of width d. */
export function signalFeatures(d: number): number {
  return Math.min(d, SIGNAL_FEATURES)
}

function featuresGenerator(d: number, rng: Rng): Generator {
  // Factor a loads on a few features, factor b on a few others (the same ones when d is small); the
  // rest is pure noise, so a wide modality is mostly noise and its signal must be found.
  const k = signalFeatures(d)
  const order = rng.permutation(d)
  const aIdx = Array.from(order.slice(0, k))
  const bIdx = Array.from(d >= 2 * k ? order.slice(k, 2 * k) : order.slice(0, k))
  const load = () => (0.7 + 0.6 * rng.next()) * (rng.next() < 0.5 ? -1 : 1)
  const aW = aIdx.map(load)
  const bW = bIdx.map(load)
  return {
    write(out, base, a, b, _t, r) {
      for (let j = 0; j < d; j++) out[base + j] = r.normal()
      for (let j = 0; j < k; j++) out[base + aIdx[j]] += aW[j] * a
      for (let j = 0; j < bIdx.length; j++) out[base + bIdx[j]] += bW[j] * b
    },
  }
}

function imageGenerator(shape: number[], rng: Rng): Generator {
  // Two fixed places of the image brighten with factors a and b (a lesion, an opacity); every image
  // also has a smooth random background and pixel noise, so position matters.
  const [h, w, c] = shape
  const radius = Math.max(1.5, h / 5)
  const spot = () => [radius + rng.next() * (h - 2 * radius), radius + rng.next() * (w - 2 * radius)]
  const [ay, ax] = spot()
  const [by, bx] = spot()
  const chan = Array.from({length: c}, () => 0.6 + 0.4 * rng.next())
  const blob = (y: number, x: number, cy: number, cx: number, rad: number) => Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * rad * rad))
  const amp = 2.2 / radius
  return {
    write(out, base, a, b, _t, r) {
      const gy = r.next() * h
      const gx = r.next() * w
      const g = 0.8 * r.normal()
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const v = amp * (a * blob(y, x, ay, ax, radius) + b * blob(y, x, by, bx, radius)) + g * blob(y, x, gy, gx, h / 3)
          for (let ch = 0; ch < c; ch++) out[base + (y * w + x) * c + ch] = chan[ch] * v + 0.8 * r.normal()
        }
      }
    },
  }
}

function sequenceGenerator(shape: number[], timing: SimulatedModality['timing'], rng: Rng): Generator {
  // Channels follow an AR(1) process. Episodic: an event (a bump) at the sample's event time whose
  // height is a; continuous: a recent trend of slope a; b moves a second channel's level. Static
  // sequences carry the event at a fixed time.
  const [t, c] = shape
  const width = Math.max(1, t / 10)
  const sign = rng.next() < 0.5 ? -1 : 1
  const bChan = c > 1 ? 1 : 0
  return {
    write(out, base, a, b, eventTime, r) {
      for (let ch = 0; ch < c; ch++) {
        let prev = 0
        for (let s = 0; s < t; s++) {
          prev = 0.7 * prev + 0.7 * r.normal()
          out[base + s * c + ch] = prev
        }
      }
      const centre = timing === 'static' ? t / 2 : eventTime * (t - 1)
      for (let s = 0; s < t; s++) {
        const bump = Math.exp(-((s - centre) ** 2) / (2 * width * width))
        if (timing === 'continuous') {
          const recent = Math.max(0, (s - t / 2) / (t / 2))
          out[base + s * c] += sign * 1.2 * a * recent + 1.5 * bump
        } else {
          out[base + s * c] += sign * 1.4 * a * bump + 0.6 * bump
        }
        out[base + s * c + bChan] += 0.5 * b
      }
    },
  }
}

export function createSimulatedWorld(profile: Profile, options: WorldOptions): SimulatedWorld {
  const rng = new Rng(deriveSeed(options.seed, 'world'))
  const shapes = simulatedShapes(profile.modalities, options.maxWidth)
  const cohorts = labelledCohorts(profile)
  // Training presence without labelled cohorts: the profile's training availability, or its deployment one.
  const mods: SimulatedModality[] = resolveModalities(profile, cohorts).map((m, i) => ({
    ...m,
    layout: shapes[i].layout,
    shape: shapes[i].shape,
    size: shapes[i].shape.reduce((a, s) => a * s, 1),
    profileSize: m.size,
  }))
  const K = mods.length
  const gens: Generator[] = mods.map((m) =>
    m.layout === 'image' ? imageGenerator(m.shape, rng) : m.layout === 'sequence' ? sequenceGenerator(m.shape, m.timing, rng) : featuresGenerator(m.size, rng),
  )
  // Offsets and scales per feature, or per channel for images and sequences (a sensor or colour
  // channel has one scale across its pixels or time steps, so spatial and temporal structure survive).
  const channelScale = (m: SimulatedModality, pick: (lo: number, hi: number) => number, lo: number, hi: number) => {
    const channels = m.layout === 'features' ? m.size : m.shape[m.shape.length - 1]
    const perChannel = Array.from({length: channels}, () => pick(lo, hi))
    return Float32Array.from({length: m.size}, (_, j) => perChannel[j % channels])
  }
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rng.next()
  const offsets = mods.map((m) => channelScale(m, uniform, SCALES[m.type][0], SCALES[m.type][1]))
  const scales = mods.map((m) => channelScale(m, uniform, SCALES[m.type][2], SCALES[m.type][3]))

  // Label model: additive weights on each modality's main factor, products of the second factors
  // over every pair, and the alignment of temporal streams.
  const strength = INTERACTION_STRENGTH[profile.task.interactions ?? 'unknown']
  const raw = mods.map(() => 0.6 + 0.8 * rng.next())
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0))
  const additive = raw.map((v) => ((strength.additive * v) / norm) * (rng.next() < 0.5 ? -1 : 1))
  const pairs: [number, number][] = []
  for (let p = 0; p < K; p++) for (let q = p + 1; q < K; q++) pairs.push([p, q])
  const pairWeight = pairs.length > 0 ? strength.products / Math.sqrt(pairs.length) : 0
  const pairSigns = pairs.map(() => (rng.next() < 0.5 ? -1 : 1))
  const temporal = mods.map((m, i) => (m.layout === 'sequence' && m.timing !== 'static' ? i : -1)).filter((i) => i >= 0)
  const temporalWeight = temporal.length >= 2 && profile.task.interactions !== 'weak' ? TEMPORAL_WEIGHT : 0
  const classes = profile.task.type === 'multiclass' ? (profile.task.classes ?? 2) : 1
  const classMix = Array.from({length: classes}, () => Array.from({length: 3}, () => rng.normal()))

  function eta(a: Float64Array, b: Float64Array, aligned: number, mix: number[] = [1, 1, 1]): number {
    let add = 0
    for (let m = 0; m < K; m++) add += additive[m] * a[m]
    let prod = 0
    pairs.forEach(([p, q], i) => (prod += pairSigns[i] * b[p] * b[q]))
    return mix[0] * add + mix[1] * pairWeight * prod + mix[2] * temporalWeight * aligned
  }

  function label(a: Float64Array, b: Float64Array, aligned: number, r: Rng): {y: number; high: boolean} {
    if (profile.task.type === 'binary') {
      const y = r.next() < 1 / (1 + Math.exp(-LABEL_SHARPNESS * eta(a, b, aligned))) ? 1 : 0
      return {y, high: y === 1}
    }
    if (profile.task.type === 'regression') {
      const v = eta(a, b, aligned) + 0.5 * r.normal()
      return {y: 50 + 10 * v, high: v > 0}
    }
    let best = 0
    let bestV = -Infinity
    for (let c = 0; c < classes; c++) {
      const v = LABEL_SHARPNESS * eta(a, b, aligned, classMix[c]) - Math.log(-Math.log(Math.max(1e-12, r.next())))
      if (v > bestV) {
        bestV = v
        best = c
      }
    }
    return {y: best, high: best === 0}
  }

  // Outcome prevalence, to keep informative missingness at the stated availability.
  const ref = new Rng(deriveSeed(options.seed, 'prevalence'))
  const latent = (r: Rng) => {
    const z = r.normal()
    const a = new Float64Array(K)
    const b = new Float64Array(K)
    for (let m = 0; m < K; m++) {
      a[m] = SHARED_CORRELATION * z + Math.sqrt(1 - SHARED_CORRELATION ** 2) * r.normal()
      b[m] = r.normal()
    }
    const aligned = r.next() < 0.5 ? 1 : -1
    return {a, b, aligned}
  }
  let high = 0
  for (let i = 0; i < 2000; i++) {
    const l = latent(ref)
    if (label(l.a, l.b, l.aligned, ref).high) high++
  }
  const prevalence = clamp(high / 2000, 0.05, 0.95)
  const informative = (p: number, isHigh: boolean) => {
    const delta = (INFORMATIVE_SHIFT * Math.min(p, 1 - p)) / Math.max(prevalence, 1 - prevalence)
    return isHigh ? p + delta * (1 - prevalence) : p - delta * prevalence
  }
  const drawPresence = (m: SimulatedModality, p: number, isHigh: boolean, enrolment: number, r: Rng): boolean => {
    const q = clamp(p, 0, 1)
    const u = r.next()
    if (m.missingness === 'by-design') return enrolment < q
    return u < (m.missingness === 'informative' ? informative(q, isHigh) : q)
  }
  const patterns = (profile.patterns ?? []).filter((p) => p.share > 0)

  function sample(n: number, opts: SampleOptions): Dataset {
    if (!Number.isInteger(n) || n < 0) throw new Error(`sample size must be a non-negative integer, got ${n}`)
    const r = new Rng(deriveSeed(opts.seed, `sample:${opts.population}`))
    const blocks: Record<string, ModalityBlock> = {}
    for (const m of mods) blocks[m.name] = {size: m.size, values: new Float32Array(n * m.size), present: new Uint8Array(n)}
    const labels = new Float32Array(n)
    const cohortOf: string[] = []
    const present = new Uint8Array(K)
    const override = opts.presence ?? {}
    const usePatterns = opts.population === 'deployment' && patterns.length > 0 && Object.keys(override).length === 0
    const scratch = mods.map((m) => new Float32Array(m.size))
    for (let i = 0; i < n; i++) {
      const {a, b, aligned} = latent(r)
      const {y, high: isHigh} = label(a, b, aligned, r)
      labels[i] = y
      const enrolment = r.next()
      if (opts.population === 'training' && cohorts.length > 0) {
        const c = cohorts[r.pick(cohorts.map((co) => co.size))]
        cohortOf.push(c.name)
        for (let m = 0; m < K; m++) {
          let p = c.modalities.includes(mods[m].name) ? (c.availability?.[mods[m].name] ?? 1) : 0
          if (mods[m].name in override) p = override[mods[m].name]
          present[m] = drawPresence(mods[m], p, isHigh, enrolment, r) ? 1 : 0
        }
      } else if (usePatterns) {
        const pat = patterns[r.pick(patterns.map((p) => p.share))]
        for (let m = 0; m < K; m++) present[m] = pat.present.includes(mods[m].name) ? 1 : 0
      } else {
        for (let m = 0; m < K; m++) {
          const mod = mods[m]
          let p = opts.population === 'training' ? mod.trainingAvailability : mod.servedAvailability
          if (mod.name in override) p = override[mod.name]
          present[m] = drawPresence(mod, p, isHigh, enrolment, r) ? 1 : 0
        }
      }
      if (!present.some((p) => p === 1)) present[anchorIndex] = 1
      // Event times: aligned samples share one; otherwise each stream has its own.
      const shared = r.next()
      for (let m = 0; m < K; m++) {
        const mod = mods[m]
        const eventTime = aligned > 0 || temporalWeight === 0 ? shared : r.next()
        // Generate even when absent so presence does not shift the random stream.
        gens[m].write(scratch[m], 0, a[m], b[m], eventTime, r)
        const block = blocks[mod.name]
        block.present[i] = present[m]
        if (!present[m]) continue
        const base = i * mod.size
        const off = offsets[m]
        const sc = scales[m]
        for (let j = 0; j < mod.size; j++) block.values[base + j] = off[j] + sc[j] * scratch[m][j]
      }
    }
    const data: Dataset = {n, modalities: blocks, labels}
    if (cohortOf.length === n) data.cohort = cohortOf
    return data
  }

  // A sample never has nothing: the anchor (required first, then the most available) stays.
  const anchorIndex = mods.reduce((best, m, i) => ((m.required ? 2 : 0) + m.servedAvailability > (mods[best].required ? 2 : 0) + mods[best].servedAvailability ? i : best), 0)
  const cap = options.maxTrainingSamples ?? SIMULATION_LIMITS.maxTrainingSamples
  const trainingSamples = options.trainingSamples ?? Math.min(profile.task.labelledSamples, cap)
  const names = mods.map((m) => m.name)
  return {
    modalities: mods,
    trainingSamples: Math.max(20, Math.floor(trainingSamples)),
    capped: options.trainingSamples === undefined && profile.task.labelledSamples > cap,
    cap,
    truth: {
      additive: Object.fromEntries(names.map((nm, i) => [nm, Math.round(additive[i] * 1000) / 1000])),
      interactionWeight: pairWeight * pairs.length,
      pairs: pairs.map(([p, q]) => [names[p], names[q]]),
      temporalWeight,
      temporal: temporal.map((i) => names[i]),
    },
    sample,
  }
}
