// Predictions of a generated project's trained models on one backend, and their comparison across
// backends (CI's tfjs-node lane).
//
//   node parity.mjs predict OUT.json MODEL_DIR...   run in the project folder, on the backend that
//       FUSEPLAN_BACKEND names (FUSEPLAN_BACKEND_STRICT must be set: no fallback); predicts the same
//       synthetic deployment sample with every model and writes the predictions and their metric.
//   node parity.mjs compare TOLERANCE A.json B.json  the largest difference between the predictions
//       of each model in A and B (same model, other backend); fails above TOLERANCE.
//   node parity.mjs retrained TOLERANCE METRIC_TOLERANCE A.json B.json MODEL_A MODEL_B
//       models trained on each backend from the same seed: mean absolute difference of their
//       predictions (on one backend) and difference of their metric; fails above the tolerances.
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

const SAMPLES = 600
const [command, ...args] = process.argv.slice(2)

function fail(message) {
  process.stderr.write(`parity: ${message}\n`)
  process.exit(1)
}

async function predict(out, modelDirs) {
  const wanted = process.env.FUSEPLAN_BACKEND
  if (!wanted || !process.env.FUSEPLAN_BACKEND_STRICT) fail('set FUSEPLAN_BACKEND and FUSEPLAN_BACKEND_STRICT=1')
  const load = (file) => import(pathToFileURL(path.resolve('dist/src', file)).href)
  const {initBackend, loadTf} = await load('backend.js')
  const {loadTrainingConfig} = await load('config.js')
  const {createWorld} = await load('data/synthetic.js')
  const {loadModel} = await load('model/index.js')
  const {score} = await load('metrics.js')
  const backend = await initBackend({quiet: true})
  const tf = await loadTf()
  if (backend !== wanted || tf.getBackend() !== wanted) fail(`asked for ${wanted}, running on ${tf.getBackend()}`)
  const config = loadTrainingConfig('fuseplan.training.yaml')
  const data = createWorld(config, config.training.seed).sample(SAMPLES, {population: 'deployment', seed: 4242, resolution: 'model'})
  const models = {}
  for (const dir of modelDirs) {
    const model = await loadModel(dir)
    const predictions = Array.from(await model.predict(data))
    model.dispose()
    models[dir] = {predictions, metric: score(config.task.metric, config.task.type, data.labels, predictions, config.task.classes ?? 2)}
  }
  writeFileSync(out, JSON.stringify({backend: tf.getBackend(), metric: config.task.metric, models}))
}

const read = (file) => JSON.parse(readFileSync(file, 'utf8'))
const diffs = (a, b) => a.map((v, i) => Math.abs(v - b[i]))

function compare(tolerance, fileA, fileB) {
  const [a, b] = [read(fileA), read(fileB)]
  let worst = 0
  for (const [dir, m] of Object.entries(a.models)) {
    const other = b.models[dir]
    if (!other || other.predictions.length !== m.predictions.length) fail(`${fileB} has no predictions of ${dir}`)
    const d = Math.max(...diffs(m.predictions, other.predictions))
    worst = Math.max(worst, d)
    console.log(`  same model ${dir}: largest |${a.backend} - ${b.backend}| = ${d.toExponential(2)} (tolerance ${tolerance}); ${a.metric} ${m.metric.toFixed(4)} / ${other.metric.toFixed(4)}`)
  }
  if (!(worst <= tolerance)) fail(`predictions of the same model differ by ${worst} between ${a.backend} and ${b.backend} (tolerance ${tolerance})`)
}

function retrained(tolerance, metricTolerance, fileA, fileB, modelA, modelB) {
  // Each backend predicted with both models: compare the two models on the same backend, so only
  // the training differs.
  for (const file of [fileA, fileB]) {
    const r = read(file)
    const [a, b] = [r.models[modelA], r.models[modelB]]
    if (!a || !b) fail(`${file} lacks ${modelA} or ${modelB}`)
    const d = diffs(a.predictions, b.predictions)
    const mean = d.reduce((s, v) => s + v, 0) / d.length
    const gap = Math.abs(a.metric - b.metric)
    console.log(
      `  trained on each backend, predicted on ${r.backend}: mean |difference| ${mean.toExponential(2)} (tolerance ${tolerance}), largest ${Math.max(...d).toExponential(2)}; ${r.metric} ${a.metric.toFixed(5)} vs ${b.metric.toFixed(5)} (tolerance ${metricTolerance})`,
    )
    if (!(mean <= tolerance)) fail(`models trained on the two backends predict ${mean} apart on average (tolerance ${tolerance})`)
    if (!(gap <= metricTolerance)) fail(`models trained on the two backends score ${gap} apart (tolerance ${metricTolerance})`)
  }
}

if (command === 'predict') await predict(args[0], args.slice(1))
else if (command === 'compare') compare(Number(args[0]), args[1], args[2])
else if (command === 'retrained') retrained(Number(args[0]), Number(args[1]), ...args.slice(2))
else fail('usage: parity.mjs predict OUT.json MODEL_DIR... | compare TOLERANCE A.json B.json | retrained TOL METRIC_TOL A.json B.json MODEL_A MODEL_B')
