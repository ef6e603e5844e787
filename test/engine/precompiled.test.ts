// The snapshot of the bundled rules (scripts/compile-rules.js) must rebuild exactly what parsing the
// YAML gives: same values, same positions for every node, key and missing path; a stale entry (text
// changed since the build) must be ignored so the YAML is parsed.
import {readFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {DocPath} from '../../src/findings.js'
import {builtinRulesDir, compiledRulesPath, loadRuleSet} from '../../src/engine/index.js'
import {listRuleFiles, loadRuleFile, snapshotSource, sourceFromSnapshot, textHash, type RulesSnapshot} from '../../src/engine/loader.js'
import {parseSource} from '../../src/profile/source.js'

const dir = builtinRulesDir()
const files = listRuleFiles(dir)

function allPaths(v: unknown, path: DocPath = [], out: DocPath[] = []): DocPath[] {
  out.push(path)
  if (Array.isArray(v)) v.forEach((x, i) => allPaths(x, [...path, i], out))
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) allPaths(x, [...path, k], out)
  return out
}

describe('bundled rule snapshots', () => {
  it('answer rangeOf like the YAML parser, for every path, key and a missing child', () => {
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      const parsed = parseSource('r.yaml', text)
      const snap = sourceFromSnapshot('r.yaml', text, JSON.parse(JSON.stringify(snapshotSource(parsed, text))))
      expect(snap.value).toEqual(parsed.value)
      for (const p of allPaths(parsed.value)) {
        expect(snap.rangeOf(p), `${file} ${p.join('.')}`).toEqual(parsed.rangeOf(p))
        expect(snap.rangeOf(p, {key: true}), `${file} ${p.join('.')} key`).toEqual(parsed.rangeOf(p, {key: true}))
        expect(snap.rangeOf([...p, 'nope', 3])).toEqual(parsed.rangeOf([...p, 'nope', 3]))
      }
    }
  })

  it('load the same rules as parsing, with CEL compiled on first use', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      const snap = snapshotSource(parseSource('x', text), text)
      const fromYaml = loadRuleFile(file, true)
      const fromSnap = loadRuleFile(file, true, JSON.parse(JSON.stringify(snap)))
      expect(fromSnap.problems).toEqual([])
      expect(fromSnap.y.lazyCel).toBe(true)
      expect(fromYaml.y.lazyCel).toBe(false)
      const strip = (r: (typeof fromYaml.rules)[number]) => ({...r, when: r.when.source, forEach: r.forEach?.source, whenReads: r.when.reads, effects: r.effects.raw})
      expect(fromSnap.rules.map(strip)).toEqual(fromYaml.rules.map(strip))
    }
  })

  it('a stale snapshot (text changed since the build) is ignored and the YAML parsed', () => {
    const [a, b] = files
    const textA = readFileSync(a, 'utf8')
    const snapA = snapshotSource(parseSource('x', textA), textA)
    const r = loadRuleFile(b, true, snapA)
    expect(r.y.lazyCel).toBe(false)
    expect(r.rules.map((x) => x.id)).toEqual(loadRuleFile(b, true).rules.map((x) => x.id))
    expect(textHash(readFileSync(b, 'utf8'))).not.toBe(snapA.sha256)
  })

  it('the built dist/rules.compiled.json matches rules/ and loads like the YAML (npm test builds it)', () => {
    const snap = JSON.parse(readFileSync(compiledRulesPath(), 'utf8')) as RulesSnapshot
    for (const file of files) expect(snap.files[relative(dir, file).split('\\').join('/')]?.sha256, file).toBe(textHash(readFileSync(file, 'utf8')))
    const meta = (precompiled: boolean) =>
      loadRuleSet({precompiled}).rules.map((c) => ({id: c.rule.id, location: c.rule.location, options: c.options, examples: c.rule.examples, reads: c.rule.when.reads}))
    expect(meta(true)).toEqual(meta(false))
    expect(join(dir, '..', 'dist', 'rules.compiled.json')).toBe(compiledRulesPath())
  })
})
