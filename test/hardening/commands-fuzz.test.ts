// Hostile input to every command that reads a file: profiles (recommend, evaluate), answers files
// (init), config files and rule packs (lint, recommend, rules). Through the real CLI, run in process
// (the process boundary is not under test here): the exit code each command documents, a message
// instead of a stack trace, no hang, and nothing written when the command fails.
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {damage, expectCleanExit, fuseplan, hostileProfileText, mutate, mutation, nastyValue, runs, textMutation, toYaml, validProfile} from './fuzz-helpers.js'

const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')

/** A fresh folder per run, so leftovers of one run cannot hide in another. */
function runDirs(prefix: string) {
  const root = tempDir(prefix)
  let n = 0
  return () => {
    const dir = join(root, String(n++))
    mkdirSync(dir)
    return dir
  }
}

describe('recommend on hostile profiles', () => {
  it('exits 0, 1 or 2 with JSON or a message, never a stack trace or a hang', async () => {
    const next = runDirs('fuseplan-fuzz-recommend-')
    await fc.assert(
      fc.asyncProperty(hostileProfileText, async (text) => {
        const dir = next()
        writeFileSync(join(dir, 'profile.yaml'), text)
        const r = await runInProcess(['recommend', 'profile.yaml', '--format', 'json', '--date', '2026-01-01'], {cwd: dir})
        expectCleanExit(r, [0, 1, 2], `recommend on:\n${text.slice(0, 800)}`)
        if (r.status === 2) expect(r.stderr).toMatch(/profile\.yaml:\d+:\d+|profile\.yaml/)
        else {
          const decision = JSON.parse(r.stdout) as {strategy: string | null; options: unknown[]}
          expect(['early', 'intermediate', 'late', 'attention', null]).toContain(decision.strategy)
          expect(decision.options).toHaveLength(4)
          if (r.status === 1) expect(decision.strategy).toBeNull()
        }
      }),
      {numRuns: runs(15)},
    )
  }, 270000)

  it('--out on a failing profile writes nothing', async () => {
    const next = runDirs('fuseplan-fuzz-recommend-out-')
    await fc.assert(
      fc.asyncProperty(fc.tuple(validProfile, fc.array(mutation, {minLength: 1, maxLength: 3})), async ([profile, ms]) => {
        const dir = next()
        writeFileSync(join(dir, 'profile.yaml'), toYaml(mutate(profile, ms)))
        const r = await runInProcess(['recommend', 'profile.yaml', '--out', 'adr', '--date', '2026-01-01'], {cwd: dir})
        expectCleanExit(r, [0, 1, 2], 'recommend --out')
        if (r.status !== 0) expect(existsSync(join(dir, 'adr')) ? readdirSync(join(dir, 'adr')) : []).toEqual([])
        else expect(readdirSync(join(dir, 'adr')).filter((f) => !f.endsWith('.md'))).toEqual([])
      }),
      {numRuns: runs(12)},
    )
  }, 126000)
})

describe('init on hostile answers files', () => {
  const saved = (() => {
    const dir = tempDir('fuseplan-fuzz-init-base-')
    const r = fuseplan(['init', '--yes', '--out', 'p.yaml', '--save-answers', 'answers.yaml'], {cwd: dir})
    return r.status === 0 ? readFileSync(join(dir, 'answers.yaml'), 'utf8') : 'kind: InitAnswers\n'
  })()

  const hostileAnswers = fc.oneof(
    hostileProfileText,
    fc.array(textMutation, {minLength: 1, maxLength: 3}).map((ms) => damage(saved, ms)),
    fc
      .array(fc.tuple(fc.constantFrom('name', 'description', 'task', 'modalities', 'cohorts', 'patterns', 'latency', 'constraints', '__proto__', 'extra'), nastyValue), {minLength: 1, maxLength: 3})
      .map((pairs) => {
        const lines = saved.split('\n').filter((l) => !pairs.some(([k]) => l.startsWith(`${k}:`)))
        return `${lines.join('\n')}\n${toYaml(Object.fromEntries(pairs))}`
      }),
  )

  it('exits 0, 1 or 2; on failure the target and no temp file exist; on success the profile lints', async () => {
    const next = runDirs('fuseplan-fuzz-init-')
    await fc.assert(
      fc.asyncProperty(hostileAnswers, async (text) => {
        const dir = next()
        writeFileSync(join(dir, 'answers.yaml'), text)
        const r = await runInProcess(['init', '--answers', 'answers.yaml', '--yes', '--out', 'out.yaml'], {cwd: dir})
        expectCleanExit(r, [0, 1, 2], `init --answers on:\n${text.slice(0, 800)}`)
        const left = readdirSync(dir).sort()
        if (r.status === 0) {
          expect(left).toEqual(['answers.yaml', 'out.yaml'])
          const lint = await runInProcess(['lint', 'out.yaml', '--format', 'json'], {cwd: dir})
          expectCleanExit(lint, [0, 1], 'lint of what init wrote')
          const [report] = JSON.parse(lint.stdout) as {errorCount: number; messages: unknown[]}[]
          expect(report.errorCount, JSON.stringify(report.messages)).toBe(0)
        } else {
          expect(left).toEqual(['answers.yaml'])
        }
      }),
      {numRuns: runs(15)},
    )
  }, 270000)
})

describe('evaluate on hostile profiles', () => {
  it('exits 0, 1 or 2, never a stack trace, never a hang, and --report is all or nothing', async () => {
    const next = runDirs('fuseplan-fuzz-evaluate-')
    await fc.assert(
      fc.asyncProperty(hostileProfileText, async (text) => {
        const dir = next()
        writeFileSync(join(dir, 'profile.yaml'), text)
        const r = await runInProcess(
          [
            'evaluate',
            'profile.yaml',
            '--quick',
            '--format',
            'json',
            '--samples',
            '100',
            '--test-samples',
            '50',
            '--epochs',
            '1',
            '--candidates',
            'late',
            '--max-input-size',
            '8',
            '--report',
            'report.html',
          ],
          {cwd: dir, timeoutMs: 60_000},
        )
        expectCleanExit(r, [0, 1, 2], `evaluate on:\n${text.slice(0, 800)}`)
        const left = readdirSync(dir).sort()
        expect(left).toEqual(r.status === 0 ? ['profile.yaml', 'report.html'] : ['profile.yaml'])
      }),
      {numRuns: runs(6)},
    )
  }, 110000)
})

// ---------------------------------------------------------------------------------------------
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
  it('lint with a hostile rule pack: exit 0/1/2, problems at file:line:col, no stack, no hang', async () => {
    const next = runDirs('fuseplan-fuzz-pack-')
    await fc.assert(
      fc.asyncProperty(hostilePack, async (pack) => {
        const dir = next()
        mkdirSync(join(dir, 'pack'))
        writeFileSync(join(dir, 'pack', 'team.yaml'), pack)
        const r = await runInProcess(['lint', EXAMPLE, '--rules', 'pack', '--format', 'json'], {cwd: dir})
        expectCleanExit(r, [0, 1, 2], `lint --rules with pack:\n${pack.slice(0, 1200)}`)
        if (r.status === 2) expect(r.stderr).toMatch(/team\.yaml:\d+:\d+|pack/)
        else expect((JSON.parse(r.stdout) as unknown[]).length).toBe(1)
      }),
      {numRuns: runs(20)},
    )
  }, 270000)

  it('recommend with a hostile rule pack: exit 0/1/2, no stack, no hang', async () => {
    const next = runDirs('fuseplan-fuzz-pack-recommend-')
    await fc.assert(
      fc.asyncProperty(hostilePack, async (pack) => {
        const dir = next()
        mkdirSync(join(dir, 'pack'))
        writeFileSync(join(dir, 'pack', 'team.yaml'), pack)
        const r = await runInProcess(['recommend', EXAMPLE, '--rules', 'pack', '--format', 'json', '--date', '2026-01-01'], {cwd: dir})
        expectCleanExit(r, [0, 1, 2], `recommend --rules with pack:\n${pack.slice(0, 1200)}`)
      }),
      {numRuns: runs(15)},
    )
  }, 150000)

  it('lint and rules list with a hostile config file: exit 0/1/2, no stack, no hang', async () => {
    const next = runDirs('fuseplan-fuzz-config-')
    await fc.assert(
      fc.asyncProperty(hostileConfig, fc.boolean(), async (config, viaFlag) => {
        const dir = next()
        mkdirSync(join(dir, 'pack'))
        writeFileSync(join(dir, 'pack', 'team.yaml'), VALID_PACK)
        writeFileSync(join(dir, 'fuseplan.config.yaml'), config)
        writeFileSync(join(dir, 'profile.yaml'), readFileSync(EXAMPLE))
        const r = await runInProcess(['lint', 'profile.yaml', '--format', 'json', ...(viaFlag ? ['--config', 'fuseplan.config.yaml'] : [])], {cwd: dir})
        expectCleanExit(r, [0, 1, 2], `lint with config:\n${config.slice(0, 1200)}`)
        if (r.status === 2) expect(r.stderr).toMatch(/fuseplan\.config\.yaml|team\.yaml|config|rule/i)
        const list = await runInProcess(['rules', 'list'], {cwd: dir})
        expectCleanExit(list, [0, 1, 2], `rules list with config:\n${config.slice(0, 1200)}`)
      }),
      {numRuns: runs(15)},
    )
  }, 230000)

  it('rules show with hostile ids: exit 0/1/2, no stack', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('__proto__', 'constructor', '../../../etc/passwd', '', '-', '--', '%s%s%s', 'early-fusion-needs-complete-data'), fc.string({maxLength: 20})),
        async (id) => {
          const r = await runInProcess(['rules', 'show', id])
          expectCleanExit(r, [0, 1, 2], `rules show ${JSON.stringify(id)}`)
        },
      ),
      {numRuns: runs(10)},
    )
  }, 110000)
})
