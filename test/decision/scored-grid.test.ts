// While a fresh test grid for the same rules is being run, the figures stay those of the last complete
// grid, read at its own registration; the fresh one takes over once every profile holds the seeds its
// spread asks for. Checked on the committed protocol and records (bench/evidence/records.js, scoredProtocol).
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {loadSet, scoredProtocol} from '../../bench/evidence/records.js'

const root = process.cwd()
const protocol = JSON.parse(readFileSync('bench/evidence/protocol.json', 'utf8'))
type Grid = {seed: number; rulesHash: string; registered?: {set: {seed: number; count: number}; test: Record<string, unknown>}}
const grids: Grid[] = protocol.test.gridsUsed
// The registered grid of the same rules that the current protocol's figures fall back to, if any.
const previous = grids.filter((g) => g.seed !== protocol.sets.test.seed && g.rulesHash === protocol.test.rulesHash && g.registered).at(-1)!
/** The protocol as it stood when `g` was the current grid. */
const asCurrent = (g: Grid) => ({...protocol, sets: {...protocol.sets, test: g.registered!.set}, test: {...protocol.test, ...g.registered!.test}})

describe('the test grid the figures read', () => {
  it('is the current grid once every profile is done', async () => {
    const current = asCurrent(previous)
    expect(await loadSet(root, 'test', current)).toHaveLength(current.sets.test.count)
    const {protocol: scored, running} = await scoredProtocol(root, current)
    expect(scored).toBe(current)
    expect(running).toBeNull()
  })

  it('stays the last complete grid of the same rules while the current one is short, and says how far that one is', async () => {
    const done = (await loadSet(root, 'test', protocol)).length
    const {protocol: scored, running} = await scoredProtocol(root, protocol)
    if (done >= protocol.sets.test.count) {
      expect(scored).toBe(protocol)
      return
    }
    expect(scored.sets.test).toEqual(previous.registered!.set)
    expect(scored.test.plannedSeeds).toEqual(previous.registered!.test.plannedSeeds)
    expect(scored.test.rulesHash).toBe(protocol.test.rulesHash)
    expect(running).toMatchObject({protocol, done})
    expect(running!.started).toBeGreaterThanOrEqual(done)
    const doc = readFileSync('docs/decisions.md', 'utf8')
    expect(doc).toContain(`**Test grid ${protocol.sets.test.seed} is being run**`)
    expect(doc).toContain(`${done} of its ${protocol.sets.test.count} profiles hold the seeds their spread asks for`)
    const heldOut = JSON.parse(readFileSync('evidence/confidence.json', 'utf8')).heldOut
    expect(heldOut.gridSeed).toBe(previous.seed)
  })

  // A grid just drawn, none of it run (no records under its seed), whatever the committed grid's progress.
  const fresh = (gridsUsed: Grid[]) => ({
    ...protocol,
    sets: {...protocol.sets, test: {...protocol.sets.test, seed: 9999}},
    test: {...protocol.test, gridsUsed: [...gridsUsed, {seed: 9999, rulesHash: protocol.test.rulesHash}]},
  })

  it('falls back from a grid just drawn to the last complete grid of the same rules', async () => {
    const p = fresh(grids)
    const {protocol: scored, running} = await scoredProtocol(root, p)
    expect(scored.sets.test).toEqual(previous.registered!.set)
    expect(running).toMatchObject({protocol: p, done: 0, started: 0, seedsRun: 0})
  })

  it('never falls back to a grid drawn for other rules, or to one that is not complete', async () => {
    const otherRules = fresh(grids.map((g) => (g.seed === previous.seed ? {...g, rulesHash: '0000000000000000'} : g)))
    const short = fresh(grids.map((g) => (g.seed === previous.seed ? {...g, registered: {...g.registered!, set: {...g.registered!.set, count: g.registered!.set.count + 1}}} : g)))
    for (const p of [otherRules, short]) {
      const {protocol: scored, running} = await scoredProtocol(root, p)
      expect(scored).toBe(p)
      expect(running).toBeNull()
    }
  })
})
