// Hostile rule packs and config files given to lint, recommend and rules: the exit code each class
// of input calls for, problems at file:line:col, no stack trace, no hang.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {expectVerdict, inDir, isVerdict, lintVerdict, profileVerdict, rulesOrVerdict, type Verdict} from '../helpers/verdict.js'
import {listRuleMeta} from '../../src/engine/index.js'
import {exampleProject, runDirs, EXAMPLE_TEXT} from '../helpers/run-cli.js'
import {damage, expectCleanExit, nastyValue, runs, textMutation, toYaml} from '../helpers/fuzz.js'

// Config files and rule packs

const VALID_PACK = `rules:
  - id: team-rare-modality
    title: A modality is present in under 10% of requests
    rationale: Team policy - rare modalities need a data plan.
    source: team
    severity: warning
    options:
      threshold:
        default: 0.1
        description: Availability below which a modality counts as rare.
    when: facts.minAvailability < options.threshold
    effects:
      finding:
        message: "A modality is present in under {{ options.threshold }} of requests."
        path: modalities
    examples:
      fires:
        modalities[0].availability: 0.05
      passes: {}
`

const VALID_CONFIG = `rules: [./pack]
overrides:
  early-fusion-needs-complete-data: off
  team-rare-modality: {severity: error, options: {threshold: 0.2}}
`

const celFragment = fc.oneof(
  fc.constantFrom(
    'facts.minAvailability',
    'profile.modalities',
    'size(profile.modalities)',
    'options.threshold',
    'item',
    'facts.nope.deeper',
    '1/0',
    '"a" + 1',
    'profile.modalities.all(m, m.availability > 0)',
    'profile.name.matches("(")',
    '[1,2,3].map(x, x * x)',
    'true ? 1 : "a"',
    '((((((((((1))))))))))',
    'has(profile.patterns)',
    'dyn(1) == dyn("1")',
    '9223372036854775807 + 1',
    'int("x")',
    'profile["__proto__"]',
    '{}.a',
  ),
  fc.string({maxLength: 30}),
)

const hostilePack = fc.oneof(
  fc.array(textMutation, {minLength: 1, maxLength: 3}).map((ms) => damage(VALID_PACK, ms)),
  fc
    .tuple(celFragment, celFragment, fc.constantFrom('<', '&&', '||', '+', '==', 'in'))
    .map(([a, b, op]) => VALID_PACK.replace('facts.minAvailability < options.threshold', `${a} ${op} ${b}`.replace(/\n/g, ' ').replace(/^([>|&*!%@`'"{[#?:-])/, '($1'))),
  fc
    .tuple(
      fc.constantFrom('id', 'title', 'severity', 'when', 'source', 'rationale', 'path', 'message', 'default'),
      fc.oneof(
        nastyValue.map((v) => JSON.stringify(v) ?? 'null'),
        fc.constantFrom('"{{ item.nope }}"', '"{{ }}"', '"{{ 1/0 }}"', '"{{ {{ }} }}"', '"../../../etc"', '"modalities[999999999999]"', '"a.b.c.d.e.f.g"'),
      ),
    )
    .map(([key, v]) => VALID_PACK.replace(new RegExp(`(\\n\\s+${key}:) [^\\n]*`), `$1 ${v}`)),
  fc.anything({maxDepth: 3}).map(toYaml),
)

const hostileConfig = fc.oneof(
  fc.array(textMutation, {minLength: 1, maxLength: 3}).map((ms) => damage(VALID_CONFIG, ms)),
  fc
    .tuple(fc.constantFrom('rules', 'extends', 'overrides', '__proto__', 'other'), nastyValue)
    .map(([k, v]) => `${VALID_CONFIG}${toYaml({[k]: v})}`.replace(/^(rules|overrides|extends):.*\n(?=[\s\S]*^\1:)/m, '')),
  fc
    .tuple(fc.constantFrom('unique-modality-names', 'team-rare-modality', 'no-such-rule', '__proto__', 'constructor'), nastyValue)
    .map(([id, v]) => `rules: [./pack]\noverrides:\n  ${toYaml({[id]: v}).replace(/\n/g, '\n  ')}`),
  fc.constantFrom('extends: [./fuseplan.config.yaml]\n', 'extends: /etc/passwd\n', 'extends: [../../../../../../../../etc/hostname]\n', 'rules: [./pack, ./pack, ./pack]\n'),
)

describe('rule packs and config files', () => {
  it('lint with a hostile rule pack: the exit the loaded rules call for, or 2 with every load problem at file:line:col', async () => {
    const next = runDirs('fuseplan-fuzz-pack-')
    const statuses = new Set<number | null>()
    await fc.assert(
      fc.asyncProperty(hostilePack, async (pack) => {
        const dir = next()
        mkdirSync(join(dir, 'pack'))
        writeFileSync(join(dir, 'pack', 'team.yaml'), pack)
        writeFileSync(join(dir, 'profile.yaml'), EXAMPLE_TEXT)
        const rules = inDir(dir, () => rulesOrVerdict({rulesDirs: ['pack'], searchFrom: dir}))
        const v = isVerdict(rules) ? rules : lintVerdict('profile.yaml', EXAMPLE_TEXT, rules)
        const r = await runInProcess(['lint', 'profile.yaml', '--rules', 'pack', '--format', 'json'], {cwd: dir})
        const what = `lint --rules with pack:\n${pack.slice(0, 1200)}`
        expectCleanExit(r, [v.exit], what)
        expectVerdict(r, v, what)
        statuses.add(r.status)
        if (v.exit !== 2) expect((JSON.parse(r.stdout) as unknown[]).length).toBe(1)
      }),
      {numRuns: runs(20), seed: 20260105},
    )
    expect(statuses.has(2) && (statuses.has(0) || statuses.has(1))).toBe(true)
  }, 270000)

  it('recommend with a hostile rule pack: the exit the loaded rules and the profile call for', async () => {
    const next = runDirs('fuseplan-fuzz-pack-recommend-')
    await fc.assert(
      fc.asyncProperty(hostilePack, async (pack) => {
        const dir = next()
        mkdirSync(join(dir, 'pack'))
        writeFileSync(join(dir, 'pack', 'team.yaml'), pack)
        writeFileSync(join(dir, 'profile.yaml'), EXAMPLE_TEXT)
        const rules = inDir(dir, () => rulesOrVerdict({rulesDirs: ['pack'], searchFrom: dir}))
        const v = isVerdict(rules) ? rules : profileVerdict('profile.yaml', EXAMPLE_TEXT, rules)
        const r = await runInProcess(['recommend', 'profile.yaml', '--rules', 'pack', '--format', 'json', '--date', '2026-01-01'], {cwd: dir})
        const what = `recommend --rules with pack:\n${pack.slice(0, 1200)}`
        expectCleanExit(r, [v.exit], what)
        expectVerdict(r, v, what)
        if (v.exit !== 2) expect((JSON.parse(r.stdout) as {strategy: string | null}).strategy).toBe(v.strategy)
      }),
      {numRuns: runs(15), seed: 20260106},
    )
  }, 150000)

  it('lint and rules list with a hostile config file: the exit the loaded config calls for, or 2 at file:line:col', async () => {
    const next = runDirs('fuseplan-fuzz-config-')
    await fc.assert(
      fc.asyncProperty(hostileConfig, fc.boolean(), async (config, viaFlag) => {
        const dir = next()
        mkdirSync(join(dir, 'pack'))
        writeFileSync(join(dir, 'pack', 'team.yaml'), VALID_PACK)
        writeFileSync(join(dir, 'fuseplan.config.yaml'), config)
        writeFileSync(join(dir, 'profile.yaml'), EXAMPLE_TEXT)
        const rules = inDir(dir, () => rulesOrVerdict(viaFlag ? {configPath: 'fuseplan.config.yaml'} : {searchFrom: dir}))
        const v = isVerdict(rules) ? rules : lintVerdict('profile.yaml', EXAMPLE_TEXT, rules)
        const r = await runInProcess(['lint', 'profile.yaml', '--format', 'json', ...(viaFlag ? ['--config', 'fuseplan.config.yaml'] : [])], {cwd: dir})
        const what = `lint with config:\n${config.slice(0, 1200)}`
        expectCleanExit(r, [v.exit], what)
        expectVerdict(r, v, what)
        // rules list reads the config found from the working directory.
        const listed = inDir(dir, () => rulesOrVerdict({searchFrom: dir}))
        const lv: Verdict = isVerdict(listed) ? listed : {exit: 0, positions: []}
        const list = await runInProcess(['rules', 'list'], {cwd: dir})
        expectCleanExit(list, [lv.exit], `rules list with config:\n${config.slice(0, 1200)}`)
        expectVerdict(list, lv, 'rules list')
      }),
      {numRuns: runs(15), seed: 20260107},
    )
  }, 230000)

  it('rules show with hostile ids: 0 for a rule that exists, else 2 with a message', async () => {
    const ids = new Set(listRuleMeta().map((m) => m.id))
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('__proto__', 'constructor', '../../../etc/passwd', '', '-', '--', '%s%s%s', 'early-fusion-needs-complete-data'), fc.string({maxLength: 20})),
        async (id) => {
          const r = await runInProcess(['rules', 'show', id])
          const exit = ids.has(id) ? 0 : 2
          expectCleanExit(r, [exit], `rules show ${JSON.stringify(id)}`)
          if (exit === 0) expect(r.stdout).toContain(id)
          else expect(r.stderr).toMatch(/^fuseplan: /m)
        },
      ),
      {numRuns: runs(10), seed: 20260108},
    )
  }, 110000)
})

describe('override options', () => {
  it('an override option named constructor is an unknown option, not "must be a undefined"', async () => {
    const dir = exampleProject()
    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'overrides:\n  rare-modality: {options: {constructor: 1, __proto__: 2}}\n')
    const r = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [2], 'override option constructor')
    expect(r.stderr).toMatch(/has no option `constructor`/)
    expect(r.stderr).not.toMatch(/undefined/)
  }, 30_000)
})
