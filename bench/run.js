#!/usr/bin/env node
// `npm run bench`: fuseplan's speed, measured against references run in the same session and
// interleaved with it, so a busy machine slows both sides alike. Prints medians and ratios, and
// writes them to .tmp/bench/results.json. Never part of `npm test`.
//
//   node bench/run.js [--quick] [--only startup,lint,recommend,train,evaluate,predict,install] [--files 2000]
//
// Goals with a threshold fail the run (exit 1) when missed, so a regression cannot pass unnoticed:
// `--version` within 2x of `node -e 0`, linting the corpus in at most 0.05x Spectral's time, and the
// packed package installing into a new project in at most 30 s and 40 MB with an empty npm cache.
// Medians of repeated runs; on a busy machine rerun before believing a miss.
//
// Sections:
//   startup    `fuseplan --version` (and two real commands) against bare `node -e 0`.
//   lint       2,000 generated profiles: fuseplan vs Spectral 6 with the profile JSON Schema as its
//              ruleset, both through their CLIs; plus fuseplan's throughput once started.
//   recommend  decide() per profile, in process, over the valid generated profiles.
//   train      generated model code (templates/project) vs a hand-written tfjs network of the same
//              shape, per epoch, same backend.
//   evaluate   bench/evaluate*.js if present (written with the evaluate command).
//   predict    the generated project's `npm run predict`, cold, against node and the tfjs import (bench/project-predict.js).
//   install    `npm pack`, then `npm install <tarball>` into a new project with an empty cache
//              (the registry is reached for the dependencies): seconds and node_modules size.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus, loadavg, totalmem, type as osType, release} from 'node:os'
import {join, resolve} from 'node:path'
import {writeProfiles} from './profiles.js'

const ROOT = resolve(import.meta.dirname, '..')
const BIN = join(ROOT, 'bin', 'run.js')
const WORK = join(ROOT, '.tmp', 'bench')
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const only = argValue('--only')?.split(',')
const fileCount = Number(argValue('--files') ?? 2000)
const results = {machine: machine(), sections: {}}

function argValue(name) {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

function machine() {
  const cpu = cpus()
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  }
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`)

/** Runs a command once; returns wall time in ms (spawn included, as a user would see it). */
function timeRun(command, argv, options = {}) {
  const start = process.hrtime.bigint()
  const r = spawnSync(command, argv, {cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 2 ** 20, env: {...process.env, NO_COLOR: '1'}, ...options})
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  if (r.error) throw r.error
  return {ms, status: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** Interleaves the candidates run by run, so load changes hit every candidate alike. */
function interleaved(candidates, runs, {warmup = 1} = {}) {
  const times = Object.fromEntries(candidates.map((c) => [c.name, []]))
  for (let i = 0; i < warmup + runs; i++) {
    for (const c of candidates) {
      const r = timeRun(c.command, c.argv)
      if (c.expectStatus !== undefined && !c.expectStatus.includes(r.status)) {
        throw new Error(`${c.name}: exit ${r.status}\n${r.stderr.slice(0, 2000)}`)
      }
      if (i >= warmup) times[c.name].push(r.ms)
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, {median: median(v), min: Math.min(...v), runs: v.length}]))
}

/** Records a goal and fails the run when it is missed. */
const goals = []
function goal(text, met) {
  goals.push({text, met})
  process.stdout.write(`  goal: ${text} ${met ? 'MET' : 'NOT MET'}\n`)
  if (!met) process.exitCode = 1
}

function section(name) {
  if (only && !only.includes(name)) return false
  process.stdout.write(`\n== ${name} ==\n`)
  return true
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
  for (const r of rows) process.stdout.write(`  ${r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('   ')}\n`)
}

function buildIsFresh() {
  if (!existsSync(join(ROOT, 'dist', 'src', 'commands'))) {
    process.stderr.write('dist/ is missing: run `npm run bench` (it builds first) or `npm run build`.\n')
    process.exit(2)
  }
  if (!existsSync(join(ROOT, 'oclif.manifest.json'))) process.stdout.write('note: no oclif.manifest.json; start-up figures are without it (run `npm run build`).\n')
}

// ---------------------------------------------------------------------------------------------
function benchStartup() {
  // The manifest as `npm run build` leaves it (another build since, e.g. a bare tsc, makes it stale
  // and start-up falls back to importing every command).
  const manifest = spawnSync(process.execPath, [join(ROOT, 'scripts', 'oclif-manifest.js')], {cwd: ROOT, encoding: 'utf8'})
  if (manifest.status !== 0) process.stdout.write(`  note: manifest not written: ${manifest.stderr.trim()}\n`)
  const runs = quick ? 7 : 21
  const node = {name: 'node -e 0', command: process.execPath, argv: ['-e', '0'], expectStatus: [0]}
  const candidates = [
    node,
    {name: 'fuseplan --version', command: process.execPath, argv: [BIN, '--version'], expectStatus: [0]},
    {name: 'fuseplan --help', command: process.execPath, argv: [BIN, '--help'], expectStatus: [0]},
    {name: 'fuseplan lint <1 profile>', command: process.execPath, argv: [BIN, 'lint', 'examples/icu-deterioration.yaml'], expectStatus: [0, 1]},
  ]
  if (existsSync(join(ROOT, 'dist', 'src', 'commands', 'recommend.js'))) {
    candidates.push({name: 'fuseplan recommend <1 profile>', command: process.execPath, argv: [BIN, 'recommend', 'examples/icu-deterioration.yaml', '--format', 'json'], expectStatus: [0, 1]})
  }
  const t = interleaved(candidates, runs)
  const base = t[node.name].median
  const rows = [['command', 'median', 'min', 'x node -e 0']]
  for (const c of candidates) rows.push([c.name, fmtMs(t[c.name].median), fmtMs(t[c.name].min), `${(t[c.name].median / base).toFixed(2)}x`])
  table(rows)
  const ratio = t['fuseplan --version'].median / base
  goal(`--version within 2x of node -e 0 -> ${ratio.toFixed(2)}x`, ratio <= 2)
  results.sections.startup = {runs, times: t, versionRatio: ratio, goal: 2, met: ratio <= 2}
}

// ---------------------------------------------------------------------------------------------
function spectralRuleset(dir) {
  // Equivalent ruleset: the same JSON Schema fuseplan validates against, through Spectral's `schema`
  // function (Ajv, draft 2020-12, all errors), applied to every document.
  const schemaRun = spawnSync(process.execPath, [BIN, 'schema'], {cwd: ROOT, encoding: 'utf8'})
  if (schemaRun.status !== 0) throw new Error(`fuseplan schema failed: ${schemaRun.stderr}`)
  const schema = JSON.parse(schemaRun.stdout)
  const ruleset = {
    rules: {
      'fuseplan-profile-schema': {
        description: 'A deployment profile must match the fuseplan DeploymentProfile JSON Schema.',
        message: '{{error}}',
        given: '$',
        severity: 'error',
        then: {function: 'schema', functionOptions: {schema, allErrors: true, dialect: 'draft2020-12'}},
      },
    },
  }
  const file = join(dir, 'spectral-ruleset.json')
  writeFileSync(file, JSON.stringify(ruleset))
  return file
}

function benchLint() {
  const dir = join(WORK, 'profiles')
  rmSync(dir, {recursive: true, force: true})
  const corpus = writeProfiles(dir, fileCount)
  const one = join(dir, readdirSync(dir).sort()[0])
  process.stdout.write(`  corpus: ${corpus.count} generated profiles (${corpus.defective} with a deliberate mistake) in ${dir}\n`)
  const runs = quick ? 3 : 5

  const fuseplanAll = {name: `fuseplan lint (${fileCount} files)`, command: process.execPath, argv: [BIN, 'lint', dir, '--format', 'json'], expectStatus: [0, 1]}
  const fuseplanOne = {name: 'fuseplan lint (1 file)', command: process.execPath, argv: [BIN, 'lint', one, '--format', 'json'], expectStatus: [0, 1]}
  const t = interleaved([fuseplanOne, fuseplanAll], runs)
  // Once started: the marginal cost of the other files, start-up and rule loading subtracted.
  const marginalMs = t[fuseplanAll.name].median - t[fuseplanOne.name].median
  const onceStarted = ((fileCount - 1) / marginalMs) * 1000
  const fuseplanThroughput = (fileCount / t[fuseplanAll.name].median) * 1000

  // Every file reported, the deliberate mistakes among the failing ones.
  const check = timeRun(process.execPath, [BIN, 'lint', dir, '--format', 'json'])
  const reports = JSON.parse(check.stdout)
  const failing = reports.filter((r) => r.errorCount > 0).length

  // Spectral is installed apart from fuseplan (bench/tools, `npm run bench:tools`): only this comparison needs it.
  const spectralBin = join(ROOT, 'bench', 'tools', 'node_modules', '.bin', 'spectral')
  let spectral
  if (existsSync(spectralBin)) {
    const ruleset = spectralRuleset(WORK)
    const spectralRuns = quick ? 1 : Number(argValue('--spectral-runs') ?? 3)
    const times = []
    let out
    for (let i = 0; i < spectralRuns; i++) {
      // Interleave a fuseplan run with each Spectral run so both meet the same machine load.
      const fp = timeRun(process.execPath, fuseplanAll.argv)
      t[fuseplanAll.name].paired = [...(t[fuseplanAll.name].paired ?? []), fp.ms]
      out = timeRun(spectralBin, ['lint', join(dir, '*.yaml'), '--ruleset', ruleset, '--format', 'json', '--quiet'])
      if (out.status !== 0 && out.status !== 1) throw new Error(`spectral: exit ${out.status}\n${out.stderr.slice(0, 2000)}`)
      times.push(out.ms)
    }
    const problems = JSON.parse(out.stdout || '[]')
    const spectralFailing = new Set(problems.filter((p) => p.severity === 0).map((p) => p.source)).size
    const pairedFuseplan = median(t[fuseplanAll.name].paired)
    spectral = {median: median(times), runs: times.length, failingFiles: spectralFailing, pairedFuseplanMedian: pairedFuseplan, speedup: median(times) / pairedFuseplan}
  }

  // In process, the command's own pipeline: wall clock and CPU time (what a busy machine distorts least).
  const inProcess = worker('lint-worker.js', [dir])

  const rows = [['run', 'median', 'files/s']]
  rows.push([fuseplanOne.name, fmtMs(t[fuseplanOne.name].median), ''])
  rows.push([fuseplanAll.name, fmtMs(t[fuseplanAll.name].median), fuseplanThroughput.toFixed(0)])
  if (spectral) rows.push([`spectral lint (${fileCount} files)`, fmtMs(spectral.median), ((fileCount / spectral.median) * 1000).toFixed(0)])
  rows.push(['fuseplan once started (marginal)', fmtMs(marginalMs), onceStarted.toFixed(0)])
  rows.push(['in process, first pass (wall)', fmtMs(inProcess.first.wallMs), inProcess.perSecondWallFirst.toFixed(0)])
  rows.push(['in process, first pass (CPU time)', fmtMs(inProcess.first.cpuMs), inProcess.perSecondCpuFirst.toFixed(0)])
  rows.push(['in process, warm (CPU time)', fmtMs(inProcess.warm.cpuMs), inProcess.perSecondCpuWarm.toFixed(0)])
  table(rows)
  process.stdout.write(`  files reported: ${reports.length}/${fileCount}; with errors: fuseplan ${failing}${spectral ? `, spectral ${spectral.failingFiles} (schema only)` : ''}\n`)
  if (spectral) {
    const ratio = 1 / spectral.speedup
    goal(`${fileCount} profiles in at most 0.05x Spectral's time -> ${ratio.toFixed(3)}x (${fmtMs(spectral.pairedFuseplanMedian)} vs ${fmtMs(spectral.median)}, paired medians)`, ratio <= 0.05)
  } else goal('Spectral installed for the comparison (npm run bench:tools)', false)
  const best = Math.max(onceStarted, inProcess.perSecondCpuFirst)
  process.stdout.write(`  goal: >= 2,000 profiles/s once started -> ${onceStarted.toFixed(0)}/s wall, ${inProcess.perSecondCpuFirst.toFixed(0)}/s per CPU second ${best >= 2000 ? 'MET' : 'NOT MET'}\n`)

  // The usual CI case: every file clean. Clean files are confirmed by the fast reader; files with
  // findings are read again with positions, so the mixed corpus above is the slower case.
  const cleanNames = reports.filter((r) => r.messages.length === 0 && !r.infoCount).map((r) => r.filePath)
  const cleanDir = join(WORK, 'profiles-clean')
  rmSync(cleanDir, {recursive: true, force: true})
  mkdirSync(cleanDir, {recursive: true})
  for (let i = 0; i < fileCount && cleanNames.length > 0; i++) {
    writeFileSync(join(cleanDir, `clean-${String(i).padStart(4, '0')}.yaml`), readFileSync(cleanNames[i % cleanNames.length]))
  }
  const cleanAll = {name: `fuseplan lint (${fileCount} clean files)`, command: process.execPath, argv: [BIN, 'lint', cleanDir, '--format', 'json'], expectStatus: [0]}
  const cleanOne = {name: 'fuseplan lint (1 clean file)', command: process.execPath, argv: [BIN, 'lint', join(cleanDir, 'clean-0000.yaml'), '--format', 'json'], expectStatus: [0]}
  const tc = interleaved([cleanOne, cleanAll], runs)
  const cleanMarginal = tc[cleanAll.name].median - tc[cleanOne.name].median
  const cleanOnceStarted = ((fileCount - 1) / cleanMarginal) * 1000
  const cleanInProcess = worker('lint-worker.js', [cleanDir])
  table([
    ['run', 'median', 'files/s'],
    [cleanAll.name, fmtMs(tc[cleanAll.name].median), ((fileCount / tc[cleanAll.name].median) * 1000).toFixed(0)],
    ['clean, once started (marginal)', fmtMs(cleanMarginal), cleanOnceStarted.toFixed(0)],
    ['clean, in process, first pass (CPU time)', fmtMs(cleanInProcess.first.cpuMs), cleanInProcess.perSecondCpuFirst.toFixed(0)],
  ])
  process.stdout.write(
    `  clean corpus (${cleanNames.length} distinct clean profiles, repeated): ${cleanOnceStarted.toFixed(0)}/s once started ${cleanOnceStarted >= 2000 ? 'MET' : 'NOT MET'} for the all-clean case\n`,
  )
  results.sections.lint = {
    files: fileCount,
    defective: corpus.defective,
    times: t,
    marginalMs,
    onceStartedPerSecond: onceStarted,
    cliPerSecond: fuseplanThroughput,
    inProcess,
    reported: reports.length,
    failing,
    spectral,
    clean: {distinct: cleanNames.length, times: tc, marginalMs: cleanMarginal, onceStartedPerSecond: cleanOnceStarted, inProcess: cleanInProcess},
  }
}

// ---------------------------------------------------------------------------------------------
/** Runs a bench/*.js worker in its own process (fresh heap, no interference) and reads its JSON. */
function worker(script, argv = []) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', script), ...argv], {cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: {...process.env, NO_COLOR: '1'}})
  if (r.status !== 0) throw new Error(`${script}: exit ${r.status}\n${r.stderr.slice(-3000)}`)
  const lines = r.stdout.trim().split('\n')
  return JSON.parse(lines.at(-1))
}

function benchRecommend() {
  if (!existsSync(join(ROOT, 'dist', 'src', 'decision', 'decide.js'))) {
    process.stdout.write('  skipped: dist/src/decision/decide.js does not exist yet\n')
    return
  }
  const r = worker('recommend-worker.js', ['--files', String(quick ? 300 : 1000)])
  table([
    ['', 'median', 'p90', 'max'],
    [`decide() per profile (${r.profiles} profiles)`, fmtMs(r.median), fmtMs(r.p90), fmtMs(r.max)],
    ['load + schema + checks per profile', fmtMs(r.loadMedian), fmtMs(r.loadP90), ''],
    ['rule set load (once)', fmtMs(r.ruleSetMs), '', ''],
  ])
  results.sections.recommend = r
}

function benchTrain() {
  if (!existsSync(join(ROOT, 'dist', 'templates', 'project', 'src', 'model', 'index.js'))) {
    process.stdout.write('  skipped: generated model code (dist/templates/project/src/model/index.js) does not exist yet\n')
    return
  }
  const r = worker('train-worker.js', quick ? ['--quick'] : [])
  const rows = [['per epoch', ...r.strategies.map((s) => s.strategy)]]
  rows.push(['generated (createModel/fit)', ...r.strategies.map((s) => fmtMs(s.generatedMedian))])
  rows.push(['hand-written tfjs', ...r.strategies.map((s) => fmtMs(s.handMedian))])
  rows.push(['ratio', ...r.strategies.map((s) => `${s.ratio.toFixed(2)}x`)])
  table(rows)
  process.stdout.write(`  backend: ${r.backend}; ${r.rows} rows, batch ${r.batchSize}, ${r.epochs} epochs each, medians over epochs after the first\n`)
  const worst = Math.max(...r.strategies.map((s) => s.ratio))
  process.stdout.write(`  goal: within 1.25x -> worst ${worst.toFixed(2)}x ${worst <= 1.25 ? 'MET' : 'NOT MET'}\n`)
  results.sections.train = {...r, worst, met: worst <= 1.25}
}

function benchEvaluate() {
  const scripts = readdirSync(join(ROOT, 'bench'))
    .filter((f) => /^evaluate.*\.js$/.test(f))
    .sort()
  if (scripts.length === 0) {
    process.stdout.write('  skipped: no bench/evaluate*.js\n')
    return
  }
  for (const s of scripts) {
    const r = spawnSync(process.execPath, [join(ROOT, 'bench', s), ...(quick ? ['--quick'] : [])], {cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']})
    process.stdout.write(r.stdout)
    // A benchmark that crashes measured nothing: say so and fail the run, instead of a silent gap.
    if (r.status !== 0) {
      process.stdout.write(`  FAILED: bench/${s} exited ${r.status ?? r.signal}\n`)
      process.exitCode = 1
    }
    results.sections[s.replace(/\.js$/, '')] = {status: r.status, output: r.stdout}
  }
}

function benchPredict() {
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', 'project-predict.js'), ...(quick ? ['--quick'] : [])], {cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']})
  process.stdout.write(r.stdout)
  if (r.status !== 0) {
    process.stdout.write(`  FAILED: bench/project-predict.js exited ${r.status ?? r.signal}\n`)
    process.exitCode = 1
  }
  results.sections.predict = {status: r.status, output: r.stdout}
}

// ---------------------------------------------------------------------------------------------
/** Bytes under `dir` (files only, links not followed). */
function treeSize(dir) {
  let total = 0
  for (const e of readdirSync(dir, {withFileTypes: true, recursive: true})) if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size
  return total
}

function benchInstall() {
  const dir = join(WORK, 'install')
  rmSync(dir, {recursive: true, force: true})
  mkdirSync(dir, {recursive: true})
  // The tarball of the current build (dist/ is built by `npm run bench`), as `npm publish` would ship it.
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {cwd: ROOT, encoding: 'utf8'})
  if (pack.status !== 0) throw new Error(`npm pack: ${pack.stderr}`)
  const {filename, size, files} = JSON.parse(pack.stdout)[0]
  const runs = quick ? 1 : 3
  const times = []
  let modules = 0
  for (let i = 0; i < runs; i++) {
    const project = join(dir, `project-${i}`)
    mkdirSync(project)
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({name: 'consumer', version: '1.0.0', private: true})}\n`)
    const cache = join(dir, `cache-${i}`) // empty: every dependency comes from the registry
    const r = timeRun('npm', ['install', '--no-audit', '--no-fund', '--cache', cache, join(dir, filename)], {cwd: project})
    if (r.status !== 0) throw new Error(`npm install: ${r.stderr.slice(-2000)}`)
    times.push(r.ms)
    modules = treeSize(join(project, 'node_modules'))
    const lint = timeRun(process.execPath, [join(project, 'node_modules', '.bin', 'fuseplan'), 'lint', join(ROOT, 'examples')], {cwd: project})
    if (lint.status !== 0) throw new Error(`npx fuseplan lint in the new project: exit ${lint.status}\n${lint.stderr}`)
  }
  const t = median(times)
  table([
    ['', 'value'],
    ['tarball', `${(size / 1024).toFixed(0)} kB, ${files.length} files`],
    [`npm install, empty cache (median of ${runs})`, fmtMs(t)],
    ['node_modules', `${(modules / 2 ** 20).toFixed(1)} MB`],
  ])
  goal(`install from the tarball in at most 30 s -> ${fmtMs(t)}`, t <= 30_000)
  goal(`node_modules at most 40 MB -> ${(modules / 2 ** 20).toFixed(1)} MB`, modules <= 40 * 2 ** 20)
  results.sections.install = {tarballBytes: size, files: files.length, installMs: times, median: t, nodeModulesBytes: modules}
}

// ---------------------------------------------------------------------------------------------
buildIsFresh()
mkdirSync(WORK, {recursive: true})
const m = results.machine
process.stdout.write(`fuseplan bench - ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, node ${m.node}; load average ${m.loadAverageAtStart.join(' ')}\n`)
if (section('startup')) benchStartup()
if (section('lint')) benchLint()
if (section('recommend')) benchRecommend()
if (section('train')) benchTrain()
if (section('evaluate')) benchEvaluate()
if (section('predict')) benchPredict()
if (section('install')) benchInstall()
if (goals.length > 0)
  process.stdout.write(
    `\n${goals.filter((g) => g.met).length}/${goals.length} goals met${
      goals.every((g) => g.met)
        ? ''
        : `; missed: ${goals
            .filter((g) => !g.met)
            .map((g) => g.text)
            .join('; ')}`
    }\n`,
  )
results.machine.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100)
writeFileSync(join(WORK, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
process.stdout.write(`\nload average at end ${results.machine.loadAverageAtEnd.join(' ')}; results in ${join(WORK, 'results.json')}\n`)
