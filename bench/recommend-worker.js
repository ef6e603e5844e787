// Worker for `bench/run.js`: decide() per profile, in process, over valid generated profiles.
// Prints one JSON line. Each profile is timed on its own; the first 20 calls warm the JIT and
// are not counted (a CLI run pays them once, the in-process figure is per profile after that).
import {performance} from 'node:perf_hooks'
import {generateProfile} from './profiles.js'

const {loadProfileText} = await import('../dist/src/profile/load.js')
const {loadRuleSet, profileChecker} = await import('../dist/src/engine/index.js')
const {decide} = await import('../dist/src/decision/decide.js')

const args = process.argv.slice(2)
const wanted = Number(args[args.indexOf('--files') + 1] || 1000)

const t0 = performance.now()
const ruleSet = loadRuleSet()
const ruleSetMs = performance.now() - t0

const profiles = []
const loadTimes = []
for (let i = 0; profiles.length < wanted && i < wanted * 3; i++) {
  const {text} = generateProfile(i)
  const start = performance.now()
  const loaded = loadProfileText(`bench-${i}.yaml`, text, profileChecker(ruleSet))
  loadTimes.push(performance.now() - start)
  if (loaded.profile && !loaded.findings.some((f) => f.severity === 'error')) profiles.push(loaded.profile)
}

const times = []
const strategies = {}
for (const [i, profile] of profiles.entries()) {
  const start = performance.now()
  const decision = decide(profile, {ruleSet})
  const ms = performance.now() - start
  if (i >= 20) times.push(ms)
  strategies[decision.strategy ?? 'none'] = (strategies[decision.strategy ?? 'none'] ?? 0) + 1
}

const q = (values, p) => {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]
}
process.stdout.write(
  `${JSON.stringify({profiles: profiles.length, median: q(times, 0.5), p90: q(times, 0.9), max: Math.max(...times), loadMedian: q(loadTimes, 0.5), loadP90: q(loadTimes, 0.9), ruleSetMs, strategies})}\n`,
)
