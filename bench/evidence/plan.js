// The seed plan of a fresh test grid: how many training seeds it is run at, set before any of its
// records is read from the seed spread (never the regret) of records other than its own.
import {LEGACY_TEST_SAMPLES, engineOf, loadRecords, medianSpread, readGrid, seedsForPower, testSamplesOf} from './records.js'

/**
 * The test grid's training seeds, planned from records other than its own (tuning, calibration, spent
 * test grids): the fewest at which P(worse | gap = margin) reaches 0.8 at their median seed spread.
 * The spread is a nuisance parameter, so sizing the grid by it says nothing about which rule wins.
 */
export function seedPlan(fitted, margin, engine) {
  if (fitted.length === 0) return {sd: null, seeds: null}
  const sds = fitted.map((r) => medianSpread(r, engine)).sort((a, b) => a - b)
  const sd = sds[Math.floor(sds.length / 2)]
  return {sd, seeds: seedsForPower(sd, margin, engine, 4000)}
}

export const PLAN_BASIS =
  'the fewest at which P(worse | gap = margin) reaches 0.8 at the median seed spread of the tuning and calibration records and of the spent test grids run at the same test samples per seed'

/**
 * Records of spent test grids (`seeds`) run at the test set's test samples per seed, every seed of each.
 * A spent grid scored rules that have since changed; its spreads (never its regrets) may size the next
 * grid, and with 17 seeds a profile they estimate the spread better than the tuning set's 4 (the median
 * of a 4-seed standard deviation falls about 11% below the true one).
 */
export function spentGridRecords(root, protocol, seeds) {
  const testSamples = testSamplesOf(protocol.sets.test)
  return seeds.flatMap((seed) => readGrid(root, 'test', seed).filter((r) => (r.testSamples ?? LEGACY_TEST_SAMPLES) === testSamples && (r.seeds?.length ?? 0) >= 2))
}

/**
 * The seed plan for a fresh test grid: from the tuning and calibration records of the protocol and every
 * test grid used so far (all spent once a fresh one is drawn), read at the same test samples per seed.
 */
export async function plannedSeeds(root, protocol) {
  const engine = await engineOf(root)
  const spent = (protocol.test?.gridsUsed ?? []).map((g) => ({seed: g.seed, records: spentGridRecords(root, protocol, [g.seed])})).filter((g) => g.records.length > 0)
  const basisGrids = spent.map((g) => g.seed)
  const fitted = [...loadRecords(root, 'tuning', protocol), ...loadRecords(root, 'calibration', protocol), ...spent.flatMap((g) => g.records)]
  const margin = fitted[0]?.margin ?? 0.01
  const read = {tuning: protocol.sets.tuning.seeds, calibration: protocol.sets.calibration.seeds}
  return {...seedPlan(fitted, margin, engine), records: fitted.length, basisGrids, read}
}
