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
import {createHash} from 'node:crypto'
import {readdirSync, readFileSync, writeFileSync, mkdirSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {join, resolve} from 'node:path'
import {distributionHash} from './evidence/grid.js'
import {writeDecisionsDoc, writeConfidenceTable} from './evidence/report.js'

const ROOT = resolve(import.meta.dirname, '..')
const PROTOCOL = join(ROOT, 'bench', 'evidence', 'protocol.json')
const RESULTS = join(ROOT, 'bench', 'evidence', 'results')

export function rulesHash(root = ROOT) {
  // The rules alone: the confidence levels come from the calibration records only (a test recomputes
  // them), and the test grid's regime calls only report the rules' choices, which the table never changes.
  const h = createHash('sha256')
  const dir = join(root, 'rules')
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort())
    h.update(f).update(readFileSync(join(dir, f)))
  return h.digest('hex').slice(0, 16)
}

export function readProtocol() {
  return JSON.parse(readFileSync(PROTOCOL, 'utf8'))
}

const args = process.argv.slice(2)
const command = args[0] && !args[0].startsWith('--') ? args[0] : 'run'
const argValue = (name) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

/** Runs every missing record of the sets, `jobs` profiles at a time (each profile is one process). */
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
    for (let i = 0; i < p.count; i++)
      queue.push({set, seed: p.seed, index: i, seeds: p.seeds, testSamples: p.testSamples, out: join(RESULTS, `${set}-${p.seed}`, `${set}-${String(i).padStart(3, '0')}.json`)})
  }
  if (reverse) queue.reverse()
  const started = Date.now()
  let done = 0
  const worker = async () => {
    for (;;) {
      const job = queue.shift()
      if (!job) return
      await new Promise((resolveJob, reject) => {
        const child = spawn(
          process.execPath,
          [join(ROOT, 'bench', 'evidence', 'run-profile.js'), job.set, String(job.seed), String(job.index), String(job.seeds), job.out, ...(job.testSamples ? [String(job.testSamples)] : [])],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
            env: {...process.env, FUSEPLAN_BACKEND: process.env.FUSEPLAN_BACKEND ?? 'wasm'},
          },
        )
        let out = ''
        child.stdout.on('data', (d) => (out += d))
        child.on('exit', (code) => {
          done++
          process.stderr.write(`[${done}] ${out.trim()} (${Math.round((Date.now() - started) / 1000)} s elapsed)\n`)
          if (code === 0) resolveJob()
          else reject(new Error(`${job.set} ${job.index} failed with exit ${code}`))
        })
      })
    }
  }
  await Promise.all(Array.from({length: jobs}, worker))
}

if (command === 'run') {
  const sets = (argValue('--set') ?? 'tuning,calibration,test').split(',')
  const jobs = Number(argValue('--jobs') ?? Math.max(1, availableParallelism()))
  await run(sets, jobs, args.includes('--reverse'))
  if (sets.includes('calibration') || sets.includes('test')) await writeConfidenceTable(ROOT)
  await writeDecisionsDoc(ROOT)
} else if (command === 'confidence') {
  await writeConfidenceTable(ROOT)
} else if (command === 'report') {
  await writeDecisionsDoc(ROOT)
} else if (command === 'new-test-grid') {
  const protocol = readProtocol()
  const used = protocol.test.gridsUsed ?? []
  const seed = Math.max(protocol.sets.test.seed, ...used.map((u) => u.seed)) + 1
  protocol.sets.test.seed = seed
  protocol.test = {rulesHash: rulesHash(), committed: new Date().toISOString().slice(0, 10), gridsUsed: [...used, {seed, rulesHash: rulesHash()}]}
  writeFileSync(PROTOCOL, JSON.stringify(protocol, null, 2) + '\n')
  process.stdout.write(`test grid seed ${seed} for rules ${protocol.test.rulesHash}; commit bench/evidence/protocol.json before running it\n`)
} else {
  process.stderr.write(`unknown command ${command}: run, confidence, report or new-test-grid\n`)
  process.exit(2)
}
mkdirSync(RESULTS, {recursive: true})
