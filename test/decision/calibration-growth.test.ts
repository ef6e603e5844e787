// The calibration set grew after the rules were fitted to it (protocol sets.calibration.grown): the
// confidence table reads every seed each profile's spread asks for, while the in-sample sections the
// rules' rationales cite, and the recomputation of the test grid's seed plan, read the seeds they were
// made from. Checked on the committed records.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {loadFitted, loadSet, scoredProtocol} from '../../bench/evidence/records.js'
import {firstSeeds} from '../../bench/evidence/record-seeds.js'

const root = process.cwd()
const protocol = JSON.parse(readFileSync('bench/evidence/protocol.json', 'utf8'))
const calibration = protocol.sets.calibration
type Rec = {index: number; seeds: number[]; candidates: {id: string; deployment: number[]}[]}
const file = (r: Rec) => JSON.parse(readFileSync(`bench/evidence/results/calibration-${calibration.seed}/calibration-${String(r.index).padStart(3, '0')}.json`, 'utf8')) as Rec

describe('a set grown after the rules were fitted to it', () => {
  it('is read at the seeds of the fit for the in-sample figures: the first ones of each record, unchanged', async () => {
    expect(calibration.fittedSeeds).toBeLessThan(calibration.seeds)
    const fitted = (await loadFitted(root, 'calibration', protocol)) as Rec[]
    expect(fitted).toHaveLength(calibration.count)
    for (const r of fitted) {
      expect(r.seeds).toHaveLength(calibration.fittedSeeds)
      expect(r).toEqual(firstSeeds(file(r), calibration.fittedSeeds))
    }
  })

  it('gives the confidence table every seed its spread asks for, and the table says how many', async () => {
    const grown = (await loadSet(root, 'calibration', protocol)) as Rec[]
    expect(grown).toHaveLength(calibration.count)
    const counts = grown.map((r) => r.seeds.length)
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(calibration.seeds)
    expect(Math.max(...counts)).toBeLessThanOrEqual(calibration.topUp.maxSeeds)
    const table = JSON.parse(readFileSync('evidence/confidence.json', 'utf8'))
    expect(table.source).toMatchObject({set: 'calibration', profiles: calibration.count, seeds: calibration.seeds, maxSeeds: Math.max(...counts)})
  })

  it('leaves a set that did not grow as it is', async () => {
    expect(protocol.sets.tuning.fittedSeeds).toBeUndefined()
    expect(await loadFitted(root, 'tuning', protocol)).toEqual(await loadSet(root, 'tuning', protocol))
  })

  it("recomputes each test grid's seed plan from the seeds it read, and finds the committed number", async () => {
    // Grid 306 was planned from the calibration set's 8 fitted seeds, grid 307 from its 18 after it grew;
    // the doc shows both while 307 runs (then only 307's), each recomputed at the seeds it read.
    const scored = (await scoredProtocol(root, protocol)).protocol
    const plans = [...new Map([scored, protocol].map((p) => [p.sets.test.seed, p])).values()]
    expect(scored.test.plannedSeeds.read.calibration).toBe(scored.sets.test.seed === 306 ? calibration.fittedSeeds : calibration.seeds)
    expect(protocol.test.plannedSeeds.read).toEqual({tuning: protocol.sets.tuning.seeds, calibration: calibration.seeds})
    const doc = readFileSync('docs/decisions.md', 'utf8').split('\n')
    for (const p of plans) {
      const plan = p.test.plannedSeeds
      const line = doc.find((l) => l.startsWith(`Planned on ${plan.committed}, before any record of grid ${p.sets.test.seed} was read`))
      expect(line, `grid ${p.sets.test.seed}`).toMatch(new RegExp(`: it grows to ${plan.seeds} training seeds, .*Recomputed from those \\d+ records: median spread [0-9.]+, ${plan.seeds} seeds\\.`))
    }
  })
})
