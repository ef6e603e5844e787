// Worker for `bench/run.js`: fuseplan's lint pipeline in process over the corpus (discovery, rule set,
// parse, schema, rules, JSON report), timed in wall clock and in CPU time. CPU time is the figure
// that a busy machine distorts least. Prints one JSON line.
import {performance} from 'node:perf_hooks'

const dir = process.argv[2]
const {discoverFiles} = await import('../dist/src/lint/discover.js')
const {lintFiles} = await import('../dist/src/lint/lint.js')
const {loadRuleSet, checkProfile} = await import('../dist/src/engine/index.js')
const {getLintFormatter} = await import('../dist/src/formatters/lint/index.js')

const ruleSet = loadRuleSet({searchFrom: dir})
const run = () => {
  const {files} = discoverFiles([dir], process.cwd())
  const reports = lintFiles(files, {checkProfileFor: () => (profile) => checkProfile(ruleSet, profile)})
  const json = getLintFormatter('json')(reports, {cwd: process.cwd(), rules: [], toolVersion: 'bench', failSeverity: 'error', color: false})
  return {files: files.length, bytes: json.length}
}

const results = []
for (let i = 0; i < 3; i++) {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const r = run()
  const wall = performance.now() - t0
  const cpu = process.cpuUsage(cpu0)
  results.push({files: r.files, wallMs: wall, cpuMs: (cpu.user + cpu.system) / 1000})
}
const first = results[0]
const warm = results.slice(1).sort((a, b) => a.cpuMs - b.cpuMs)[0]
process.stdout.write(
  `${JSON.stringify({files: first.files, first, warm, perSecondWallFirst: (first.files / first.wallMs) * 1000, perSecondCpuFirst: (first.files / first.cpuMs) * 1000, perSecondCpuWarm: (warm.files / warm.cpuMs) * 1000})}\n`,
)
