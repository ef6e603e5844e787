// Per-epoch training time of each encoder of the generated project (createModel().fit(), one
// modality, intermediate fusion) against a hand-written tfjs network of the same shape trained
// with model.fit on the same rows, batch size and backend. Prints one JSON line.
//
//   node bench/encoders-worker.js [--rows N] [--epochs N] [--runs N] [--only mlp,conv1d] [--kernels]
//   (FUSEPLAN_BACKEND=cpu|wasm picks the backend)
//
// --kernels counts tfjs kernel calls per batch on each side instead of timing them: a figure the
// machine's load cannot change (on wasm, a small network's batch costs about its kernel calls).
// --cpu times epochs in CPU time of this process (user + system) instead of wall time: on a
// machine shared with other jobs, time spent waiting for a core is left out.
//
// Each run trains every side once, back to back, and takes the median epoch time after the first
// epoch; the ratio is taken per run (both sides saw the same machine load) and the medians over
// the runs are reported. The mlp encoders train 3x the epochs: their epochs are short and noisy.
//
// Hand-written references: stock tf.layers (dense; conv2d/conv1d + average pooling + global
// pooling; embedding + conv1d) where the backend can train them, and the same shape built from the
// project's FuseplanConvBlock/FuseplanGlobalPool/FuseplanTokenEmbedding layers in a plain tf.model
// (wasm has no Conv2DBackpropFilter or UnsortedSegmentSum kernel, so stock conv and embedding
// layers do not train there).
import {performance} from 'node:perf_hooks'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}
const ROWS = arg('--rows', 640)
const EPOCHS = arg('--epochs', 4)
const RUNS = arg('--runs', 1)
const onlyAt = process.argv.indexOf('--only')
const ONLY = onlyAt >= 0 ? process.argv[onlyAt + 1].split(',') : null
const KERNELS = process.argv.includes('--kernels')
const CPU = process.argv.includes('--cpu')
const clock = CPU
  ? () => {
      const u = process.cpuUsage()
      return (u.user + u.system) / 1000
    }
  : () => performance.now()
const BATCH = 64
const SEED = 5

const {defaultEncoder, modelShape} = await import('../dist/templates/project/src/config.js')
const {createWorld} = await import('../dist/templates/project/src/data/synthetic.js')
const {createModel} = await import('../dist/templates/project/src/model/index.js')
const {prepare, computeStats, batchInputs, meanFill, presenceOf} = await import('../dist/templates/project/src/model/pipeline.js')
const {fusionLayers} = await import('../dist/templates/project/src/model/layers.js')
const {initBackend, loadTf} = await import('../dist/templates/project/src/backend.js')

const backend = await initBackend({quiet: true})
const tf = await loadTf()
const L = fusionLayers(tf)
let kernelCalls = 0
if (KERNELS) {
  const engine = tf.engine()
  const run = engine.runKernel.bind(engine)
  engine.runKernel = (...args) => {
    kernelCalls++
    return run(...args)
  }
}
/** Per-batch kernel calls of `fit` (when counting), else its median epoch time. */
async function measured(fit, epochs) {
  const before = kernelCalls
  const ms = await fit()
  return KERNELS && typeof ms === 'number' ? Math.round((kernelCalls - before) / (epochs * Math.ceil(ROWS / BATCH))) : ms
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const ENCODERS = [
  ['mlp (tabular 12)', 'tabular', [12]],
  ['mlp (omics 2000)', 'omics', [2000]],
  ['conv2d (image 224x224x3 -> 32x32)', 'image', [224, 224, 3]],
  ['conv1d (timeseries 512x2)', 'timeseries', [512, 2]],
  ['embedding1d (text 128 token ids)', 'text', [128, 1]],
]

function configFor(type, shape) {
  const size = shape.reduce((a, s) => a * s, 1)
  const encoder = defaultEncoder(type, shape, 16)
  const epochs = encoder.kind === 'mlp' ? 3 * EPOCHS : EPOCHS
  return {
    apiVersion: 'fuseplan/v1',
    kind: 'TrainingConfig',
    name: 'bench',
    strategy: 'intermediate',
    task: {type: 'binary', metric: 'auroc'},
    modalities: [{name: 'm', type, inputShape: shape, inputSize: size, encoder, availability: 1, trainingAvailability: 1, missingness: 'random', timing: 'static', required: true}],
    cohorts: [],
    masking: {
      mode: 'independent',
      modalities: [{name: 'm', dropProbability: 0, effectiveMissingRate: 0}],
      floor: 0,
      warmupEpochs: 0,
      rampEpochs: 0,
      neverDropAll: true,
      placeholder: 'learned-shared-for-dropped-and-missing',
      presenceBits: true,
      covers: [],
    },
    transfer: null,
    evaluation: {patterns: [], ablations: [], robustnessSweep: {missingRates: [], modalities: []}},
    fusion: {hidden: 32, heads: 2},
    training: {epochs, batchSize: BATCH, learningRate: 0.003, seed: SEED},
    latency: {budgetMs: null, percentile: 99},
    source: {profile: 'p.yaml', profileHash: 'sha256:0'},
  }
}

async function generated(config, train) {
  const model = await createModel(config, {seed: SEED})
  const times = []
  let last = clock()
  await model.fit(train, {
    epochs: config.training.epochs,
    batchSize: BATCH,
    seed: SEED,
    validationSplit: 0,
    onEpoch: () => {
      const now = clock()
      times.push(now - last)
      last = now
    },
  })
  model.dispose()
  return median(times.slice(1))
}

/** The same shape by hand: encoder, embedding, fusion dense, output; `stock` uses tf.layers conv. */
function handWritten(config, stock) {
  const m = config.modalities[0]
  const e = m.encoder
  const shape = modelShape(m)
  const x = tf.input({shape})
  const p = tf.input({shape: [1]})
  let h = x
  if (e.kind === 'mlp') {
    for (const units of e.hidden) h = tf.layers.dense({units, activation: 'relu'}).apply(h)
  } else if (e.kind === 'conv2d') {
    for (const f of e.filters) {
      h = stock
        ? tf.layers.averagePooling2d({poolSize: 2}).apply(tf.layers.conv2d({filters: f, kernelSize: e.kernel, padding: 'same', activation: 'relu'}).apply(h))
        : new L.ConvBlock({filters: f, kernel: [e.kernel, e.kernel], pool: [2, 2]}).apply(h)
    }
    h = stock ? tf.layers.concatenate().apply([tf.layers.globalAveragePooling2d({}).apply(h), tf.layers.globalMaxPooling2d({}).apply(h)]) : new L.GlobalPool({}).apply(h)
  } else {
    let steps = shape
    if (e.kind === 'embedding1d') {
      h = stock ? tf.layers.embedding({inputDim: e.vocabulary, outputDim: e.tokenEmbedding}).apply(h) : new L.TokenEmbedding({vocabulary: e.vocabulary, width: e.tokenEmbedding}).apply(h)
      steps = [shape[0], e.tokenEmbedding]
    }
    if (!stock) h = tf.layers.reshape({targetShape: [1, ...steps]}).apply(h)
    for (const f of e.filters) {
      h = stock
        ? tf.layers.averagePooling1d({poolSize: 2}).apply(tf.layers.conv1d({filters: f, kernelSize: e.kernel, padding: 'same', activation: 'relu'}).apply(h))
        : new L.ConvBlock({filters: f, kernel: [1, e.kernel], pool: [1, 2]}).apply(h)
    }
    h = stock ? tf.layers.concatenate().apply([tf.layers.globalAveragePooling1d({}).apply(h), tf.layers.globalMaxPooling1d({}).apply(h)]) : new L.GlobalPool({}).apply(h)
  }
  if (e.dropout > 0) h = tf.layers.dropout({rate: e.dropout}).apply(h)
  h = tf.layers.dense({units: e.embedding}).apply(h)
  h = tf.layers.concatenate().apply([h, p])
  h = tf.layers.dense({units: config.fusion.hidden, activation: 'relu'}).apply(h)
  const out = tf.layers.dense({units: 1, activation: 'sigmoid'}).apply(h)
  const model = tf.model({inputs: [x, p], outputs: out})
  model.compile({optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy'})
  return model
}

async function hand(config, train, stock) {
  const m = config.modalities[0]
  const rows = Uint32Array.from({length: train.n}, (_, i) => i)
  const stats = computeStats(config, train, rows)
  const size = modelShape(m).reduce((a, s) => a * s, 1)
  const [v] = batchInputs(config, train, rows, presenceOf(config, train, rows), stats, {m: meanFill(stats, 'm', size)})
  const x = tf.tensor(v, [train.n, ...modelShape(m)])
  const p = tf.ones([train.n, 1])
  const y = tf.tensor2d(train.labels, [train.n, 1])
  const model = handWritten(config, stock)
  const times = []
  let last = clock()
  try {
    await model.fit([x, p], y, {
      epochs: config.training.epochs,
      batchSize: BATCH,
      shuffle: true,
      verbose: 0,
      callbacks: {
        onEpochEnd: async () => {
          const now = clock()
          times.push(now - last)
          last = now
        },
      },
    })
    return median(times.slice(1))
  } catch (error) {
    return String(error.message).slice(0, 80)
  } finally {
    tf.dispose([x, p, y])
    model.dispose()
  }
}

const results = []
const round = (x) => (typeof x === 'number' ? Math.round(x * 10) / 10 : x)
for (const [label, type, shape] of ENCODERS) {
  if (ONLY && !ONLY.some((o) => label.startsWith(o))) continue
  const config = configFor(type, shape)
  const train = prepare(config, createWorld(config, SEED).sample(ROWS, {population: 'training', seed: SEED, resolution: 'model'}))
  const runs = []
  for (let r = 0; r < RUNS; r++) {
    const epochs = config.training.epochs
    const gen = await measured(() => generated(config, train), epochs)
    const same = config.modalities[0].encoder.kind === 'mlp' ? null : await measured(() => hand(config, train, false), epochs)
    const stock = await measured(() => hand(config, train, true), epochs)
    const ref = typeof same === 'number' ? same : stock
    runs.push({generated: gen, handSameLayers: same, handStock: stock, ratio: typeof ref === 'number' ? gen / ref : null})
  }
  const med = (key) => (runs.every((r) => typeof r[key] === 'number') ? median(runs.map((r) => r[key])) : runs[0][key])
  results.push({
    encoder: label,
    epochs: config.training.epochs,
    generated: round(med('generated')),
    handSameLayers: round(med('handSameLayers')),
    handStock: round(med('handStock')),
    ratio: runs[0].ratio === null ? null : Math.round(med('ratio') * 100) / 100,
    runRatios: runs.map((r) => (r.ratio === null ? null : Math.round(r.ratio * 100) / 100)),
  })
}
process.stdout.write(JSON.stringify({backend, rows: ROWS, batchSize: BATCH, runs: RUNS, unit: KERNELS ? 'kernel calls per batch' : CPU ? 'CPU ms per epoch' : 'ms per epoch', results}) + '\n')
