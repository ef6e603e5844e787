// Presence-pattern shares derived from availabilities assume independent missingness: the ADR says so
// wherever it shows them, and says nothing when the profile gives observed patterns (or nothing can
// be missing together).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {decide} from '../../src/decision/decide.js'
import {formatAdr} from '../../src/formatters/decision/adr.js'
import type {Profile} from '../../src/profile/types.js'
import {ROOT} from '../helpers/run-cli.js'

const example = (name: string) => parse(readFileSync(join(ROOT, 'examples', name), 'utf8')) as Profile

describe('ADR: where pattern shares come from', () => {
  it('shares derived from availabilities state the independence they assume, in the context and the evaluation plan', () => {
    const adr = formatAdr(decide(example('icu-deterioration.yaml'), {date: '2026-01-15'}), {date: '2026-01-15'})
    expect(adr).toContain('about 1.1% of requests carry every modality (if they go missing independently of each other: the profile gives no observed `patterns`)')
    const plan = adr.slice(adr.indexOf('### Evaluation plan'), adr.indexOf('### Latency'))
    expect(plan).toContain('These shares are derived from the availabilities assuming each modality goes missing independently of the others')
  })

  it('observed patterns: no such caveat', () => {
    const p = example('fraud-realtime.yaml')
    expect(p.patterns?.length).toBeGreaterThan(0)
    const adr = formatAdr(decide(p), {date: '2026-01-15'})
    expect(adr).not.toContain('independently of')
  })

  it('one modality that can be missing: nothing to assume', () => {
    const p = example('icu-deterioration.yaml')
    const one = {...p, modalities: p.modalities.map((m, i) => (i === p.modalities.length - 1 ? m : {...m, availability: 1, required: true}))}
    expect(formatAdr(decide(one), {date: '2026-01-15'})).not.toContain('independently of')
  })
})
