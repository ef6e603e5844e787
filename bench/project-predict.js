#!/usr/bin/env node
// The generated project's `npm run predict` of one request, cold (a new process each run), against
// references run interleaved with it: `node -e 0`, node loading tfjs (the floor of any script that
// predicts), and node running the compiled script directly (what npm and bin/run.js add).
// Goal (issue 21): median of 5 cold runs at most 1.5 s, in a freshly scaffolded and built image
// project. Part of `npm run bench` (section "predict"); also runs alone:
//
//   node bench/project-predict.js [--quick]
import {spawnSync} from 'node:child_process'
import {mkdirSync, rmSync} from 'node:fs'
import {join, resolve} from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
// Inside the repo, so the project resolves fuseplan's node_modules (the same tfjs a project installs).
const DIR = join(ROOT, '.tmp', 'bench', 'predict-project')
const quick = process.argv.includes('--quick')
const RUNS = quick ? 3 : 5
const GOAL_MS = 1500

/** The environment of a user's shell: none of the npm_* variables of the `npm run bench` around us. */
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'FUSEPLAN_QUICK'))

function run(command, argv, extraEnv = {}) {
  const start = process.hrtime.bigint()
  const r = spawnSync(command, argv, {cwd: DIR, encoding: 'utf8', env: {...env, ...extraEnv}})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.error || r.status !== 0) throw new Error(`${command} ${argv.join(' ')}: exit ${r.status}\n${r.error ?? ''}${r.stderr.slice(0, 2000)}`)
  return ms
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)

rmSync(DIR, {recursive: true, force: true})
mkdirSync(join(ROOT, '.tmp', 'bench'), {recursive: true})
const scaffold = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'scaffold', 'examples/dermatology.yaml', '--out', DIR], {cwd: ROOT, encoding: 'utf8'})
if (scaffold.status !== 0) throw new Error(`scaffold: ${scaffold.stderr}`)
// What `npm install` leaves: the build. Then a model and a request (a smoke-run model: prediction
// time depends on the architecture, not on the weights).
run(process.execPath, ['bin/run.js', 'build'])
run(process.execPath, ['bin/run.js', 'train'], {FUSEPLAN_QUICK: '1'})
run(process.execPath, ['bin/run.js', 'synth'], {FUSEPLAN_QUICK: '1'})

const candidates = [
  ['node -e 0', process.execPath, ['-e', '0']],
  ['node requiring @tensorflow/tfjs', process.execPath, ['-e', "require('@tensorflow/tfjs')"]],
  ['node dist/src/scripts/predict.js', process.execPath, ['dist/src/scripts/predict.js', 'data/request.json']],
  ['npm run predict', 'npm', ['run', 'predict', '--silent', '--', 'data/request.json']],
]
const times = Object.fromEntries(candidates.map(([name]) => [name, []]))
for (let i = 0; i < RUNS + 1; i++) {
  for (const [name, command, argv] of candidates) {
    const ms = run(command, argv)
    if (i > 0) times[name].push(ms) // the first round only warms the file cache
  }
}
const rows = candidates.map(([name]) => [name, fmt(median(times[name])), fmt(Math.min(...times[name]))])
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['command', 'median', 'min'][i].length))
for (const r of [['command', 'median', 'min'], ...rows]) process.stdout.write(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('   ')}\n`)
const predict = median(times['npm run predict'])
process.stdout.write(
  `  npm and bin/run.js add ${fmt(predict - median(times['node dist/src/scripts/predict.js']))} to the script; loading tfjs alone takes ${fmt(median(times['node requiring @tensorflow/tfjs']))}\n`,
)
process.stdout.write(`  goal: npm run predict of one request, median of ${RUNS} cold runs <= ${fmt(GOAL_MS)} -> ${fmt(predict)} ${predict <= GOAL_MS ? 'MET' : 'NOT MET'}\n`)
rmSync(DIR, {recursive: true, force: true})
