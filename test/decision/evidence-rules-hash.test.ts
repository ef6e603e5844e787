// A test grid scores the rules it was committed for (their hash in bench/evidence/protocol.json). Once
// the rules change, its figures are about other rules: the confidence table drops its held-out regime
// calls (the ADR would otherwise cite them for rules they never scored) and docs/decisions.md says so.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {confidenceTable} from '../../bench/evidence/confidence.js'
import {scoresShippedRules} from '../../bench/evidence/records.js'
import {rulesHash} from '../../bench/evidence/rules-hash.js'
import {tempDir} from '../helpers/run-cli.js'

describe('the rules a test grid scores', () => {
  it('is the hash of every rule file, so any edit to one (or a new one) makes the grid stale', () => {
    const root = tempDir('fuseplan-rules-hash-')
    mkdirSync(join(root, 'rules'))
    writeFileSync(join(root, 'rules', 'a.yaml'), 'rules: []\n')
    const protocol = {test: {rulesHash: rulesHash(root)}}
    expect(rulesHash(root)).toMatch(/^[0-9a-f]{16}$/)
    expect(scoresShippedRules(root, protocol)).toBe(true)
    writeFileSync(join(root, 'rules', 'b.yaml'), 'rules: []\n')
    expect(scoresShippedRules(root, protocol)).toBe(false)
    protocol.test.rulesHash = rulesHash(root)
    writeFileSync(join(root, 'rules', 'a.yaml'), 'rules: [] # edited\n')
    expect(scoresShippedRules(root, protocol)).toBe(false)
    expect(scoresShippedRules(root, {test: {}})).toBe(false)
  })

  it('a grid committed for other rules gives the confidence table no held-out calls; its levels stay', async () => {
    const root = process.cwd()
    const protocol = JSON.parse(readFileSync('bench/evidence/protocol.json', 'utf8'))
    const committed = JSON.parse(readFileSync('evidence/confidence.json', 'utf8'))
    const stale = await confidenceTable(root, {...protocol, test: {...protocol.test, rulesHash: '0000000000000000'}})
    expect(stale.heldOut).toBeUndefined()
    expect(stale.regimes).toEqual(committed.regimes)
    expect(stale.source).toEqual(committed.source)
  }, 120_000)
})
