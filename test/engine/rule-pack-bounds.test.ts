// Bounds on user rule packs, through the CLI: an expression over the AST size or nesting limit, a
// condition that would take 10^8 steps and a rule folder with a symlink loop are load errors at their
// position (exit 2), never a long run or an internal error. test/engine/limits.test.ts checks the
// same bounds on the engine's functions.
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {inDir, isVerdict, lintVerdict, rulesOrVerdict, type Verdict} from '../helpers/verdict.js'
import {compile} from '../../src/engine/cel.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, rulePack} from '../helpers/fuzz.js'

const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')

describe('CEL expression limits for rule packs', () => {
  it('an expression over the AST size or nesting limit is refused at compile time', async () => {
    expect(() => compile(Array.from({length: 6000}, () => '1').join(' + '))).toThrow()
    expect(() => compile(`${'('.repeat(200)}1${')'.repeat(200)}`)).toThrow()
    expect(() => compile(`[${Array.from({length: 1000}, (_, i) => i).join(',')}]`)).toThrow()
    expect(compile('facts.minAvailability < 0.5').source).toBe('facts.minAvailability < 0.5')
  })

  it('a rule pack with such an expression fails to load with file:line:col and exit 2', async () => {
    const dir = tempDir('fuseplan-bounds-')
    mkdirSync(join(dir, 'pack'))
    writeFileSync(join(dir, 'pack', 'huge.yaml'), rulePack(`${'('.repeat(200)}true${')'.repeat(200)}`))
    const r = await runInProcess(['lint', EXAMPLE, '--rules', 'pack'], {cwd: dir})
    expectCleanExit(r, [2], 'lint with a too-deep CEL expression')
    expect(r.stderr).toMatch(/huge\.yaml:\d+:\d+/)
  })
})

describe('rule packs that would do unbounded work at load', () => {
  // src/engine/cel.ts bounds the work of an expression at load (comprehension nesting depth 2,
  // 20 comprehensions, ~1,000,000 estimated steps); this four-level bomb is a load error at file:line:col.
  it('a rule pack whose condition does 10^8 steps is refused or cut off, not run for minutes', async () => {
    const list = `[${Array.from({length: 100}, (_, i) => i).join(',')}]`
    const when = `size(${list}.map(a, ${list}.map(b, ${list}.map(c, ${list}.map(d, a + b + c + d))))) > 0`
    const dir = tempDir('fuseplan-gap-cel-')
    mkdirSync(join(dir, 'pack'))
    writeFileSync(join(dir, 'pack', 'cost.yaml'), rulePack(when))
    const r = await runInProcess(['lint', EXAMPLE, '--rules', 'pack'], {cwd: dir, timeoutMs: 10_000})
    expectCleanExit(r, [2], 'lint with a CEL cost bomb')
  }, 30_000)

  // src/engine/loader.ts does not follow symlinked folders and caps the walk (depth 8, 1000 rule
  // files, 10,000 entries); problems are load problems naming the rule folder (exit 2).
  it('a rule folder with a symlink loop: the link is not followed, the pack loads and the profile is linted', async () => {
    const dir = tempDir('fuseplan-gap-loop-')
    mkdirSync(join(dir, 'pack'))
    writeFileSync(join(dir, 'pack', 'ok.yaml'), rulePack('facts.minAvailability < 0.1'))
    symlinkSync('..', join(dir, 'pack', 'loop'))
    writeFileSync(join(dir, 'p.yaml'), readFileSync(EXAMPLE))
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 20_000})
    // The linked folder is skipped (no loop), the pack's one rule loads and the profile is linted
    // with it: the exit is the one that rule set gives this profile.
    const rules = inDir(dir, () => rulesOrVerdict({rulesDirs: ['pack'], searchFrom: dir}))
    expect(isVerdict(rules), 'the pack loads').toBe(false)
    const v = lintVerdict('p.yaml', readFileSync(EXAMPLE, 'utf8'), rules as Exclude<typeof rules, Verdict>)
    expectCleanExit(r, [v.exit], 'lint with a symlink loop in the rule folder')
    expect(r.stderr).not.toMatch(/Internal error/)
    expect((JSON.parse(r.stdout) as {filePath: string}[]).map((x) => x.filePath)).toEqual([join(dir, 'p.yaml')])
  }, 40_000)
})
