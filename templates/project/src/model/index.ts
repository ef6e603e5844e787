// The fusion model: one interface over the four strategies, driven by the training config. Every
// strategy meets an absent input the same way: the training mean (0 after standardisation) in its
// place, one presence input per modality, and the masking plan in training (`AbsentInputs` lets a
// comparison train it otherwise; this project never does).
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import type * as TF from '@tensorflow/tfjs'
import {initBackend, loadTf, type Tf} from '../backend.js'
import {modelShape, outputUnits, resolveEncoder, STRATEGIES, validateTrainingConfig, type Metric, type Strategy, type TrainingConfig} from '../config.js'
import type {Dataset} from '../dataset.js'
import {Rng, deriveSeed} from '../random.js'
import {loadLayersModel, saveLayersModel} from './io.js'
import {deploymentPresence, fullMaskingFrom, ModalityDropout, scheduleFor} from './masking.js'
import {score} from '../metrics.js'
import {buildNetwork, encoderPrefix} from './networks.js'
import {NETWORKS} from './strategies/index.js'
import {batchInputs, checkDataset, computeStats, meanFill, prepare, presenceOf, stepMasks, type Stats} from './pipeline.js'

export type {Strategy} from '../config.js'

/** How the model meets an absent input; every field defaults to what this project ships. */
export interface AbsentInputs {
  /** What stands in for an absent input of a modality: `size` standardised values (default: the training mean, 0). */
  fill?: (stats: Stats, modality: string, size: number) => Float32Array
  /** The network reads one presence input per modality (default: yes). */
  presenceInputs?: boolean
  /** Training drops modalities by the masking plan (default: yes). */
  masking?: boolean
}

const SHIPPED: Required<AbsentInputs> = {fill: meanFill, presenceInputs: true, masking: true}

/**
 * Share of the running weight average kept at each epoch (the average leans on about the last 3
 * epochs). Choosing among averaged weights, with patience 20, narrowed the seed-to-seed spread on the
 * real digits set from 0.013 to 0.002 AUROC for early fusion with indicators and from 0.014 to 0.008
 * for attention, and moved each candidate's mean by -0.0001 to +0.012; on breast-cancer, by at most
 * 0.002 either way (docs/decisions.md, real data).
 */
const WEIGHT_AVERAGING = 0.7

export interface FitOptions {
  epochs: number
  batchSize: number
  learningRate?: number
  seed: number
  /**
   * Share of the training rows held out to pick the best epoch (default 0.1 when there are at
   * least 200 rows, else 0). The weights of the epoch with the lowest validation loss are kept.
   */
  validationSplit?: number
  /**
   * With a validation split, each epoch's weights are averaged with the earlier epochs' (an
   * exponential moving average keeping this share of the previous average; 0: none; default
   * WEIGHT_AVERAGING), and the average is what is validated and kept.
   */
  averaging?: number
  onEpoch?: (epoch: number, logs: {loss: number; valLoss?: number}) => void
  /**
   * Stop after this many epochs without a lower validation loss, counted once masking is at full
   * strength (default: never stop early).
   */
  patience?: number
  /** Epochs at the start of this fit during which the encoders are frozen (transfer fine-tuning). */
  freezeEncoders?: number
}

export interface FitResult {
  loss: number[]
  valLoss: number[]
  /** 0-based epoch whose weights were kept (the last one without validation). */
  bestEpoch: number
  /**
   * First 0-based epoch that could be kept: the first one trained with the full masking plan
   * (0 when trained without masking). Epochs before it never trained with a modality removed.
   */
  selectFrom: number
  /** Why training ended: no lower validation loss for `patience` epochs, or the epoch budget ran out. */
  stopped: 'patience' | 'epochs'
  /** The budget ran out while the validation loss was still falling: more epochs would likely help. */
  stillImproving: boolean
  /**
   * The task metric of the kept weights on the validation split, scored with the presence it was
   * selected on (`deployment`: the deployment presence mix drawn once; `natural`: as the data
   * came). It picked the epoch, so it is a little optimistic.
   */
  validation?: {metric: Metric; value: number; samples: number; presence: 'deployment' | 'natural'}
}

/** What a saved model keeps of its last fit (`selectFrom` absent on older saves). */
export type SavedHistory = Pick<FitResult, 'loss' | 'valLoss' | 'bestEpoch'> & Partial<Pick<FitResult, 'selectFrom'>>

export interface FusionModel {
  readonly strategy: Strategy
  readonly config: TrainingConfig
  fit(train: Dataset, opts: FitOptions): Promise<FitResult>
  /** binary: P(y=1) per row; multiclass: n*classes probabilities (row-major); regression: the value. */
  predict(data: Dataset): Promise<Float32Array>
  save(dir: string): Promise<void>
  dispose(): void
  /** Loss history of the last fit, or of the saved model after loadModel (absent on older saves). */
  readonly lastHistory?: SavedHistory
}

/** File written next to model.json/weights.bin with everything the pipeline needs to reload. */
export const META_JSON = 'fuseplan-model.json'
const META_FORMAT = 'fuseplan-model/v1'

interface Meta {
  format: typeof META_FORMAT
  strategy: Strategy
  presenceInputs: boolean
  masking: boolean
  stats: Stats | null
  config: TrainingConfig
  /** Loss per epoch of the last fit (train and validation), for `npm run evaluate`'s diagnosis. */
  history?: SavedHistory
}

const PREDICT_BATCH = 512

/** Share of the given rows in which each modality is present (config order). */
function availabilityOf(config: TrainingConfig, data: Dataset, rows: Uint32Array): Float64Array {
  return Float64Array.from(config.modalities, (m) => {
    const present = data.modalities[m.name].present
    let n = 0
    for (const r of rows) n += present[r]
    return rows.length > 0 ? n / rows.length : 0
  })
}

/**
 * The validation loss was still falling when the epoch budget ran out: the best epoch is one of
 * the last few (a tenth of the patience window, at least 2), so stopping later would likely help.
 */
function stillFalling(valLoss: readonly number[], bestEpoch: number, patience: number | undefined): boolean {
  const window = Math.max(2, Math.ceil((patience ?? 10) / 10))
  return bestEpoch >= valLoss.length - window
}

class TfFusionModel implements FusionModel {
  constructor(
    private readonly tf: Tf,
    readonly strategy: Strategy,
    private readonly opts: Required<AbsentInputs>,
    readonly config: TrainingConfig,
    private readonly net: TF.LayersModel,
    private stats: Stats | null,
    private history: Meta['history'] = undefined,
  ) {}

  /** Loss history of the last fit (or of the saved model). */
  get lastHistory(): Meta['history'] {
    return this.history
  }

  private fills(stats: Stats): Record<string, Float32Array> {
    return Object.fromEntries(
      this.config.modalities.map((m) => [
        m.name,
        this.opts.fill(
          stats,
          m.name,
          modelShape(m).reduce((a, s) => a * s, 1),
        ),
      ]),
    )
  }

  private tensors(data: Dataset, rows: ArrayLike<number>, presence: Uint8Array, stats: Stats, fills: Record<string, Float32Array>): TF.Tensor[] {
    const tf = this.tf
    const n = rows.length
    const K = this.config.modalities.length
    const xs = batchInputs(this.config, data, rows, presence, stats, fills).map((v, i) => tf.tensor(v, [n, ...modelShape(this.config.modalities[i])]))
    const masks = stepMasks(this.config, data, rows, presence).map((v) => tf.tensor3d(v, [n, v.length / n, 1]))
    if (!this.opts.presenceInputs) return [...xs, ...masks]
    const ps = this.config.modalities.map((_, j) => {
      const col = new Float32Array(n)
      for (let i = 0; i < n; i++) col[i] = presence[i * K + j]
      return tf.tensor2d(col, [n, 1])
    })
    return [...xs, ...ps, ...masks]
  }

  /**
   * Per-row loss of raw outputs against labels y (n): outputs (n,C) give (n); late fusion's
   * per-modality outputs (n,K,C) give (n,K), every modality against the same label in one pass.
   */
  private rowLoss(out: TF.Tensor, y: TF.Tensor): TF.Tensor {
    const tf = this.tf
    const lead = out.shape.slice(0, -1)
    // Labels broadcast over the modality axis when there is one.
    const yb = lead.length === 1 ? y : y.reshape([-1, ...lead.slice(1).map(() => 1)])
    switch (this.config.task.type) {
      case 'binary': {
        const x = out.reshape(lead.length === 1 ? [-1] : lead)
        // Numerically stable sigmoid cross-entropy on logits.
        return tf.add(tf.sub(tf.relu(x), tf.mul(x, yb)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))))
      }
      case 'multiclass': {
        const C = outputUnits(this.config)
        let oneHot: TF.Tensor = tf.oneHot(tf.cast(y, 'int32'), C)
        if (lead.length > 1) oneHot = oneHot.reshape([-1, ...lead.slice(1).map(() => 1), C])
        return tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(out, -1)), -1))
      }
      case 'regression':
        return tf.square(tf.sub(out.reshape(lead.length === 1 ? [-1] : lead), yb))
    }
  }

  /**
   * Late fusion's per-modality loss weights (n,K): row i, modality j weighs 1/count_j when the
   * modality is naturally present in row i (count_j = rows of the batch where it is, at least 1),
   * else 0 - so sum(rowLoss * weights) is the sum over modalities of each one's mean loss on the
   * rows where it is present. Built on the CPU: it is data, not part of the gradient.
   */
  private modalityWeights(natural: Uint8Array, n: number): TF.Tensor {
    const K = this.config.modalities.length
    const counts = new Float64Array(K)
    for (let i = 0; i < n; i++) for (let j = 0; j < K; j++) counts[j] += natural[i * K + j]
    const w = new Float32Array(n * K)
    for (let i = 0; i < n; i++) for (let j = 0; j < K; j++) w[i * K + j] = natural[i * K + j] / Math.max(counts[j], 1)
    return this.tf.tensor2d(w, [n, K])
  }

  /** Kernels of each modality's encoder with their L2 weight (the encoder's `l2`). */
  private l2Terms(): {v: TF.Variable; l2: number}[] {
    const out: {v: TF.Variable; l2: number}[] = []
    this.config.modalities.forEach((m, i) => {
      const l2 = resolveEncoder(m).l2
      if (l2 <= 0) return
      for (const layer of this.net.layers) {
        if (!layer.name.startsWith(encoderPrefix(i))) continue
        for (const w of layer.trainableWeights) if (w.originalName.endsWith('kernel')) out.push({v: w.read() as TF.Variable, l2})
      }
    })
    return out
  }

  async fit(train: Dataset, fit: FitOptions): Promise<FitResult> {
    const tf = this.tf
    checkDataset(this.config, train)
    train = prepare(this.config, train)
    const o = this.opts
    let rows = Uint32Array.from({length: train.n}, (_, i) => i)
    if (rows.length === 0) throw new Error('cannot train on an empty dataset')
    let valRows = new Uint32Array(0)
    const split = fit.validationSplit ?? (rows.length >= 200 ? 0.1 : 0)
    if (split > 0 && split < 1) {
      const order = new Rng(deriveSeed(fit.seed, 'validation')).permutation(rows.length)
      const nVal = Math.floor(rows.length * split)
      valRows = Uint32Array.from(order.subarray(0, nVal), (i) => rows[i]).sort()
      rows = Uint32Array.from(order.subarray(nVal), (i) => rows[i]).sort()
    }
    this.stats ??= computeStats(this.config, train, rows)
    const stats = this.stats
    const fills = this.fills(stats)
    const labels = Float32Array.from(rows, (r) => {
      const y = train.labels[r]
      return stats.label ? (y - stats.label.mean) / stats.label.std : y
    })
    const rng = new Rng(deriveSeed(fit.seed, 'fit'))
    const schedule = o.masking ? scheduleFor(this.config, fit.epochs) : {warmup: 0, ramp: 0}
    const dropout = o.masking ? new ModalityDropout(this.config, this.config.masking, new Rng(deriveSeed(fit.seed, 'masking')), schedule) : null
    // Model selection sees what deployment will serve: the validation rows at the deployment
    // presence mix (drawn once), and only epochs trained with the full masking plan can be kept.
    const selectFrom = Math.min(fit.epochs - 1, o.masking ? fullMaskingFrom(schedule) : 0)
    const valPresence = o.masking
      ? deploymentPresence(this.config, presenceOf(this.config, train, valRows), availabilityOf(this.config, train, rows), new Rng(deriveSeed(fit.seed, 'validation-presence')))
      : presenceOf(this.config, train, valRows)
    const optimizer = tf.train.adam(fit.learningRate ?? this.config.training.learningRate)
    const vars = this.net.trainableWeights.map((w) => w.read() as TF.Variable)
    const encoderVars = new Set(this.encoderWeightNames())
    const headVars = vars.filter((v) => !encoderVars.has(v.name))
    // The L2 penalty stays out of the gradient tape: its gradient (2 * l2 * w) is added to the data
    // gradient and its value to the logged loss. The same update as differentiating it, in about 5
    // kernel calls per weight matrix instead of 20 (on wasm a small network's batch costs about its
    // kernel calls: 40 of 324 were the penalty's).
    const decay = this.l2Terms().map((t) => ({v: t.v, l2: tf.scalar(t.l2), twice: tf.scalar(2 * t.l2)}))
    const history: number[] = []
    const valHistory: number[] = []
    let best = {epoch: -1, loss: Infinity, weights: [] as TF.Tensor[]}
    let stopped: FitResult['stopped'] = 'epochs'
    // The running average of the weights (empty until the first epoch ends, and without validation).
    const averaging = valRows.length > 0 ? (fit.averaging ?? WEIGHT_AVERAGING) : 0
    let average: TF.Tensor[] = []
    const batchSize = Math.max(1, Math.min(fit.batchSize, rows.length))
    try {
      for (let epoch = 0; epoch < fit.epochs; epoch++) {
        const perm = rng.permutation(rows.length)
        const trainable = epoch < (fit.freezeEncoders ?? 0) ? headVars : vars
        let total = 0
        let count = 0
        for (let start = 0; start < rows.length; start += batchSize) {
          const idx = perm.subarray(start, Math.min(rows.length, start + batchSize))
          const batchRows = Uint32Array.from(idx, (i) => rows[i])
          const natural = presenceOf(this.config, train, batchRows)
          const presence = dropout ? dropout.apply(natural.slice(), epoch) : natural
          const inputs = this.tensors(train, batchRows, presence, stats, fills)
          const y = tf.tensor1d(Float32Array.from(idx, (i) => labels[i]))
          const weightsT = NETWORKS[this.strategy].perModalityOutputs ? this.modalityWeights(natural, idx.length) : null
          const {value, grads} = optimizer.computeGradients(() => {
            const out = this.net.apply(inputs, {training: true}) as TF.Tensor | TF.Tensor[]
            if (!Array.isArray(out)) return tf.mean(this.rowLoss(out, y)) as TF.Scalar
            // Late fusion: the combination (trained under masking) plus each modality's own model,
            // trained on every sample where that modality is naturally present. The K per-modality
            // losses are computed together on the (n,K) matrix, not one slice at a time.
            const [combined, perModality] = out
            const perModalityLoss = tf.sum(tf.mul(this.rowLoss(perModality, y), weightsT as TF.Tensor))
            return tf.add(tf.mean(this.rowLoss(combined, y)), perModalityLoss) as TF.Scalar
          }, trainable)
          // Penalty and its gradient at the weights the data gradient was taken at (before the update).
          const active = decay.filter((d) => grads[d.v.name] !== undefined)
          const cost = active.length === 0 ? value : tf.tidy(() => active.reduce<TF.Tensor>((acc, d) => tf.add(acc, tf.mul(tf.sum(tf.square(d.v)), d.l2)), value))
          for (const d of active) {
            const g = grads[d.v.name]
            grads[d.v.name] = tf.tidy(() => tf.add(g, tf.mul(d.v, d.twice)))
            g.dispose()
          }
          optimizer.applyGradients(grads as TF.NamedTensorMap as Parameters<typeof optimizer.applyGradients>[0])
          total += (await cost.data())[0] * idx.length
          count += idx.length
          tf.dispose([value, cost, y, ...inputs, ...Object.values(grads)])
          if (weightsT) weightsT.dispose()
        }
        const loss = total / count
        if (!Number.isFinite(loss)) throw new Error(`training diverged at epoch ${epoch + 1} (loss ${loss}); lower training.learningRate`)
        history.push(loss)
        if (valRows.length > 0) {
          // Validated (and kept) with the averaged weights in place; training goes on from its own.
          let live: TF.Tensor[] = []
          if (averaging > 0) {
            const previous = average
            average = previous.length === 0 ? vars.map((v) => tf.clone(v)) : previous.map((a, i) => tf.tidy(() => tf.add(tf.mul(a, averaging), tf.mul(vars[i], 1 - averaging))))
            tf.dispose(previous)
            live = vars.map((v) => tf.clone(v))
            vars.forEach((v, i) => v.assign(average[i]))
          }
          const valLoss = this.validationLoss(train, valRows, valPresence, stats, fills)
          valHistory.push(valLoss)
          if (epoch >= selectFrom && valLoss < best.loss) {
            tf.dispose(best.weights)
            best = {epoch, loss: valLoss, weights: vars.map((v) => tf.clone(v))}
          }
          if (averaging > 0) {
            vars.forEach((v, i) => v.assign(live[i]))
            tf.dispose(live)
          }
          fit.onEpoch?.(epoch, {loss, valLoss})
          if (fit.patience !== undefined && best.epoch >= 0 && epoch - best.epoch >= fit.patience) {
            stopped = 'patience'
            break
          }
        } else {
          fit.onEpoch?.(epoch, {loss})
        }
      }
      if (best.epoch >= 0) vars.forEach((v, i) => v.assign(best.weights[i]))
    } finally {
      optimizer.dispose()
      tf.dispose(best.weights)
      tf.dispose(average)
      tf.dispose(decay.flatMap((d) => [d.l2, d.twice]))
    }
    const bestEpoch = best.epoch >= 0 ? best.epoch : history.length - 1
    const result: FitResult = {
      loss: history,
      valLoss: valHistory,
      bestEpoch,
      selectFrom,
      stopped,
      stillImproving: stopped === 'epochs' && valHistory.length > 0 && stillFalling(valHistory, bestEpoch, fit.patience),
    }
    if (valRows.length > 0) {
      const predictions = await this.predictRows(train, valRows, valPresence, stats, fills)
      const metric = this.config.task.metric
      result.validation = {
        metric,
        value: score(
          metric,
          this.config.task.type,
          Float32Array.from(valRows, (r) => train.labels[r]),
          predictions,
          this.config.task.classes ?? 2,
        ),
        samples: valRows.length,
        presence: o.masking ? 'deployment' : 'natural',
      }
    }
    this.history = {loss: history, valLoss: valHistory, bestEpoch, selectFrom}
    return result
  }

  /** Names of the encoder weights (layers named with an encoder prefix). */
  private encoderWeightNames(): string[] {
    const prefixes = this.config.modalities.map((_, i) => encoderPrefix(i))
    return this.net.layers.filter((l) => prefixes.some((p) => l.name.startsWith(p))).flatMap((l) => l.trainableWeights.map((w) => (w.read() as TF.Variable).name))
  }

  /** Mean loss on held-out rows with the given presence (rows x K). */
  private validationLoss(data: Dataset, rows: Uint32Array, presence: Uint8Array, stats: Stats, fills: Record<string, Float32Array>): number {
    const tf = this.tf
    const K = this.config.modalities.length
    let total = 0
    for (let start = 0; start < rows.length; start += PREDICT_BATCH) {
      const end = Math.min(rows.length, start + PREDICT_BATCH)
      const batch = rows.subarray(start, end)
      const inputs = this.tensors(data, batch, presence.subarray(start * K, end * K), stats, fills)
      const sum = tf.tidy(() => {
        const y = tf.tensor1d(Float32Array.from(batch, (r) => (stats.label ? (data.labels[r] - stats.label.mean) / stats.label.std : data.labels[r])))
        const raw = this.net.apply(inputs, {training: false}) as TF.Tensor | TF.Tensor[]
        return tf.sum(this.rowLoss(Array.isArray(raw) ? raw[0] : raw, y))
      })
      total += sum.dataSync()[0]
      tf.dispose([sum, ...inputs])
    }
    return total / rows.length
  }

  /** Predictions for rows of a prepared dataset with the given presence (rows x K). */
  private async predictRows(data: Dataset, rows: Uint32Array, presence: Uint8Array, stats: Stats, fills: Record<string, Float32Array>): Promise<Float32Array> {
    const tf = this.tf
    const K = this.config.modalities.length
    const C = outputUnits(this.config)
    const out = new Float32Array(rows.length * C)
    for (let start = 0; start < rows.length; start += PREDICT_BATCH) {
      const end = Math.min(rows.length, start + PREDICT_BATCH)
      const inputs = this.tensors(data, rows.subarray(start, end), presence.subarray(start * K, end * K), stats, fills)
      const result = tf.tidy(() => {
        const raw = this.net.apply(inputs, {training: false}) as TF.Tensor | TF.Tensor[]
        const y = Array.isArray(raw) ? raw[0] : raw
        switch (this.config.task.type) {
          case 'binary':
            return tf.sigmoid(y.reshape([-1]))
          case 'multiclass':
            return tf.softmax(y, -1).reshape([-1])
          case 'regression':
            return tf.add(tf.mul(y.reshape([-1]), stats.label?.std ?? 1), stats.label?.mean ?? 0)
        }
      })
      out.set(await result.data(), start * C)
      tf.dispose([result, ...inputs])
    }
    return out
  }

  async predict(data: Dataset): Promise<Float32Array> {
    if (!this.stats) throw new Error('the model has not been trained: call fit() or loadModel() first')
    checkDataset(this.config, data)
    data = prepare(this.config, data)
    const rows = Uint32Array.from({length: data.n}, (_, i) => i)
    return this.predictRows(data, rows, presenceOf(this.config, data, rows), this.stats, this.fills(this.stats))
  }

  async save(dir: string): Promise<void> {
    if (!this.stats) throw new Error('the model has not been trained: nothing to save')
    if (this.opts.fill !== meanFill) throw new Error('a model with its own fill for absent inputs cannot be saved')
    mkdirSync(dir, {recursive: true})
    await saveLayersModel(this.tf, this.net, dir)
    const o = this.opts
    const meta: Meta = {
      format: META_FORMAT,
      strategy: this.strategy,
      presenceInputs: o.presenceInputs,
      masking: o.masking,
      stats: this.stats,
      config: this.config,
      ...(this.history ? {history: this.history} : {}),
    }
    writeFileSync(path.join(dir, META_JSON), JSON.stringify(meta, null, 1) + '\n')
  }

  dispose(): void {
    this.net.dispose()
  }
}

export async function createModel(config: TrainingConfig, opts: {strategy?: Strategy; absentInputs?: AbsentInputs; seed?: number; quiet?: boolean} = {}): Promise<FusionModel> {
  const strategy = opts.strategy ?? config.strategy
  if (!STRATEGIES.includes(strategy)) throw new Error(`unknown strategy ${String(strategy)}`)
  const absent = {...SHIPPED, ...opts.absentInputs}
  await initBackend({quiet: opts.quiet ?? true})
  const tf = await loadTf()
  const net = buildNetwork(tf, config, {strategy, presenceInputs: absent.presenceInputs, seed: opts.seed ?? config.training.seed})
  return new TfFusionModel(tf, strategy, absent, config, net, null)
}

export async function loadModel(dir: string, opts: {quiet?: boolean} = {}): Promise<FusionModel> {
  const metaPath = path.join(dir, META_JSON)
  if (!existsSync(metaPath)) throw new Error(`${dir} holds no saved model (missing ${META_JSON}); run npm run train first`)
  const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta
  if (meta.format !== META_FORMAT) throw new Error(`${metaPath}: unsupported format ${String(meta.format)}`)
  const config = validateTrainingConfig(meta.config)
  await initBackend({quiet: opts.quiet ?? true})
  const tf = await loadTf()
  const {fusionLayers} = await import('./layers.js')
  fusionLayers(tf) // registers the custom layers before deserialising
  const net = await loadLayersModel(tf, dir)
  return new TfFusionModel(tf, meta.strategy, {...SHIPPED, presenceInputs: meta.presenceInputs, masking: meta.masking}, config, net, meta.stats, meta.history)
}
