// docs/rules.md documents every derived fact and every bundled rule; this keeps it from drifting.
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {FACT_DOCS} from '../../src/facts/index.js'
import {loadRuleSet} from '../../src/engine/index.js'

const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8')

describe('docs/rules.md', () => {
  it('lists every fact with the description the code carries', () => {
    for (const f of FACT_DOCS) expect(doc, f.name).toContain(`| \`${f.name}\` | ${f.description.replace(/\|/g, '\\|')} |`)
  })
  it('lists every bundled rule', () => {
    for (const cr of loadRuleSet().rules) expect(doc, cr.rule.id).toContain(`| \`${cr.rule.id}\` |`)
  })
})
