// Hostile CEL in rule packs (binds that double, nested comprehensions, catastrophic regexes): a load
// error, or a value, or an evaluation error within the guard; never a crash, a V8 abort or a hang.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {expectVerdict, inDir, isVerdict, lintVerdict, rulesOrVerdict} from '../helpers/verdict.js'
import {CelCompileError, CelLimitError, compile} from '../../src/engine/cel.js'
import {tempDir, exampleProject, EXAMPLE_TEXT} from '../helpers/run-cli.js'
import {expectCleanExit, runs, fuseplan, rulePack} from '../helpers/fuzz.js'

/** CEL built from pieces that blow up: binds that double, concatenation, comprehensions, regexes. */
const hostileCel: fc.Arbitrary<string> = fc
  .letrec<{expr: string}>((tie) => ({
    expr: fc.oneof(
      {depthSize: 'small', withCrossShrink: true},
      fc.constantFrom('[1, 2, 3]', "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'", 'profile.modalities', `[${Array.from({length: 400}, (_, i) => i).join(',')}]`, "'x'", 'x'),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `cel.bind(x, ${a}, ${b})`),
      tie('expr').map((a) => `cel.bind(x, ${a}, cel.bind(x, x + x, cel.bind(x, x + x, cel.bind(x, x + x, x + x))))`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a} + ${b})`),
      tie('expr').map((a) => `${a}.map(y, [y, y, y])`),
      tie('expr').map((a) => `[1, 2, 3].map(y, ${a})`),
      fc.tuple(tie('expr'), fc.constantFrom('^(a+)+$', '(a|aa)*b', '(.*a){20}', '^(a|a?)+$', '(x+x+)+y', '[', '(a)\\\\1', '(?=a)')).map(([a, re]) => `string(${a}).matches('${re}')`),
    ),
  }))
  .expr.map((e) => `size(${e}) >= 0`)

/** A pack of rules: [id, when] pairs, each a warning finding when it fires. */
function pack(rules: [string, string][]): string {
  return `rules:\n${rules.map(([id, when]) => rulePack(when).replace('rules:\n', '').replace('id: team-limit', `id: ${id}`)).join('')}`
}

/** `cel.bind` nested `n` times, each doubling a 400-element list. */
function bindBomb(n: number): string {
  let e = 'size(x) > 0'
  for (let i = 0; i < n; i++) e = `cel.bind(x, x + x, ${e})`
  return `cel.bind(x, [${Array.from({length: 400}, (_, i) => i).join(',')}], ${e})`
}

describe('hostile CEL in rule packs (in process)', () => {
  it('compiles to a load error, or evaluates to a value or an evaluation error: no crash, no hang', () => {
    const ctx = {profile: {name: 'p', modalities: [{name: 'a'}, {name: 'b'}]}, facts: {}, options: {}}
    fc.assert(
      fc.property(hostileCel, (source) => {
        let compiled
        try {
          compiled = compile(source)
        } catch (error) {
          expect(error).toBeInstanceOf(CelCompileError)
          return
        }
        for (let i = 0; i < 2; i++) {
          try {
            compiled.run(ctx)
          } catch (error) {
            // A guard stop, or an ordinary CEL evaluation error (a wrong type): never a V8 abort.
            expect(error).toBeInstanceOf(Error)
            if (i === 1 && error instanceof CelLimitError) expect(error.message).toMatch(/steps|ms|grew past|limit/)
          }
        }
      }),
      {numRuns: runs(300)},
    )
  }, 300_000)

  it('a pack of such rules ends in findings or a load error through the CLI', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileCel, {minLength: 1, maxLength: 4}), async (whens) => {
        const dir = tempDir('fuseplan-fuzz-cel-')
        writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
        mkdirSync(join(dir, 'pack'))
        const rules = whens.map(
          (when, i) =>
            `  - id: hostile-${i}\n    title: t\n    rationale: r\n    source: test\n    severity: warning\n    when: ${JSON.stringify(when)}\n    effects:\n      finding:\n        message: fired\n        path: modalities\n    examples:\n      fires: {}\n      passes: {}\n`,
        )
        writeFileSync(join(dir, 'pack', 'r.yaml'), `rules:\n${rules.join('')}`)
        const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack'], {cwd: dir, timeoutMs: 60_000})
        // The verdict of the same rule set loaded and run in process: 2 with each load problem at
        // r.yaml:line:col, or the lint exit of the findings (a rule stopped by its guard is one).
        const loaded = inDir(dir, () => rulesOrVerdict({rulesDirs: ['pack'], searchFrom: dir}))
        const v = isVerdict(loaded) ? loaded : lintVerdict('p.yaml', EXAMPLE_TEXT, loaded)
        expectCleanExit(r, [v.exit], `lint with ${whens.join(' ; ')}`)
        expectVerdict(r, v, `lint with ${whens.join(' ; ')}`)
      }),
      {numRuns: runs(6), seed: 20260110},
    )
  }, 600_000)
})

describe('rule packs cannot crash or hang the process', () => {
  it('23 nested cel.bind doublings are refused at load; 19 end in a finding, not a V8 abort', () => {
    const dir = exampleProject()
    mkdirSync(join(dir, 'pack'))
    writeFileSync(join(dir, 'pack', 'bomb.yaml'), pack([['bind-bomb', bindBomb(23)]]))
    const refused = fuseplan(['lint', 'p.yaml', '--rules', 'pack'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(refused, [2], 'lint with 23 nested cel.bind')
    expect(refused.stderr).toMatch(/bomb\.yaml:\d+:\d+: .*Too many macros/)

    writeFileSync(join(dir, 'pack', 'bomb.yaml'), pack([['bind-bomb', bindBomb(19)]]))
    const guarded = fuseplan(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(guarded, [1], 'lint with 19 nested cel.bind')
    expect(guarded.stdout).toMatch(/Rule `bind-bomb` could not be evaluated on this profile: a value grew past/)
    const rec = fuseplan(['recommend', 'p.yaml', '--rules', 'pack'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(rec, [2], 'recommend with 19 nested cel.bind')
    expect(rec.stderr).toMatch(/a rule failed on this profile/)
  }, 90_000)

  it('catastrophic-backtracking patterns run in linear time; backreferences are a load error at their position', async () => {
    const dir = exampleProject()
    mkdirSync(join(dir, 'pack'))
    const a34 = 'a'.repeat(34)
    writeFileSync(
      join(dir, 'pack', 'redos.yaml'),
      pack([
        ['redos-literal', `'${a34}!'.matches('^(a+)+$')`],
        ['redos-dynamic', `(profile.name + '${a34}!').matches('^(a+)+' + '$')`],
        ['redos-alternation', `'${a34}!'.matches('^(a|aa)+$')`],
        ['regex-ok', `profile.name.matches('^icu')`],
      ]),
    )
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [0, 1], 'lint with ReDoS patterns')
    expect(r.stdout).toMatch(/"ruleId":"regex-ok"/)
    expect(r.stdout).not.toMatch(/redos-/)

    writeFileSync(join(dir, 'pack', 'redos.yaml'), pack([['backref', `profile.name.matches('(a)\\\\1')`]]))
    const bad = await runInProcess(['lint', 'p.yaml', '--rules', 'pack'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(bad, [2], 'lint with a backreference')
    expect(bad.stderr).toMatch(/redos\.yaml:\d+:\d+: .*Invalid regular expression \(fuseplan uses RE2 syntax/)
  }, 90_000)

  it('the guard bounds one evaluation and a rule that hit it fails fast afterwards', () => {
    const bomb = compile(bindBomb(19))
    const ctx = {profile: {}, facts: {}, options: {}}
    expect(() => bomb.run(ctx)).toThrow(CelLimitError)
    expect(() => bomb.run(ctx)).toThrow(/grew past/)
    const long = compile(
      `cel.bind(s, '${'x'.repeat(400)}', cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, cel.bind(s, s + s, size(s) > 0)))))))))`,
    )
    expect(() => long.run(ctx)).toThrow(CelLimitError)
    // Ordinary expressions are untouched by the guard.
    expect(compile('[1, 2, 3].map(x, x * 2).size() == 3').run(ctx)).toBe(true)
    expect(compile("'abc'.matches('^a') && !'abc'.matches('^b')").run(ctx)).toBe(true)
  })
})
