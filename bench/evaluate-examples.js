#!/usr/bin/env node
// Wall time of `fuseplan evaluate` on every bundled example, at defaults and with --quick, as a user
// runs it (the CLI, --jobs auto, the shipped model code and schedule). Goals: defaults within 2 minutes
// and --quick within 30 s on a quiet 2-core machine. The load average is printed before and after,
// since only a quiet machine can judge the goals; the reductions each report states are printed too.
//
//   node bench/evaluate-examples.js [--runs N] [--only dermatology,icu-deterioration] [--quick-only | --quick]
//
// Needs a build (npm run build). About 10 minutes on 2 cores.
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {loadavg} from 'node:os'
import {join, resolve} from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const args = process.argv.slice(2)
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const runs = Number(value('--runs', 1))
const only = value('--only', null)?.split(',')
// `npm run bench -- --quick` passes --quick: then only the --quick runs.
const modes =
  args.includes('--quick-only') || args.includes('--quick')
    ? [['--quick', ['--quick'], 30_000]]
    : [
        ['defaults', [], 120_000],
        ['--quick', ['--quick'], 30_000],
      ]
const examples = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml') && (!only || only.includes(f.replace(/\.yaml$/, ''))))
  .sort()
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')

process.stdout.write(`evaluate on the bundled examples (load average at start ${load()})\n`)
let missed = 0
for (const file of examples) {
  for (const [mode, extra, goal] of modes) {
    const times = []
    let report
    for (let i = 0; i < runs; i++) {
      const start = performance.now()
      const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'run.js'), 'evaluate', join('examples', file), '--format', 'json', ...extra], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {...process.env, NO_COLOR: '1'},
        maxBuffer: 64 * 2 ** 20,
      })
      times.push(performance.now() - start)
      if (r.status !== 0) throw new Error(`${file} ${mode}: exit ${r.status}\n${r.stderr.slice(-2000)}`)
      report = JSON.parse(r.stdout)
    }
    const m = median(times)
    const sim = report.simulation
    const reductions = (sim.reductions ?? []).map((x) => `${x.what}: ${x.used}`).join('; ')
    if (m > goal) missed++
    process.stdout.write(
      `  ${file.padEnd(26)} ${mode.padEnd(8)} ${(m / 1000).toFixed(1).padStart(6)} s (goal ${goal / 1000} s: ${m <= goal ? 'met' : 'NOT MET'}); ` +
        `${sim.seeds.length} seed(s), ${sim.trainingSamples} training samples, ${report.strategies.length} candidates, verdict ${report.verdict.kind}` +
        `${reductions ? `; reductions: ${reductions}` : ''}; load ${load()}\n`,
    )
  }
}
process.stdout.write(`${missed === 0 ? 'every goal met' : `${missed} goal(s) missed`} (load average at end ${load()})\n`)
process.exitCode = missed === 0 ? 0 : 1
