// Worker for `bench/run.js`: time per training epoch of the generated model code (the project
// `fuseplan scaffold` writes: createModel().fit(), with masking, placeholders and presence inputs)
// against a hand-written tfjs network with the same dense layers, trained the idiomatic way
// (model.fit) on the same data, same batch size, same backend. Prints one JSON line.
//
// The hand-written networks keep the layer sizes of templates/project/src/model/networks.ts but
// drop fuseplan's custom layers (placeholder gate, presence-weighted mean) and the masking: what is
// measured is the cost of everything the generated code adds. Attention is not compared: its
// masked attention layer has no stock tfjs equivalent to hand-write against.
import {performance} from 'node:perf_hooks'

const args = process.argv.slice(2)
const quick = args.includes('--quick')
const ROWS = quick ? 1000 : 3000
const EPOCHS = quick ? 4 : 6
const BATCH = 64
const SEED = 11

const {loadProfile} = await import('../dist/src/profile/load.js')
const {decide} = await import('../dist/src/decision/decide.js')
const {buildTrainingConfig} = await import('../dist/src/scaffold/training-config.js')
const {createWorld} = await import('../dist/templates/project/src/data/synthetic.js')
const {createModel} = await import('../dist/templates/project/src/model/index.js')
const {initBackend, loadTf} = await import('../dist/templates/project/src/backend.js')

const loaded = loadProfile(new URL('../examples/icu-deterioration.yaml', import.meta.url).pathname)
if (!loaded.profile) throw new Error('examples/icu-deterioration.yaml did not load')
const decision = decide(loaded.profile)
const config = buildTrainingConfig(loaded.profile, decision, {maxInputSize: 64})
const world = createWorld(config, SEED)
const train = world.sample(ROWS, {population: 'training', seed: SEED + 1})

const backend = await initBackend({quiet: true})
const tf = await loadTf()

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

async function generatedEpochs(strategy) {
  const model = await createModel(config, {strategy, seed: SEED, quiet: true})
  const times = []
  let last = performance.now()
  await model.fit(train, {
    epochs: EPOCHS,
    batchSize: BATCH,
    seed: SEED,
    validationSplit: 0,
    onEpoch: () => {
      const now = performance.now()
      times.push(now - last)
      last = now
    },
  })
  model.dispose()
  return times
}

/** Inputs as the generated model sees them: zero-filled modalities plus one presence column each. */
function tensors() {
  const xs = config.modalities.map((m) => tf.tensor2d(train.modalities[m.name].values, [train.n, m.inputSize]))
  const ps = config.modalities.map((m) => tf.tensor2d(Float32Array.from(train.modalities[m.name].present), [train.n, 1]))
  const y = tf.tensor2d(train.labels, [train.n, 1])
  return {xs, ps, y}
}

function handWritten(strategy) {
  const hidden = config.fusion.hidden
  const xs = config.modalities.map((m, i) => tf.input({shape: [m.inputSize], name: `x_${i}`}))
  const ps = config.modalities.map((_, i) => tf.input({shape: [1], name: `p_${i}`}))
  const dense = (units, activation = 'relu') => tf.layers.dense({units, activation})
  let out
  if (strategy === 'early') {
    let h = tf.layers.concatenate().apply([...xs, ...ps])
    h = dense(hidden).apply(h)
    h = dense(Math.max(4, Math.floor(hidden / 2))).apply(h)
    out = dense(1, 'sigmoid').apply(h)
  } else if (strategy === 'intermediate') {
    const encoded = config.modalities.map((m, i) => {
      let h = xs[i]
      for (const units of m.encoder.hidden) h = dense(units).apply(h)
      return dense(m.encoder.embedding, 'linear').apply(h)
    })
    let h = tf.layers.concatenate().apply([...encoded, ...ps])
    h = dense(hidden).apply(h)
    out = dense(1, 'sigmoid').apply(h)
  } else {
    const outs = config.modalities.map((m, i) => {
      let h = xs[i]
      for (const units of m.encoder.hidden.length > 0 ? m.encoder.hidden : [hidden]) h = dense(units).apply(h)
      return dense(1, 'sigmoid').apply(h)
    })
    out = outs.length > 1 ? tf.layers.average().apply(outs) : outs[0]
  }
  const model = tf.model({inputs: [...xs, ...ps], outputs: out})
  model.compile({optimizer: tf.train.adam(config.training.learningRate), loss: 'binaryCrossentropy'})
  return model
}

async function handEpochs(strategy) {
  const model = handWritten(strategy)
  const {xs, ps, y} = tensors()
  const times = []
  let last = performance.now()
  await model.fit([...xs, ...ps], y, {
    epochs: EPOCHS,
    batchSize: BATCH,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochEnd: async () => {
        const now = performance.now()
        times.push(now - last)
        last = now
      },
    },
  })
  tf.dispose([...xs, ...ps, y])
  model.dispose()
  return times
}

const strategies = []
for (const strategy of ['early', 'intermediate', 'late']) {
  // Alternate which side runs first, and drop each side's first epoch (graph building, JIT warm-up).
  const g = await generatedEpochs(strategy)
  const h = await handEpochs(strategy)
  const g2 = await generatedEpochs(strategy)
  const h2 = await handEpochs(strategy)
  const generatedMedian = median([...g.slice(1), ...g2.slice(1)])
  const handMedian = median([...h.slice(1), ...h2.slice(1)])
  strategies.push({strategy, generatedMedian, handMedian, ratio: generatedMedian / handMedian})
}

process.stdout.write(`${JSON.stringify({backend, rows: train.n, batchSize: BATCH, epochs: EPOCHS, modalities: config.modalities.map((m) => `${m.name}:${m.inputSize}`), strategies})}\n`)
