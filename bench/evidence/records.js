// The evidence records as the figures read them: a set's records run at the protocol's settings, each
// read at the seeds its stage asks for (a second stage grows a record by its own seed spread), the test
// grid the figures score (`scoredProtocol`), and the engine from dist/ that judges them.
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {setIndexes} from './grid.js'
import {SHIPPED, pairedSamples, power, scoresOf} from './analyse.js'
import {firstSeeds} from './record-seeds.js'
import {rulesHash} from './rules-hash.js'

export async function engineOf(root) {
  const dist = (p) => join(root, 'dist', 'src', p)
  const {decide} = await import(dist('decision/decide.js'))
  const {regimeOf, CALL_SHARE, MIN_PROFILES} = await import(dist('decision/evidence.js'))
  const {compareAll, overallKind, seedSd, gainVariances, ALPHA} = await import(dist('evaluate/compare.js'))
  const {studentTQuantile, clopperPearson} = await import(dist('evaluate/stats.js'))
  // A profile's regime as the rules see it (its facts; the confidence table plays no part).
  const regimeKey = (profile) => regimeOf(decide(profile, {confidenceTable: null}).facts).key
  return {decide, regimeOf, regimeKey, CALL_SHARE, MIN_PROFILES, compareAll, overallKind, seedSd, gainVariances, ALPHA, studentTQuantile, clopperPearson}
}

/** Whether the committed test grid was drawn for the rules as they are now (their hash). */
export function scoresShippedRules(root, protocol) {
  return Boolean(protocol.test?.rulesHash) && protocol.test.rulesHash === rulesHash(root)
}

/** Test samples per seed of records (and protocols) that do not say: evaluate's default when they were run. */
export const LEGACY_TEST_SAMPLES = 1500

/** Test samples per seed a set of the protocol asks for. */
export const testSamplesOf = (p) => p.testSamples ?? LEGACY_TEST_SAMPLES

/** Every record of one grid (`results/SET-SEED/`), in file order; none when it was never run. */
export function readGrid(root, set, seed) {
  const dir = join(root, 'bench', 'evidence', 'results', `${set}-${seed}`)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
}

/** The records of a set run at its settings (at least `atLeast` seeds, its planned ones unless told), with every seed they hold. */
export function readSet(root, set, protocol, atLeast) {
  const p = protocol.sets[set]
  if (!p) return []
  const members = new Set(setIndexes(p, set))
  const at = {...p, seeds: atLeast ?? p.seeds}
  return readGrid(root, set, p.seed).filter((r) => members.has(r.index) && settingsOf(r, p.seeds).fits(at))
}

/**
 * A set's records read at their first `n` seeds: every record that holds them, so a set growing past
 * the seeds its rules were fitted to (`fittedSeeds`) still reads whole at the fit's seeds.
 */
export const readAt = (root, set, protocol, n) => readSet(root, set, protocol, n).map((r) => (r.seeds ? firstSeeds(r, n) : r))

/** A set's records read at its planned seeds (the first stage, for a set with a second). */
export function loadRecords(root, set, protocol) {
  return readAt(root, set, protocol, protocol.sets[set]?.seeds)
}

/**
 * The seeds a record of a set is read at. With a second stage (`topUp`), the fewest at which
 * P(worse | gap = margin) reaches 0.8 at the record's own spread over its first planned seeds, at least
 * the planned seeds and at most `maxSeeds`: the spread is a nuisance parameter, so the second stage
 * never looks at which candidate is ahead. A `sequential` second stage re-reads the spread each time a
 * record reaches its target and stops at the first target that asks for no more.
 */
function targetSeeds(record, p, engine) {
  if (!p.topUp) return p.seeds
  // The walk: the planned seeds, then what the spread over them needs, then (sequential only) what the
  // spread over those needs, and so on, until a target asks for no more seeds than it has, reaches
  // `maxSeeds`, or lies past the seeds the record holds (the one to run next). Every step reads only
  // the record's first seeds, so the walk is the same whenever it is read.
  const need = (k) => seedsForPower(medianSpread(firstSeeds(record, k), engine), record.margin, engine, 4000, k, p.topUp.maxSeeds - 1) ?? p.topUp.maxSeeds
  let k = p.seeds
  for (;;) {
    if (k > record.seeds.length || k >= p.topUp.maxSeeds) return k
    const n = need(k)
    if (n <= k) return k
    k = n
    if (!p.topUp.sequential) return k
  }
}

/** A set's records as the figures read them: each at its target seeds; a record short of its second stage does not count yet. */
export async function loadSet(root, set, protocol, engine) {
  const p = protocol.sets[set]
  if (!p?.topUp) return loadRecords(root, set, protocol)
  const e = engine ?? (await engineOf(root))
  return readSet(root, set, protocol).flatMap((r) => {
    const n = targetSeeds(r, p, e)
    return r.seeds.length >= n ? [firstSeeds(r, n)] : []
  })
}

/**
 * A set's records as the rules were fitted to them: a set whose seeds grew after the fit
 * (`fittedSeeds`, the calibration set grown for the confidence table) is read at the fit's seeds, so
 * the in-sample figures the rules' rationales cite stay the ones they were fitted to.
 */
export async function loadFitted(root, set, protocol, engine) {
  const p = protocol.sets[set]
  return p?.fittedSeeds ? readAt(root, set, protocol, p.fittedSeeds) : loadSet(root, set, protocol, engine)
}

/**
 * The protocol as the figures read it. A fresh test grid drawn for the same rules takes over from the
 * last complete one only once it is complete itself (every profile at the seeds its spread asks for):
 * until then the test figures, and the regime calls evidence/confidence.json hands the ADRs, stay the
 * complete grid's, read at its own registration (`gridsUsed[].registered`), and `running` says how far
 * the fresh one has got, and `test` holds the scored grid's records as loadSet reads them (read once).
 * The switch reads only how many profiles are done, never what they say.
 */
export async function scoredProtocol(root, protocol, engine) {
  const p = protocol.sets.test
  if (!p || !protocol.test?.rulesHash) return {protocol, running: null}
  const e = engine ?? (await engineOf(root))
  const current = await loadSet(root, 'test', protocol, e)
  const done = current.length
  if (done >= p.count) return {protocol, running: null, test: current}
  const earlier = (protocol.test.gridsUsed ?? []).filter((g) => g.seed !== p.seed && g.rulesHash === protocol.test.rulesHash && g.registered)
  for (const g of earlier.reverse()) {
    const view = {...protocol, sets: {...protocol.sets, test: g.registered.set}, test: {...protocol.test, ...g.registered.test}}
    const test = await loadSet(root, 'test', view, e)
    if (test.length < g.registered.set.count) continue
    const started = readSet(root, 'test', protocol)
    return {protocol: view, running: {protocol, done, started: started.length, seedsRun: started.reduce((x, r) => x + r.seeds.length, 0)}, test}
  }
  return {protocol, running: null, test: current}
}

/** The second stage still to run: each record of the set (or the one at `index`) that has its planned seeds but fewer than its target. */
export async function secondStage(root, set, protocol, index) {
  const p = protocol.sets[set]
  if (!p?.topUp) return []
  const engine = await engineOf(root)
  return readSet(root, set, protocol)
    .filter((r) => index === undefined || r.index === index)
    .map((r) => ({index: r.index, have: r.seeds.length, seeds: targetSeeds(r, p, engine)}))
    .filter((x) => x.have < x.seeds)
}

/**
 * A record counts for its set only when it was run at the protocol's settings (at least its training
 * seeds, read at the first of them; its test samples per seed), so a changed protocol never reports
 * old records as new ones: until they are run again (or extended by more seeds), its set shows fewer
 * profiles than it asks for.
 */
function settingsOf(record, fallbackSeeds) {
  const seeds = record.seeds?.length ?? fallbackSeeds
  const testSamples = record.testSamples ?? LEGACY_TEST_SAMPLES
  return {seeds, testSamples, fits: (p) => seeds >= p.seeds && testSamples === testSamplesOf(p)}
}

/** A record's seed spread: the median over pairs of shipped candidates of their paired gap's per-seed standard deviation. */
export function medianSpread(record, engine) {
  const sds = shippedPairs(record).map((s) => engine.seedSd(s.diffs, s.bootstrapVariances))
  sds.sort((x, y) => x - y)
  return sds[Math.floor(sds.length / 2)]
}

/** The fewest seeds (from `from`, up to `to`) at which P(worse | gap = margin) reaches 0.8 at spread `sd`; null past `to`. */
export function seedsForPower(sd, margin, engine, draws = 1000, from = 2, to = 200) {
  for (let n = from; n <= to; n++) if (power(sd, n, margin, engine, {draws, only: 'worseAtMargin'}).worseAtMargin >= 0.8) return n
  return null
}

/** Paired samples of every pair of shipped candidates a record trained (the naive baseline left out). */
export function shippedPairs(record) {
  const {trained} = scoresOf(record)
  const shipped = trained.filter((id) => SHIPPED.includes(id))
  return shipped.flatMap((a, i) => shipped.slice(i + 1).map((b) => pairedSamples(record, a, [b])[0]))
}
