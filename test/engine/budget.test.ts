// The evaluation budget (docs/adr/0014-cel-cost-units.md): rule packs that cost what the step count
// did not see (comparisons of shared nested lists, printing them, regular expressions over long text,
// hundreds of rules at the limit) end in findings, at the sizes the attacks used; ordinary packs and the
// bundled rules stay far below it.
import {mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {afterEach, describe, expect, it} from 'vitest'
import {CelLimitError, compile, EvaluationBackstop, MAX_EVALUATION_MS, metered, newRunMeter, RULE_BUDGET, RUN_BUDGET, setEvaluationBackstopMs} from '../../src/engine/cel.js'
import {applyPatch, EXAMPLE_BASE_PROFILE} from '../../src/engine/examples.js'
import {evaluateRules, loadRuleSet} from '../../src/engine/index.js'
import {computeFacts} from '../../src/facts/index.js'
import {loadProfile} from '../../src/profile/load.js'
import type {Profile} from '../../src/profile/types.js'
import {runInProcess} from '../helpers/in-process.js'
import {BIN, ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'

const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')
const ints = (n: number): string => `[${Array.from({length: n}, (_, i) => i).join(',')}]`
const refs = (n: number, name: string): string => `[${Array.from({length: n}, () => name).join(',')}]`

/**
 * Two towers of lists, each level `width` references to the level below, `depth` levels in all, and
 * `body` reading the top ones as `x` and `y`. Equal but never the same object, so `x == y` visits
 * width^depth elements: 400^5 is 10^13.
 */
function towers(width: number, depth: number, body: string): string {
  let e = body.replaceAll('x', `x${depth - 1}`).replaceAll('y', `y${depth - 1}`)
  for (let d = depth - 1; d >= 1; d--) e = `cel.bind(x${d}, ${refs(width, `x${d - 1}`)}, cel.bind(y${d}, ${refs(width, `y${d - 1}`)}, ${e}))`
  return `cel.bind(x0, ${ints(width)}, cel.bind(y0, ${ints(width)}, ${e}))`
}

interface PackRule {
  id: string
  when: string
  message?: string
}

function pack(rules: PackRule[]): string {
  return `rules:\n${rules
    .map(
      (r) => `  - id: ${r.id}
    title: A rule of the pack
    rationale: Exercises the evaluation budget.
    source: test
    severity: warning
    when: ${JSON.stringify(r.when)}
    effects:
      finding:
        message: ${JSON.stringify(r.message ?? 'fired')}
        path: modalities
    examples:
      fires: {}
      passes: {}
`,
    )
    .join('')}`
}

function project(rules: PackRule[]): string {
  const dir = tempDir('fuseplan-budget-')
  mkdirSync(join(dir, 'pack'))
  mkdirSync(join(dir, '.git'))
  writeFileSync(join(dir, 'pack', 'pack.yaml'), pack(rules))
  writeFileSync(join(dir, 'p.yaml'), loadProfile(EXAMPLE).source.text)
  return dir
}

const ctx = {profile: {}, facts: {}, options: {}}

describe('cost units', () => {
  it('a comparison is charged for the elements it visits, so equal towers cost their size', () => {
    const small = compile(towers(10, 3, 'x == y'))
    const run = newRunMeter()
    const {value, cost} = metered(run, 'test', () => small.run(ctx))
    expect(value).toBe(true)
    // 10^3 leaves and 10^2 + 10 inner lists at least.
    expect(cost).toBeGreaterThan(1000)
    expect(run.used).toBe(cost)
  })

  it('the same object compares in one step (no walk)', () => {
    const same = compile(`cel.bind(l, ${ints(400)}, cel.bind(x, ${refs(400, 'l')}, x == x))`)
    const {value, cost} = metered(newRunMeter(), 'test', () => same.run(ctx))
    expect(value).toBe(true)
    expect(cost).toBeLessThan(5000)
  })

  it('400 x 5 levels of shared lists: `==`, `!=` and `in` stop at the rule budget', () => {
    for (const body of ['x == y', 'x != y', 'x in [y]']) {
      const e = compile(towers(400, 5, body))
      expect(() => e.run(ctx), body).toThrow(CelLimitError)
      expect(() => e.run(ctx), body).toThrow(/budget of 1,000,000 cost units/)
    }
  })

  it('printing four levels of shared lists in a message stops at the budget, not the heap', () => {
    const e = compile(towers(400, 4, 'x'))
    const run = newRunMeter()
    expect(() => metered(run, 'test', () => e.run(ctx))).toThrow(CelLimitError)
  })

  it('matches() costs program size times text length', () => {
    const text = 'ab'.repeat(50_000)
    const e = compile(`cel.bind(s, '${text}', s.matches('(a|b){1000}$'))`)
    expect(() => e.run(ctx)).toThrow(/budget of 1,000,000 cost units/)
    expect(compile(`'${text.slice(0, 100)}'.matches('^(ab)+$')`).run(ctx)).toBe(true)
  })

  it('a string function pays for the text it scans', () => {
    const e = compile(`cel.bind(s, '${'x'.repeat(90_000)}', ${ints(100)}.exists(i, ${ints(100)}.exists(j, s.contains('y'))))`)
    expect(() => e.run(ctx)).toThrow(/budget of 1,000,000 cost units/)
  })

  it('a rule that went over its own budget fails fast on the next document', () => {
    const e = compile(towers(400, 5, 'x == y'))
    expect(() => e.run(ctx)).toThrow(CelLimitError)
    const {cost} = metered(newRunMeter(), 'test', () => {
      try {
        e.run(ctx)
      } catch {
        // expected
      }
    })
    expect(cost).toBe(0)
  })
})

describe('the wall-clock backstop', () => {
  afterEach(() => setEvaluationBackstopMs(MAX_EVALUATION_MS))

  it('ends the evaluation with EvaluationBackstop (not a finding) when the clock outruns the budget', () => {
    setEvaluationBackstopMs(-1)
    const slow = compile(`${ints(100)}.map(a, ${ints(100)}.exists(b, b < 0)).size() > 0`)
    expect(() => metered(newRunMeter(), 'rule `slow`', () => slow.run(ctx))).toThrow(EvaluationBackstop)
  })

  it('stops lint with exit 2 and says why', () => {
    const dir = project([{id: 'slow', when: `${ints(100)}.map(a, ${ints(100)}.exists(b, b < 0)).size() > 0`}])
    // The real CLI, with its backstop set below any evaluation's time by a module loaded first.
    const preload = join(dir, 'backstop.mjs')
    writeFileSync(preload, `import {setEvaluationBackstopMs} from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'src', 'engine', 'cel.js')).href)}\nsetEvaluationBackstopMs(-1)\n`)
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, BIN, 'lint', 'p.yaml', '--rules', 'pack'], {
      cwd: dir,
      encoding: 'utf8',
      env: {...process.env, NO_COLOR: '1'},
      timeout: 30_000,
    })
    expectCleanExit({...r, timedOut: false, stdout: r.stdout, stderr: r.stderr}, [2], 'lint past the backstop')
    expect(r.stderr).toMatch(/^fuseplan: rule `slow` on .*p\.yaml ran for more than/m)
  })
})

describe('hostile packs end in findings (the attacks at their sizes)', () => {
  it('`dag == dag` over 400 x 5 levels: lint, recommend, rules test and a repository config', async () => {
    const dir = project([{id: 'dag-compare', when: towers(400, 5, 'x == y')}])
    const lint = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(lint, [1], 'lint with a tower comparison')
    expect(lint.stdout).toContain('Rule `dag-compare` could not be evaluated on this profile: it used more than its budget of 1,000,000 cost units')

    const rec = await runInProcess(['recommend', 'p.yaml', '--rules', 'pack'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(rec, [2], 'recommend with a tower comparison')
    expect(rec.stderr).toMatch(/dag-compare/)

    const test = await runInProcess(['rules', 'test', 'pack'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(test, [1], 'rules test with a tower comparison')
    expect(test.stdout).toMatch(/pack\.yaml:\d+:\d+: Rule `dag-compare`, example `fires`: the rule could not be evaluated: it used more than its budget/)

    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'rules: [./pack]\n')
    const viaConfig = await runInProcess(['lint', 'p.yaml', '--format', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(viaConfig, [1], 'lint with the pack from the repository config')
    expect(viaConfig.stdout).toContain('Rule `dag-compare` could not be evaluated')
  }, 120_000)

  it('a message printing 400 x 4 levels of shared lists is a finding, not a heap crash', async () => {
    const when = 'true'
    const message = `{{ ${towers(400, 4, 'x')} }}`
    const dir = project([{id: 'dag-print', when, message}])
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [1], 'lint printing a tower')
    expect(r.stdout).toMatch(/Rule `dag-print` could not be evaluated on this profile: (it used more than its budget|a message grew past)/)
  }, 60_000)

  it('matches() over a 100 kB string with a large pattern is a finding', async () => {
    const dir = project([{id: 'big-regex', when: `cel.bind(s, '${'ab'.repeat(50_000)}', s.matches('(a|b){1000}$'))`}])
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [1], 'lint with matches() over 100 kB')
    expect(r.stdout).toContain('Rule `big-regex` could not be evaluated on this profile: it used more than its budget of 1,000,000 cost units')
  }, 60_000)

  it('300 rules at the rule budget: the run budget stops them, one finding names the rest', async () => {
    const doubled = `cel.bind(x, ${ints(400)}, ${'cel.bind(x, x + x, '.repeat(7)}x.map(a, x.exists(b, b < 0)).size() > 0${')'.repeat(7)})`
    const dir = project(Array.from({length: 300}, (_, i) => ({id: `costly-${i}`, when: doubled})))
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(r, [1], 'lint with 300 costly rules')
    const messages = (JSON.parse(r.stdout) as {messages: {ruleId: string; message: string}[]}[])[0].messages.filter((m) => m.ruleId.startsWith('costly-'))
    const perRule = Math.floor(RUN_BUDGET / RULE_BUDGET)
    expect(messages).toHaveLength(perRule)
    expect(messages.at(-1)!.message).toMatch(/the rule set used its whole budget of 10,000,000 cost units on this document; the 290 rules after it were not evaluated \(`costly-10`/)
  }, 120_000)
})

describe('ordinary packs and the bundled rules', () => {
  it('the bundled rules on every example profile and rule example use under 10% of each budget', () => {
    const set = loadRuleSet()
    const profiles: [string, Profile][] = readdirSync(join(ROOT, 'examples')).map((f) => [f, loadProfile(join(ROOT, 'examples', f)).profile!])
    for (const cr of set.rules) for (const w of ['fires', 'passes'] as const) profiles.push([`${cr.rule.id} ${w}`, applyPatch(EXAMPLE_BASE_PROFILE, cr.rule.examples[w])])
    expect(profiles.length).toBeGreaterThan(10)
    for (const [name, profile] of profiles) {
      const ev = evaluateRules(set, profile, computeFacts(profile))
      expect(
        ev.trace.filter((t) => t.error),
        name,
      ).toEqual([])
      expect(ev.cost.run, name).toBeLessThan(RUN_BUDGET / 10)
      for (const [id, cost] of Object.entries(ev.cost.byRule)) expect(cost, `${id} on ${name}`).toBeLessThan(RULE_BUDGET / 10)
    }
  })

  it('a pack of 400 rules using matches() lints completely', async () => {
    const rules = Array.from({length: 400}, (_, i) => ({
      id: `naming-${i}`,
      when: `profile.name.matches('^icu-[a-z-]+$') && facts.modalities.exists(m, m.name.matches('^[a-z][a-z0-9_]*$')) && ${i} >= 0`,
      message: `{{ profile.name }} follows naming convention ${i}`,
    }))
    const dir = project(rules)
    const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(r, [0], 'lint with 400 matches() rules')
    const messages = (JSON.parse(r.stdout) as {messages: {ruleId: string; message: string}[]}[])[0].messages
    expect(messages.filter((m) => m.ruleId.startsWith('naming-'))).toHaveLength(400)
    expect(messages.some((m) => /could not be evaluated/.test(m.message))).toBe(false)
  }, 120_000)
})
