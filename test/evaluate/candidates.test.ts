import {describe, expect, it} from 'vitest'
import {candidateForStrategy, CandidateListError, parseCandidates, rawZeroFill} from '../../src/evaluate/candidates.js'

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
    expect(naive).toMatchObject({strategy: 'early', variant: 'complete-case', completeCasesOnly: true, absentInputs: {fill: rawZeroFill, presenceInputs: false, masking: false}})
    expect(candidateForStrategy('early')).toBe('early/indicators')
    expect(candidateForStrategy('late')).toBe('late')
    expect(candidateForStrategy(null)).toBeNull()
  })
})

describe('the naive baseline fills an absent input with the raw value 0', () => {
  it('standardised per feature (mlp) or per channel (conv), repeated over the size the model reads', () => {
    const stats = {mean: {lab: [2, -1]}, std: {lab: [4, 0.5]}, label: null}
    expect(Array.from(rawZeroFill(stats, 'lab', 4))).toEqual([-0.5, 2, -0.5, 2])
  })
})
