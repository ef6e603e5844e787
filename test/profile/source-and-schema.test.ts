import fc from 'fast-check'
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {profileChecker} from '../../src/engine/index.js'
import {loadProfileText} from '../../src/profile/load.js'
import {nestingProblem, parseSource, MAX_SOURCE_BYTES} from '../../src/profile/source.js'

const EXAMPLE = readFileSync(new URL('../../examples/icu-deterioration.yaml', import.meta.url), 'utf8')

describe('parseSource positions', () => {
  const text = 'a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n'
  const doc = parseSource('t.yaml', text)

  it('points at the value of an existing path', () => {
    expect(doc.rangeOf(['b', 'c', 1])).toEqual({line: 3, column: 10, endLine: 3, endColumn: 11})
    expect(doc.rangeOf(['b', 'd', 0, 'e'])).toMatchObject({line: 5, column: 10})
  })

  it('points at the key when asked, and at the nearest ancestor for a missing path', () => {
    expect(doc.rangeOf(['b', 'c'], {key: true})).toMatchObject({line: 3, column: 3})
    expect(doc.rangeOf(['b', 'missing', 'deeper'])).toMatchObject({line: 3, column: 3})
  })
})

describe('profile validation', () => {
  it('accepts the bundled example', () => {
    const r = loadProfileText('x.yaml', EXAMPLE)
    expect(r.findings).toEqual([])
    expect(r.profile?.modalities.map((m) => m.name)).toEqual(['ehr', 'cxr', 'genomics'])
  })

  it('puts a missing key at its parent and an extra key at the key', () => {
    const text = EXAMPLE.replace('  labelledSamples: 18000\n', '').replace('    encoderLatencyMs: 35\n', '    encoderLatencyMs: 35\n    colour: red\n')
    const r = loadProfileText('x.yaml', text)
    expect(r.profile).toBeUndefined()
    const missing = r.findings.find((f) => f.message.includes('`labelledSamples`'))!
    expect([missing.line, missing.column]).toEqual([9, 3])
    const extra = r.findings.find((f) => f.message.includes('`colour`'))!
    expect(extra.path).toEqual(['modalities', 1, 'colour'])
    expect(text.split('\n')[extra.line - 1].slice(extra.column - 1)).toBe('colour: red')
  })

  it('explains shares outside 0..1, bad names and wrong types in words', () => {
    const text = EXAMPLE.replace('availability: 0.22', 'availability: 22').replace('name: cxr', 'name: Chest-XRay').replace('features: 120', 'features: lots')
    const messages = loadProfileText('x.yaml', text).findings.map((f) => f.message)
    expect(messages).toContain('`modalities[1].availability` is a share and must be between 0 and 1; got 22.')
    expect(messages.some((m) => m.startsWith('`modalities[1].name` is the string "Chest-XRay", which has the wrong form'))).toBe(true)
    expect(messages).toContain('`modalities[0].features` must be a whole number, not the string "lots".')
  })

  it('reports the cross-document problems of the checker it is given, with positions', () => {
    const text = EXAMPLE.replace('modalities: [ehr, cxr]\n    availability: {cxr: 0.26}', 'modalities: [ehr, xray]\n    availability: {cxr: 0.26}')
    expect(loadProfileText('x.yaml', text).findings, 'schema only without a checker').toEqual([])
    const r = loadProfileText('x.yaml', text, profileChecker())
    const f = r.findings.find((x) => x.message.includes('`xray`'))!
    expect(f.severity).toBe('error')
    expect(text.split('\n')[f.line - 1].slice(f.column - 1, f.column + 3)).toBe('xray')
  })
})

describe('hostile YAML', () => {
  it('refuses an alias bomb with a finding instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n')
    const doc = parseSource('bomb.yaml', bomb)
    expect(doc.value).toBeUndefined()
    expect(doc.syntaxFindings[0].message).toMatch(/Too many YAML aliases/)
  })

  it('refuses deep nesting before the parser recurses into it, and accepts ordinary nesting', () => {
    for (const text of ['['.repeat(20_000), `a: ${'{b: '.repeat(100)}1${'}'.repeat(100)}`, Array.from({length: 80}, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')]) {
      const doc = parseSource('deep.yaml', text)
      expect(doc.syntaxFindings.map((f) => f.message)).toEqual([expect.stringMatching(/^Nesting deeper than 64 levels/)])
    }
    expect(nestingProblem(EXAMPLE)).toBeUndefined()
    expect(nestingProblem(`a: "${'['.repeat(500)}"\nb: '${'{'.repeat(500)}'\n# ${'['.repeat(500)}\n`)).toBeUndefined()
    expect(nestingProblem(`a: 1\nb: ${'['.repeat(65)}`)).toEqual({line: 2})
  })

  it('refuses files over the size limit before parsing', () => {
    const doc = parseSource('big.yaml', 'a: ' + 'x'.repeat(MAX_SOURCE_BYTES))
    expect(doc.syntaxFindings[0].ruleId).toBe('file-too-large')
  })

  it('does not let __proto__ keys pollute prototypes', () => {
    const r = loadProfileText('p.yaml', EXAMPLE.replace('task:', '__proto__: {polluted: true}\ntask:'))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(r.findings.some((f) => f.message.includes('`__proto__`'))).toBe(true)
  })

  it('never throws and always positions findings inside the file, whatever the text', () => {
    const lines = EXAMPLE.split('\n')
    const mutated = fc.tuple(fc.nat(lines.length - 1), fc.string({maxLength: 30}), fc.boolean()).map(([i, junk, replace]) => {
      const copy = [...lines]
      if (replace) copy[i] = junk
      else copy.splice(i, 0, junk)
      return copy.join('\n')
    })
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({maxLength: 200})), (text) => {
        const r = loadProfileText('f.yaml', text)
        const lineCount = text.split('\n').length
        for (const f of r.findings) {
          expect(f.line).toBeGreaterThanOrEqual(1)
          expect(f.line).toBeLessThanOrEqual(lineCount + 1)
          expect(f.message.length).toBeGreaterThan(0)
        }
        expect(r.profile === undefined || r.findings.every((f) => f.ruleId !== 'schema')).toBe(true)
      }),
      {numRuns: 300},
    )
  })
})
