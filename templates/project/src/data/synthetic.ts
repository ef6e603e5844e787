// Synthetic multimodal data shaped like the training config, so the project trains, evaluates and
// passes its tests before real data exists. `fuseplan evaluate` simulates from the deployment profile
// with a generator of its own: this one sees only the training config, which does not say how
// strongly the modalities interact, so it always plants one fixed cross-modal interaction.
//
// The world (fixed by its seed):
//   - latent factors per sample: a shared factor `z` seen through every modality, and one specific
//     factor `s_m` per modality;
//   - each feature of modality m is `offset + scale * (a*z + b*s_m + noise)` with offsets and scales
//     like real measurements (lab values, pixel intensities, counts...): never zero-centred, so a
//     zero-filled absent input looks nothing like a typical present one;
//   - the label depends on z, on every s_m and on a cross-modal interaction `s_0 * s_1` (so a model
//     that never sees two modalities together - late fusion - has something to lose).
//   - images ([H, W(, C)] of type image) have spatial structure: a lesion-like blob at a random
//     place on a sloped background, whose brightness, size and colour follow three features
//     `a_k*z + b_k*s_m + noise`; pixels add noise. A CNN has to find the blob to learn;
//   - sequences ([T, C] of type timeseries or text) have temporal structure: per channel a level,
//     plus an oscillation whose amplitude and period follow the same kind of features, plus AR(1)
//     noise; non-static sequences are often shorter than T (padded at the end, see `steps`);
//   - token ids (an embedding1d encoder) are text with topics: mostly common words (ids skewed to
//     the low end of the vocabulary), plus words from three topics whose frequency follows the
//     same three features, so the label shows in which words a text uses, not where; lengths vary
//     as for sequences, padded with id 0;
// Presence:
//   - training population: cohorts in proportion to their sizes, each carrying its modalities with
//     its per-cohort availability (without cohorts: each modality's trainingAvailability);
//   - deployment population: the config's `patterns` when given, else each modality independently
//     with its deployment availability; `required` modalities are always present;
//   - `informative` missingness makes presence more likely when the outcome is high (the marginal
//     availability is kept); `by-design` ties presence to an enrolment variable shared by every
//     by-design modality (enrolled samples carry all of them);
//   - `presence` overrides a modality's availability (independent draws; used by robustness sweeps);
//   - a sample never has every modality absent.
import type {Dataset, ModalityBlock} from '../dataset.js'
import {encoderOf, modelShape, resolveEncoder, type ModalityConfig, type TrainingConfig} from '../config.js'
import {Rng, deriveSeed} from '../random.js'

/** Structured generators for images and sequences (the rest uses per-feature loadings). */
type Structure = 'image' | 'sequence' | 'tokens' | 'flat'

export function structureOf(m: Pick<ModalityConfig, 'type' | 'inputShape' | 'encoder'>): Structure {
  if (encoderOf(m).tokens) return 'tokens'
  if (m.type === 'image' && (m.inputShape.length === 2 || m.inputShape.length === 3)) return 'image'
  if ((m.type === 'timeseries' || m.type === 'text') && m.inputShape.length === 2) return 'sequence'
  return 'flat'
}

/** Latent features of a structured modality: `a_k*z + b_k*s_m + noise_k`. */
const STRUCTURED_FEATURES = 3
const FEATURE_NOISE = 0.35
/** Token ids: words per topic, and the share of topic words in a text of average topics. */
const TOPIC_WORDS = 6
const TOPIC_RATE = 0.15

export type Population = 'training' | 'deployment'

export interface SampleOptions {
  population: Population
  seed: number
  /** Overrides the per-modality presence probability (0..1) by modality name. */
  presence?: Record<string, number>
  /**
   * `input` (default): every block in the modality's inputShape. `model`: images rendered directly
   * at their conv2d encoder's `resize` (what the pipeline would resize them to), which keeps large
   * images (224x224x3) small in memory; the model accepts either.
   */
  resolution?: 'input' | 'model'
}

export interface SyntheticWorld {
  readonly config: TrainingConfig
  readonly seed: number
  /** Label weights of the ground truth, for reports: shared factor, per modality, interaction. */
  readonly truth: {shared: number; specific: Record<string, number>; interaction: [string, string] | null; interactionWeight: number}
  sample(n: number, opts: SampleOptions): Dataset
}

interface ModalityTruth {
  cfg: ModalityConfig
  structure: Structure
  /** Token ids: the words of each topic (one topic per latent feature). */
  topics: Uint32Array[]
  /** Structured modalities: loadings of each latent feature on z and on s_m, and per-channel weights. */
  featShared: Float64Array
  featSpecific: Float64Array
  channelWeight: Float64Array
  loadShared: Float32Array
  loadSpecific: Float32Array
  noise: Float32Array
  offset: Float32Array
  scale: Float32Array
}

/** Natural scales by modality type: [offset range, scale range]. */
const SCALES: Record<string, [number, number, number, number]> = {
  tabular: [20, 140, 2, 15], // lab values
  image: [60, 180, 8, 30], // pixel intensities
  omics: [5, 60, 1, 8], // counts / expression levels
  timeseries: [50, 110, 3, 12], // vital signs
  text: [0.5, 3, 0.2, 1], // tf-idf like weights
  embedding: [0.5, 3, 0.2, 1],
}

const SHARED_WEIGHT = 0.9
const SPECIFIC_WEIGHT = 0.8
const INTERACTION_WEIGHT = 1.1
const LABEL_SHARPNESS = 1.6

export function createWorld(config: TrainingConfig, seed: number): SyntheticWorld {
  const rng = new Rng(deriveSeed(seed, 'world'))
  const mods: ModalityTruth[] = config.modalities.map((cfg) => {
    const d = cfg.inputSize
    const [o0, o1, s0, s1] = SCALES[cfg.type] ?? SCALES.tabular
    const structure = structureOf(cfg)
    const channels = structure === 'flat' || structure === 'tokens' ? 1 : (cfg.inputShape.at(-1) as number)
    const vocabulary = structure === 'tokens' ? resolveEncoder(cfg).vocabulary : 0
    const t: ModalityTruth = {
      cfg,
      structure,
      featShared: Float64Array.from({length: STRUCTURED_FEATURES}, () => 0.8 * rng.normal()),
      featSpecific: Float64Array.from({length: STRUCTURED_FEATURES}, () => (0.7 + 0.5 * rng.next()) * (rng.next() < 0.5 ? -1 : 1)),
      channelWeight: Float64Array.from({length: channels}, () => (0.5 + rng.next()) * (rng.next() < 0.5 ? -1 : 1)),
      topics: vocabulary > 0 ? Array.from({length: STRUCTURED_FEATURES}, () => Uint32Array.from({length: TOPIC_WORDS}, () => 1 + rng.int(vocabulary - 1))) : [],
      loadShared: new Float32Array(d),
      loadSpecific: new Float32Array(d),
      noise: new Float32Array(d),
      offset: new Float32Array(d),
      scale: new Float32Array(d),
    }
    // Spread the signal over features so that larger modalities are not trivially clean.
    const perFeature = 1 / Math.sqrt(Math.max(1, d / 8))
    for (let j = 0; j < d; j++) {
      t.loadShared[j] = rng.normal() * 0.8 * perFeature
      t.loadSpecific[j] = (0.6 + 0.6 * rng.next()) * (rng.next() < 0.5 ? -1 : 1) * perFeature
      t.noise[j] = 0.6 + 0.6 * rng.next()
      t.offset[j] = o0 + (o1 - o0) * rng.next()
      t.scale[j] = s0 + (s1 - s0) * rng.next()
    }
    return t
  })
  const K = mods.length
  const specific = config.modalities.map(() => SPECIFIC_WEIGHT * (0.7 + 0.6 * rng.next()) * (rng.next() < 0.5 ? -1 : 1))
  const classes = config.task.type === 'multiclass' ? (config.task.classes ?? 2) : 1
  // Multiclass: one weight vector per class over [z, s_1..s_K, interaction].
  const classWeights: number[][] = []
  for (let c = 0; c < classes; c++) classWeights.push(Array.from({length: K + 2}, () => rng.normal()))
  const interaction: [number, number] | null = K >= 2 ? [0, 1] : null

  function eta(z: number, s: Float64Array): number {
    let v = SHARED_WEIGHT * z
    for (let m = 0; m < K; m++) v += specific[m] * s[m]
    if (interaction) v += INTERACTION_WEIGHT * s[interaction[0]] * s[interaction[1]]
    return v
  }

  function label(z: number, s: Float64Array, r: Rng): {y: number; high: boolean} {
    if (config.task.type === 'binary') {
      const p = 1 / (1 + Math.exp(-LABEL_SHARPNESS * eta(z, s)))
      const y = r.next() < p ? 1 : 0
      return {y, high: y === 1}
    }
    if (config.task.type === 'regression') {
      const v = eta(z, s) + 0.4 * r.normal()
      return {y: 50 + 10 * v, high: v > 0}
    }
    const inter = interaction ? s[interaction[0]] * s[interaction[1]] : 0
    let best = 0
    let bestV = -Infinity
    for (let c = 0; c < classes; c++) {
      const w = classWeights[c]
      let v = w[0] * z + w[K + 1] * inter
      for (let m = 0; m < K; m++) v += w[m + 1] * s[m]
      v = LABEL_SHARPNESS * v - Math.log(-Math.log(Math.max(1e-12, r.next()))) // Gumbel noise
      if (v > bestV) {
        bestV = v
        best = c
      }
    }
    return {y: best, high: best === 0}
  }

  // Share of "high" outcomes, used to keep informative missingness at the target availability.
  const ref = new Rng(deriveSeed(seed, 'prevalence'))
  let highCount = 0
  const refN = 2000
  for (let i = 0; i < refN; i++) {
    const z = ref.normal()
    const s = new Float64Array(K)
    for (let m = 0; m < K; m++) s[m] = ref.normal()
    if (label(z, s, ref).high) highCount++
  }
  const prevalence = Math.min(0.95, Math.max(0.05, highCount / refN))

  function informative(p: number, high: boolean): number {
    const delta = (0.6 * Math.min(p, 1 - p)) / Math.max(prevalence, 1 - prevalence)
    return high ? p + delta * (1 - prevalence) : p - delta * prevalence
  }

  const cohorts = config.cohorts.filter((c) => c.size > 0)
  const patterns = (config.patterns ?? []).filter((p) => p.share > 0)

  function sample(n: number, opts: SampleOptions): Dataset {
    if (!Number.isInteger(n) || n < 0) throw new Error(`sample size must be a non-negative integer, got ${n}`)
    const r = new Rng(deriveSeed(opts.seed, `sample:${opts.population}`))
    // Pixel and step noise come from their own stream, drawn only for present samples.
    const px = new Rng(deriveSeed(opts.seed, `structured:${opts.population}`))
    const blocks: Record<string, ModalityBlock> = {}
    const shapes = mods.map((t) => (t.structure === 'image' && opts.resolution === 'model' && encoderOf(t.cfg).resized ? modelShape(t.cfg) : t.cfg.inputShape))
    mods.forEach((t, m) => {
      const size = shapes[m].reduce((a, v) => a * v, 1)
      blocks[t.cfg.name] = {size, values: new Float32Array(n * size), present: new Uint8Array(n)}
      if (t.structure === 'sequence' || t.structure === 'tokens') blocks[t.cfg.name].steps = new Uint32Array(n)
    })
    const feats = new Float64Array(STRUCTURED_FEATURES)
    const labels = new Float32Array(n)
    const cohortOf: string[] = []
    const s = new Float64Array(K)
    const present = new Uint8Array(K)
    const override = opts.presence ?? {}
    const usePatterns = opts.population === 'deployment' && patterns.length > 0 && Object.keys(override).length === 0
    for (let i = 0; i < n; i++) {
      const z = r.normal()
      for (let m = 0; m < K; m++) s[m] = r.normal()
      const {y, high} = label(z, s, r)
      labels[i] = y
      const enrolment = r.next()
      // Presence.
      if (opts.population === 'training' && cohorts.length > 0) {
        const c = cohorts[r.pick(cohorts.map((co) => co.size))]
        cohortOf.push(c.name)
        for (let m = 0; m < K; m++) {
          const name = mods[m].cfg.name
          let p = c.modalities.includes(name) ? (c.availability[name] ?? 1) : 0
          if (name in override) p = override[name]
          present[m] = drawPresence(mods[m].cfg, p, high, enrolment, r) ? 1 : 0
        }
      } else if (usePatterns) {
        const pat = patterns[r.pick(patterns.map((p) => p.share))]
        for (let m = 0; m < K; m++) present[m] = pat.present.includes(mods[m].cfg.name) ? 1 : 0
      } else {
        for (let m = 0; m < K; m++) {
          const cfg = mods[m].cfg
          let p = opts.population === 'training' ? cfg.trainingAvailability : cfg.required ? 1 : cfg.availability
          if (cfg.name in override) p = override[cfg.name]
          present[m] = drawPresence(cfg, p, high, enrolment, r) ? 1 : 0
        }
      }
      ensureOne(present)
      // Features.
      for (let m = 0; m < K; m++) {
        const t = mods[m]
        const block = blocks[t.cfg.name]
        block.present[i] = present[m]
        if (t.structure !== 'flat') {
          // Latent features and the nuisance draws come from the main stream whether or not the
          // modality is present, so presence does not shift it.
          for (let k = 0; k < STRUCTURED_FEATURES; k++) feats[k] = t.featShared[k] * z + t.featSpecific[k] * s[m] + FEATURE_NOISE * r.normal()
          const nuisance = [r.normal(), r.normal(), r.normal(), r.normal(), r.next(), r.next()]
          if (!present[m]) continue
          if (t.structure === 'image') renderImage(t, shapes[m], feats, nuisance, px, block.values, i * block.size)
          else if (t.structure === 'tokens') (block.steps as Uint32Array)[i] = renderTokens(t, block.size, feats, nuisance, px, block.values, i * block.size)
          else (block.steps as Uint32Array)[i] = renderSequence(t, shapes[m], feats, nuisance, px, block.values, i * block.size)
          continue
        }
        // Draw the noise even when absent so presence does not shift the random stream.
        const d = t.cfg.inputSize
        const base = i * d
        for (let j = 0; j < d; j++) {
          const raw = t.loadShared[j] * z + t.loadSpecific[j] * s[m] + t.noise[j] * r.normal()
          if (present[m]) block.values[base + j] = t.offset[j] + t.scale[j] * raw
        }
      }
    }
    const data: Dataset = {n, modalities: blocks, labels}
    if (cohortOf.length === n) data.cohort = cohortOf
    return data
  }

  function drawPresence(cfg: ModalityConfig, p: number, high: boolean, enrolment: number, r: Rng): boolean {
    const q = Math.min(1, Math.max(0, p))
    if (cfg.missingness === 'by-design') {
      r.next() // keep the stream aligned with the other mechanisms
      return enrolment < q
    }
    const prob = cfg.missingness === 'informative' ? informative(q, high) : q
    return r.next() < prob
  }

  function ensureOne(present: Uint8Array): void {
    if (present.some((p) => p === 1)) return
    let best = 0
    for (let m = 0; m < K; m++) {
      const cfg = mods[m].cfg
      const score = (cfg.required ? 2 : 0) + cfg.availability
      const bestCfg = mods[best].cfg
      if (score > (bestCfg.required ? 2 : 0) + bestCfg.availability) best = m
    }
    present[best] = 1
  }

  const names = config.modalities.map((m) => m.name)
  return {
    config,
    seed,
    truth: {
      shared: SHARED_WEIGHT,
      specific: Object.fromEntries(names.map((name, m) => [name, specific[m]])),
      interaction: interaction ? [names[interaction[0]], names[interaction[1]]] : null,
      interactionWeight: interaction ? INTERACTION_WEIGHT : 0,
    },
    sample,
  }
}

/**
 * One image [h, w, C] into `out`: background level and slope (nuisance), a Gaussian blob at a random
 * place whose contrast follows feature 0, radius feature 1 and colour balance feature 2, and pixel
 * noise. Coordinates are continuous, so any resolution shows the same picture.
 */
function renderImage(t: ModalityTruth, shape: number[], f: Float64Array, nuisance: number[], px: Rng, out: Float32Array, offset: number): void {
  const [h, w, C = 1] = shape
  const cx = 0.5 + 0.3 * (nuisance[4] - 0.5)
  const cy = 0.5 + 0.3 * (nuisance[5] - 0.5)
  const radius = 0.16 * Math.exp(0.3 * f[1])
  const bg = 0.4 * nuisance[0]
  const gx = 0.5 * nuisance[1]
  const gy = 0.5 * nuisance[2]
  const contrast = new Float64Array(C)
  for (let c = 0; c < C; c++) contrast[c] = 2 + 0.8 * f[0] + (C > 1 ? 0.6 * t.channelWeight[c] * f[2] : 0)
  for (let y = 0; y < h; y++) {
    const v = (y + 0.5) / h
    for (let x = 0; x < w; x++) {
      const u = (x + 0.5) / w
      const d2 = ((u - cx) ** 2 + (v - cy) ** 2) / (2 * radius * radius)
      const blob = Math.exp(-d2)
      const base = bg + gx * (u - 0.5) + gy * (v - 0.5)
      for (let c = 0; c < C; c++) {
        const j = (y * w + x) * C + c
        out[offset + j] = t.offset[c] + t.scale[c] * (base + contrast[c] * blob + 0.5 * px.normal())
      }
    }
  }
}

/**
 * One sequence [T, C] into `out`, returning its valid length: per channel a level (feature 0), an
 * oscillation with amplitude (feature 1) and period (feature 2), and AR(1) noise. Static modalities
 * always use the whole length; the others are shorter than T half of the time (zero padding).
 */
function renderSequence(t: ModalityTruth, shape: number[], f: Float64Array, nuisance: number[], px: Rng, out: Float32Array, offset: number): number {
  const [T, C] = shape
  const length = t.cfg.timing !== 'static' && nuisance[4] < 0.5 ? Math.max(1, Math.floor(T * (0.5 + 0.5 * nuisance[5]))) : T
  const amp = 0.8 * Math.exp(0.4 * f[1])
  const period = Math.min(Math.max(4, T / 2), Math.max(3, 10 * Math.exp(0.3 * f[2])))
  for (let c = 0; c < C; c++) {
    const level = 0.8 * t.channelWeight[c] * f[0] + 0.3 * nuisance[c % 4]
    const phase = 2 * Math.PI * px.next()
    const gain = Math.abs(t.channelWeight[(c + 1) % C])
    let ar = 0
    for (let k = 0; k < length; k++) {
      ar = 0.7 * ar + 0.4 * px.normal()
      const v = level + amp * gain * Math.sin((2 * Math.PI * k) / period + phase) + ar
      out[offset + k * C + c] = t.offset[c] + t.scale[c] * v
    }
  }
  return length
}

/**
 * One text of token ids into `out` (T ids), returning its length: each word is from topic k with
 * probability TOPIC_RATE * exp(feature k) (a random word of the topic), else a common word (ids
 * skewed to the low end, never 0). Non-static texts are shorter than T half of the time.
 */
function renderTokens(t: ModalityTruth, T: number, f: Float64Array, nuisance: number[], px: Rng, out: Float32Array, offset: number): number {
  const length = t.cfg.timing !== 'static' && nuisance[4] < 0.5 ? Math.max(1, Math.floor(T * (0.5 + 0.5 * nuisance[5]))) : T
  const vocabulary = resolveEncoder(t.cfg).vocabulary
  const rates = Array.from(f, (v) => TOPIC_RATE * Math.exp(Math.max(-3, Math.min(1.5, v))))
  for (let k = 0; k < length; k++) {
    let u = px.next()
    let id = 0
    for (let topic = 0; topic < rates.length && id === 0; topic++) {
      if (u < rates[topic]) id = t.topics[topic][px.int(TOPIC_WORDS)]
      u -= rates[topic]
    }
    out[offset + k] = id || 1 + Math.floor((vocabulary - 1) * px.next() ** 6)
  }
  return length
}
