// The decision evidence is computed, never written by hand: docs/decisions.md and
// evidence/confidence.json regenerate byte for byte from the committed records
// (bench/evidence/results/), and the grid only draws valid profiles.
import {readFileSync} from 'node:fs'
import {stringify} from 'yaml'
import {describe, expect, it} from 'vitest'
import {distributionHash, drawGrid, drawProfile, setIndexes} from '../../bench/evidence/grid.js'
import {confidenceTable} from '../../bench/evidence/confidence.js'
import {decisionsDoc} from '../../bench/evidence/report.js'
import {loadProfileText} from '../../src/profile/load.js'
import {profileChecker} from '../../src/engine/index.js'

const root = process.cwd()
const protocol = JSON.parse(readFileSync('bench/evidence/protocol.json', 'utf8'))

describe('decision evidence', () => {
  it('the grid draws valid profiles, the same ones every time, from the distribution the protocol names', () => {
    expect(protocol.distribution.hash).toBe(distributionHash())
    for (const [set, spec] of Object.entries(protocol.sets) as [string, {seed: number; count: number; where?: string}][]) {
      const grid = setIndexes(spec, set).map((i: number) => drawProfile(spec.seed, set, i))
      expect(grid).toHaveLength(spec.count)
      if (!spec.where) expect(drawGrid(spec.seed, set, spec.count)).toEqual(grid)
      for (const p of grid) {
        const {profile, findings} = loadProfileText(`${p.name}.yaml`, stringify(p), profileChecker())
        expect(
          findings.filter((x) => x.severity === 'error').map((x) => x.message),
          p.name,
        ).toEqual([])
        expect(profile?.name).toBe(p.name)
      }
    }
  })

  it('evidence/confidence.json is the calibration set, recomputed', async () => {
    const committed = JSON.parse(readFileSync('evidence/confidence.json', 'utf8'))
    expect(await confidenceTable(root, protocol)).toEqual(committed)
  }, 120_000)

  it('docs/decisions.md is the records, recomputed', async () => {
    expect((await decisionsDoc(root)) + '\n').toBe(readFileSync('docs/decisions.md', 'utf8'))
  }, 300_000)
})

describe('the evidence behind informative-absence-unseen-in-training', () => {
  // Counted from the profiles themselves (cohort availability, not the engine's facts), so a fact or a
  // section that split the profiles differently from the rule fails here.
  const unseen = (p: {modalities: {name: string; availability?: number; missingness?: string}[]; cohorts?: {availability?: Record<string, number>}[]}) => {
    const informative = p.modalities.filter((m) => m.missingness === 'informative' && (m.availability ?? 1) < 1)
    if (informative.length === 0) return null
    return informative.some((m) => (p.cohorts?.[0]?.availability?.[m.name] ?? 1) >= 0.99) ? 'complete in training' : 'missing in training too'
  }
  it('counts each set as the profiles say', async () => {
    const {loadSet, scoredProtocol} = await import('../../bench/evidence/records.js')
    const doc = readFileSync('docs/decisions.md', 'utf8')
    // The test grid the figures read: a fresh one only once it is complete.
    const scored = (await scoredProtocol(root, protocol)).protocol
    for (const [set, role] of [
      ['tuning', 'in-sample'],
      ['calibration', 'in-sample'],
      ['test', 'held out'],
    ]) {
      // As the doc reads them: a test record counts once it holds the seeds its spread asks for.
      const groups = (await loadSet(root, set, scored)).map((r: {profile: Parameters<typeof unseen>[0]}) => unseen(r.profile))
      for (const g of ['complete in training', 'missing in training too']) {
        const row = doc.split('\n').find((l) => l.startsWith(`| ${set} (${role}) | ${g} |`))
        expect(row, `${set} ${g}`).toBeDefined()
        expect(Number(row!.split('|')[3])).toBe(groups.filter((x: string | null) => x === g).length)
      }
    }
  })
})

describe('the winners the test grid holds', () => {
  it('counts the profiles with a winner beyond the margin and sets them beside the goal of 8', async () => {
    const {engineOf, loadSet, scoredProtocol} = await import('../../bench/evidence/records.js')
    const {judgeProfile} = await import('../../bench/evidence/analyse.js')
    const engine = await engineOf(root)
    const scored = (await scoredProtocol(root, protocol)).protocol
    const records = await loadSet(root, 'test', scored, engine)
    const winners = records.filter((r: unknown) => judgeProfile(r, engine).winner !== null).length
    const line = readFileSync('docs/decisions.md', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('- Profiles with a winner beyond the margin'))
    // No test grid for these rules yet (after a rule change): no confidence section to check.
    if (records.length === 0) return expect(line).toBeUndefined()
    expect(line).toContain(`: ${winners}`)
    expect(line).toContain('meant to hold at least 8')
    expect(line).toContain(winners >= 8 ? 'it does.' : `it holds ${winners}`)
  }, 120_000)
})

describe('what a powered test grid would take', () => {
  it("prices the grid at the records' own test-set size near what the scored grid took", async () => {
    // Each profile at the seeds its own spread needs, at its own pace: the scored grid grew that way, so
    // the projection at its test-set size should land near its real cost (a median profile at the mean
    // pace left out the wide profiles and came to about half of it).
    const {loadSet, scoredProtocol} = await import('../../bench/evidence/records.js')
    const scored = (await scoredProtocol(root, protocol)).protocol
    const records = await loadSet(root, 'test', scored)
    const took = records.reduce((a: number, r: {elapsedMs: number}) => a + r.elapsedMs, 0) / 1000 / 2 / 3600
    const size = scored.sets.test.testSamples.toLocaleString('en-US')
    const row = readFileSync('docs/decisions.md', 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`| ${size} |`) && l.endsWith(' h |'))
    if (records.length === 0) return expect(row).toBeUndefined()
    const hours = Number(/(\d+) h \|$/.exec(row!)![1])
    expect(Math.abs(hours - took) / took).toBeLessThan(0.25)
  }, 120_000)
})

describe('the seed plan of a fresh test grid', () => {
  it('reads the spent grids run at the same test samples per seed, and names them', async () => {
    const {plannedSeeds} = await import('../../bench/evidence/plan.js')
    const base = {...protocol, test: {...protocol.test}}
    const fitted = (await plannedSeeds(root, {...base, test: {...base.test, gridsUsed: []}})).records
    // Grid 304 ran at 1,500 test samples per seed, not the 6,000 of the test set: it is not read.
    const old = await plannedSeeds(root, {...base, test: {...base.test, gridsUsed: [{seed: 304}]}})
    expect(old.basisGrids).toEqual([])
    expect(old.records).toBe(fitted)
    const spent = await plannedSeeds(root, {...base, test: {...base.test, gridsUsed: [{seed: 304}, {seed: 305}]}})
    expect(spent.basisGrids).toEqual([305])
    expect(spent.records).toBe(fitted + 30)
    expect(spent.seeds).toBeGreaterThanOrEqual(2)
  }, 120_000)
})

describe('the rationales cite the figures docs/decisions.md computes', () => {
  const doc = readFileSync('docs/decisions.md', 'utf8').split('\n')
  const rationale = async (id: string) => {
    const {loadRuleSet} = await import('../../src/engine/index.js')
    return loadRuleSet()
      .rules.find((r) => r.rule.id === id)!
      .rule.rationale.replace(/\s+/g, ' ')
  }
  it('complete-data-allows-early-fusion: the mean gaps by declared interactions', async () => {
    const text = await rationale('complete-data-allows-early-fusion')
    // The section the rule was fitted to (other sections count profiles by interactions too).
    const section = doc.slice(doc.indexOf('## Complete data by declared interactions (in-sample)'))
    for (const name of ['weak or unknown', 'strong']) {
      const cells = section
        .find((l) => l.startsWith(`| ${name} |`))!
        .split('|')
        .map((c) => c.trim())
      // profiles, early+ind, intermediate
      expect(text).toContain(`(${cells[2]} profiles)`)
      expect(text).toContain(cells[3])
      expect(text).toContain(cells[4])
    }
  })
  it('informative-absence-unseen-in-training: the tuning and calibration counts', async () => {
    const text = await rationale('informative-absence-unseen-in-training')
    const count = (group: string) => ['tuning (in-sample)', 'calibration (in-sample)'].reduce((a, set) => a + Number(doc.find((l) => l.startsWith(`| ${set} | ${group} |`))!.split('|')[3]), 0)
    const ahead = ['tuning (in-sample)', 'calibration (in-sample)'].reduce((a, set) => a + Number(doc.find((l) => l.startsWith(`| ${set} | complete in training |`))!.split('|')[4]), 0)
    expect(text).toContain(`on the ${count('missing in training too')} profiles whose training data carried the missingness`)
    expect(text).toContain(`on the ${count('complete in training')} whose informative modality was complete in training it came out ahead on ${ahead}`)
  })
})
