#!/usr/bin/env node
// One training run of the generated project's model code (dist/templates/project, as `npm run train`
// runs it: fit() with its own validation split, schedule and model selection), printed as one JSON line.
//
//   node bench/training/train-one.js simulated PROFILE.yaml STRATEGY SEED [--warmup N --ramp N] [--epochs N --patience N]
//   node bench/training/train-one.js data DIR STRATEGY SEED [...]     (DIR holds profile.yaml, train.jsonl, test.jsonl)
//
// Simulated: trained on 3,000 samples of the project's own synthetic world and scored on 2,000 drawn at
// the deployment presence mix. Data: trained on train.jsonl, scored on test.jsonl (never used for stopping).
import {readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {parse} from 'yaml'

const ROOT = resolve(import.meta.dirname, '..', '..')
const dist = (p) => join(ROOT, 'dist', p)
const [mode, where, strategy, seedText, ...rest] = process.argv.slice(2)
const flag = (name) => {
  const i = rest.indexOf(`--${name}`)
  return i >= 0 ? Number(rest[i + 1]) : undefined
}
const seed = Number(seedText)
const {decide} = await import(dist('src/decision/decide.js'))
const {buildTrainingConfig} = await import(dist('src/scaffold/training-config.js'))
const {createModel} = await import(dist('templates/project/src/model/index.js'))
const {score} = await import(dist('templates/project/src/metrics.js'))
const profile = parse(readFileSync(mode === 'data' ? join(where, 'profile.yaml') : where, 'utf8'))
let config = buildTrainingConfig(profile, decide(profile), {strategy})
const warmup = flag('warmup') ?? config.masking.warmupEpochs
const ramp = flag('ramp') ?? config.masking.rampEpochs
const epochs = flag('epochs') ?? config.training.epochs
const patience = flag('patience') ?? config.training.patience
config = {...config, masking: {...config.masking, warmupEpochs: warmup, rampEpochs: ramp}, training: {...config.training, seed, epochs, patience}}
let train
let test
if (mode === 'data') {
  // As the project's train and evaluate scripts read them.
  const {readJsonl} = await import(dist('templates/project/src/data/loader.js'))
  train = readJsonl(config, join(where, 'train.jsonl'), undefined, {skipBad: true}).data
  test = readJsonl(config, join(where, 'test.jsonl'), undefined, {skipBad: true}).data
} else {
  const {createWorld} = await import(dist('templates/project/src/data/synthetic.js'))
  const {deriveSeed} = await import(dist('templates/project/src/random.js'))
  const world = createWorld(config, seed)
  train = world.sample(3000, {population: 'training', seed: deriveSeed(seed, 'train'), resolution: 'model'})
  test = world.sample(2000, {population: 'deployment', seed: deriveSeed(seed, 'holdout'), resolution: 'model'})
}
const model = await createModel(config, {seed})
const t0 = performance.now()
const r = await model.fit(train, {epochs, batchSize: config.training.batchSize, learningRate: config.training.learningRate, seed, patience})
const secs = (performance.now() - t0) / 1000
const p = await model.predict(test)
const metric = score(config.task.metric, config.task.type, test.labels, p, config.task.classes ?? 2)
process.stdout.write(
  JSON.stringify({
    profile: profile.name,
    strategy,
    seed,
    warmup,
    ramp,
    epochs,
    patience,
    ran: r.loss.length,
    kept: r.bestEpoch + 1,
    selectFrom: r.selectFrom + 1,
    still: r.stillImproving ?? null,
    test: Number(metric.toFixed(4)),
    secs: Number(secs.toFixed(1)),
  }) + '\n',
)
