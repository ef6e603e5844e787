// Imports point down only (docs/design.md#layers): a module may import its own layer's files below
// its folder and any lower layer, never a higher one, and the four uses of a decision do not import
// each other. Read from the source text, so a new file is checked the day it is added.
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ROOT} from '../helpers/run-cli.js'

/** Bottom to top. A file belongs to the first layer whose prefix it starts with. */
const LAYERS: [name: string, prefixes: string[]][] = [
  ['base', ['src/util/', 'src/findings.ts']],
  ['profile', ['src/profile/', 'src/strategies/']],
  ['facts', ['src/facts/']],
  ['engine', ['src/engine/']],
  ['decision', ['src/decision/']],
  ['uses', ['src/lint/', 'src/scaffold/', 'src/evaluate/', 'src/init/']],
  ['formatters', ['src/formatters/']],
  ['commands', ['src/commands/', 'src/cli/', 'src/hooks/', 'src/index.ts']],
]

/** Imports between two uses that are part of the design, with the reason. */
const USES_MAY_IMPORT: Record<string, {to: string; why: string}> = {
  'src/evaluate/': {to: 'src/scaffold/', why: 'evaluate trains each candidate as scaffold ships it (its TrainingConfig)'},
  'src/lint/': {to: 'src/scaffold/', why: 'lint checks fuseplan.training.yaml against the TrainingConfig schema scaffold writes'},
}

function layerOf(file: string): number {
  const i = LAYERS.findIndex(([, prefixes]) => prefixes.some((p) => file.startsWith(p)))
  if (i < 0) throw new Error(`${file} is on no layer: add it to LAYERS and docs/design.md#layers`)
  return i
}

const useOf = (file: string) => LAYERS[5][1].find((p) => file.startsWith(p))

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), {recursive: true})
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f))
}

/** Module specifiers of static imports, re-exports and import() with a literal; `null` for a computed import(). */
function importsOf(text: string): (string | null)[] {
  const out: (string | null)[] = []
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) out.push(m[1])
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1])
  for (const m of text.matchAll(/\bimport\(\s*([^)]*)\)/g)) {
    const literal = /^['"]([^'"]+)['"]$/.exec(m[1].trim())
    out.push(literal ? literal[1] : null)
  }
  return out
}

function edges(dirs = ['src']) {
  const result: {from: string; to: string | null}[] = []
  for (const file of dirs.flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '')
    for (const spec of importsOf(text)) {
      if (spec === null) result.push({from: file, to: null})
      else if (spec.startsWith('.')) result.push({from: file, to: relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts')})
    }
  }
  return result
}

/** The import cycles (strongly connected components of more than one module, or a self-import), each sorted. */
function cycles(list: {from: string; to: string | null}[]): string[][] {
  const next = new Map<string, string[]>()
  for (const e of list) if (e.to !== null) next.set(e.from, [...(next.get(e.from) ?? []), e.to])
  // Tarjan's algorithm.
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const out: string[][] = []
  const visit = (v: string) => {
    index.set(v, index.size)
    low.set(v, index.get(v)!)
    stack.push(v)
    onStack.add(v)
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!))
    }
    if (low.get(v) !== index.get(v)) return
    const component: string[] = []
    let w: string
    do {
      w = stack.pop()!
      onStack.delete(w)
      component.push(w)
    } while (w !== v)
    if (component.length > 1 || next.get(v)?.includes(v)) out.push(component.sort())
  }
  for (const v of next.keys()) if (!index.has(v)) visit(v)
  return out.sort((a, b) => a[0].localeCompare(b[0]))
}

describe('layers', () => {
  const all = edges()

  it('every import of a source file points to its own layer or a lower one', () => {
    const upward = all
      .filter((e): e is {from: string; to: string} => e.to !== null && e.to.startsWith('src/'))
      .filter((e) => layerOf(e.to) > layerOf(e.from))
      .map((e) => `${e.from} (${LAYERS[layerOf(e.from)][0]}) imports ${e.to} (${LAYERS[layerOf(e.to)][0]})`)
    expect(upward).toEqual([])
  })

  it('the uses of a decision do not import each other, except where the design says so', () => {
    const across = all
      .filter((e): e is {from: string; to: string} => e.to !== null && useOf(e.from) !== undefined && useOf(e.to) !== undefined && useOf(e.from) !== useOf(e.to))
      .filter((e) => USES_MAY_IMPORT[useOf(e.from)!]?.to !== useOf(e.to))
      .map((e) => `${e.from} imports ${e.to}`)
    expect(across).toEqual([])
  })

  it('no import hides its target behind a computed specifier', () => {
    expect(all.filter((e) => e.to === null).map((e) => e.from)).toEqual([])
  })

  it('the generated project imports nothing of fuseplan', () => {
    const leaks = sourceFiles('templates/project/src').flatMap((file) =>
      importsOf(readFileSync(join(ROOT, file), 'utf8'))
        .filter((s): s is string => s !== null && s.startsWith('.'))
        .map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)))
        .filter((target) => !target.startsWith('templates/project/'))
        .map((target) => `${file} imports ${target}`),
    )
    expect(leaks).toEqual([])
  })

  it('no module imports itself through others, also inside a folder (type-only imports count)', () => {
    expect(cycles(edges(['src', 'templates/project/src']))).toEqual([])
  })

  it('the cycle finder sees a cycle (it is not vacuous)', () => {
    const loop = [
      {from: 'a.ts', to: 'b.ts'},
      {from: 'b.ts', to: 'c.ts'},
      {from: 'c.ts', to: 'a.ts'},
      {from: 'c.ts', to: 'd.ts'},
    ]
    expect(cycles(loop)).toEqual([['a.ts', 'b.ts', 'c.ts']])
  })

  it('the checker sees an upward import (it is not vacuous)', () => {
    expect(importsOf("import {decide} from '../decision/decide.js'\nconst x = await import(name)\n")).toEqual(['../decision/decide.js', null])
    expect(layerOf('src/engine/index.ts')).toBeLessThan(layerOf('src/decision/types.ts'))
  })
})
