// The decision evidence is computed, never written by hand: docs/decisions.md and
// evidence/confidence.json regenerate byte for byte from the committed records
// (bench/evidence/results/), and the grid only draws valid profiles.
import {readFileSync} from 'node:fs'
import {stringify} from 'yaml'
import {describe, expect, it} from 'vitest'
import {distributionHash, drawGrid, drawProfile, setIndexes} from '../../bench/evidence/grid.js'
import {confidenceTable, decisionsDoc} from '../../bench/evidence/report.js'
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
