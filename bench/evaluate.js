#!/usr/bin/env node
// Benchmark of `fuseplan evaluate` on examples/icu-deterioration.yaml at default settings.
//
//   node bench/evaluate.js [--quick] [--runs N]        (needs a build: npm run build)
//
// Measures, interleaved so that a busy machine slows both sides alike:
//   - evaluate: wall time of the real CLI (`node bin/run.js evaluate --format json`), start-up,
//     tfjs initialisation, simulation, five candidates and reporting included - what a user waits;
//   - reference: one epoch of a hand-written tfjs dense network of the same size as the simulated
//     early-fusion input (sum of the scaled modality sizes + presence bits -> 32 -> 16 -> 1) on the
//     same number of training samples, same batch size, same backend, in this process.
// Prints the medians and their ratio; evaluate trains 5 candidates x `epochs` epochs, so the ratio
// is also compared with that epoch count (the rest is per-candidate model cost and measuring).
import {spawnSync} from 'node:child_process'
import {join, resolve} from 'node:path'
import {pathToFileURL} from 'node:url'

const ROOT = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const runsArg = args.indexOf('--runs')
const runs = runsArg >= 0 ? Number(args[runsArg + 1]) : quick ? 1 : 3
const PROFILE = join(ROOT, 'examples', 'icu-deterioration.yaml')

const load = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href)
const {DEFAULTS} = await load('src/evaluate/run.js')
const {loadProfile} = await load('src/profile/load.js')
const {decide} = await load('src/decision/decide.js')
const {buildTrainingConfig} = await load('src/scaffold/training-config.js')
const {initBackend, loadTf} = await load('templates/project/src/backend.js')

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)

// The size of the simulated problem at default settings.
const {profile} = loadProfile(PROFILE)
const config = buildTrainingConfig(profile, decide(profile), {maxInputSize: DEFAULTS.maxInputSize})
const inputWidth = config.modalities.reduce((s, m) => s + m.inputSize, 0) + config.modalities.length
const backend = await initBackend({quiet: true})
const tf = await loadTf()

const x = tf.randomNormal([DEFAULTS.samples, inputWidth], 0, 1, 'float32', 1)
const y = tf.cast(tf.greater(tf.randomUniform([DEFAULTS.samples, 1], 0, 1, 'float32', 2), 0.5), 'float32')

async function referenceEpoch() {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({inputShape: [inputWidth], units: 32, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({seed: 3})}),
      tf.layers.dense({units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({seed: 4})}),
      tf.layers.dense({units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({seed: 5})}),
    ],
  })
  model.compile({optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy'})
  const start = performance.now()
  await model.fit(x, y, {epochs: 1, batchSize: DEFAULTS.batchSize, shuffle: true, verbose: 0})
  const ms = performance.now() - start
  model.dispose()
  return ms
}

function evaluateOnce() {
  const start = performance.now()
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'evaluate', PROFILE, '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1'},
    maxBuffer: 64 * 2 ** 20,
  })
  const ms = performance.now() - start
  if (r.status !== 0) throw new Error(`evaluate failed (exit ${r.status}): ${r.stderr.slice(-2000)}`)
  const json = JSON.parse(r.stdout)
  return {ms, backend: json.simulation.backend, candidates: json.strategies.length, epochs: json.simulation.epochs}
}

await referenceEpoch() // warm-up (kernels, wasm compilation)
const ref = []
const evals = []
let info
for (let i = 0; i < runs; i++) {
  ref.push(await referenceEpoch())
  info = evaluateOnce()
  evals.push(info.ms)
  ref.push(await referenceEpoch())
}
const evalMedian = median(evals)
const refMedian = median(ref)
const epochs = info.candidates * info.epochs
process.stdout.write(
  `evaluate (examples/icu-deterioration.yaml, defaults: ${DEFAULTS.samples} samples, ${DEFAULTS.epochs} epochs, ${info.candidates} candidates, ${info.backend} backend)\n` +
    `  evaluate, wall time (CLI)       median ${fmt(evalMedian)} over ${runs} run${runs === 1 ? '' : 's'} [${evals.map(fmt).join(', ')}]\n` +
    `  reference: one epoch, ${inputWidth}-32-16-1 dense network, ${DEFAULTS.samples} samples, batch ${DEFAULTS.batchSize}, ${backend}   median ${fmt(refMedian)} over ${ref.length} epochs\n` +
    `  ratio: evaluate = ${(evalMedian / refMedian).toFixed(0)} reference epochs (it trains ${epochs} candidate-epochs: ${(evalMedian / refMedian / epochs).toFixed(2)}x per epoch, model size, masking and measuring included)\n` +
    `  goal: about a minute at default settings -> ${fmt(evalMedian)} ${evalMedian <= 75_000 ? 'MET' : 'NOT MET'}\n`,
)
tf.dispose([x, y])
