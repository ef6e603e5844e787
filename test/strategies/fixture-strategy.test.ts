// A new strategy is three source files, its rule and its row in docs/rules.md
// (docs/design.md#where-to-change-what). This test adds one, "gated" fusion (a presence-gated mean of
// the modality embeddings, test/fixtures/strategies/gated/), to a copy of fuseplan's sources exactly
// as a contributor would, runs what `npm run build` writes from the registry, and then follows it
// through every surface in process (vitest compiles the copy's TypeScript, so no tsc build): the
// decision, the ADR and every decision format, `evaluate` at --quick's settings, and every
// evaluation format. If any surface needs a fourth file, or drops a registered strategy, it fails.
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'
import {parse} from 'yaml'
import {ROOT} from '../helpers/run-cli.js'
// @ts-expect-error: a build script in plain JavaScript, without type declarations.
import {strategyNamesSource, strategyNetworksSource} from '../../scripts/strategy-files.js'
// @ts-expect-error: a build script in plain JavaScript, without type declarations.
import {trainingConfigValidatorSource} from '../../scripts/config-validator.js'
import type {Decision} from '../../src/decision/types.js'
import type {EvaluationResult} from '../../src/evaluate/types.js'

const FIXTURE = join(ROOT, 'test', 'fixtures', 'strategies', 'gated')
/** What the copy needs to run: sources, the template's sources, bundled rules, the confidence table, the rules doc. */
const COPIED = ['package.json', 'src', 'templates/project/src', 'rules', 'evidence', 'docs/rules.md']
/** Written by `npm run build` from the registry, never by hand. */
const BUILT = ['templates/project/src/strategies.ts', 'templates/project/src/model/strategies/index.ts', 'templates/project/src/config.validate.ts']

let dir: string
/** A module of the copy (TypeScript, compiled by vitest). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const load = (file: string): Promise<any> => import(join(dir, file))
const read = (file: string) => readFileSync(join(dir, file), 'utf8')
const write = (file: string, text: string) => writeFileSync(join(dir, file), text)

function filesUnder(root: string, folders: readonly string[]): string[] {
  return folders.flatMap((f) =>
    readdirSync(join(root, f), {recursive: true, withFileTypes: true})
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(root.length + 1)),
  )
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fuseplan-gated-'))
  for (const p of COPIED) cpSync(join(ROOT, p), join(dir, p), {recursive: true})
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')

  // The contributor's three source files: the strategy, its line in the registry, its network.
  cpSync(join(FIXTURE, 'strategy.ts'), join(dir, 'src/strategies/gated.ts'))
  const registry = read('src/strategies/index.ts')
  const edited = registry.replace(/^(import type \{CandidateDefinition)/m, "import {gated} from './gated.js'\n$1").replace(/(export const STRATEGY_DEFINITIONS = \{[^}]*)\}/, '$1, gated}')
  expect(edited.split('\n').length - registry.split('\n').length).toBe(1)
  write('src/strategies/index.ts', edited)
  cpSync(join(FIXTURE, 'network.ts'), join(dir, 'templates/project/src/model/strategies/gated.ts'))
  // Its rule, and its row in docs/rules.md.
  write('rules/strategy.yaml', read('rules/strategy.yaml') + readFileSync(join(FIXTURE, 'rule.yaml'), 'utf8'))
  write('docs/rules.md', read('docs/rules.md').replace(/(## Bundled rules\n\n\| Rule .*\n\|---.*\n)/, `$1${readFileSync(join(FIXTURE, 'rules-doc.md'), 'utf8')}`))
  cpSync(join(FIXTURE, 'profile.yaml'), join(dir, 'profile.yaml'))

  // What `npm run build` writes: the template's lists from the registry (before tsc), then the config validator.
  const {STRATEGIES} = await load('src/strategies/index.ts')
  write('templates/project/src/strategies.ts', strategyNamesSource(STRATEGIES))
  write('templates/project/src/model/strategies/index.ts', strategyNetworksSource(STRATEGIES))
  const {trainingConfigSchema} = await load('src/scaffold/training-config-schema.ts')
  const {AJV_OPTIONS} = await load('src/profile/validate.ts')
  write('templates/project/src/config.validate.ts', trainingConfigValidatorSource(trainingConfigSchema, AJV_OPTIONS))
  // The template modules loaded above read the old lists.
  vi.resetModules()
})

afterAll(() => {
  if (dir) rmSync(dir, {recursive: true, force: true})
})

describe('a fixture strategy, added as a contributor would', () => {
  it('touches three source files, the rule file and docs/rules.md; the build writes the rest', () => {
    const differs = (file: string) => {
      try {
        return readFileSync(join(ROOT, file), 'utf8') !== read(file)
      } catch {
        return true
      }
    }
    const changed = filesUnder(dir, ['src', 'templates/project/src', 'rules', 'docs']).filter(differs).sort()
    expect(changed.filter((f) => !BUILT.includes(f))).toEqual([
      'docs/rules.md',
      'rules/strategy.yaml',
      'src/strategies/gated.ts',
      'src/strategies/index.ts',
      'templates/project/src/model/strategies/gated.ts',
    ])
    expect(read('templates/project/src/strategies.ts')).toContain("'attention', 'gated']")
    expect(read('templates/project/src/model/strategies/index.ts')).toContain("import {gated} from './gated.js'")
  })

  it('is in the registry, the template and the TrainingConfig schema, with a rule that loads, passes its examples and is documented', async () => {
    const {STRATEGIES, TIE_BREAK} = await load('src/strategies/index.ts')
    const {STRATEGIES: TEMPLATE_STRATEGIES} = await load('templates/project/src/config.ts')
    const {trainingConfigSchema} = await load('src/scaffold/training-config-schema.ts')
    expect(STRATEGIES).toEqual(['early', 'intermediate', 'late', 'attention', 'gated'])
    expect(TIE_BREAK.at(-1)).toBe('gated')
    expect([...TEMPLATE_STRATEGIES]).toEqual(STRATEGIES)
    expect(trainingConfigSchema.properties.strategy.enum).toEqual(STRATEGIES)
    const {checkRuleExamples, loadRuleSet} = await load('src/engine/index.ts')
    const ruleSet = loadRuleSet()
    const rule = ruleSet.byId.get('rare-modality-favours-gated-fusion')
    expect(rule).toBeDefined()
    expect(checkRuleExamples(ruleSet, [rule])).toEqual([])
    // Every bundled rule's examples hold with a fifth strategy (no-strategy-fits-latency counts the
    // strategies there are, not four).
    expect(checkRuleExamples(ruleSet)).toEqual([])
    for (const cr of ruleSet.rules) expect(read('docs/rules.md'), cr.rule.id).toContain(`| \`${cr.rule.id}\` |`)
  })
})

describe('the fixture strategy on every surface', () => {
  let decision: Decision
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let ruleSet: any

  beforeAll(async () => {
    const {loadProfileWithRules} = await load('src/cli/load-profile.ts')
    const {decide} = await load('src/decision/decide.ts')
    const loaded = loadProfileWithRules(join(dir, 'profile.yaml'), {}, 'nothing to recommend')
    ruleSet = loaded.ruleSet
    // As `recommend` decides.
    decision = decide(loaded.profile, {ruleSet, sensitivity: true})
  })

  it('recommend picks it, on the fixture rule, and lists it among the options', () => {
    expect(decision.strategy).toBe('gated')
    const option = decision.options.find((o) => o.strategy === 'gated')
    expect(option?.excluded).toBe(false)
    expect(option?.score).toBe(Math.max(...decision.options.map((o) => o.score)))
    expect(decision.trace.some((t) => t.ruleId === 'rare-modality-favours-gated-fusion' && t.fired)).toBe(true)
    expect(decision.latency.estimates).toHaveProperty('gated')
  })

  it('every decision format shows it wherever it shows the shipped strategies: the ADR, JSON, YAML and the explanation', async () => {
    const {decisionFormats, formatExplain} = await load('src/formatters/decision/index.ts')
    const {STRATEGIES, STRATEGY_DEFINITIONS} = await load('src/strategies/index.ts')
    const out = Object.fromEntries(decisionFormats.names.map((name: string) => [name, decisionFormats.pick(name)(decision, {date: '2025-01-01', ruleSet})]))
    expect(Object.keys(out).sort()).toEqual(['adr', 'json', 'yaml'])
    // The ADR: its title, then every list, table and section of the options holds it as often as each shipped strategy.
    expect(out.adr).toMatch(/^# Use gated fusion with modality masking for gated-fixture$/m)
    const lines = out.adr.split('\n')
    for (const prefix of ['* ', '| ', '### ']) {
      const counts = Object.fromEntries(STRATEGIES.map((s: string) => [s, lines.filter((l: string) => l.startsWith(`${prefix}${STRATEGY_DEFINITIONS[s].label}`)).length]))
      expect(counts, `lines starting "${prefix}<label>"`).toEqual(Object.fromEntries(STRATEGIES.map((s: string) => [s, counts.early])))
    }
    expect(lines).toContain('### Gated fusion')
    expect(out.adr).toContain('* Gated fusion: Each modality is encoded to one width; the embeddings of the present modalities are averaged and one head predicts.')
    expect(out.adr).toContain('embedding is left out of the mean')
    // JSON: the decision, its options, latencies and facts keyed by strategy; YAML: the same document.
    const json = JSON.parse(out.json)
    expect(json.strategy).toBe('gated')
    expect(json.options.map((o: {strategy: string}) => o.strategy)).toEqual(STRATEGIES)
    expect(Object.keys(json.latency.estimates)).toEqual(STRATEGIES)
    expect(Object.keys(json.facts.latencyEstimates)).toEqual(STRATEGIES)
    expect(parse(out.yaml)).toEqual(json)
    expect(formatExplain(decision, ruleSet)).toMatch(/rare-modality-favours-gated-fusion[\s\S]*score gated \+5/)
  })

  it('evaluate --quick trains it as a candidate, reports its metric, and every evaluation format shows it wherever it shows the others', async () => {
    const {runEvaluation} = await load('src/evaluate/run.ts')
    const {CANDIDATE_DEFINITIONS} = await load('src/strategies/index.ts')
    const {parseCandidates} = await load('src/evaluate/candidates.ts')
    const {loadProfile} = await load('src/profile/load.ts')
    const {profile} = loadProfile(join(dir, 'profile.yaml'))
    // --quick's settings (one seed, the sweep by quarters) on fewer samples and epochs, to stay fast.
    const result: EvaluationResult = await runEvaluation(profile, {
      decision,
      seed: 7,
      seeds: 1,
      samples: 300,
      testSamples: 300,
      epochs: 4,
      missingRates: [0, 0.25, 0.5, 0.75, 1],
      candidates: parseCandidates('all'),
    })
    const ids = CANDIDATE_DEFINITIONS.map((c: {id: string}) => c.id)
    expect(ids.at(-1)).toBe('gated')
    expect(result.recommended).toBe('gated')
    expect(result.strategies.map((s) => s.id)).toEqual(ids)
    const gated = result.strategies.find((s) => s.strategy === 'gated')
    expect(gated?.label).toBe('gated + masking')
    expect(gated?.trainingSamples).toBe(300)
    expect(gated?.metrics.deployment).toBeGreaterThan(0)
    expect(gated?.metrics.deployment).toBeLessThanOrEqual(1)
    expect(result.verdict.comparisons.length).toBe(ids.length - 1)

    const {evaluationFormats, formatEvaluationHtml} = await load('src/formatters/evaluation/index.ts')
    const out = Object.fromEntries(evaluationFormats.names.map((name: string) => [name, evaluationFormats.pick(name)(result, {color: false, width: 120})]))
    expect(Object.keys(out).sort()).toEqual(['json', 'table'])
    expect(JSON.parse(out.json).strategies.map((s: {id: string}) => s.id)).toEqual(ids)
    const html = formatEvaluationHtml(result)
    type Def = {id: string; label: string; shortName: string; marker: string}
    /** How often each candidate's pattern occurs in a text: the fixture's as often as every other's. */
    const parity = (text: string, pattern: (c: Def) => RegExp, what: string) => {
      const counts = Object.fromEntries(CANDIDATE_DEFINITIONS.map((c: Def) => [c.id, text.match(pattern(c))?.length ?? 0]))
      expect(counts.gated, what).toBeGreaterThan(0)
      expect(counts, what).toEqual(Object.fromEntries(ids.map((id: string) => [id, counts.gated])))
    }
    const re = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    parity(out.table, (c) => new RegExp(`^[ ▸★]*${re(c.label)} {2,}\\d+ +\\d\\.\\d{3} `, 'gm'), 'table: results rows')
    parity(out.table, (c) => new RegExp(`^${re(c.shortName)} +\\d\\.\\d{3} `, 'gm'), 'table: sweep rows')
    parity(out.table, (c) => new RegExp(`^ {2}${re(c.marker)} ${re(c.shortName)} \\d`, 'gm'), 'table: chart legend')
    expect(out.table).toMatch(/^present \(share\) .* gated$/m)
    parity(html, (c) => new RegExp(`</span>${re(c.label)}[ <]`, 'g'), 'html: results rows')
    parity(html, (c) => new RegExp(`<th>${re(c.shortName)}</th>`, 'g'), 'html: pattern columns')
    parity(html, (c) => new RegExp(`"legend":"${re(c.label)}"`, 'g'), 'html: chart series')
  })
})
