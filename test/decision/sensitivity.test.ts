// "What would change this decision" (src/decision/sensitivity.ts) against a brute-force walk of every
// grid value, on the bundled examples and 10 profiles of the evidence grid.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {drawGrid} from '../../bench/evidence/grid.js'
import {chooseStrategy} from '../../src/decision/choose.js'
import {decide} from '../../src/decision/decide.js'
import {availabilityGrid, axes, countGrid, firstChange, ratioGrid, whatWouldChange} from '../../src/decision/sensitivity.js'
import {defaultRuleSet} from '../../src/engine/index.js'
import {loadProfile} from '../../src/profile/load.js'
import type {Profile} from '../../src/profile/types.js'

const ruleSet = defaultRuleSet()
const examples = readdirSync('examples')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => loadProfile(join('examples', f)).profile)
const profiles: Profile[] = [...examples, ...(drawGrid(909, 'sensitivity', 10) as Profile[])]

describe('what would change this decision', () => {
  it('grids at the stated resolution', () => {
    const g = countGrid(1, 5000)
    expect(g.slice(0, 3)).toEqual([1, 2, 3])
    expect(g).toContain(1000)
    expect(g[g.indexOf(1000) + 1]).toBe(1010)
    expect(availabilityGrid()).toHaveLength(100)
    expect(availabilityGrid()[0]).toBe(0.01)
    const r = ratioGrid(100, 10)
    expect(r).toContain(100)
    expect(r[r.indexOf(100) + 1]).toBeCloseTo(101, 6)
  })

  it('the strided walk finds the first change a value-by-value walk finds', () => {
    const seq = (values: (string | null)[]) => (v: number) => values[v] as 'late' | null
    const grid = Array.from({length: 30}, (_, i) => i)
    const values = grid.map((i) => (i >= 13 ? 'early' : 'late'))
    expect(firstChange(grid, 2, 1, 'late', seq(values), 8)).toEqual({value: 13, strategy: 'early'})
    expect(firstChange(grid, 20, -1, 'early', seq(values), 8)).toEqual({value: 12, strategy: 'late'})
    expect(firstChange(grid, 2, -1, 'late', seq(values), 8)).toBeNull()
  })

  it(`matches a brute-force walk on the ${examples.length} examples and 10 grid profiles`, () => {
    for (const profile of profiles) {
      const strategy = decide(profile, {ruleSet}).strategy
      const found = whatWouldChange(profile, ruleSet, strategy)
      for (const [i, axis] of axes(profile).entries()) {
        const grid = [...new Set([...axis.grid, axis.current])].sort((a, b) => a - b)
        const start = grid.indexOf(axis.current)
        const at = (v: number) => chooseStrategy(axis.apply ? axis.apply(profile, v) : set(profile, axis.path, v), ruleSet, {trace: false}).strategy
        const brute = (dir: 1 | -1) => {
          for (let j = start + dir; j >= 0 && j < grid.length; j += dir) {
            const s = at(grid[j])
            if (s !== strategy) return {value: grid[j], strategy: s}
          }
          return null
        }
        expect({profile: profile.name, fact: axis.fact, below: found[i].below, above: found[i].above}).toEqual({profile: profile.name, fact: axis.fact, below: brute(-1), above: brute(1)})
      }
    }
  }, 240_000)

  it('decide adds it on request and the ADR shows it', () => {
    const d = decide(examples[0], {ruleSet, sensitivity: true})
    expect(d.sensitivity?.map((s) => s.fact)).toContain('labelled samples')
    expect(decide(examples[0], {ruleSet}).sensitivity).toBeUndefined()
  })
})

function set(profile: Profile, path: (string | number)[], value: number): Profile {
  const copy = structuredClone(profile) as unknown as Record<string | number, unknown>
  let cur = copy
  for (const key of path.slice(0, -1)) cur = cur[key] as Record<string | number, unknown>
  cur[path.at(-1) as string | number] = value
  return copy as unknown as Profile
}
