// Writes docs/decisions.md from the committed records of all three sets (bench/evidence/records.js)
// and the real-data section from bench/realdata/results/, with the engine from dist/. Every sentence
// with a number in it is computed here from the records; nothing is written by hand.
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {CONDITIONS, DISTRIBUTION, distributionHash} from './grid.js'
import {ALL, SHIPPED, SHORT, bestOf, bootstrap, gapUpperBound, callRight, judgeProfile, power, regimeTable, regretTable, scoresOf, standing} from './analyse.js'
import {readResults, realdataSection} from '../realdata/section.js'
import {engineOf, loadSet, medianSpread, readAt, readSet, scoredProtocol, scoresShippedRules, seedsForPower, shippedPairs, testSamplesOf} from './records.js'
import {rulesHash} from './rules-hash.js'
import {seedPlan, spentGridRecords} from './plan.js'

const fmt = (v, d = 3) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(d))

const signed = (v, d = 3) => (v === null || Number.isNaN(v) ? 'n/a' : `${v > 0 ? '+' : v < 0 ? '-' : ''}${Math.abs(v).toFixed(d)}`)

const pct = (v) => `${Math.round(100 * v)}%`

function policyRows(table) {
  return [
    '| policy | mean regret (AUROC) | 95% interval | rules minus policy | 95% interval | choice better or equivalent |',
    '|---|---:|---|---:|---|---:|',
    ...table.map(
      (r) =>
        `| ${r.name} | ${fmt(r.meanRegret, 4)} | ${fmt(r.interval[0], 4)} to ${fmt(r.interval[1], 4)} | ${r.rulesMinus ? signed(r.rulesMinus.mean, 4) : ''} | ${r.rulesMinus ? `${signed(r.rulesMinus.interval[0], 4)} to ${signed(r.rulesMinus.interval[1], 4)}` : ''} | ${pct(r.goodShare)} |`,
    ),
  ]
}

/** docs/decisions.md from the records of the three sets. */
export async function decisionsDoc(root) {
  const engine = await engineOf(root)
  const {protocol, running, test: scoredTest} = await scoredProtocol(root, JSON.parse(readFileSync(join(root, 'bench', 'evidence', 'protocol.json'), 'utf8')), engine)
  // Every set of the protocol, read once (a conditioned tuning set only gets its own section); the
  // test grid as scoredProtocol read it.
  const sets = Object.fromEntries(await Promise.all(Object.keys(protocol.sets).map(async (s) => [s, s === 'test' && scoredTest ? scoredTest : await loadSet(root, s, protocol, engine)])))
  // The same sets as the rules were fitted to them, for the in-sample sections their rationales cite:
  // only a set grown since the fit is read again.
  const fittedSets = Object.fromEntries(Object.entries(sets).map(([s, records]) => [s, protocol.sets[s].fittedSeeds ? readAt(root, s, protocol, protocol.sets[s].fittedSeeds) : records]))
  const judged = Object.fromEntries(['tuning', 'calibration', 'test'].map((s) => [s, sets[s].map((r) => judgeProfile(r, engine))]))
  const test = judged.test
  const margin = sets.test[0]?.margin ?? sets.tuning[0]?.margin ?? 0.01
  const c = {root, protocol, running, engine, sets, test, margin}
  const lines = []
  const push = (...xs) => lines.push(...xs)
  push(...protocolSection(c))
  if (test.length > 0) {
    push(...policySection(c), ...confidenceSection(c), ...smallDataSection(c), ...powerSection(c))
    push(...profileTable('Test profiles', test, engine), '')
  } else {
    push('## Test grid', '', 'Not run yet for these rules.', '')
  }
  if (judged.tuning.length > 0) {
    push(
      '## The tuning set (in-sample: the rules were fitted to it)',
      '',
      'Shown for what the rules were fitted to; these figures say nothing about how well the rules generalise.',
      '',
      ...policyRows(regretTable(judged.tuning)),
      '',
      ...profileTable('Tuning profiles', judged.tuning, engine),
      '',
    )
  }
  for (const [set, p] of Object.entries(protocol.sets).filter(([, p]) => p.where)) push(...conditionedSection(set, p, sets[set], engine), '')
  push(...completeByInteractionsSection(fittedSets, protocol, margin, engine), '')
  push(...informativeAbsenceSection(fittedSets, engine), '')
  // The real-data section: `npm run bench:realdata`'s committed results (or which sets are not run yet).
  push(realdataSection(readResults(join(root, 'bench', 'realdata', 'results'))))
  return lines.join('\n')
}

/** The doc's head and its protocol: the distribution, the sets, the test grid scored and the one still running, the seed plans. */
function protocolSection({root, protocol, running, engine, sets, margin}) {
  const lines = []
  const push = (...xs) => lines.push(...xs)
  push(
    '# Decisions against their evidence',
    '',
    'Written by `npm run bench:decisions` (bench/decisions.js, bench/evidence/) from the committed records in',
    '`bench/evidence/results/`; do not edit by hand. `test/decision/evidence-doc.test.ts` recomputes it from the records.',
    '',
    '## Protocol',
    '',
    'Profiles are not picked by hand: each set is a seeded random draw from one distribution (`bench/evidence/grid.js`,',
    `version ${DISTRIBUTION.version}, hash ${distributionHash()}):`,
    '',
    ...Object.entries(DISTRIBUTION)
      .filter(([k]) => k !== 'version')
      .map(
        ([k, v]) =>
          `- ${k}: ${
            typeof v === 'string'
              ? v
              : Array.isArray(v)
                ? v.map(([a, w]) => `${a} (weight ${w})`).join(', ')
                : Object.entries(v)
                    .map(([a, b]) => `${a} ${typeof b === 'string' ? b : b.map(([x, w]) => `${x} ${w}`).join(', ')}`)
                    .join('; ')
          }`,
      ),
    '',
    '| set | grid seed | profiles | training seeds | test samples per seed | role |',
    '|---|---:|---:|---:|---:|---|',
    ...Object.entries(protocol.sets).map(([s, p]) => {
      const role =
        {
          tuning: 'the rules may be fitted to it',
          calibration: 'the confidence table (`evidence/confidence.json`) is computed from it',
          test: 'scores the rules and the confidence; never used to fit either',
        }[s] ?? `the rules may be fitted to it; the first ${p.count} draws of its seed with ${CONDITIONS[p.where]?.words ?? 'no condition'}`
      return `| ${s} | ${p.seed} | ${sets[s].length} of ${p.count} | ${p.topUp ? `${p.seeds}, then up to ${p.topUp.maxSeeds} by spread` : p.seeds} | ${testSamplesOf(p).toLocaleString('en-US')} | ${role} |`
    }),
    '',
    "A record counts for its set only when it was run at the set's settings (its test samples per seed, at least its training seeds, read at the first of them), " +
      'so the profiles column says how many are done at these settings. Records grow by seeds: more seeds for a set train only the new ones.' +
      (Object.values(protocol.sets).some((p) => p.topUp)
        ? ' A set with a second stage ("then up to N by spread") counts a record once it holds the seeds its own spread over the planned ones asks for.'
        : ''),
    ...Object.entries(protocol.sets)
      .filter(([, p]) => p.grown)
      .flatMap(([s, p]) => ['', `The ${s} set grew on ${p.grown.committed}: ${p.grown.basis}.${p.grown.after ? ` It grew after ${p.grown.after}.` : ''}`]),
    '',
    protocol.test.rulesHash
      ? `Test grid ${protocol.sets.test.seed} was committed for the rules with hash \`${protocol.test.rulesHash}\` (${protocol.test.committed}) before it was run; ` +
          `test grids used so far: ${(protocol.test.gridsUsed ?? []).length} (${(protocol.test.gridsUsed ?? []).map((g) => `seed ${g.seed} for rules ${g.rulesHash}`).join('; ')}).` +
          (scoresShippedRules(root, protocol)
            ? ''
            : ` **The rules have changed since** (hash now \`${rulesHash(root)}\`): the test figures below score the rules \`${protocol.test.rulesHash}\`, not the shipped ones, ` +
              'and the confidence table carries no held-out regime calls until a fresh test grid (`node bench/decisions.js new-test-grid`) has been run for them.')
      : 'No test grid has been committed yet: the rules and the confidence table are not final, so nothing has been scored on held-out profiles.',
    '',
    ...planLines(root, protocol, margin, engine, `grid ${protocol.sets.test.seed}`),
    ...(running ? runningLines(root, protocol, running, margin, engine) : []),
    'Every profile runs through `fuseplan evaluate` as it ships: the simulated deployment (up to 4,000 training samples;',
    'larger labelled counts are simulated at 4,000, an extrapolation), every candidate trained with the generated',
    "project's schedule and model selection over the set's training seeds, scored at the deployment presence mix",
    `(AUROC). Regret is the best candidate's mean (of all five, the naive baseline included) minus the chosen one's. The equivalence margin is ${fmt(margin)}.`,
    '',
  )
  return lines
}

/** The rules' regret beside constant, random and oracle policies on the test grid and, unless the rules are ahead of every constant, regime by regime. */
function policySection({root, protocol, engine, test, margin}) {
  const lines = []
  const push = (...xs) => lines.push(...xs)
  const table = regretTable(test)
  const constants = table.filter((r) => r.name.startsWith('always '))
  const ahead = constants.every((c) => c.rulesMinus.interval[1] < 0)
  push(
    '## The rules against the obvious policies, on the test grid',
    '',
    (test.length < protocol.sets.test.count
      ? `**The grid is partly run: ${test.length} of its ${protocol.sets.test.count} test profiles so far**` +
        (protocol.sets.test.topUp
          ? `, the ones that hold the seeds their spread asks for (${readSet(root, 'test', protocol).length} have their planned ${protocol.sets.test.seeds}): the noisier profiles, which need more seeds, come last, so these figures lean to the quieter ones. `
          : '. ')
      : `${test.length} test profiles. `) +
      'Intervals are 95% bootstrap intervals over profiles (2,000 resamples), paired across policies. ' +
      '"random" picks one of the four shipped strategies uniformly (in expectation); "oracle" picks the best shipped strategy of each profile. ' +
      "The last column counts profiles where the choice was better than every other candidate or equivalent to the best (evaluate's words over the seeds).",
    '',
    ...policyRows(table),
    '',
    ahead
      ? `**The rules are ahead of every constant policy**: the interval of (rules minus constant) regret excludes 0 for each of them.`
      : `**The rules are not ahead of every constant policy**: the interval of (rules minus constant) regret includes or exceeds 0 for ${constants
          .filter((c) => !(c.rulesMinus.interval[1] < 0))
          .map((c) => c.name)
          .join(', ')}. Regime by regime:`,
    '',
  )
  if (!ahead) {
    const regimes = regimeTable(test, engine.regimeKey, margin, engine.studentTQuantile)
    push(
      "| regime (size/missingness/interactions) | test profiles | best constant there | its regret | rules' regret | 90% interval of rules minus constant | call |",
      '|---|---:|---|---:|---:|---|---|',
      ...regimes.map((r) => `| ${r.regime} | ${r.n} | ${r.bestConstant} | ${fmt(r.constant, 4)} | ${fmt(r.rules, 4)} | ${signed(r.interval[0], 4)} to ${signed(r.interval[1], 4)} | ${r.call} |`),
      '',
      `A regime is a **tie** when the 90% interval (Student's t over the regime's profiles, n - 1 degrees of freedom) lies within +-${fmt(margin)}: there the rules' choice is as good as the best constant within the margin; **undecided** otherwise (too few profiles or too much spread to say). Every ADR states its regime's call from this table (\`evidence/confidence.json\`, \`heldOut\`) beside its confidence. It names the engineering grounds of a choice only where its confidence, from the calibration set, is "equivalent"; otherwise it says "inconclusive".`,
      '',
    )
  }
  return lines
}

/** How the calibration set's confidence calls fared on the test grid. */
function confidenceSection({engine, test, margin}) {
  const lines = []
  const push = (...xs) => lines.push(...xs)
  const calls = test.map((j) => ({j, level: j.decision.confidence?.level ?? null}))
  const high = calls.filter((c) => c.level === 'high')
  const right = high.filter((c) => callRight(c.j, engine))
  const cp = engine.clopperPearson(right.length, high.length)
  // An "equivalent" call says the choice costs less than the margin: the same test as a right "high".
  const equivalent = calls.filter((c) => c.level === 'equivalent')
  const equivalentWrong = equivalent.filter((c) => !callRight(c.j, engine))
  const equivalentRight = equivalent.length - equivalentWrong.length
  const cpEquivalent = engine.clopperPearson(equivalentRight, equivalent.length)
  const winners = test.filter((j) => j.winner !== null)
  const highOnWinners = winners.filter((j) => j.decision.confidence?.level === 'high')
  push(
    '## Confidence on the test grid',
    '',
    "Each test profile's confidence comes from the calibration set only (`evidence/confidence.json`), never from its own result. " +
      'A "high" or "equivalent" call is right when the 95% upper bound of (best minus recommended) over the seeds is below the margin: the choice costs less than the margin.',
    '',
    `- Calls: high ${high.length}, equivalent ${equivalent.length}, inconclusive ${calls.filter((c) => c.level === 'inconclusive').length}, none (no strategy) ${calls.filter((c) => c.level === null).length}.`,
    `- High calls right: ${right.length} of ${high.length}` + (high.length > 0 ? ` (95% Clopper-Pearson interval ${fmt(cp.lower)} to ${fmt(cp.upper)}).` : '.'),
    `- Equivalent calls right: ${equivalentRight} of ${equivalent.length}` +
      (equivalent.length > 0 ? ` (95% Clopper-Pearson interval ${fmt(cpEquivalent.lower)} to ${fmt(cpEquivalent.upper)})` : '') +
      (equivalentWrong.length > 0 ? `; not right: ${equivalentWrong.map((c) => `\`${c.j.record.name}\``).join(', ')}.` : '.'),
    `- Profiles with a winner beyond the margin (the best candidate significantly ahead of the runner-up, by more than ${fmt(margin)}): ${winners.length}` +
      (winners.length > 0 ? `; "high" on ${highOnWinners.length} of them (${winners.map((j) => `\`${j.record.name}\`: ${SHORT[j.winner]}`).join(', ')}).` : '.') +
      ` The test grid is meant to hold at least ${WINNER_GOAL}, so that "high" is scored where the choice matters: ` +
      (winners.length >= WINNER_GOAL
        ? 'it does.'
        : `it holds ${winners.length}` +
          (winners.length > 0
            ? `; at its rate a grid would need about ${Math.ceil((WINNER_GOAL * test.length) / winners.length)} profiles to hold ${WINNER_GOAL} on average.`
            : `, so its rate gives no grid size that would.`)),
    confidenceProjection(test, margin, engine),
    '',
  )
  return lines
}

/** Profiles with a winner beyond the margin a test grid should hold for its "high" calls to be scored where the choice matters. */
const WINNER_GOAL = 8

/** Small-data test profiles: the gap between the best shipped strategy and the recommendation. */
function smallDataSection({engine, test, margin}) {
  const lines = []
  const push = (...xs) => lines.push(...xs)
  const small = test.filter((j) => j.record.profile.task.labelledSamples <= 2000 && j.record.profile.task.labelledSamples >= 300)
  if (small.length > 0) {
    const rows = small.map((j) => {
      const rec = j.policies.rules.choice
      // The oracle's choice: the best shipped strategy (naive excluded).
      const bestShipped = j.policies.oracle.choice
      if (rec === null || rec === bestShipped) return {j, rec, bestShipped, gap: 0, upper: 0}
      return {j, rec, bestShipped, ...gapUpperBound(j.record, bestShipped, rec, engine)}
    })
    // The same gap pooled over the profiles: what a team in this regime gives up on average.
    const meanGap = (xs) => xs.reduce((a, r) => a + r.gap, 0) / xs.length
    const pooledMean = meanGap(rows)
    const [, pooledUpper] = bootstrap(rows, meanGap, {level: 0.9})
    push(
      '## Small data (300-2,000 labelled samples)',
      '',
      `${small.length} test profiles. The 95% upper bound (over the seeds) of the gap between the best shipped strategy and the recommendation; the goal is below ${fmt(2 * margin)} (twice the margin).`,
      '',
      '| profile | labels | recommended | best shipped | upper bound of the gap | below 2x margin |',
      '|---|---:|---|---|---:|---|',
      ...rows.map(
        (r) =>
          `| ${r.j.record.name} | ${r.j.record.profile.task.labelledSamples} | ${r.rec ? SHORT[r.rec] : 'none'} | ${SHORT[r.bestShipped]} | ${fmt(r.upper)} | ${r.upper < 2 * margin ? 'yes' : '**no**'} |`,
      ),
      '',
      `${rows.filter((r) => r.upper < 2 * margin).length} of ${rows.length} below twice the margin.`,
      '',
      `Pooled over these ${rows.length} profiles, the mean gap is ${fmt(pooledMean, 4)}, with a one-sided 95% upper bound of ${fmt(pooledUpper, 4)} (bootstrap over profiles, 2,000 resamples); ` +
        'the goal above is read profile by profile, the stricter reading.',
      '',
    )
  }
  return lines
}

/** The verdict's power at each test profile's seeds and spread, and what a powered grid would take. */
function powerSection({protocol, engine, sets, margin}) {
  const lines = []
  const push = (...xs) => lines.push(...xs)
  // Power, each profile at the seeds it was read at (with a second stage they differ).
  const planned = protocol.sets.test.seeds
  const topUp = protocol.sets.test.topUp
  const seedCounts = sets.test.map((r) => r.seeds.length)
  const seedsWords = Math.min(...seedCounts) === Math.max(...seedCounts) ? `${seedCounts[0]} seeds` : `each profile's own seeds (${Math.min(...seedCounts)} to ${Math.max(...seedCounts)})`
  // Enough runs that Monte Carlo error is small beside the goals: at a rate of 0.05 its standard
  // error is 0.0015. A rate whose goal is "at most 0.05" is exactly the test's level at the boundary
  // (under the normal model), so its estimate lands on either side of 0.05 by chance; it counts as
  // meeting the goal unless it exceeds 0.05 by more than two standard errors.
  const draws = 20000
  const mcSe = Math.sqrt((0.05 * 0.95) / draws)
  const atMost = (rate) => rate <= 0.05 + 2 * mcSe
  const pw = sets.test.map((record) => {
    const sd = medianSpread(record, engine)
    return {record, sd, ...power(sd, record.seeds.length, record.margin, engine, {draws})}
  })
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const needed = (sd, m) => seedsForPower(sd, m, engine)
  const needAtMedian = needed(med(pw.map((p) => p.sd)), margin)
  // Training time of one seed of every test profile, from the records (scaled to the whole grid while it is partly run).
  const gridSecondsPerSeed = (sets.test.reduce((x, r) => x + r.elapsedMs / 1000 / r.seeds.length, 0) * protocol.sets.test.count) / sets.test.length
  push(
    "## Power of the verdict at the bench's settings",
    '',
    `For each test profile, the median over pairs of shipped candidates of the per-seed standard deviation of their paired gap (never below one test set's bootstrap error), ` +
      `then ${draws.toLocaleString('en-US')} simulated runs of ${seedsWords} with gains drawn normal at that spread, judged by evaluate's rule: P(worse | true gap = margin) at the first Holm step of 4 comparisons ` +
      '(the strictest level a single true difference meets), P(worse | gap = 0) and P(equivalent | gap = margin) unadjusted (their most permissive). Goals: at least 0.8, at most 0.05, at most 0.05. ' +
      `The last two are at most the test's level (0.05) by construction under the normal model, so at a large spread they sit at 0.05 and the simulation's estimate falls on either side of it: ` +
      `with a Monte Carlo standard error of ${fmt(mcSe, 4)} at 0.05, a rate meets its goal unless it exceeds 0.05 by more than two standard errors (above ${fmt(0.05 + 2 * mcSe, 4)}).`,
    '',
    '| | min | median | max | profiles meeting the goal |',
    '|---|---:|---:|---:|---:|',
    `| seed spread of a paired gap | ${fmt(Math.min(...pw.map((p) => p.sd)), 4)} | ${fmt(med(pw.map((p) => p.sd)), 4)} | ${fmt(Math.max(...pw.map((p) => p.sd)), 4)} | |`,
    `| P(worse \\| gap = margin) | ${fmt(Math.min(...pw.map((p) => p.worseAtMargin)), 2)} | ${fmt(med(pw.map((p) => p.worseAtMargin)), 2)} | ${fmt(Math.max(...pw.map((p) => p.worseAtMargin)), 2)} | ${pw.filter((p) => p.worseAtMargin >= 0.8).length} of ${pw.length} |`,
    `| P(worse \\| gap = 0) | ${fmt(Math.min(...pw.map((p) => p.worseAtZero)), 3)} | ${fmt(med(pw.map((p) => p.worseAtZero)), 3)} | ${fmt(Math.max(...pw.map((p) => p.worseAtZero)), 3)} | ${pw.filter((p) => atMost(p.worseAtZero)).length} of ${pw.length} |`,
    `| P(equivalent \\| gap = margin) | ${fmt(Math.min(...pw.map((p) => p.equivalentAtMargin)), 3)} | ${fmt(med(pw.map((p) => p.equivalentAtMargin)), 3)} | ${fmt(Math.max(...pw.map((p) => p.equivalentAtMargin)), 3)} | ${pw.filter((p) => atMost(p.equivalentAtMargin)).length} of ${pw.length} |`,
    '',
    `Seeds that would give P(worse | gap = margin) >= 0.8 at the median spread: ${needAtMedian ?? 'more than 200'}; at the largest: ${needed(Math.max(...pw.map((p) => p.sd)), margin) ?? 'more than 200'}.`,
    '',
    ...(topUp
      ? [
          (topUp.sequential
            ? `The grid runs in stages: every profile at ${planned} seeds, then each grows to the seeds its own spread needs for P(worse | gap = margin) >= 0.8, re-read over all its seeds each time it reaches a target until a target asks for no more, at most ${topUp.maxSeeds} `
            : `The grid runs in two stages: every profile at ${planned} seeds, then each grows to the seeds its own spread over those ${planned} needs for P(worse | gap = margin) >= 0.8, at most ${topUp.maxSeeds} `) +
            `(records grow by seeds: each seed's numbers depend on that seed alone, \`test/evaluate/first-seed.test.ts\`). ` +
            `${pw.filter((p) => p.record.seeds.length >= topUp.maxSeeds && p.worseAtMargin < 0.8).length} of ${pw.length} profiles need more than ${topUp.maxSeeds}.`,
          '',
        ]
      : needAtMedian !== null && needAtMedian > planned
        ? [
            `Records grow by seeds: each seed's numbers depend on that seed alone (\`test/evaluate/first-seed.test.ts\`), so raising the test grid to ${needAtMedian} seeds trains only seeds ${planned + 1} to ${needAtMedian} of each profile, ` +
              `about ${Math.round((gridSecondsPerSeed * (needAtMedian - planned)) / 2 / 3600)} h more at the records' pace with two profiles at a time.`,
            '',
          ]
        : []),
    ...powerProjection(sets.test, protocol.sets.test.count, margin, engine, med, needed, testSamplesOf(protocol.sets.test), planned, topUp?.maxSeeds ?? 200),
    '',
  )
  return lines
}

/** A fresh test grid still being run beside the complete one the figures read, with its own seed plan. */
function runningLines(root, scored, running, margin, engine) {
  const p = running.protocol.sets.test
  return [
    `**Test grid ${p.seed} is being run** (committed ${running.protocol.test.committed} for the same rules, before any of it ran): ` +
      `${running.done} of its ${p.count} profiles hold the seeds their spread asks for, ${running.started} have their planned ${p.seeds} (${running.seedsRun.toLocaleString('en-US')} profile-seeds trained so far). ` +
      `Until all ${p.count} are done, the test figures below, and the regime calls that evidence/confidence.json hands the ADRs, are grid ${scored.sets.test.seed}'s, complete for these rules; ` +
      `then they are grid ${p.seed}'s. This switch was registered before grid ${p.seed} ran, and reads only how many of its profiles are done.`,
    '',
    ...planLines(root, running.protocol, margin, engine, `grid ${p.seed}`),
  ]
}

/**
 * The test grid's planned seeds (protocol.test.plannedSeeds), set before any of its records was read from
 * the spread of the tuning and calibration records (and of the spent test grids it names), which the doc
 * recomputes so the plan can be checked.
 */
function planLines(root, protocol, margin, engine, which) {
  const plan = protocol.test.plannedSeeds
  if (!plan) return []
  // Each set at the seeds the plan read (`read`), so the recomputation checks the plan as it was made.
  const at = (set) => readAt(root, set, protocol, plan.read?.[set] ?? protocol.sets[set].seeds)
  const fitted = [...at('tuning'), ...at('calibration'), ...spentGridRecords(root, protocol, plan.basisGrids ?? [])]
  const {sd, seeds: n} = seedPlan(fitted, margin, engine)
  return [
    `Planned on ${plan.committed}, before any record of ${which} was read: it grows to ${plan.seeds} training seeds, ${plan.basis}` +
      (plan.basisGrids?.length ? ` (spent grids read: seed ${plan.basisGrids.join(', ')})` : '') +
      '. ' +
      (fitted.length > 0 ? `Recomputed from those ${fitted.length} records: median spread ${fmt(sd, 4)}, ${n ?? 'more than 200'} seeds. ` : '') +
      `${protocol.sets.test.seeds < plan.seeds ? `The figures below are at the ${protocol.sets.test.seeds} seeds run so far.` : ''}`,
    '',
  ]
}

/**
 * What a powered test grid would take, from the records alone: each seed's test set adds its bootstrap
 * variance to a paired gap's spread over seeds, so the spread splits into training (what is left,
 * never below 0) and test-set sampling, which shrinks with a larger test set. For each test-set size,
 * the median spread over the test profiles and the seeds that reach P(worse | gap = margin) >= 0.8 at
 * it; and the grid's time with each profile at the seeds its own spread needs (from `planned`, at most
 * `cap`) at its own pace in the records, two profiles at a time. A median profile's seeds times the
 * mean pace would leave out the wide profiles, which cost the most.
 */
function powerProjection(records, gridSize, margin, engine, med, needed, TEST_SAMPLES, planned, cap) {
  const parts = records.map((record) =>
    shippedPairs(record).map((s) => {
      const v = engine.gainVariances(s.diffs, s.bootstrapVariances)
      return {train: Math.max(0, v.seed - v.bootstrap), test: v.bootstrap}
    }),
  )
  const share = med(parts.map((pairs) => med(pairs.map((p) => (p.train + p.test > 0 ? p.test / (p.train + p.test) : 0)))))
  // The fewest seeds in [planned, cap] that reach the goal, or cap, short of it (the second stage's own search).
  const seedsFor = (sd) => {
    const n = seedsForPower(sd, margin, engine, 1000, planned, cap)
    return n === null ? {n: cap, short: true} : {n, short: false}
  }
  const pace = records.map((r) => r.elapsedMs / 1000 / r.seeds.length)
  const rows = [1, 4, 10].map((k) => {
    const sds = parts.map((pairs) => med(pairs.map((p) => Math.sqrt(p.train + p.test / k))))
    const sd = med(sds)
    const n = needed(sd, margin)
    const each = sds.map(seedsFor)
    const seconds = (each.reduce((a, e, i) => a + e.n * pace[i], 0) * gridSize) / records.length
    return `| ${(TEST_SAMPLES * k).toLocaleString('en-US')} | ${fmt(sd, 4)} | ${n ?? 'more than 200'} | ${each.filter((e) => e.short).length} | ${Math.round(seconds / 2 / 3600)} h |`
  })
  return [
    `What it would take: of a paired gap's spread over seeds (variance), test-set sampling is the median share ${fmt(share, 2)} at ${TEST_SAMPLES.toLocaleString('en-US')} test samples per seed; ` +
      'the rest is training. With larger test sets (scoring costs little beside training), the median spread and the seeds a powered verdict needs at it; ' +
      `how many profiles would still fall short at ${cap} seeds; and the test grid's time with each profile at the seeds its own spread needs (at least ${planned}, at most ${cap}), ` +
      `at its own pace in the records (${Math.round(pace.reduce((a, v) => a + v, 0) / pace.length)} s per profile and seed on average), two profiles at a time:`,
    '',
    `| test samples per seed | median spread | seeds for P(worse \\| gap = margin) >= 0.8 at it | profiles short at ${cap} seeds | test grid time |`,
    '|---:|---:|---:|---:|---:|',
    ...rows,
  ]
}

/**
 * What the confidence goal takes, from the records: the fewest "high" calls, every one right, whose
 * Clopper-Pearson lower bound reaches 0.9 (a grid needs at least that many profiles), and, where "high"
 * is earned by a candidate ahead of the others, the grid size that holds that many profiles with a best
 * candidate more than the margin ahead of the runner-up (by point estimate) at this grid's rate.
 */
function confidenceProjection(test, margin, engine) {
  let calls = 1
  while (engine.clopperPearson(calls, calls).lower < 0.9) calls++
  const ahead = test.filter((j) => {
    const {means, gain, trained} = scoresOf(j.record)
    const sorted = [...trained].sort((a, b) => gain(means[b], means[a]))
    return sorted.length > 1 && gain(means[sorted[0]], means[sorted[1]]) > margin
  }).length
  return (
    `- What the goal takes: a 95% Clopper-Pearson lower bound of 0.9 needs at least ${calls} "high" calls, all of them right, so a test grid of at least ${calls} profiles (this one has ${test.length}). ` +
    `By point estimate ${ahead} of these ${test.length} profiles have a best candidate more than ${fmt(margin)} ahead of the runner-up` +
    (ahead > 0 ? `; if "high" is earned where one candidate is ahead like that, a grid at this rate needs about ${Math.ceil((calls * test.length) / ahead)} profiles.` : '.')
  )
}

/** Each shipped strategy's gap to the best shipped one on a record (naive left out), and that best. */
function shippedGaps(record, scores = scoresOf(record)) {
  const {means, gain, trained} = scores
  const shipped = SHIPPED.filter((id) => trained.includes(id))
  const best = bestOf(shipped, means, gain)
  return {best, gaps: Object.fromEntries(shipped.map((id) => [id, gain(means[best], means[id])]))}
}

/** Table cells: each shipped strategy's mean gap over rows that carry `gaps`. */
const meanGapCells = (xs) => SHIPPED.map((id) => fmt(xs.reduce((a, x) => a + (x.gaps[id] ?? NaN), 0) / xs.length, 4)).join(' | ')

/**
 * A conditioned tuning set (in-sample, like the tuning set): per profile, each shipped strategy's gap
 * to the best shipped one (naive left out, as in the small-data goal), and the mean gap on either side
 * of 2,000 labelled samples, the small-data boundary the issue states (not a fitted one).
 */
function conditionedSection(set, p, records, engine) {
  const head = [`## Tuning set \`${set}\` (in-sample: ${CONDITIONS[p.where].words})`, '']
  if (records.length === 0) return [...head, `Not run yet (${p.count} profiles at ${p.seeds} seeds: \`node bench/decisions.js run --set ${set}\`).`]
  // Early fusion with indicators, what the complete-data rule allows, in evaluate's words against the
  // other shipped strategies (Holm-adjusted): "worse" there would make it ineligible.
  const earlyWord = (r) => {
    const shipped = SHIPPED.filter((id) => scoresOf(r).trained.includes(id))
    return shipped.includes('early/indicators')
      ? standing(
          r,
          'early/indicators',
          shipped.filter((id) => id !== 'early/indicators'),
          engine,
        ).kind
      : null
  }
  const rows = records.map((r) => ({r, decision: engine.decide(r.profile), ...shippedGaps(r), n: r.profile.task.labelledSamples, early: earlyWord(r)})).sort((a, b) => a.n - b.n)
  const band = (lo, hi) => rows.filter((x) => x.n >= lo && x.n < hi)
  const bandRow = (name, xs) => (xs.length === 0 ? [] : [`| ${name} (${xs.length}) | ${meanGapCells(xs)} |`])
  const words = ['better', 'equivalent', 'inconclusive', 'worse']
  const wordRow = (name, xs) => (xs.length === 0 ? [] : [`| ${name} | ${xs.length} | ${words.map((w) => xs.filter((x) => x.early === w).length).join(' | ')} |`])
  const seeds = [...new Set(records.map((r) => r.seeds.length))]
  return [
    ...head,
    `Gap of each shipped strategy to the best shipped one (AUROC, mean over ${p.seeds} seeds; 0 is the best). In-sample when the rules read it, like the tuning set.`,
    '',
    `| labels | mean gap: ${SHIPPED.map((id) => SHORT[id]).join(' | ')} |`,
    `|---|${SHIPPED.map(() => '---:').join('|')}|`,
    ...bandRow('below 2,000', band(0, 2000)),
    ...bandRow('2,000 and more', band(2000, Infinity)),
    '',
    `Early fusion with indicators against the other shipped strategies, in evaluate's words over the ${seeds.length === 1 ? `${seeds[0]} seeds` : 'seeds'} (Holm-adjusted, margin ${fmt(records[0].margin)}): ` +
      '"worse" makes a strategy ineligible where it is measured.',
    '',
    `| interactions | profiles | ${words.join(' | ')} |`,
    `|---|---:|${words.map(() => '---:').join('|')}|`,
    ...wordRow(
      'weak or unknown',
      rows.filter((x) => x.r.profile.task.interactions !== 'strong'),
    ),
    ...wordRow(
      'strong',
      rows.filter((x) => x.r.profile.task.interactions === 'strong'),
    ),
    '',
    `| profile | labels | modalities | interactions | recommended | best | ${SHIPPED.map((id) => SHORT[id]).join(' | ')} | early+ind's word |`,
    `|---|---:|---|---|---|---|${SHIPPED.map(() => '---:').join('|')}|---|`,
    ...rows.map(
      (x) =>
        `| ${x.r.name} | ${x.n} | ${x.r.profile.modalities.map((m) => m.type).join(', ')} | ${x.r.profile.task.interactions} | ${x.decision.strategy ?? 'none'} | ${SHORT[x.best]} | ` +
        SHIPPED.map((id) => fmt(x.gaps[id], 3)).join(' | ') +
        ` | ${x.early ?? ''} |`,
    ),
  ]
}

/**
 * Complete data by declared interactions, the evidence of `complete-data-allows-early-fusion`: every
 * profile of the sets the rules may be fitted to (tuning sets and calibration) with every modality
 * present in deployment and training, each shipped strategy's mean gap to the best shipped one, split
 * by whether strong interactions are declared.
 */
function completeByInteractionsSection(sets, protocol, margin, engine) {
  const fitted = Object.keys(protocol.sets).filter((s) => s !== 'test')
  const rows = fitted.flatMap((set) =>
    sets[set]
      .filter((r) => {
        const f = engine.decide(r.profile, {confidenceTable: null}).facts
        return f.minAvailability >= 0.99 && f.minTrainingAvailability >= 0.99
      })
      .map((r) => ({strong: r.profile.task.interactions === 'strong', ...shippedGaps(r)})),
  )
  const line = (name, xs) => (xs.length === 0 ? [] : [`| ${name} | ${xs.length} | ${meanGapCells(xs)} | ${xs.filter((x) => x.gaps['early/indicators'] > margin).length} |`])
  return [
    '## Complete data by declared interactions (in-sample)',
    '',
    `Every profile of ${fitted.join(', ')} (the sets the rules may be fitted to) with every modality present in deployment and in training, ` +
      'by whether strong interactions are declared: mean gap of each shipped strategy to the best shipped one (AUROC; 0 is the best) over the profiles, ' +
      'and how many profiles had early fusion with indicators more than the margin behind. `complete-data-allows-early-fusion` was fitted to it.',
    '',
    `| interactions | profiles | ${SHIPPED.map((id) => SHORT[id]).join(' | ')} | early+ind behind beyond the margin |`,
    `|---|---:|${SHIPPED.map(() => '---:').join('|')}|---:|`,
    ...line(
      'weak or unknown',
      rows.filter((x) => !x.strong),
    ),
    ...line(
      'strong',
      rows.filter((x) => x.strong),
    ),
  ]
}

/**
 * Informative absence against what training shows, the evidence of `informative-absence-unseen-in-training`:
 * profiles where some informative modality goes missing at deployment, split by whether training carries
 * every such modality in (almost) every sample (the rule's facts decide, so the split is the rule's own),
 * and how the naive zero-fill model stood against the best shipped strategy in each group.
 */
function informativeAbsenceSection(sets, engine) {
  const groupOf = (r) => {
    const rows = engine.decide(r.profile, {confidenceTable: null}).facts.informativeAbsence.filter((m) => m.availability < 1)
    if (rows.length === 0) return null
    return rows.some((m) => m.trainingAvailability >= 0.99) ? 'unseen' : 'seen'
  }
  // Naive minus the best shipped strategy: above 0, naive was ahead of every shipped one.
  const naiveGap = (r) => {
    const scores = scoresOf(r)
    return scores.gain(scores.means['early/complete-case'], scores.means[shippedGaps(r, scores).best])
  }
  const words = {unseen: 'complete in training', seen: 'missing in training too'}
  const line = (set, group, grouped) => {
    const xs = grouped.filter((g) => g.group === group).map((g) => g.gap)
    if (xs.length === 0) return `| ${set} | ${words[group]} | 0 | | |`
    return `| ${set} | ${words[group]} | ${xs.length} | ${xs.filter((x) => x > 0).length} | ${signed(Math.min(...xs))} to ${signed(Math.max(...xs))} |`
  }
  const rows = [
    ['tuning', 'in-sample'],
    ['calibration', 'in-sample'],
    ['test', 'held out'],
  ].flatMap(([set, role]) => {
    const grouped = sets[set].flatMap((r) => {
      const group = groupOf(r)
      return group ? [{group, gap: naiveGap(r)}] : []
    })
    return ['seen', 'unseen'].map((g) => line(`${set} (${role})`, g, grouped))
  })
  return [
    '## Informative absence and the training data',
    '',
    'Profiles where a modality with informative missingness is absent from some deployment requests, by whether the training data ever lack it ' +
      '(the facts `informative-absence-unseen-in-training` reads: complete in training means at least 0.99 of training samples carry it). ' +
      'The last columns compare the naive zero-fill model with the best shipped strategy (AUROC, mean over the seeds; above 0 means naive ahead). ' +
      'The rule was fitted to the tuning and calibration rows; the test rows only score it.',
    '',
    '| set | informative modality | profiles | naive ahead of every shipped strategy | naive minus best shipped |',
    '|---|---|---:|---:|---|',
    ...rows,
  ]
}

function profileTable(title, judged, engine) {
  return [
    `### ${title}`,
    '',
    `| profile | labels | regime | recommended | confidence | best | winner | ${ALL.map((id) => SHORT[id]).join(' | ')} |`,
    `|---|---:|---|---|---|---|---|${ALL.map(() => '---:').join('|')}|`,
    ...judged.map((j) => {
      const {means} = scoresOf(j.record)
      const rec = j.policies.rules.choice
      const regime = engine.regimeOf(j.decision.facts).key
      return (
        `| ${j.record.name} | ${j.record.profile.task.labelledSamples} | ${regime} | ${rec ? SHORT[rec] : 'none'} | ${j.decision.confidence?.level ?? ''} | ${SHORT[j.best]} | ${j.winner ? SHORT[j.winner] : ''} | ` +
        ALL.map((id) => (means[id] === undefined ? '' : id === rec ? `**${fmt(means[id])}**` : fmt(means[id]))).join(' | ') +
        ' |'
      )
    }),
  ]
}

export async function writeDecisionsDoc(root) {
  writeFileSync(join(root, 'docs', 'decisions.md'), (await decisionsDoc(root)) + '\n')
}
