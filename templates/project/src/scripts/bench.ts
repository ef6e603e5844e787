// npm run bench -- [--model DIR] [--requests N]
// Inference latency per request (batch of one, presence patterns drawn from the deployment
// distribution) against the profile's budget. Exits 1 when the percentile is over budget.
import {existsSync} from 'node:fs'
import {parseArgs} from 'node:util'
import {initBackend} from '../backend.js'
import {createModel, loadModel, type FusionModel} from '../model/index.js'
import {createWorld} from '../data/synthetic.js'
import {subset} from '../data/ops.js'
import {deriveSeed} from '../random.js'
import {MODEL_DIR, QUICK, fmt, loadConfig, quick, run} from './common.js'

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]
}

run(async () => {
  const {values} = parseArgs({options: {config: {type: 'string'}, model: {type: 'string', default: MODEL_DIR}, requests: {type: 'string', default: quick() ? String(QUICK.requests) : '300'}}})
  const config = loadConfig(values.config)
  const backend = await initBackend()
  const n = Number(values.requests)
  if (!Number.isInteger(n) || n < 10) throw new Error('--requests must be an integer >= 10')
  const world = createWorld(config, config.training.seed)
  // Requests at full input size (resizing images is part of serving), at most 50 distinct ones
  // reused in turn: latency does not depend on the values, and 224x224 images are large.
  const distinct = Math.min(n, 50)
  const requests = world.sample(distinct, {population: 'deployment', seed: deriveSeed(config.training.seed, 'bench')})
  let model: FusionModel
  if (existsSync(values.model)) {
    model = await loadModel(values.model)
  } else {
    process.stderr.write(`no trained model in ${values.model}/: timing an untrained ${config.strategy} model (latency does not depend on the weights)\n`)
    model = await createModel(config)
    await model.fit(world.sample(64, {population: 'training', seed: 1, resolution: 'model'}), {epochs: 1, batchSize: 64, seed: 1, validationSplit: 0})
  }
  for (let i = 0; i < Math.min(20, n); i++) await model.predict(subset(requests, [i % distinct])) // warm-up
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const one = subset(requests, [i % distinct])
    const t0 = performance.now()
    await model.predict(one)
    times.push(performance.now() - t0)
  }
  model.dispose()
  times.sort((a, b) => a - b)
  const p50 = percentile(times, 50)
  const p99 = percentile(times, 99)
  const pct = config.latency.percentile
  const atPct = percentile(times, pct)
  console.log(`${config.strategy} fusion on ${backend}, ${n} single requests (model inference only, encoders included)`)
  console.log(`p50 ${fmt(p50, 2)} ms   p99 ${fmt(p99, 2)} ms${pct !== 50 && pct !== 99 ? `   p${pct} ${fmt(atPct, 2)} ms` : ''}`)
  const budget = config.latency.budgetMs
  if (budget === null) {
    console.log('no latency budget in the profile')
    return
  }
  const ok = atPct <= budget
  console.log(`budget ${budget} ms at p${pct}: ${ok ? 'within budget' : 'OVER BUDGET'} (${fmt((atPct / budget) * 100, 1)}% of it)`)
  // A smoke run times too few requests for a tail percentile to mean anything: it reports, never fails.
  if (quick()) console.log('FUSEPLAN_QUICK: too few requests to judge the budget (run npm run bench without it)')
  else if (!ok) process.exitCode = 1
})
