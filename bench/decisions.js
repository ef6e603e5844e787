#!/usr/bin/env node
// `npm run bench:decisions`: does the rule engine agree with its own evidence? For every scenario
// profile (bench/decisions/*.yaml: at least two per strategy's home regime) and every bundled
// example, run `evaluate` at its defaults (several training seeds) and the engine's `recommend`,
// then write the agreement table to docs/decisions.md.
//
//   node bench/decisions.js [--only NAME,...] [--rejudge] [--seeds N]
//
// The simulation never reads the rules, so its results are cached per profile and simulation code
// (.tmp/decisions/): after a rule change, `--rejudge` recomputes the table from the cache without
// training anything (every candidate is judged as if it were the recommendation when it runs).
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {basename, join, resolve} from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const dist = (p) => join(ROOT, 'dist', 'src', p)
const {loadProfile} = await import(dist('profile/load.js'))
const {decide} = await import(dist('decision/decide.js'))
const {runEvaluation, DEFAULTS} = await import(dist('evaluate/run.js'))
const {CANDIDATES, candidateForStrategy} = await import(dist('evaluate/candidates.js'))
const {noiseThreshold} = await import(dist('evaluate/verdict.js'))

const args = process.argv.slice(2)
const argValue = (name) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const only = argValue('--only')?.split(',')
const rejudge = args.includes('--rejudge')
const seeds = Number(argValue('--seeds') ?? DEFAULTS.seeds)
const CACHE = join(ROOT, '.tmp', 'decisions')
mkdirSync(CACHE, {recursive: true})

const scenarioDir = join(ROOT, 'bench', 'decisions')
const files = [
  ...readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(scenarioDir, f)),
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(ROOT, 'examples', f)),
]

/** Hash of everything the simulation's numbers depend on: the profile and the simulation and model code. */
function simulationKey(file) {
  const h = createHash('sha256')
  h.update(readFileSync(file))
  h.update(String(seeds))
  // The generator, the candidates, the training loop, the verdict (every candidate is judged when it
  // runs) and the model code; which strategy is recommended is recomputed from the cache.
  const code = [
    ...['world.js', 'candidates.js', 'simulate.js', 'metrics.js', 'run.js', 'verdict.js'].map((f) => join(ROOT, 'dist', 'src', 'evaluate', f)),
    ...['model', 'data'].flatMap((d) => {
      const dir = join(ROOT, 'dist', 'templates', 'project', 'src', d)
      return existsSync(dir)
        ? readdirSync(dir)
            .sort()
            .filter((f) => f.endsWith('.js'))
            .map((f) => join(dir, f))
        : []
    }),
  ]
  for (const f of code) if (existsSync(f)) h.update(readFileSync(f))
  return h.digest('hex').slice(0, 16)
}

/** The regime a scenario stands for, from its first comment: its label and the strategies at home there. */
function homeRegime(text) {
  const first = text.split('\n', 1)[0]
  const named = /^# Home regime of (early|intermediate|attention|late) fusion/.exec(first)
  if (named) return {label: `${named[1]} fusion`, home: [named[1]]}
  if (/^# Informative missingness/.test(first)) return {label: 'informative missingness', home: ['intermediate', 'attention', 'early']}
  return null
}

const rows = []
const started = Date.now()
for (const file of files) {
  const name = basename(file, '.yaml')
  if (only && !only.some((o) => name.includes(o))) continue
  const {profile} = loadProfile(file)
  const regime = homeRegime(readFileSync(file, 'utf8'))
  const decision = decide(profile)
  const cacheFile = join(CACHE, `${name}-${simulationKey(file)}.json`)
  let result
  if (existsSync(cacheFile)) {
    result = JSON.parse(readFileSync(cacheFile, 'utf8'))
  } else if (rejudge) {
    process.stderr.write(`${name}: no cached simulation for the current code; run without --rejudge\n`)
    continue
  } else {
    const t0 = Date.now()
    process.stderr.write(`${name}: evaluating (${seeds} seeds)...\n`)
    result = await runEvaluation(profile, {...DEFAULTS, seeds, candidates: CANDIDATES, decision, judgeAll: true, file: file.slice(ROOT.length + 1)})
    result.elapsedMs = Date.now() - t0
    writeFileSync(cacheFile, JSON.stringify(result))
  }
  const strategy = decision.strategy
  const judged = strategy ? result.alternatives?.[strategy] : undefined
  const scores = Object.fromEntries(result.strategies.map((s) => [s.id, s]))
  const ranked = [...result.strategies].filter((s) => !Number.isNaN(s.metrics.deployment) && s.metrics.deployment !== null)
  const higher = result.metric.higherIsBetter
  ranked.sort((a, b) => (higher ? b.metrics.deployment - a.metrics.deployment : a.metrics.deployment - b.metrics.deployment))
  rows.push({
    name,
    file: file.slice(ROOT.length + 1),
    recommended: strategy,
    confidence: decision.confidence?.level ?? null,
    best: ranked[0]?.id ?? null,
    agrees: judged?.agrees ?? false,
    kind: judged?.kind ?? 'not-evaluated',
    margin: judged?.margin ?? null,
    standardError: judged?.standardError ?? null,
    perSeed: judged?.perSeed ?? [],
    metric: result.metric.label,
    scores,
    elapsedMs: result.elapsedMs ?? null,
    trainingSamples: result.simulation.trainingSamples,
    regime,
  })
  const r = rows.at(-1)
  process.stderr.write(`${name}: recommended ${r.recommended}, best ${r.best}, ${r.kind} (${r.perSeed.filter(Boolean).length}/${r.perSeed.length} seeds agree)\n`)
}

const runs = rows.flatMap((r) => r.perSeed.map((a) => a === true))
const agreeing = runs.filter(Boolean).length
const fmt = (v) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(3))
const short = {'early/complete-case': 'naive', 'early/indicators': 'early', intermediate: 'intermediate', attention: 'attention', late: 'late'}
const lines = [
  '# Decisions against their evidence',
  '',
  'Written by `npm run bench:decisions` (bench/decisions.js); do not edit by hand. For every scenario profile in',
  "`bench/decisions/` (at least two in each strategy's home regime) and every bundled example, the rule engine's",
  'recommendation is compared with `fuseplan evaluate` at its defaults: the simulated deployment, every candidate',
  `trained with the same budget and learning-rate grid over ${seeds} training seeds.`,
  '',
  'A run (one profile, one seed) agrees when the recommended strategy is the best candidate at the deployment',
  'presence mix or within 2 paired bootstrap standard errors of it in that seed. The verdict over seeds is',
  `\`evaluate\`'s own rule: a paired t-test over the ${seeds} seeds at the 95% level (a gap of at most ${noiseThreshold(seeds).toFixed(2)} standard errors`,
  `over seeds, Student's t with ${seeds - 1} degrees of freedom).`,
  '',
  `**${agreeing} of ${runs.length} profile x seed runs agree (${runs.length > 0 ? Math.round((100 * agreeing) / runs.length) : 0}%).**`,
  '',
  '| profile | recommended | confidence | empirical best | verdict over seeds | seeds agreeing | ' + CANDIDATES.map((c) => short[c.id]).join(' | ') + ' |',
  '|---|---|---|---|---|---:|' + CANDIDATES.map(() => '---:').join('|') + '|',
  ...rows.map(
    (r) =>
      `| [${r.name}](../${r.file}) | ${r.recommended ?? 'none'} | ${r.confidence ?? ''} | ${short[r.best] ?? r.best} | ${r.kind} | ${r.perSeed.filter(Boolean).length}/${r.perSeed.length} | ` +
      CANDIDATES.map((c) => {
        const s = r.scores[c.id]
        if (!s) return ''
        const cell = `${fmt(s.metrics.deployment)} ± ${fmt(s.spread)}`
        return candidateForStrategy(r.recommended) === c.id ? `**${cell}**` : cell
      }).join(' | ') +
      ' |',
  ),
  '',
  "Cells: the deployment metric (AUROC, or the profile's metric), mean ± standard deviation over the seeds; the",
  'recommended candidate in bold. "naive" is early fusion trained on complete cases and zero-filled; "early" is early',
  'fusion as scaffold ships it (mean fill, presence indicators, masking).',
  '',
]
const disagreements = rows.filter((r) => r.kind === 'disagrees')
lines.push(
  '## What the evidence changed',
  '',
  '- `complete-data-allows-early-fusion` no longer stops at 10,000 labelled samples: above that every strategy',
  '  scored 0 and the tie-break chose late fusion, which was significantly worse than early fusion on',
  '  `early-credit-complete` (30,000 labels).',
  '- `informative-missingness-presence-bits` now favours intermediate fusion (+2) and counts against late fusion',
  '  (-2): on both informative scenarios intermediate fusion was the best, late fusion significantly worse on one',
  '  and behind on the other, early fusion with indicators significantly worse on both; before, the missingness',
  '  bonus made late fusion the recommendation on `informative-sepsis`.',
  '- Early fusion ships with mean fill beside its presence indicators (it used to zero-fill like the naive',
  '  baseline), and `evaluate` compares it with its masking plan, as `scaffold` ships it.',
  '- `early-fusion-needs-complete-data` keeps excluding early fusion below 95% availability, with an honest reason:',
  '  early fusion with indicators is a real contender under random missingness (best or within noise on most',
  '  profiles here), and significantly worse only where missingness is informative. The exclusion is a',
  '  conservative default; lower its threshold in `fuseplan.config.yaml` to let early fusion compete.',
  '- The verdict over seeds is a paired t-test. It used to call any gap above 2 standard errors significant, but',
  '  the error over 3 seeds is estimated from 3 differences (2 degrees of freedom), where 2 errors happen by chance',
  '  about one time in five; the 95% threshold is 4.30. The previous run of this table had two home-regime',
  '  scenarios "disagree" on gaps of 2.1 and 2.6 such errors (`attention-wearables-large`, early fusion ahead;',
  '  `intermediate-derm`, attention fusion ahead), while 2 and 3 of their 3 seeds agreed on their own.',
  '',
  '## Where the evidence still disagrees',
  '',
  ...(disagreements.length === 0
    ? ['Nowhere: every recommendation is the best candidate or within noise of it.']
    : disagreements.map(
        (r) =>
          `- \`${r.name}\`: ${r.recommended} fusion is ${fmt(r.margin)} ${r.metric} behind ${short[r.best] ?? r.best} (${fmt(r.margin / Math.max(r.standardError ?? 1, 1e-9))} standard errors over seeds, more than ${noiseThreshold(seeds).toFixed(2)}), ` +
          `while ${r.perSeed.filter(Boolean).length} of ${r.perSeed.length} seeds agree on their own.`,
      )),
  '',
  '## Home regimes',
  '',
  "Each scenario's first comment names the regime it stands for; the home strategy of informative missingness is a",
  'joint model that reads presence bits (intermediate or attention fusion, or early fusion with indicators).',
  '',
  '| regime | scenario | engine picks | home strategy picked | verdict over seeds | empirical best |',
  '|---|---|---|---|---|---|',
  ...rows
    .filter((r) => r.regime)
    .map((r) => `| ${r.regime.label} | \`${r.name}\` | ${r.recommended ?? 'none'} | ${r.regime.home.includes(r.recommended) ? 'yes' : '**no**'} | ${r.kind} | ${short[r.best] ?? r.best} |`),
  '',
  'Where each candidate is the empirical best (the highest mean over seeds):',
  '',
  ...CANDIDATES.map((c) => {
    const won = rows.filter((r) => r.best === c.id)
    return `- ${short[c.id]}: ${won.length === 0 ? 'nowhere' : won.map((r) => `\`${r.name}\``).join(', ')}`
  }),
  '',
)
if (!only && !rejudge) {
  lines.push(`Simulation: ${rows.map((r) => r.trainingSamples).join(', ')} training samples per profile in table order; total time ${Math.round((Date.now() - started) / 1000)} s on this machine.`, '')
}
if (!only) writeFileSync(join(ROOT, 'docs', 'decisions.md'), lines.join('\n'))
process.stdout.write(lines.join('\n') + '\n')
