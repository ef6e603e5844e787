// The regime-by-regime call of docs/decisions.md and the ADRs: the rules tie with the best constant
// policy only where the 90% interval of (rules minus constant) regret lies within the margin. Regimes
// hold two to a handful of test profiles, so the interval is Student's t over them: a percentile
// bootstrap over two profiles is their range and would call a tie on almost any pair.
import {describe, expect, it} from 'vitest'
import {ALL, SHORT, regimeTable} from '../../bench/evidence/analyse.js'
import {studentTQuantile} from '../../src/evaluate/stats.js'

const margin = 0.01
/** A judged profile in `regime` whose rules lose `rules` and every constant `constant`, "always late" excepted. */
const judged = (regime: string, rules: number, constant: number) => ({
  record: {profile: {regime}},
  policies: {rules: {regret: rules}, ...Object.fromEntries(ALL.map((id) => [`always ${SHORT[id as keyof typeof SHORT]}`, {regret: id === 'late' ? 0.5 : constant}]))},
})
const table = (rows: ReturnType<typeof judged>[]) => regimeTable(rows, (p: {regime: string}) => p.regime, margin, studentTQuantile)

describe('regime calls', () => {
  it('two profiles that differ are undecided, though their range lies within the margin', () => {
    const [r] = table([judged('a', 0.0026, 0), judged('a', 0, 0.0017)])
    expect(r.interval[0]).toBeLessThan(-margin)
    expect(r.interval[1]).toBeGreaterThan(margin)
    expect(r.call).toBe('undecided')
  })

  it('is Student t with n - 1 degrees of freedom', () => {
    const diffs = [0.001, 0.003, -0.002, 0.002]
    const [r] = table(diffs.map((d) => judged('a', 0.004 + d, 0.004)))
    const m = diffs.reduce((a, d) => a + d, 0) / 4
    const sd = Math.sqrt(diffs.reduce((a, d) => a + (d - m) ** 2, 0) / 3)
    const half = studentTQuantile(0.95, 3) * (sd / 2)
    expect(r.interval[0]).toBeCloseTo(m - half, 12)
    expect(r.interval[1]).toBeCloseTo(m + half, 12)
    expect(r.call).toBe('tie')
  })

  it('the same choice on every profile is a tie; one profile is never one', () => {
    expect(table([judged('a', 0.003, 0.003), judged('a', 0.01, 0.01)])[0]).toMatchObject({interval: [0, 0], call: 'tie'})
    expect(table([judged('a', 0, 0)])[0].call).toBe('undecided')
    expect(table([judged('a', 0, 0.02)])[0].call).toBe('undecided')
  })

  it('rules ahead where the whole interval lies below 0', () => {
    const [r] = table([0.02, 0.021, 0.019, 0.02].map((c) => judged('a', 0, c)))
    expect(r.interval[1]).toBeLessThan(0)
    expect(r.call).toBe('rules ahead')
  })

  it('one row per regime, sorted, each against its own best constant', () => {
    const rows = table([judged('b', 0, 0), judged('b', 0, 0), judged('a', 0.01, 0.02), judged('a', 0.01, 0.02)])
    expect(rows.map((r) => [r.regime, r.n])).toEqual([
      ['a', 2],
      ['b', 2],
    ])
    expect(rows[0]).toMatchObject({bestConstant: 'always naive', constant: 0.02, rules: 0.01})
  })
})
