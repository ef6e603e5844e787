// npm run train -- [--data FILE.jsonl] [--epochs N] [--samples N] [--out DIR] [--config FILE]
// Trains the strategy named in fuseplan.training.yaml and saves it to model/. Without data it trains
// on synthetic data shaped like the profile. With a transfer plan and a `cohort` per sample, it
// pre-trains on the data-rich cohort first, then fine-tunes on every sample.
import {parseArgs} from 'node:util'
import {initBackend} from '../backend.js'
import {createModel} from '../model/index.js'
import {rowsOfCohorts, subset} from '../data/ops.js'
import {deriveSeed} from '../random.js'
import {score, chance} from '../metrics.js'
import {learningWarnings} from '../diagnose.js'
import {createWorld} from '../data/synthetic.js'
import {MODEL_DIR, fmt, getData, loadConfig, progress, run, syntheticSamples} from './common.js'

run(async () => {
  const {values} = parseArgs({
    options: {
      config: {type: 'string'},
      data: {type: 'string'},
      epochs: {type: 'string'},
      samples: {type: 'string'},
      out: {type: 'string', default: MODEL_DIR},
    },
  })
  const config = loadConfig(values.config)
  const backend = await initBackend()
  const epochs = values.epochs ? Number(values.epochs) : config.training.epochs
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error('--epochs must be a positive integer')
  const {data, source} = getData(config, {
    file: values.data,
    fallback: 'data/train.jsonl',
    population: 'training',
    n: syntheticSamples(config, values.samples),
    seed: deriveSeed(config.training.seed, 'train'),
  })
  process.stderr.write(`training ${config.strategy} fusion on ${source}, backend ${backend}\n`)
  const model = await createModel(config)
  // Stop when validation loss has not improved for a third of the epochs (at least 4).
  const fit = {epochs, batchSize: config.training.batchSize, learningRate: config.training.learningRate, seed: config.training.seed, patience: Math.max(4, Math.ceil(epochs / 3))}
  const onEpoch = (label: string) => (e: number, logs: {loss: number; valLoss?: number}) =>
    progress(label, e + 1, epochs, `loss ${fmt(logs.loss)}${logs.valLoss !== undefined ? ` val ${fmt(logs.valLoss)}` : ''}`)
  const t0 = performance.now()
  const transfer = config.transfer
  if (transfer && data.cohort) {
    const pre = rowsOfCohorts(data, [transfer.pretrainCohort])
    if (pre.length > 0) {
      await model.fit(subset(data, pre), {...fit, onEpoch: onEpoch(`pre-train on ${transfer.pretrainCohort}`)})
      fit.learningRate /= 3
    }
  }
  const result = await model.fit(data, {...fit, onEpoch: onEpoch('train')})
  const seconds = (performance.now() - t0) / 1000
  await model.save(values.out)
  const stopped = result.loss.length < epochs ? ` (stopped after ${result.loss.length} epochs: no better validation loss for ${fit.patience})` : ''
  process.stderr.write(`trained in ${fmt(seconds, 1)} s${transfer && data.cohort ? ' (pre-training included)' : ''}${stopped}; kept epoch ${result.bestEpoch + 1}; saved to ${values.out}/\n`)
  // Judge the model on data it did not train on: synthetic deployment data, or the validation split.
  const classes = config.task.classes ?? 2
  let judged: {value: number; chance: number; on: string} | undefined
  if (!values.data && source.startsWith('synthetic')) {
    const test = createWorld(config, config.training.seed).sample(syntheticSamples(config, undefined, 1000), {
      population: 'deployment',
      seed: deriveSeed(config.training.seed, 'holdout'),
      resolution: 'model',
    })
    const m = score(config.task.metric, config.task.type, test.labels, await model.predict(test), classes)
    const c = chance(config.task.metric, config.task.type, test.labels, classes)
    console.log(`${config.task.metric} on synthetic deployment data: ${fmt(m)} (chance ${fmt(c)})`)
    judged = {value: m, chance: c, on: 'synthetic deployment data'}
  }
  const warnings = learningWarnings({metric: config.task.metric, task: config.task.type, ...judged, history: result})
  for (const w of warnings) console.log(`\nwarning: ${w}`)
  if (warnings.length === 0 && judged) console.log('the model learned: run npm run evaluate for the per-pattern report')
  model.dispose()
})
