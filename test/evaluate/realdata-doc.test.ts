// docs/decisions.md's real-data section is what `npm run bench:realdata` computes from the committed
// results: regenerated here and compared, so an edit by hand or a stale doc fails.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {END, pairAgreement, readResults, realdataSection, sectionOf, SETS, START, withSection} from '../../bench/realdata/section.js'
import {ROOT} from '../helpers/run-cli.js'

const results = readResults(join(ROOT, 'bench', 'realdata', 'results'))

describe('bench:realdata in docs/decisions.md', () => {
  it('the section between the realdata markers is the one the committed results give', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'decisions.md'), 'utf8')
    expect(sectionOf(doc)).toBe(realdataSection(results))
  })

  it('the committed results are runs on the data (and simulations) of every set, at the defaults', () => {
    for (const name of SETS) {
      const set = results.sets.find((s: {name: string}) => s.name === name)
      expect(set.data.data.test.file).toBe('test.jsonl')
      expect(set.data.data.train.skipped).toBe(0)
      expect(set.data.simulation.seeds).toHaveLength(3)
      expect(set.data.simulation.reductions).toEqual([])
      expect(set.simulated.data).toBeUndefined()
      expect(set.simulated.simulation.seeds).toHaveLength(3)
    }
  })

  it('ranking agreement: a pair counts only where a run separates it by more than the margin', () => {
    const run = (means: Record<string, number>) => ({metric: {higherIsBetter: true}, strategies: Object.entries(means).map(([id, v]) => ({id, metrics: {deployment: v}}))})
    const a = pairAgreement(run({late: 0.9, intermediate: 0.95, attention: 0.905}), run({late: 0.93, intermediate: 0.92, attention: 0.95}))
    expect(a.agree.map((p: {better: string}) => p.better)).toEqual([])
    expect(a.disagree.map((p: {better: string; worse: string}) => `${p.better}>${p.worse}`)).toEqual(['late>intermediate', 'attention>intermediate'])
    expect(a.simTie.map((p: {better: string; worse: string}) => `${p.better}>${p.worse}`)).toEqual(['attention>late'])
  })

  it('a doc without the markers gets the section appended; with them, only the section is replaced', () => {
    expect(withSection('# Doc\n', `${START}\nx\n${END}`)).toBe(`# Doc\n\n${START}\nx\n${END}\n`)
    expect(withSection(`a\n${START}\nold\n${END}\nb\n`, `${START}\nnew\n${END}`)).toBe(`a\n${START}\nnew\n${END}\nb\n`)
  })
})
