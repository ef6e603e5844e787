#!/usr/bin/env node
// Training evidence for the generated project's defaults (not part of npm test: each run trains a model).
//
//   node bench/training/run.js curriculum    default masking curriculum against none (warm-up 0, ramp 0),
//                                            same epochs, 10 seeds, on the two profiles in profiles/
//   node bench/training/run.js convergence   default schedule against 4x the epochs and 4x the patience,
//                                            3 seeds, on the two real data sets of bench/realdata
//   node bench/training/run.js hand          each shipped strategy as `scaffold` configures it, trained on the
//                                            digits set's train.jsonl and scored on its test.jsonl over
//                                            evaluate's seeds (7, 8, 9): what training by hand reaches, beside
//                                            `evaluate --data` (bench/realdata/results/digits.data.json)
//   node bench/training/run.js patience      the default patience (10) against 20, each shipped strategy, evaluate's
//                                            seeds (7, 8, 9), on both real data sets: the stopping rule's share of the
//                                            seed-to-seed spread (digits' patience-10 arm is the hand runs)
//   node bench/training/run.js summary       the figures, from results/*.jsonl alone
//
// Runs already in results/ are skipped, so an interrupted run resumes. Backend: FUSEPLAN_BACKEND
// (wasm unless set). Every run is its own process (train-one.js), one at a time.
import {spawnSync} from 'node:child_process'
import {appendFileSync, existsSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

const HERE = import.meta.dirname
const ROOT = resolve(HERE, '..', '..')
const RESULTS = join(HERE, 'results')
const command = process.argv[2] ?? 'summary'

const read = (file) =>
  existsSync(join(RESULTS, file))
    ? readFileSync(join(RESULTS, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : []

function runAll(file, jobs) {
  const done = new Set(read(file).map((r) => r.key))
  for (const job of jobs) {
    if (done.has(job.key)) continue
    const r = spawnSync(process.execPath, [join(HERE, 'train-one.js'), ...job.args], {
      encoding: 'utf8',
      env: {...process.env, FUSEPLAN_BACKEND: process.env.FUSEPLAN_BACKEND ?? 'wasm'},
      maxBuffer: 1 << 24,
    })
    if (r.status !== 0) throw new Error(`${job.key}: exit ${r.status}\n${r.stderr.slice(-2000)}`)
    const row = {key: job.key, ...job.tags, ...JSON.parse(r.stdout.trim().split('\n').at(-1))}
    appendFileSync(join(RESULTS, file), JSON.stringify(row) + '\n')
    process.stderr.write(`${job.key}: ${row.test} (${row.secs} s)\n`)
  }
}

const CURRICULUM = {profiles: ['img30', 'two-optional'], seeds: 10, none: ['--warmup', '0', '--ramp', '0']}
const CONVERGENCE = {sets: ['digits', 'breast-cancer'], seeds: 3, factor: 4}
const HAND = {set: 'digits', strategies: ['early', 'intermediate', 'late', 'attention'], seeds: [7, 8, 9]}
const PATIENCE = {sets: ['digits', 'breast-cancer'], patience: [10, 20]}

if (command === 'curriculum') {
  const jobs = []
  for (let seed = 1; seed <= CURRICULUM.seeds; seed++)
    for (const p of CURRICULUM.profiles)
      for (const [arm, extra] of [
        ['default', []],
        ['none', CURRICULUM.none],
      ])
        jobs.push({key: `${p}/${arm}/${seed}`, tags: {arm}, args: ['simulated', join(HERE, 'profiles', `${p}.yaml`), 'intermediate', String(seed), ...extra]})
  runAll('curriculum.jsonl', jobs)
} else if (command === 'convergence') {
  const jobs = []
  for (const d of CONVERGENCE.sets)
    for (let seed = 1; seed <= CONVERGENCE.seeds; seed++)
      for (const [arm, extra] of [
        ['default', []],
        ['4x', ['--epochs', String(100 * CONVERGENCE.factor), '--patience', String(10 * CONVERGENCE.factor)]],
      ])
        jobs.push({key: `${d}/${arm}/${seed}`, tags: {data: d, arm}, args: ['data', join(ROOT, 'bench', 'realdata', d), 'intermediate', String(seed), ...extra]})
  runAll('convergence.jsonl', jobs)
} else if (command === 'hand') {
  const jobs = []
  for (const strategy of HAND.strategies)
    for (const seed of HAND.seeds)
      jobs.push({key: `${HAND.set}/${strategy}/${seed}`, tags: {data: HAND.set, arm: strategy}, args: ['data', join(ROOT, 'bench', 'realdata', HAND.set), strategy, String(seed)]})
  runAll('hand.jsonl', jobs)
} else if (command === 'patience') {
  const jobs = []
  for (const d of PATIENCE.sets)
    for (const patience of PATIENCE.patience)
      for (const strategy of HAND.strategies)
        for (const seed of HAND.seeds) {
          // Digits at the default patience is exactly the hand runs (same arguments): reused, not rerun.
          if (d === HAND.set && patience === 10) continue
          jobs.push({
            key: `${d}/${strategy}/p${patience}/${seed}`,
            tags: {data: d, strategy, arm: `p${patience}`},
            args: ['data', join(ROOT, 'bench', 'realdata', d), strategy, String(seed), '--patience', String(patience)],
          })
        }
  runAll('patience.jsonl', jobs)
} else if (command !== 'summary') {
  process.stderr.write(`unknown command ${command}: curriculum, convergence, hand, patience or summary\n`)
  process.exit(2)
}

// Summary: paired differences over seeds, with a one-sided 95% lower bound (Student t).
const T95 = {1: 6.314, 2: 2.92, 3: 2.353, 4: 2.132, 5: 2.015, 6: 1.943, 7: 1.895, 8: 1.86, 9: 1.833, 10: 1.812, 11: 1.796}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length
const sd = (xs) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
const f4 = (v) => v.toFixed(4)
function paired(rows, group, a, b) {
  const by = new Map()
  for (const r of rows) by.set(`${r[group]}/${r.arm}/${r.seed}`, r)
  return [...new Set(rows.map((r) => r[group]))].map((g) => {
    const seeds = [...new Set(rows.filter((r) => r[group] === g).map((r) => r.seed))].filter((s) => by.has(`${g}/${a}/${s}`) && by.has(`${g}/${b}/${s}`))
    const diffs = seeds.map((s) => by.get(`${g}/${a}/${s}`).test - by.get(`${g}/${b}/${s}`).test)
    const n = diffs.length
    const lower = n > 1 ? mean(diffs) - T95[n - 1] * (sd(diffs) / Math.sqrt(n)) : NaN
    return {group: g, n, a: seeds.map((s) => by.get(`${g}/${a}/${s}`)), b: seeds.map((s) => by.get(`${g}/${b}/${s}`)), mean: n ? mean(diffs) : NaN, lower}
  })
}
const cur = read('curriculum.jsonl')
if (cur.length > 0) {
  process.stdout.write('Masking curriculum: default (warm-up 1, ramp 2) minus none (0, 0), same epochs, deployment AUROC\n')
  for (const p of paired(cur, 'profile', 'default', 'none')) {
    const keptAfter = p.a.filter((r) => r.kept >= r.selectFrom).length
    process.stdout.write(
      `  ${p.group}: ${p.n} seeds, default ${f4(mean(p.a.map((r) => r.test)))}, none ${f4(mean(p.b.map((r) => r.test)))}; ` +
        `difference ${f4(p.mean)}, one-sided 95% lower bound ${f4(p.lower)} (goals: mean >= -0.01, bound >= -0.02); ` +
        `kept epoch at or after warm-up + ramp in ${keptAfter} of ${p.n} default runs (kept ${p.a.map((r) => r.kept).join(', ')})\n`,
    )
  }
}
const conv = read('convergence.jsonl')
if (conv.length > 0) {
  process.stdout.write('Convergence on real data: default schedule minus 4x epochs and patience, test AUROC (intermediate fusion)\n')
  for (const p of paired(conv, 'data', 'default', '4x')) {
    process.stdout.write(
      `  ${p.group}: ${p.n} seeds, default ${f4(mean(p.a.map((r) => r.test)))} (median ${median(p.a.map((r) => r.secs))} s of training, ${p.a.map((r) => r.ran).join('/')} epochs), ` +
        `4x ${f4(mean(p.b.map((r) => r.test)))} (median ${median(p.b.map((r) => r.secs))} s, ${p.b.map((r) => r.ran).join('/')} epochs); difference ${f4(p.mean)} (goal: within 0.01)\n`,
    )
  }
}
const hand = read('hand.jsonl')
const evaluated = join(ROOT, 'bench', 'realdata', 'results', `${HAND.set}.data.json`)
if (hand.length > 0 && existsSync(evaluated)) {
  const report = JSON.parse(readFileSync(evaluated, 'utf8'))
  process.stdout.write(`Trained by hand against \`evaluate --data\` (${HAND.set}, test AUROC as the data came, mean of seeds ${HAND.seeds.join(', ')})\n`)
  for (const strategy of HAND.strategies) {
    const rows = hand.filter((r) => r.arm === strategy)
    if (rows.length === 0) continue
    const candidate = report.strategies.find((c) => c.strategy === strategy && c.variant !== 'complete-case')
    const byHand = mean(rows.map((r) => r.test))
    const ev = candidate?.metrics.asCollected
    process.stdout.write(
      `  ${strategy}: by hand ${f4(byHand)} (${rows.length} seeds: ${rows.map((r) => r.test).join(', ')}); evaluate ${ev === undefined ? 'n/a' : f4(ev)} ` +
        `(${candidate ? candidate.seeds.asCollected.join(', ') : ''}); difference ${ev === undefined ? 'n/a' : f4(ev - byHand)} (goal: within 0.01)\n`,
    )
  }
}
const pat = [...read('patience.jsonl'), ...hand.map((r) => ({...r, strategy: r.arm, arm: 'p10'}))]
if (pat.length > 0) {
  process.stdout.write('Patience 10 (the default) against 20, test AUROC as the data came: mean and seed-to-seed standard deviation over seeds 7, 8, 9\n')
  for (const d of PATIENCE.sets)
    for (const strategy of HAND.strategies) {
      const arm = (p) => pat.filter((r) => r.data === d && r.strategy === strategy && r.arm === `p${p}`).sort((a, b) => a.seed - b.seed)
      const [a, b] = PATIENCE.patience.map(arm)
      if (a.length < 2 || b.length < 2) continue
      const show = (rows) => `${f4(mean(rows.map((r) => r.test)))} ± ${f4(sd(rows.map((r) => r.test)))} (${rows.map((r) => r.test).join(', ')}; kept ${rows.map((r) => r.kept).join('/')})`
      process.stdout.write(`  ${d} ${strategy}: patience 10 ${show(a)}; patience 20 ${show(b)}\n`)
    }
}
