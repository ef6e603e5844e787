// docs/decisions.md's real-data section is what `npm run bench:realdata` computes from the committed
// results: regenerated here and compared, so an edit by hand or a stale doc fails. The whole doc is
// written by bench/evidence/report.js (test/decision/evidence-doc.test.ts), which appends this section.
import {copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {END, pairAgreement, readResults, realdataSection, sectionOf, SETS, START} from '../../bench/realdata/section.js'
import {ROOT} from '../helpers/run-cli.js'

const results = readResults(join(ROOT, 'bench', 'realdata', 'results'))

describe('bench:realdata in docs/decisions.md', () => {
  it('the section between the realdata markers is the one the committed results give', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'decisions.md'), 'utf8')
    expect(sectionOf(doc)).toBe(realdataSection(results))
  })

  it('the committed results are runs on the data (and simulations) of each set run so far, at the defaults; the others are named as not run', () => {
    expect([...results.sets.map((s: {name: string}) => s.name), ...results.missing].sort()).toEqual([...SETS].sort())
    if (results.missing.length > 0) expect(realdataSection(results)).toContain(`Not run yet: ${results.missing.join(', ')}`)
    for (const set of results.sets) {
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
    // Gaps are the named better one's advantage: positive in the run that orders it so, negative in one that orders it the other way.
    for (const p of a.disagree as {sim: number; data: number}[]) expect([p.data > 0, p.sim < 0]).toEqual([true, true])
  })

  it('a set without results is named as not run yet, between the markers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'realdata-'))
    try {
      const from = join(ROOT, 'bench', 'realdata', 'results')
      for (const f of ['breast-cancer.data.json', 'breast-cancer.simulated.json']) copyFileSync(join(from, f), join(dir, f))
      const partial = readResults(dir)
      expect(partial.sets.map((s: {name: string}) => s.name)).toEqual(['breast-cancer'])
      expect(partial.missing).toEqual(['digits'])
      const section = realdataSection(partial)
      expect(section.startsWith(START) && section.endsWith(END)).toBe(true)
      expect(section).toContain('### breast-cancer')
      expect(section).toContain('Not run yet: digits')
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
