// One edit distance serves "did you mean" for keys, kinds, rule ids and commands.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {closest, editDistance} from '../../src/util/suggest.js'
import {closestCommands} from '../../src/hooks/command-not-found.js'

/** The textbook full-matrix Damerau (optimal string alignment) distance, as a reference. */
function reference(a: string, b: string, transpositions: boolean): number {
  const d = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

describe('editDistance', () => {
  it('equals the full-matrix reference, with and without transpositions', () => {
    const word = fc.string({unit: fc.constantFrom('a', 'b', 'c', 'A'), maxLength: 8})
    fc.assert(
      fc.property(word, word, fc.boolean(), (a, b, t) => {
        expect(editDistance(a, b, {ignoreCase: false, transpositions: t})).toBe(reference(a, b, t))
        expect(editDistance(a, b, {transpositions: t})).toBe(reference(a.toLowerCase(), b.toLowerCase(), t))
      }),
      {numRuns: 300},
    )
  })

  it('suggests what users mistype', () => {
    expect(closest('labeledSamples', ['labelledSamples', 'interactions'])).toBe('labelledSamples')
    expect(closestCommands('recomend', ['recommend', 'lint', 'init'])).toEqual(['recommend'])
    expect(closestCommands('lnit', ['recommend', 'lint', 'init'])).toEqual(['lint', 'init'])
    expect(closestCommands('lnit', ['recommend', 'lint'])).toEqual(['lint']) // a swap: two edits without transpositions
  })
})
