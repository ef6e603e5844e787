// The mapping `init --from-data` guesses when no --map is given.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {checkModalityName} from '../../src/init/fields.js'
import {guessMapping, mappingAsFlags} from '../../src/init/guess.js'

describe('guessMapping', () => {
  it('groups by prefix, file references and free text; leaves ids and outcomes out', () => {
    const guess = guessMapping(['id', 'age', 'hr', 'bp_sys', 'bp_dia', 'cxr_path', 'note', 'label'])
    expect(guess.map((m) => [m.modality, m.columns])).toEqual([
      ['bp', ['bp_sys', 'bp_dia']],
      ['cxr', ['cxr_path']],
      ['notes', ['note']],
      ['tabular', ['age', 'hr']],
    ])
    expect(mappingAsFlags(guess.slice(0, 2))).toBe('--map "bp=bp_sys,bp_dia" --map "cxr=cxr_path"')
    expect(guessMapping(['patient_id', 'target'])).toEqual([])
    expect(guessMapping(['a', 'y', 'outcome_label'], 'outcome_label').map((m) => m.modality)).toEqual(['tabular'])
  })

  it('on any column names: valid modality names, each input column in at most one modality, never the label', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_ .-]{1,12}$/), {maxLength: 12}), fc.option(fc.nat(11), {nil: undefined}), (columns, li) => {
        const label = li === undefined ? undefined : columns[li]
        const guess = guessMapping(columns, label)
        const used = guess.flatMap((m) => m.columns)
        expect(new Set(used).size).toBe(used.length)
        for (const c of used) expect(columns).toContain(c)
        if (label !== undefined) expect(used).not.toContain(label)
        for (const m of guess) expect(checkModalityName(m.modality).ok).toBe(true)
        expect(new Set(guess.map((m) => m.modality)).size).toBe(guess.length)
      }),
    )
  })
})
