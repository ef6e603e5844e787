// Input pipeline shared by every strategy: image resizing, per-modality standardisation and batch
// assembly.
//
// Images are resized (area average) to the conv2d encoder's `resize` once per dataset (`prepare`),
// for every kind that says its input is `resized`.
// Each modality's features are standardised with the mean and standard deviation of the TRAINING
// samples where that modality is present (stored with the model): per feature for mlp encoders,
// per channel for conv encoders (a pixel or a step is not a feature of its own). Absent (or
// masked) inputs are then filled with the training mean (standardised 0), for every strategy: early
// fusion reads presence indicators beside it, the others ignore absent inputs (placeholders, masked
// attention, skipped late-fusion models).
// Padded steps of a sequence are 0 (the mean) and masked out by the conv1d encoder's pooling.
// Token ids (embedding1d) are read as they are, never standardised: an absent text is all padding
// (id 0), and padding - past `steps` or id 0 anywhere - is masked out of the pooling.
import type {Dataset, ModalityBlock} from '../dataset.js'
import {encoderOf, modelShape, modelSize, type ModalityConfig, type TrainingConfig} from '../config.js'

export interface Stats {
  /** Per modality: means and standard deviations, per feature (mlp) or per channel (conv). */
  mean: Record<string, number[]>
  std: Record<string, number[]>
  /** Regression only: label mean and standard deviation. */
  label: {mean: number; std: number} | null
}

export function checkDataset(config: TrainingConfig, data: Dataset): void {
  for (const m of config.modalities) {
    const block = data.modalities[m.name]
    if (!block) throw new Error(`dataset has no block for modality ${m.name}`)
    const resized = modelSize(m)
    if (block.size !== m.inputSize && block.size !== resized) throw new Error(`modality ${m.name}: dataset has ${block.size} features per sample, the config says ${m.inputSize}`)
    if (block.values.length !== data.n * block.size || block.present.length !== data.n) throw new Error(`modality ${m.name}: block length does not match n=${data.n}`)
    if (block.steps && block.steps.length !== data.n) throw new Error(`modality ${m.name}: steps length does not match n=${data.n}`)
  }
  if (data.labels.length !== data.n) throw new Error(`dataset has ${data.labels.length} labels for n=${data.n}`)
}

/** Area-average resize of one image [H, W, C] into `out` at `offset` as [h, w, C]. */
export function resizeImage(src: ArrayLike<number>, srcOffset: number, H: number, W: number, C: number, h: number, w: number, out: Float32Array, offset: number): void {
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * H) / h)
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * H) / h))
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * W) / w)
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * W) / w))
      const area = (y1 - y0) * (x1 - x0)
      for (let c = 0; c < C; c++) {
        let sum = 0
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += src[srcOffset + (yy * W + xx) * C + c]
        out[offset + (y * w + x) * C + c] = sum / area
      }
    }
  }
}

/** The block in the shape the encoder reads: images resized for a kind that reads them smaller (conv2d), everything else unchanged. */
export function prepareBlock(m: ModalityConfig, block: ModalityBlock, n: number): ModalityBlock {
  const size = modelSize(m)
  if (block.size === size) return block
  if (!encoderOf(m).resized) return block
  const [H, W, C = 1] = m.inputShape
  const [h, w] = modelShape(m)
  const values = new Float32Array(n * size)
  for (let i = 0; i < n; i++) if (block.present[i]) resizeImage(block.values, i * block.size, H, W, C, h, w, values, i * size)
  return {...block, size, values}
}

/** The dataset as the model reads it (see prepareBlock); returns `data` itself when nothing changes. */
export function prepare(config: TrainingConfig, data: Dataset): Dataset {
  let changed = false
  const modalities: Record<string, ModalityBlock> = {...data.modalities}
  for (const m of config.modalities) {
    const b = prepareBlock(m, data.modalities[m.name], data.n)
    if (b !== data.modalities[m.name]) changed = true
    modalities[m.name] = b
  }
  return changed ? {...data, modalities} : data
}

/** Values standardised together: C for conv encoders, every feature on its own for mlp (the kind says). */
function statsWidth(m: ModalityConfig): number {
  return encoderOf(m).statsWidth(modelShape(m))
}

/** Valid values of row r of a sequence block (all of them when the block has no `steps`): steps times the values per step. */
function validValues(m: ModalityConfig, block: ModalityBlock, r: number): number {
  if (!block.steps || !encoderOf(m).steps) return block.size
  return Math.min(block.size, block.steps[r] * statsWidth(m))
}

export function computeStats(config: TrainingConfig, data: Dataset, rows: Uint32Array): Stats {
  const mean: Record<string, number[]> = {}
  const std: Record<string, number[]> = {}
  for (const m of config.modalities) {
    if (encoderOf(m).tokens) {
      mean[m.name] = [0]
      std[m.name] = [1]
      continue
    }
    const block = data.modalities[m.name]
    const d = block.size
    const width = statsWidth(m)
    const sum = new Float64Array(width)
    const sq = new Float64Array(width)
    const count = new Float64Array(width)
    for (const r of rows) {
      if (!block.present[r]) continue
      const base = r * d
      const valid = validValues(m, block, r)
      for (let j = 0; j < valid; j++) {
        const v = block.values[base + j]
        const c = j % width
        sum[c] += v
        sq[c] += v * v
        count[c]++
      }
    }
    const mu: number[] = []
    const sd: number[] = []
    for (let j = 0; j < width; j++) {
      const a = count[j] > 0 ? sum[j] / count[j] : 0
      const variance = count[j] > 1 ? Math.max(0, sq[j] / count[j] - a * a) : 1
      // Round through float32 so that saved stats reload bit-identically.
      mu.push(Math.fround(a))
      sd.push(Math.fround(Math.max(Math.sqrt(variance), 1e-3 * Math.abs(a), 1e-6)))
    }
    mean[m.name] = mu
    std[m.name] = sd
  }
  let label: Stats['label'] = null
  if (config.task.type === 'regression') {
    let s = 0
    let s2 = 0
    for (const r of rows) {
      s += data.labels[r]
      s2 += data.labels[r] * data.labels[r]
    }
    const n = Math.max(1, rows.length)
    const mu = s / n
    label = {mean: Math.fround(mu), std: Math.fround(Math.max(Math.sqrt(Math.max(0, s2 / n - mu * mu)), 1e-6))}
  }
  return {mean, std, label}
}

/** One sample's fill values for an absent input (length `size`, the size the model reads): the training mean, 0 once standardised. */
export function meanFill(_stats: Stats, _name: string, size: number): Float32Array {
  return new Float32Array(size)
}

/** Presence flags of the given rows, row-major (rows x K). */
export function presenceOf(config: TrainingConfig, data: Dataset, rows: ArrayLike<number>): Uint8Array {
  const k = config.modalities.length
  const out = new Uint8Array(rows.length * k)
  config.modalities.forEach((m, j) => {
    const present = data.modalities[m.name].present
    for (let i = 0; i < rows.length; i++) out[i * k + j] = present[rows[i]]
  })
  return out
}

/**
 * Standardised inputs of the given rows of a prepared dataset, one Float32Array (rows x model
 * size) per modality, with `presence` (rows x K, possibly masked) deciding which rows are filled
 * instead of read.
 */
export function batchInputs(config: TrainingConfig, data: Dataset, rows: ArrayLike<number>, presence: Uint8Array, stats: Stats, fills: Record<string, Float32Array>): Float32Array[] {
  const k = config.modalities.length
  return config.modalities.map((m, j) => {
    const block = data.modalities[m.name]
    const d = block.size
    const src = block.values
    const out = new Float32Array(rows.length * d)
    const mu = stats.mean[m.name]
    const sd = stats.std[m.name]
    const w = mu.length
    const fill = fills[m.name]
    for (let i = 0; i < rows.length; i++) {
      const o = i * d
      if (!presence[i * k + j]) {
        out.set(fill, o)
        continue
      }
      const base = rows[i] * d
      const valid = validValues(m, block, rows[i])
      for (let f = 0; f < valid; f++) out[o + f] = (src[base + f] - mu[f % w]) / sd[f % w]
    }
    return out
  })
}

/**
 * Step masks (rows x T) of the conv1d and embedding1d modalities, in config order: 1 for a valid
 * step, 0 for padding (past `steps`; for token ids, also id 0). Rows where the modality is absent
 * are all ones (their embedding is replaced anyway).
 */
export function stepMasks(config: TrainingConfig, data: Dataset, rows: ArrayLike<number>, presence: Uint8Array): Float32Array[] {
  const k = config.modalities.length
  const out: Float32Array[] = []
  config.modalities.forEach((m, j) => {
    if (!encoderOf(m).steps) return
    const T = modelShape(m)[0]
    const block = data.modalities[m.name]
    const steps = block.steps
    const tokens = encoderOf(m).tokens
    const mask = new Float32Array(rows.length * T).fill(1)
    if (steps || tokens) {
      for (let i = 0; i < rows.length; i++) {
        if (!presence[i * k + j]) continue
        const valid = steps ? Math.min(T, Math.max(1, steps[rows[i]])) : T
        mask.fill(0, i * T + valid, (i + 1) * T)
        if (tokens) for (let t = 0; t < valid; t++) if (block.values[rows[i] * T + t] === 0) mask[i * T + t] = 0
      }
    }
    out.push(mask)
  })
  return out
}
