#!/usr/bin/env node
// `npm run bench:realdata`: `fuseplan evaluate --data` on the real data sets committed under
// bench/realdata/ (written by scripts/realdata/prepare.py; see each set's PROVENANCE.md), beside
// the simulated `fuseplan evaluate` of the same profile, both at their defaults. Writes the results
// to bench/realdata/results/, then docs/decisions.md through bench/evidence/report.js, whose last
// section (bench/realdata/section.js) says where the two rank the candidates alike.
//
//   node bench/realdata/run.js [--jobs N] [--only digits,breast-cancer] [--data-only] [--section-only]
//
// --section-only rewrites docs/decisions.md from the committed results without training; --data-only
// reruns the runs on the data and keeps the committed simulations (for a change that only touches
// `evaluate --data`).
import {spawnSync} from 'node:child_process'
import {availableParallelism, loadavg} from 'node:os'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {writeDecisionsDoc} from '../evidence/report.js'
import {readResults, realdataSection, SETS} from './section.js'

const ROOT = resolve(import.meta.dirname, '..', '..')
const BIN = join(ROOT, 'bin', 'run.js')
const RESULTS = join(ROOT, 'bench', 'realdata', 'results')
const args = process.argv.slice(2)
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const jobs = Number(value('--jobs', Math.min(2, availableParallelism())))
const only = value('--only', SETS.join(',')).split(',')

function evaluate(dir, extra) {
  const start = Date.now()
  // The one-minute load average before and after: a timing means little unless the machine was quiet.
  const loadBefore = loadavg()[0]
  const r = spawnSync(process.execPath, [BIN, 'evaluate', 'profile.yaml', '--format', 'json', '--jobs', String(jobs), ...extra], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {...process.env, NO_COLOR: '1'},
  })
  if (r.status !== 0) throw new Error(`evaluate in ${dir} ${extra.join(' ')} failed with exit ${r.status}`)
  return {json: r.stdout, seconds: (Date.now() - start) / 1000, load: [loadBefore, loadavg()[0]].map((v) => Math.round(v * 100) / 100)}
}

if (!args.includes('--section-only')) {
  mkdirSync(RESULTS, {recursive: true})
  let meta = {jobs, seconds: {}}
  try {
    meta = {...JSON.parse(readFileSync(join(RESULTS, 'meta.json'), 'utf8')), jobs}
  } catch {
    // First run: no earlier results.
  }
  for (const name of only) {
    const dir = join(ROOT, 'bench', 'realdata', name)
    process.stderr.write(`bench:realdata: ${name}, on the data\n`)
    const data = evaluate(dir, ['--data', 'train.jsonl', '--test', 'test.jsonl'])
    writeFileSync(join(RESULTS, `${name}.data.json`), data.json)
    let simulatedSeconds = meta.seconds[name]?.simulated
    let simulatedLoad = meta.seconds[name]?.simulatedLoad
    if (!args.includes('--data-only')) {
      process.stderr.write(`bench:realdata: ${name}, simulated from the profile\n`)
      const simulated = evaluate(dir, [])
      writeFileSync(join(RESULTS, `${name}.simulated.json`), simulated.json)
      simulatedSeconds = simulated.seconds
      simulatedLoad = simulated.load
    }
    meta.seconds[name] = {data: data.seconds, dataLoad: data.load, simulated: simulatedSeconds, ...(simulatedLoad ? {simulatedLoad} : {})}
    writeFileSync(join(RESULTS, 'meta.json'), JSON.stringify(meta, null, 2) + '\n')
  }
}
// docs/decisions.md is written in full by bench/evidence/report.js, which appends this section (sets
// without results are named there as not run yet); never spliced here.
await writeDecisionsDoc(ROOT)
const results = readResults(RESULTS)
if (results.missing.length > 0) process.stderr.write(`bench:realdata: no results yet for ${results.missing.join(', ')}; docs/decisions.md says so\n`)
process.stdout.write(realdataSection(results) + '\n')
