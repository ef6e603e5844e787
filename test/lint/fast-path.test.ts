// The fast reader may only ever confirm clean files: for any text, lint with the fast path must give
// exactly the report the positional parser alone gives.
import fc from 'fast-check'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {checkProfile, defaultRuleSet} from '../../src/engine/index.js'
import {fastParse} from '../../src/profile/fast-parse.js'
import {parseSource} from '../../src/profile/source.js'
import {lintFiles, lintSource, type LintOptions} from '../../src/lint/lint.js'
import {tempDir} from '../helpers/run-cli.js'

const EXAMPLES = ['icu-deterioration', 'fraud-realtime', 'retail-complete', 'wearable-afib'].map((n) => readFileSync(new URL(`../../examples/${n}.yaml`, import.meta.url), 'utf8'))
const options: LintOptions = {checkProfile: (p) => checkProfile(defaultRuleSet(), p)}

describe('lint fast path', () => {
  it('reads plain documents and declines anchors, aliases, tags, deep nesting and binary input', () => {
    expect(fastParse(Buffer.from(EXAMPLES[0]))).toMatchObject({kind: 'DeploymentProfile'})
    for (const text of ['a: &x 1\nb: *x\n', 'a: !!str 1\n', `a: ${'['.repeat(100)}`, 'a: [1\n', '- 1\n- 2\n', '']) {
      expect(fastParse(Buffer.from(text))).toBeUndefined()
    }
    expect(fastParse(Buffer.from([0x61, 0x3a, 0x00]))).toBeUndefined()
  })

  it('gives byte-identical reports to the positional parser, whatever the text', () => {
    const dir = tempDir()
    const file = join(dir, 'p.yaml')
    const mutation = fc.tuple(fc.nat(EXAMPLES.length - 1), fc.nat(200), fc.constantFrom('', '1.5', '0.3', 'x', '- y', '  z: 1', 'name: a', 'availability: 0.9', 'required: true', '{', '\t')).map(([e, at, junk]) => {
      const lines = EXAMPLES[e].split('\n')
      const i = at % lines.length
      lines[i] = junk === '' ? '' : lines[i].replace(/\S.*$/, junk)
      return lines.join('\n')
    })
    fc.assert(
      fc.property(mutation, (text) => {
        writeFileSync(file, text)
        const [viaLint] = lintFiles([{path: file, explicit: true}], options)
        const direct = lintSource(parseSource(file, Buffer.from(text)), true, options)
        expect(viaLint).toEqual(direct)
      }),
      {numRuns: 200},
    )
  })
})
