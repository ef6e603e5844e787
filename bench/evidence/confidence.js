// Writes evidence/confidence.json: its levels from the calibration set, per regime and strategy, and
// beside them the scored test grid's regime calls (rules against the best constant policy).
import {readFileSync, writeFileSync, mkdirSync} from 'node:fs'
import {join} from 'node:path'
import {bestOf, candidateOf, judgeProfile, regimeTable, scoresOf, standing} from './analyse.js'
import {engineOf, loadSet, scoredProtocol, scoresShippedRules} from './records.js'

const regimeFacts = (decision) => decision.facts

/** Eligible candidates of a decision: the shipped strategies no rule excluded (the chosen one when all were). */
function eligibleOf(decision) {
  const allowed = decision.options.filter((o) => !o.excluded).map((o) => candidateOf(o.strategy))
  return allowed.length > 0 ? allowed : decision.strategy ? [candidateOf(decision.strategy)] : []
}

/** The calibration table: per regime and strategy, how the strategy stood against the other eligible candidates. */
export async function confidenceTable(root, protocol) {
  const engine = await engineOf(root)
  const scored = (await scoredProtocol(root, protocol, engine)).protocol
  // Each record at the seeds its spread asks for, where the set has a second stage.
  const records = await loadSet(root, 'calibration', protocol, engine)
  const regimes = {}
  for (const record of records) {
    const decision = engine.decide(record.profile, {confidenceTable: null})
    const regime = engine.regimeOf(regimeFacts(decision))
    const {means, gain, trained} = scoresOf(record)
    const eligible = eligibleOf(decision).filter((id) => trained.includes(id))
    const bestEligible = bestOf(eligible, means, gain)
    const cell = (regimes[regime.key] ??= {words: regime.words, profiles: 0, strategies: {}})
    cell.profiles++
    for (const id of eligible) {
      const others = eligible.filter((o) => o !== id)
      const kind = others.length === 0 ? 'better' : standing(record, id, others, engine).kind
      const strategy = id === 'early/indicators' ? 'early' : id
      const e = (cell.strategies[strategy] ??= {profiles: 0, better: 0, equivalent: 0, worse: 0, inconclusive: 0, gapRange: [Infinity, -Infinity]})
      e.profiles++
      e[kind]++
      const gap = gain(means[bestEligible], means[id])
      e.gapRange = [Math.min(e.gapRange[0], gap), Math.max(e.gapRange[1], gap)]
    }
  }
  for (const cell of Object.values(regimes)) for (const e of Object.values(cell.strategies)) e.gapRange = e.gapRange.map((v) => Number(v.toFixed(4)))
  const p = protocol.sets.calibration
  return {
    format: 'fuseplan-confidence/v1',
    source: {
      set: 'calibration',
      gridSeed: p.seed,
      profiles: records.length,
      seeds: p.seeds,
      ...(p.topUp && records.length > 0 ? {maxSeeds: Math.max(...records.map((r) => r.seeds.length))} : {}),
      rulesHash: null,
      margin: records[0]?.margin ?? 0.01,
    },
    regimes: Object.fromEntries(Object.entries(regimes).sort(([a], [b]) => a.localeCompare(b))),
    ...(await heldOutOf(root, scored, engine)),
  }
}

/**
 * The test grid's regime-by-regime call (rules against the best constant policy), for the ADR to state
 * beside the confidence. It never feeds the confidence level, which comes from calibration alone.
 */
async function heldOutOf(root, protocol, engine) {
  const records = await loadSet(root, 'test', protocol, engine)
  // A grid scores the rules it was committed for; once they change, its calls are about other rules.
  if (records.length === 0 || !scoresShippedRules(root, protocol)) return {}
  const margin = records[0].margin
  const judged = records.map((r) => judgeProfile(r, engine))
  const r4 = (v) => Number(v.toFixed(4))
  const p = protocol.sets.test
  return {
    heldOut: {
      set: 'test',
      gridSeed: p.seed,
      profiles: records.length,
      seeds: Math.min(...records.map((r) => r.seeds.length)),
      ...(p.topUp ? {maxSeeds: Math.max(...records.map((r) => r.seeds.length))} : {}),
      rulesHash: protocol.test.rulesHash,
      margin,
      regimes: Object.fromEntries(
        regimeTable(judged, engine.regimeKey, margin, engine.studentTQuantile).map((r) => [
          r.regime,
          {profiles: r.n, bestConstant: r.bestConstant, constantRegret: r4(r.constant), rulesRegret: r4(r.rules), interval: r.interval.map(r4), call: r.call},
        ]),
      ),
    },
  }
}

export async function writeConfidenceTable(root) {
  const protocol = JSON.parse(readFileSync(join(root, 'bench', 'evidence', 'protocol.json'), 'utf8'))
  const table = await confidenceTable(root, protocol)
  mkdirSync(join(root, 'evidence'), {recursive: true})
  writeFileSync(join(root, 'evidence', 'confidence.json'), JSON.stringify(table, null, 1) + '\n')
}
