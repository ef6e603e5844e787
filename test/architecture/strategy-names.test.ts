// A strategy is named in one folder: src/strategies/ (and, in the generated project, which cannot
// import fuseplan, templates/project/src/model/strategies/). Anywhere else the code iterates the
// registry, so a new strategy is a new file there and nothing else in the code. This test fails on
// a literal naming one: a string that is a strategy's name or a candidate id built on it ('late',
// "early/complete-case"), a `case 'late':`, or an object key named after one (`late: ...`).
// Prose that mentions a strategy inside a longer string is not a name.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {STRATEGIES} from '../../src/strategies/index.js'
import {ROOT} from '../helpers/run-cli.js'

/** Where a strategy may be named, with the reason. */
const EXCLUDED: Record<string, string> = {
  'src/strategies/': 'the registry',
  'templates/project/src/model/strategies/': "the generated project's own registry of networks",
  'templates/project/src/config.validate.ts': 'written by the build from the TrainingConfig schema (its enum comes from the registry)',
  'templates/project/src/strategies.ts': 'written by the build from the registry (scripts/strategy-files.js)',
}

/** Single names allowed in a file, with the reason: `file: literal`. */
const ALLOWED: Record<string, string> = {
  "templates/project/src/config.ts: 'attention'":
    "the config check that attention's tokens share one width runs before any network is built, and config.ts cannot import the networks (they import it)",
}

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir), {recursive: true})
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f))
    .filter((f) => !Object.keys(EXCLUDED).some((x) => f.startsWith(x)))
}

/** Source text without comments (a comment may talk about a strategy). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
}

export function strategyLiterals(text: string, names: readonly string[]): string[] {
  const alt = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')
  const literal = new RegExp(`(['"\`])(?:${alt})(?:/[a-z-]*)?\\1`, 'g')
  const key = new RegExp(`(?:^|[{,]\\s*)(?:${alt})\\s*:(?!:)`, 'gm')
  return [...text.matchAll(literal), ...text.matchAll(key)].map((m) => m[0].trim())
}

describe('strategy names live in the registry only', () => {
  it('no source file outside the registries names a strategy', () => {
    const found = [...files('src'), ...files('templates/project/src')].flatMap((file) => {
      const lines = code(readFileSync(join(ROOT, file), 'utf8')).split('\n')
      return lines.flatMap((line, i) => strategyLiterals(line, STRATEGIES).flatMap((hit) => (ALLOWED[`${file}: ${hit}`] ? [] : [`${file}:${i + 1}: ${hit}`])))
    })
    expect(found).toEqual([])
  })

  it('the detector sees each kind of literal, and not prose (it is not vacuous)', () => {
    const names = ['early', 'late']
    expect(strategyLiterals(`if (s === 'late') x = "early/complete-case"`, names)).toEqual([`'late'`, `"early/complete-case"`])
    expect(strategyLiterals('case `early`:', names)).toEqual(['`early`'])
    expect(strategyLiterals('const t = {early: 1, late: 2}', names)).toEqual(['{early:', ', late:'])
    expect(strategyLiterals(`throw new Error('late fusion needs presence inputs')`, names)).toEqual([])
    expect(strategyLiterals('const lateness = x.early', names)).toEqual([])
  })
})
