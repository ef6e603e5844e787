#!/usr/bin/env node
// `npm run bench:decisions`: do the rules earn their keep? Profiles drawn from one stated
// distribution (bench/evidence/grid.js) in three sets, each through `evaluate` with every candidate
// judged; then docs/decisions.md and the confidence table (evidence/confidence.json) are written
// from the records alone.
//
//   node bench/decisions.js run [--set tuning,calibration,test] [--jobs N] [--reverse]   simulate what is missing
//                                    (--reverse: from the last profile, so a second runner meets the first)
//   node bench/decisions.js confidence                                        calibration -> evidence/confidence.json
//   node bench/decisions.js report                                            records -> docs/decisions.md
//   node bench/decisions.js new-test-grid                                     a fresh test seed after a rule change
//
// The protocol (bench/evidence/protocol.json) fixes each set's grid seed, size, training seeds and
// test samples per seed (evaluate's default when it names none),
// and, for the test grid, the hash of the rules it scores: the test grid is
// run only for the rules it was committed for, and after any rule change the figures come from a
// fresh test grid (new-test-grid), counted in the protocol.
import {spawn} from 'node:child_process'
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {join, resolve} from 'node:path'
import {distributionHash, setIndexes} from './evidence/grid.js'
import {runQueue} from './evidence/queue.js'
import {writeConfidenceTable} from './evidence/confidence.js'
import {PLAN_BASIS, plannedSeeds} from './evidence/plan.js'
import {secondStage} from './evidence/records.js'
import {writeDecisionsDoc} from './evidence/report.js'
import {rulesHash as rulesHashOf} from './evidence/rules-hash.js'

const ROOT = resolve(import.meta.dirname, '..')
const PROTOCOL = join(ROOT, 'bench', 'evidence', 'protocol.json')
const RESULTS = join(ROOT, 'bench', 'evidence', 'results')
const rulesHash = () => rulesHashOf(ROOT)

export function readProtocol() {
  try {
    return JSON.parse(readFileSync(PROTOCOL, 'utf8'))
  } catch (error) {
    // A missing or broken protocol is a person's problem to fix, not a stack trace.
    process.stderr.write(`bench/decisions.js: cannot read ${PROTOCOL}: ${error.message.split('\n')[0]}\n`)
    process.exit(2)
  }
}

const USAGE = `Usage: node bench/decisions.js [command] [options]

Commands:
  run            simulate every missing record, then write the confidence table and docs/decisions.md (the default)
  confidence     calibration records -> evidence/confidence.json
  report         records -> docs/decisions.md
  new-test-grid  a fresh test grid seed after a rule change (commit the protocol before running it)

Options (run):
  --set LIST     sets to run, comma-separated (default: every set of bench/evidence/protocol.json)
  --jobs N       profiles simulated at once (default: the number of cores)
  --reverse      from the last profile, so a second runner meets the first
  -h, --help     this text

SIGTERM stops a run between profiles: the running ones finish and keep their records, and the next
run goes on from there. A second SIGTERM stops at once; a profile stopped partway keeps the seeds it
has finished (its record is written every few seeds) and the next run extends it.
`
const COMMANDS = ['run', 'confidence', 'report', 'new-test-grid']
// The second stage of every fresh test grid: sized so the noisiest small-data profile measured so far
// (a seed spread of 0.031, which needs 99 seeds) can reach the power goal.
const NEXT_MAX_SEEDS = 100
const SEQUENTIAL_BASIS =
  'each profile then grows to the fewest seeds at which P(worse | gap = margin) reaches 0.8 at its own seed spread, re-read over all its seeds each time it reaches a target, until a target asks for no more, at most maxSeeds: a sequential design whose later stages read only the spread'
// Every set the protocol names (a conditioned tuning set beside the three), read only when a command
// needs them, so `--help` works without a readable protocol.
const setsOfProtocol = () => Object.keys(readProtocol().sets)

/** The command line, checked before anything runs: a typo must not start hours of simulation. */
function parseArgs(argv) {
  const fail = (message) => {
    process.stderr.write(`bench/decisions.js: ${message}\n\n${USAGE}`)
    process.exit(2)
  }
  const opts = {command: 'run', sets: null, jobs: Math.max(1, availableParallelism()), reverse: false, help: false}
  const rest = [...argv]
  if (rest[0] && !rest[0].startsWith('-')) {
    opts.command = rest.shift()
    if (!COMMANDS.includes(opts.command)) fail(`unknown command "${opts.command}"`)
  }
  while (rest.length > 0) {
    const arg = rest.shift()
    if (arg === '-h' || arg === '--help') opts.help = true
    else if (arg === '--reverse' && opts.command === 'run') opts.reverse = true
    else if (arg === '--set' && opts.command === 'run') {
      const value = rest.shift() ?? fail('--set needs a comma-separated list of sets')
      opts.sets = value.split(',')
      const known = setsOfProtocol()
      const unknown = opts.sets.filter((x) => !known.includes(x))
      if (unknown.length > 0) fail(`unknown set "${unknown[0]}" (sets: ${known.join(', ')})`)
    } else if (arg === '--jobs' && opts.command === 'run') {
      const value = rest.shift()
      opts.jobs = Number(value)
      if (!Number.isInteger(opts.jobs) || opts.jobs < 1) fail(`--jobs needs a whole number of at least 1, got "${value ?? ''}"`)
    } else fail(`unknown ${arg.startsWith('-') ? 'option' : 'argument'} "${arg}" for ${opts.command}`)
  }
  return opts
}

/** Runs every missing record of the sets, `jobs` profiles at a time (each profile is one process); false when a SIGTERM stopped it first. */
async function run(sets, jobs, reverse = false) {
  const protocol = readProtocol()
  if (protocol.distribution.hash !== distributionHash())
    throw new Error(`the grid distribution changed (hash ${distributionHash()}, protocol ${protocol.distribution.hash}): record the new one in bench/evidence/protocol.json with new seeds`)
  const queue = []
  for (const set of sets) {
    const p = protocol.sets[set]
    if (set === 'test' && protocol.test.rulesHash !== rulesHash()) {
      throw new Error(
        `the test grid (seed ${p.seed}) was committed for rules ${protocol.test.rulesHash}, these are ${rulesHash()}: run \`node bench/decisions.js new-test-grid\` and commit the protocol before scoring them`,
      )
    }
    if (p.where && (set === 'test' || set === 'calibration')) throw new Error(`the ${set} set is the distribution itself: only a tuning set may be conditioned (where: ${p.where})`)
    for (const i of setIndexes(p, set)) queue.push(jobOf(set, p, i, p.seeds))
  }
  if (reverse) queue.reverse()
  // The second stage, for a set that has one: once a profile holds its planned seeds it grows to what
  // its own spread needs (bench/evidence/records.js, targetSeeds), and a sequential stage looks again each
  // time it gets there. A profile's target reads only its own record, so it grows as soon as its previous
  // run ends, on the worker that ran it; a rerun picks up where a stop left it. Targets only rise and
  // are bounded by maxSeeds, so every profile ends.
  const next = async (job) => {
    const p = protocol.sets[job.set]
    const [grow] = await secondStage(ROOT, job.set, protocol, job.index)
    if (!grow) return null
    if (grow.have < job.seeds) throw new Error(`${job.set} ${job.index}: ran for ${job.seeds} seeds, but its record holds ${grow.have}`)
    process.stderr.write(`${job.set}-${String(job.index).padStart(3, '0')}: its spread over ${grow.have} seeds asks for ${grow.seeds}\n`)
    return jobOf(job.set, p, job.index, grow.seeds)
  }
  await runQueue(queue, jobs, runProfile(), next, () => stopping)
  return !stopping
}

// SIGTERM stops a run between profiles: the running ones finish and keep their records (hours of
// training are not thrown away at a deadline), no new one starts, and a later run picks up from there.
// A second SIGTERM stops at once, and a profile stopped partway keeps its finished chunks of seeds
// (run-profile.js writes its record every few). Only `run` listens; the other commands stop at the first.
let stopping = false
const children = new Set()
function stopBetweenProfiles() {
  process.on('SIGTERM', () => {
    if (stopping) {
      for (const child of children) child.kill('SIGTERM')
      process.exit(143)
    }
    stopping = true
    process.stderr.write(`bench/decisions.js: stopping: the ${children.size} running profile(s) finish and keep their records, no new one starts; SIGTERM again to stop now\n`)
  })
}

const jobOf = (set, p, index, seeds) => ({set, seed: p.seed, index, seeds, testSamples: p.testSamples, out: join(RESULTS, `${set}-${p.seed}`, `${set}-${String(index).padStart(3, '0')}.json`)})

/** One profile's job as its own process (bench/evidence/run-profile.js), its line of progress on stderr. */
function runProfile() {
  const started = Date.now()
  let done = 0
  return (job) =>
    new Promise((resolveJob, reject) => {
      const child = spawn(
        process.execPath,
        [join(ROOT, 'bench', 'evidence', 'run-profile.js'), job.set, String(job.seed), String(job.index), String(job.seeds), job.out, ...(job.testSamples ? [String(job.testSamples)] : [])],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: {...process.env, FUSEPLAN_BACKEND: process.env.FUSEPLAN_BACKEND ?? 'wasm'},
        },
      )
      children.add(child)
      let out = ''
      child.stdout.on('data', (d) => (out += d))
      child.on('exit', (code) => {
        children.delete(child)
        done++
        process.stderr.write(`[${done}] ${out.trim()} (${Math.round((Date.now() - started) / 1000)} s elapsed)\n`)
        if (code === 0) resolveJob()
        else reject(new Error(`${job.set} ${job.index} failed with exit ${code}`))
      })
    })
}

const opts = parseArgs(process.argv.slice(2))
// Every command reads the protocol: a missing or broken one stops here with its path, before any work.
if (!opts.help) readProtocol()
if (opts.help) {
  process.stdout.write(USAGE)
} else if (opts.command === 'run') {
  mkdirSync(RESULTS, {recursive: true})
  stopBetweenProfiles()
  const ran = opts.sets ?? setsOfProtocol()
  if (await run(ran, opts.jobs, opts.reverse)) {
    if (ran.includes('calibration') || ran.includes('test')) await writeConfidenceTable(ROOT)
    await writeDecisionsDoc(ROOT)
  } else {
    process.stderr.write('bench/decisions.js: stopped; the records written so far are kept: run again to go on, or `confidence` and `report` to write what they say\n')
    process.exitCode = 143
  }
} else if (opts.command === 'confidence') {
  await writeConfidenceTable(ROOT)
} else if (opts.command === 'report') {
  await writeDecisionsDoc(ROOT)
} else if (opts.command === 'new-test-grid') {
  const protocol = readProtocol()
  const used = protocol.test.gridsUsed ?? []
  const seed = Math.max(protocol.sets.test.seed, ...used.map((u) => u.seed)) + 1
  // The grid is run at its planned seeds from the start; the plan reads the spread (never the regret) of
  // tuning, calibration and the test grids used so far, all spent once this one is drawn.
  const plan = await plannedSeeds(ROOT, protocol)
  const committed = new Date().toISOString().slice(0, 10)
  // The outgoing grid's registration stays with its entry, so its figures can still be read as
  // registered: the doc shows them until the fresh grid is complete (evidence/records.js, scoredProtocol).
  const {rulesHash: _hash, gridsUsed: _used, ...outgoingTest} = protocol.test
  const registered = {set: structuredClone(protocol.sets.test), test: outgoingTest}
  const usedNow = used.map((u) => (u.seed === protocol.sets.test.seed && !u.registered ? {...u, registered} : u))
  protocol.sets.test.seed = seed
  if (plan.seeds) protocol.sets.test.seeds = plan.seeds
  // Every fresh grid grows by its spread, re-read as it grows, to at most NEXT_MAX_SEEDS (registered
  // here before the grid it sizes is drawn; at 40, grid 306 left its noisiest small-data profiles short).
  protocol.sets.test.topUp = {maxSeeds: NEXT_MAX_SEEDS, sequential: true}
  protocol.test = {
    rulesHash: rulesHash(),
    committed,
    gridsUsed: [...usedNow, {seed, rulesHash: rulesHash()}],
    ...(plan.seeds ? {plannedSeeds: {seeds: plan.seeds, committed, basis: PLAN_BASIS, basisGrids: plan.basisGrids, read: plan.read}} : {}),
    topUp: {committed, basis: SEQUENTIAL_BASIS},
  }
  writeFileSync(PROTOCOL, JSON.stringify(protocol, null, 2) + '\n')
  process.stdout.write(
    `test grid seed ${seed} for rules ${protocol.test.rulesHash}, ${protocol.sets.test.seeds} training seeds` +
      (plan.seeds ? ` (planned from ${plan.records} tuning, calibration and spent test-grid records, median spread ${plan.sd.toFixed(4)})` : '') +
      '; commit bench/evidence/protocol.json before running it\n',
  )
}
