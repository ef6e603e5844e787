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
import {learningWarnings, selectionReport} from '../diagnose.js'
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
  const fit = {epochs, batchSize: config.training.batchSize, learningRate: config.training.learningRate, seed: config.training.seed, patience: config.training.patience}
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
  process.stderr.write(`trained in ${fmt(seconds, 1)} s${transfer && data.cohort ? ' (pre-training included)' : ''}; saved to ${values.out}/\n`)
  for (const line of selectionReport(config, result, epochs)) console.log(line)
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
  if (!judged && result.validation) {
    const v = result.validation
    console.log(
      `${v.metric} on the validation split: ${fmt(v.value)} (${v.samples} held-out samples${v.presence === 'deployment' ? ' at the deployment presence mix' : ''}; ` +
        'they picked the kept epoch, so this is a little optimistic: score a test file with npm run evaluate -- --data FILE)',
    )
    judged = {value: v.value, chance: chance(v.metric, config.task.type, data.labels, classes), on: 'the validation split'}
  }
  const warnings = learningWarnings({metric: config.task.metric, task: config.task.type, ...judged, history: result})
  if (result.stillImproving) {
    warnings.push(
      `The validation loss was still falling at the last epoch (${result.loss.length} of ${epochs}): the model is likely under-trained. ` +
        `Raise training.epochs in fuseplan.training.yaml (or npm run train -- --epochs ${epochs * 2}).`,
    )
  }
  for (const w of warnings) console.log(`\nwarning: ${w}`)
  if (warnings.length === 0 && judged) console.log('the model learned: run npm run evaluate for the per-pattern report')
  model.dispose()
})
