import {describe, expect, it} from 'vitest'
import {candidateForStrategy, CandidateListError, parseCandidates} from '../../src/evaluate/candidates.js'

describe('candidates', () => {
  it('parses comma lists and aliases into the canonical order, once each', () => {
    expect(parseCandidates('late, intermediate,naive,late').map((c) => c.id)).toEqual(['early/complete-case', 'intermediate', 'late'])
    expect(parseCandidates('all').map((c) => c.id)).toEqual(['early/complete-case', 'early/indicators', 'intermediate', 'attention', 'late'])
    expect(parseCandidates('early').map((c) => c.id)).toEqual(['early/indicators'])
  })

  it('rejects unknown names and empty lists', () => {
    expect(() => parseCandidates('late,transformer')).toThrow(CandidateListError)
    expect(() => parseCandidates('late,transformer')).toThrow(/unknown candidate "transformer"/)
    expect(() => parseCandidates(' , ')).toThrow(/no candidate/)
  })

  it('the naive baseline is early fusion, complete cases; recommended early maps to indicators', () => {
    const [naive] = parseCandidates('naive')
    expect(naive).toMatchObject({strategy: 'early', variant: 'complete-case', completeCasesOnly: true, modelVariant: 'complete-case'})
    expect(candidateForStrategy('early')).toBe('early/indicators')
    expect(candidateForStrategy('late')).toBe('late')
    expect(candidateForStrategy(null)).toBeNull()
  })
})
