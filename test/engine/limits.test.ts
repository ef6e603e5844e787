// Bounds on user rule packs: CEL evaluation work is bounded at load, and the rule-folder walk does
// not follow linked folders and stops at its limits, each reported as a positioned load problem.
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {CelCompileError, compile, MAX_COMPREHENSION_DEPTH, MAX_COMPREHENSIONS} from '../../src/engine/cel.js'
import {loadRuleSet, RuleLoadError, type LoadProblem} from '../../src/engine/index.js'
import {listRuleFilesChecked, MAX_RULE_DIR_DEPTH} from '../../src/engine/loader.js'

const root = mkdtempSync(join(tmpdir(), 'fuseplan-limits-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
let n = 0
function folder(): string {
  const dir = join(root, `d${n++}`)
  mkdirSync(dir, {recursive: true})
  return dir
}

function rule(when: string): string {
  return `id: team-limit
title: A rule with a costly condition
rationale: Exercises the evaluation budget of rule conditions.
source: test
severity: warning
when: ${JSON.stringify(when)}
effects:
  finding:
    message: fired
examples:
  fires: {}
  passes: {}
`
}

function problems(fn: () => unknown): LoadProblem[] {
  try {
    fn()
  } catch (error) {
    if (error instanceof RuleLoadError) return error.problems
    throw error
  }
  throw new Error('expected a RuleLoadError')
}

const list = (k: number): string => `[${Array.from({length: k}, (_, i) => i).join(',')}]`

describe('CEL evaluation budget', () => {
  it('allows one level of nesting over data', () => {
    expect(() => compile('facts.modalities.exists(m, facts.modalities.exists(o, o.name == m.name))')).not.toThrow()
  })

  it('refuses comprehensions nested deeper than the limit, at the outer one', () => {
    expect(MAX_COMPREHENSION_DEPTH).toBe(2)
    const src = 'size(facts.modalities.map(a, facts.modalities.map(b, facts.modalities.map(c, 1)))) > 0'
    let err: unknown
    try {
      compile(src)
    } catch (error) {
      err = error
    }
    expect(err).toBeInstanceOf(CelCompileError)
    expect((err as CelCompileError).message).toMatch(/nested 3 deep; fuseplan allows at most 2/)
    expect((err as CelCompileError).offset).toBe(src.indexOf('facts'))
  })

  it('does not count a comprehension in the receiver of another as nested', () => {
    expect(() => compile('facts.modalities.filter(a, a.required).map(b, b.name).filter(c, c != "x").size() > 0')).not.toThrow()
  })

  it('refuses nested comprehensions over long list literals (estimated steps)', () => {
    expect(() => compile(`${list(500)}.exists(a, ${list(400)}.exists(b, a + b < 0))`)).toThrow(/evaluation steps; fuseplan allows 1,000,000/)
    expect(() => compile(`${list(100)}.exists(a, ${list(100)}.exists(b, a + b < 0))`)).not.toThrow()
  })

  it('refuses too many comprehensions in one expression', () => {
    const many = Array.from({length: MAX_COMPREHENSIONS + 1}, () => 'facts.modalities.exists(m, m.required)').join(' || ')
    expect(() => compile(many)).toThrow(/Too many macros/)
  })

  it('reports the cost bomb of a rule pack at its file:line:col', () => {
    const dir = folder()
    writeFileSync(join(dir, 'bomb.yaml'), rule(`size(${list(100)}.map(a, ${list(100)}.map(b, ${list(100)}.map(c, a + b + c)))) > 0`))
    const p = problems(() => loadRuleSet({rulesDirs: [dir], noBuiltin: true}))
    expect(p).toHaveLength(1)
    expect(p[0].file).toMatch(/bomb\.yaml$/)
    expect(p[0].line).toBe(6)
    expect(p[0].column).toBe(13) // the outer `.map` expression, after `when: "size(`
    expect(p[0].message).toMatch(/^Invalid CEL in rule `when` condition: Comprehensions nested 3 deep/)
  })
})

describe('rule folder walk', () => {
  it('skips symlinked folders (no loop), still reads linked files', () => {
    const dir = folder()
    writeFileSync(join(dir, 'a.yaml'), rule('facts.minAvailability < 0.1'))
    mkdirSync(join(dir, 'sub'))
    writeFileSync(join(dir, 'sub', 'b.yml'), 'x')
    symlinkSync('..', join(dir, 'loop'))
    symlinkSync(join(dir, 'a.yaml'), join(dir, 'link.yaml'))
    symlinkSync(join(dir, 'missing.yaml'), join(dir, 'dangling.yaml'))
    const {files, problems} = listRuleFilesChecked(dir)
    expect(problems).toEqual([])
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['a.yaml', 'link.yaml', 'sub/b.yml'])
  })

  it('stops at the depth limit with a problem for the rule folder', () => {
    const dir = folder()
    let d = dir
    for (let i = 0; i <= MAX_RULE_DIR_DEPTH; i++) d = join(d, `l${i}`)
    mkdirSync(d, {recursive: true})
    const r = listRuleFilesChecked(dir)
    expect(r.problems).toHaveLength(1)
    expect(r.problems[0]).toMatchObject({line: 1, column: 1})
    expect(r.problems[0].message).toMatch(new RegExp(`nests deeper than ${MAX_RULE_DIR_DEPTH} levels`))
  })

  it('a walk problem is a RuleLoadError from loadRuleSet, not an exception', () => {
    const dir = folder()
    let d = dir
    for (let i = 0; i <= MAX_RULE_DIR_DEPTH; i++) d = join(d, `l${i}`)
    mkdirSync(d, {recursive: true})
    const p = problems(() => loadRuleSet({rulesDirs: [dir], noBuiltin: true}))
    expect(p.map((x) => x.message)).toEqual([expect.stringMatching(/nests deeper than/)])
  })
})
