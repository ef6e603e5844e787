#!/usr/bin/env node
// One profile of the evidence grid through `evaluate` (every candidate judged, every pair's paired
// bootstrap variance kept), written as a compact record the decision benchmark reads back.
//   node bench/evidence/run-profile.js SET GRID_SEED INDEX SEEDS OUT_FILE [TEST_SAMPLES]
// The record is skipped when OUT_FILE already holds one for the same simulation key: the profile, the
// seeds, the test-set size, and the code and training config the numbers depend on (never the
// strategy rules). TEST_SAMPLES defaults to evaluate's own (DEFAULTS.testSamples).
// A record with fewer seeds under the same key for its count is extended, not rerun: each seed's
// numbers depend on that seed alone, so only the missing seeds train and their numbers are appended.
// A record with more seeds is kept; the benchmark reads its first SEEDS. The record is written every
// few seeds, so a run stopped partway keeps the seeds it finished.
import {createHash} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, renameSync, writeFileSync, mkdirSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {drawProfile} from './grid.js'
import {appendSeeds} from './record-seeds.js'

const ROOT = resolve(import.meta.dirname, '..', '..')
const dist = (p) => join(ROOT, 'dist', p)
const [set, gridSeed, index, seeds, out, testSamplesArg] = process.argv.slice(2)
const profile = drawProfile(Number(gridSeed), set, Number(index))

const {decide} = await import(dist('src/decision/decide.js'))
const {runEvaluation, DEFAULTS, simulationConfig, NUMBERS_VERSION} = await import(dist('src/evaluate/run.js'))
const {CANDIDATES} = await import(dist('src/evaluate/candidates.js'))
const testSamples = testSamplesArg ? Number(testSamplesArg) : DEFAULTS.testSamples
const {createSimulatedWorld} = await import(dist('src/evaluate/world.js'))

const decision = decide(profile)

// The code that makes the numbers (the verdict's code does not: records keep raw per-seed metrics) and
// the training config (masking plan included), read once: a key is asked for one or two seed counts.
const codeAndConfig = (() => {
  const files = [
    ...['world.js', 'simulate.js', 'metrics.js'].map((f) => dist(`src/evaluate/${f}`)),
    // Recursive: encoders, layers and strategies live in subfolders of model/.
    ...readdirSync(dist('templates/project/src/model'), {recursive: true})
      .map(String)
      .sort()
      .filter((f) => f.endsWith('.js'))
      .map((f) => dist(`templates/project/src/model/${f}`)),
    ...['data/ops.js', 'random.js', 'config.js', 'metrics.js', 'backend.js'].map((f) => dist(`templates/project/src/${f}`)),
  ]
  const world = createSimulatedWorld(profile, {seed: DEFAULTS.seed})
  const base = simulationConfig(profile, decision, world)
  return [...files.filter((f) => existsSync(f)).map((f) => readFileSync(f)), JSON.stringify({...base, strategy: null, source: null})]
})()

/** Everything the numbers of `count` seeds depend on: the profile, the seed count, the simulation and model code, and the training config (masking plan included). */
export function simulationKey(count) {
  const h = createHash('sha256')
  h.update(JSON.stringify(profile))
  h.update(String(count))
  // Each seed's test sets (full data, deployment mix): their size sets the test-sampling error.
  if (testSamples !== DEFAULTS.testSamples) h.update(`test samples ${testSamples}`)
  // Orchestration (run.js) changes the numbers only when it says so: NUMBERS_VERSION.
  h.update(String(NUMBERS_VERSION))
  for (const part of codeAndConfig) h.update(part)
  return h.digest('hex').slice(0, 16)
}

const wanted = Number(seeds)
// An earlier record of the same simulation (its key recomputed for its own seed count).
let old = null
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'))
  const n = r.seeds?.length ?? 0
  if (n > 0 && r.key === simulationKey(n) && r.seeds[0] === DEFAULTS.seed) old = r
}
if (old && old.seeds.length >= wanted) {
  process.stdout.write(`${profile.name}: cached\n`)
  process.exit(0)
}
// Trained in chunks, the record written after each: a job stopped partway (a session's end, a kill)
// keeps the seeds it finished, and the next run extends them. The numbers are those of one run, since
// each seed's depend on that seed alone (record-seeds.js), and the target count is never re-read here.
const CHUNK = 4
const first = old?.seeds.length ?? 0
const t0 = Date.now()
let record = old
while ((record?.seeds.length ?? 0) < wanted) {
  const have = record?.seeds.length ?? 0
  // Never a last chunk of one seed: a one-seed run states a reduction ("training seeds") the record
  // as a whole does not have.
  const count = wanted - have <= CHUNK + 1 ? wanted - have : CHUNK
  const t1 = Date.now()
  const result = await runEvaluation(profile, {
    seed: DEFAULTS.seed,
    firstSeed: DEFAULTS.seed + have,
    seeds: count,
    testSamples,
    // The bench judges the deployment mix only: the robustness sweep is skipped (two rates).
    missingRates: [0, 1],
    candidates: CANDIDATES,
    decision,
    judgeAll: true,
  })
  const added = {
    key: simulationKey(have + count),
    set,
    gridSeed: Number(gridSeed),
    index: Number(index),
    name: profile.name,
    profile,
    seeds: result.simulation.seeds,
    testSamples,
    metric: result.metric,
    margin: result.verdict.equivalenceMargin,
    schedule: result.simulation.schedule,
    reductions: result.simulation.reductions,
    trainingSamples: result.simulation.trainingSamples,
    backend: result.simulation.backend,
    candidates: result.strategies.map((s) => ({id: s.id, deployment: s.seeds.deployment, complete: s.seeds.complete, trainingSamples: s.trainingSamples, epochs: s.epochs})),
    pairVariances: result.pairVariances,
    elapsedMs: Date.now() - t1,
  }
  record = record ? appendSeeds(record, added) : added
  mkdirSync(dirname(out), {recursive: true})
  // Written whole to a temporary name, then renamed: a kill mid-write never leaves half a record.
  writeFileSync(`${out}.tmp`, JSON.stringify(record) + '\n')
  renameSync(`${out}.tmp`, out)
}
process.stdout.write(`${profile.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s${old ? ` (${wanted - first === 1 ? `seed ${wanted}` : `seeds ${first + 1}-${wanted}`} added to ${first})` : ''}\n`)
