// npm run evaluate -- [--data FILE.jsonl] [--model DIR] [--samples N] [--json]
// Scores the trained model: overall, per presence pattern (the evaluation plan's patterns and the
// ones seen in the data), leave-one-modality-out, and a robustness sweep that removes the swept
// modalities at increasing missing rates. Without data it uses synthetic deployment data.
import {parseArgs} from 'node:util'
import {loadModel} from '../model/index.js'
import {dropAtRate, patternKeys, rowsWithPattern, subset, withoutModality} from '../data/ops.js'
import {deriveSeed} from '../random.js'
import {chance, score} from '../metrics.js'
import {learningWarnings} from '../diagnose.js'
import type {Dataset} from '../dataset.js'
import {MODEL_DIR, fmt, getData, loadConfig, run, syntheticSamples, table} from './common.js'

run(async () => {
  const {values} = parseArgs({
    options: {
      config: {type: 'string'},
      data: {type: 'string'},
      model: {type: 'string', default: MODEL_DIR},
      samples: {type: 'string'},
      json: {type: 'boolean', default: false},
    },
  })
  const config = loadConfig(values.config)
  const model = await loadModel(values.model, {quiet: false})
  const {data, source} = getData(config, {
    file: values.data,
    fallback: 'data/test.jsonl',
    population: 'deployment',
    n: syntheticSamples(config, values.samples, 2000),
    seed: deriveSeed(config.training.seed, 'test'),
  })
  const names = config.modalities.map((m) => m.name)
  const metric = config.task.metric
  const classes = config.task.classes ?? 2
  const evalOn = async (d: Dataset) => (d.n === 0 ? NaN : score(metric, config.task.type, d.labels, await model.predict(d), classes))

  const overall = await evalOn(data)
  const base = chance(metric, config.task.type, data.labels, classes)
  const warnings = learningWarnings({metric, task: config.task.type, value: overall, chance: base, on: source.split(' (')[0], history: model.lastHistory})
  const keys = patternKeys(data, names)
  const seen = [...new Set(keys)].map((k) => (k === '' ? [] : k.split(',')))
  const planned = config.evaluation.patterns.map((p) => p.present)
  const patterns: {present: string[]; share: number; n: number; metric: number}[] = []
  for (const present of [...planned, ...seen.filter((s) => !planned.some((p) => p.join(',') === names.filter((n) => s.includes(n)).join(',')))]) {
    const rows = rowsWithPattern(data, names, present)
    patterns.push({present: names.filter((n) => present.includes(n)), share: rows.length / data.n, n: rows.length, metric: await evalOn(subset(data, rows))})
  }
  const ablations: {without: string; metric: number}[] = []
  for (const m of config.modalities) {
    if (data.n > 0 && m.required) continue
    ablations.push({without: m.name, metric: await evalOn(withoutModality(data, m.name))})
  }
  const swept = config.evaluation.robustnessSweep.modalities.filter((n) => names.includes(n))
  const sweep: {missingRate: number; metric: number}[] = []
  for (const rate of config.evaluation.robustnessSweep.missingRates) {
    sweep.push({missingRate: rate, metric: await evalOn(dropAtRate(data, swept, rate, deriveSeed(config.training.seed, `sweep:${rate}`)))})
  }
  model.dispose()

  if (values.json) {
    console.log(JSON.stringify({strategy: config.strategy, metric, source, overall, chance: base, warnings, patterns, ablations, sweep}, null, 2))
    return
  }
  console.log(`${config.strategy} fusion, ${metric} on ${source}: ${fmt(overall)} (chance ${fmt(base)})\n`)
  for (const w of warnings) console.log(`warning: ${w}\n`)
  console.log('Per presence pattern')
  console.log(
    table(
      ['present', 'share', 'n', metric],
      patterns.map((p) => [p.present.join(' + ') || '(none)', fmt(p.share, 3), String(p.n), fmt(p.metric)]),
    ),
  )
  console.log('\nLeave one modality out')
  console.log(
    table(
      ['without', metric, 'change'],
      ablations.map((a) => [a.without, fmt(a.metric), fmt(a.metric - overall)]),
    ),
  )
  console.log(`\nRobustness sweep (${swept.join(', ') || 'no optional modality'} removed at each rate)`)
  console.log(
    table(
      ['missing rate', metric],
      sweep.map((s) => [fmt(s.missingRate, 2), fmt(s.metric)]),
    ),
  )
})
