#!/usr/bin/env node
// Benchmark of `fuseplan evaluate` on examples/icu-deterioration.yaml, at default settings and with --quick.
//
//   node bench/evaluate.js [--quick] [--runs N]        (needs a build: npm run build)
//
// Measures, interleaved so that a busy machine slows both sides alike:
//   - evaluate: wall time of the real CLI (`node bin/run.js evaluate --format json`), start-up,
//     tfjs initialisation, simulation, five candidates and reporting included - what a user waits;
//   - reference: one epoch of a hand-written tfjs dense network of the same size as the simulated
//     early-fusion input (sum of the scaled modality sizes + presence bits -> 32 -> 16 -> 1) on the
//     same number of training samples, same batch size, same backend, in this process.
// Prints the medians and their ratio to the reference; the ratio is also divided by the candidate-epochs
// evaluate trains (the rest is per-candidate model cost and measuring). Goals: defaults within 2
// minutes, --quick within 30 s on a 2-core machine.
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
const {SIMULATION_LIMITS} = await load('src/evaluate/world.js')
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
const samples = Math.min(profile.task.labelledSamples, SIMULATION_LIMITS.maxTrainingSamples)
const config = buildTrainingConfig(profile, decide(profile), {maxInputSize: DEFAULTS.maxInputSize})
const inputWidth = config.modalities.reduce((s, m) => s + m.inputSize, 0) + config.modalities.length
const backend = await initBackend({quiet: true})
const tf = await loadTf()

const x = tf.randomNormal([samples, inputWidth], 0, 1, 'float32', 1)
const y = tf.cast(tf.greater(tf.randomUniform([samples, 1], 0, 1, 'float32', 2), 0.5), 'float32')

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

function evaluateOnce(extra) {
  const start = performance.now()
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'evaluate', PROFILE, '--format', 'json', ...extra], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1'},
    maxBuffer: 64 * 2 ** 20,
  })
  const ms = performance.now() - start
  if (r.status !== 0) throw new Error(`evaluate failed (exit ${r.status}): ${r.stderr.slice(-2000)}`)
  const sim = JSON.parse(r.stdout).simulation
  // Training runs: every candidate once per learning rate on the first seed, once per later seed.
  const trainings = JSON.parse(r.stdout).strategies.length * (sim.learningRates.length + sim.seeds.length - 1)
  // At most this many epochs each (early stopping ends most sooner).
  return {ms, backend: sim.backend, epochs: sim.schedule?.epochs ?? sim.epochs, trainings, seeds: sim.seeds.length}
}

await referenceEpoch() // warm-up (kernels, wasm compilation)
const ref = []
const runsOf = {defaults: [], quick: []}
const info = {}
for (let i = 0; i < runs; i++) {
  for (const [mode, extra] of [
    ['defaults', []],
    ['quick', ['--quick']],
  ]) {
    ref.push(await referenceEpoch())
    info[mode] = evaluateOnce(extra)
    runsOf[mode].push(info[mode].ms)
  }
  ref.push(await referenceEpoch())
}
const refMedian = median(ref)
const GOALS = {defaults: 120_000, quick: 30_000}
let out = `evaluate (examples/icu-deterioration.yaml: ${samples} training samples, ${info.defaults.backend} backend)\n`
out += `  reference: one epoch, ${inputWidth}-32-16-1 dense network, ${samples} samples, batch ${DEFAULTS.batchSize}, ${backend}   median ${fmt(refMedian)} over ${ref.length} epochs\n`
for (const mode of ['defaults', 'quick']) {
  const m = median(runsOf[mode])
  const epochs = info[mode].trainings * info[mode].epochs
  out +=
    `  evaluate ${mode === 'quick' ? '--quick ' : ''}(CLI wall time, ${info[mode].seeds} seed${info[mode].seeds === 1 ? '' : 's'}, ${info[mode].trainings} trainings x ${info[mode].epochs} epochs)   median ${fmt(m)} over ${runsOf[mode].length} [${runsOf[mode].map(fmt).join(', ')}]` +
    ` = ${(m / refMedian).toFixed(0)} reference epochs (${(m / refMedian / epochs).toFixed(2)}x per candidate-epoch)\n` +
    `  goal: ${mode === 'quick' ? '--quick' : 'defaults'} within ${GOALS[mode] / 1000} s on 2 cores -> ${fmt(m)} ${m <= GOALS[mode] ? 'MET' : 'NOT MET'}\n`
}
process.stdout.write(out)
tf.dispose([x, y])
