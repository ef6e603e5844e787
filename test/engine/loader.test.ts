// Rule files and config: every problem reported at file:line:column; packs and overrides applied.
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {rmSync} from 'node:fs'
import {checkProfile, defaultRuleSet, listRuleMeta, loadRuleSet, RuleLoadError, type LoadProblem} from '../../src/engine/index.js'
import {EXAMPLE_BASE_PROFILE, applyPatch} from '../../src/engine/examples.js'

const root = mkdtempSync(join(tmpdir(), 'fuseplan-engine-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
let n = 0
function pack(files: Record<string, string>): string {
  const dir = join(root, `pack${n++}`)
  mkdirSync(dir, {recursive: true})
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
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

const GOOD = `id: big-genomics
title: Genomics panels over 1000 features get a note
rationale: A test rule for rule packs, long enough to count as a rationale for the doc test.
source: test
severity: info
options:
  maxFeatures:
    default: 1000
    description: Feature count above which the rule fires.
when: facts.modalities.exists(m, m.size > options.maxFeatures)
forEach: facts.modalities.filter(m, m.size > options.maxFeatures)
effects:
  finding:
    message: "{{ item.name }} has {{ item.size | count }} input values"
    path: "modalities[{{ item.index }}]"
examples:
  fires: {}
  passes:
    modalities[1].shape: [8, 8, 1]
`

describe('rule locations', () => {
  it('are shown relative to the working folder of the load, also when the set is cached', () => {
    const cwd = process.cwd()
    const elsewhere = mkdtempSync(join(tmpdir(), 'fuseplan-cwd-'))
    const where = () => [loadRuleSet(), defaultRuleSet()].map((s) => s.rules.find((r) => r.rule.id === 'joint-model-under-missingness')?.rule.location.file)
    try {
      expect(where()).toEqual(['rules/strategy.yaml', 'rules/strategy.yaml'])
      process.chdir(elsewhere)
      const absolute = join(cwd, 'rules', 'strategy.yaml')
      expect(where()).toEqual([absolute, absolute])
    } finally {
      process.chdir(cwd)
    }
    expect(where()).toEqual(['rules/strategy.yaml', 'rules/strategy.yaml'])
  })
})

describe('rule packs', () => {
  it('adds a rule; its findings carry its id and a path per item', () => {
    const rs = loadRuleSet({rulesDirs: [pack({'genomics.yaml': GOOD})]})
    const rule = rs.byId.get('big-genomics')!
    expect(rule.rule.builtin).toBe(false)
    const findings = checkProfile(rs, EXAMPLE_BASE_PROFILE).filter((f) => f.ruleId === 'big-genomics')
    expect(findings).toEqual([{ruleId: 'big-genomics', severity: 'info', message: 'cxr has 50,176 input values', path: 'modalities[1]', docPath: ['modalities', 1]}])
  })

  it('reports a bad CEL expression at its line and column', () => {
    const dir = pack({'bad.yaml': GOOD.replace('when: facts.modalities.exists(m, m.size > options.maxFeatures)', 'when: facts.minAvailability < < 1.0')})
    const p = problems(() => loadRuleSet({rulesDirs: [dir]}))
    expect(p).toHaveLength(1)
    expect(p[0].file).toMatch(/bad\.yaml$/)
    expect(p[0].line).toBe(10)
    expect(p[0].column).toBe(31)
    expect(p[0].message).toMatch(/Invalid CEL in rule `when` condition/)
  })

  it('reports an unknown variable in a template', () => {
    const dir = pack({'bad.yaml': GOOD.replace('{{ item.size | count }}', '{{ fact.size }}')})
    const p = problems(() => loadRuleSet({rulesDirs: [dir]}))
    expect(p[0].line).toBe(14)
    expect(p[0].message).toMatch(/Unknown variable: fact/)
  })

  it('reports an unknown key at the key', () => {
    const dir = pack({'bad.yaml': GOOD.replace('source: test', 'source: test\nseverty: warning')})
    const p = problems(() => loadRuleSet({rulesDirs: [dir]}))
    expect(p).toEqual([{file: expect.stringMatching(/bad\.yaml$/), line: 5, column: 1, message: expect.stringMatching(/Unknown key `severty` in a rule/)}])
  })

  it('reports malformed YAML', () => {
    const p = problems(() => loadRuleSet({rulesDirs: [pack({'bad.yaml': 'id: x\ntitle: [unclosed\n'})]}))
    expect(p[0].line).toBeGreaterThan(0)
    expect(p[0].message).toMatch(/YAML/)
  })

  it('reports a duplicate id at the second definition, naming the first', () => {
    const dir = pack({'a.yaml': GOOD, 'b.yaml': `# again\n${GOOD}`})
    const p = problems(() => loadRuleSet({rulesDirs: [dir]}))
    expect(p).toHaveLength(1)
    expect(p[0].file).toMatch(/b\.yaml$/)
    expect(p[0].line).toBe(2)
    expect(p[0].message).toMatch(/Duplicate rule id `big-genomics`: already defined at .*a\.yaml:1:1/)
  })

  it('rejects a duplicate of a bundled rule id', () => {
    const dir = pack({'a.yaml': GOOD.replace('id: big-genomics', 'id: rare-modality')})
    expect(problems(() => loadRuleSet({rulesDirs: [dir]}))[0].message).toMatch(/Duplicate rule id `rare-modality`/)
  })

  it('requires examples, a severity for finding rules, and a known strategy', () => {
    const noExamples = GOOD.slice(0, GOOD.indexOf('examples:'))
    expect(problems(() => loadRuleSet({rulesDirs: [pack({'a.yaml': noExamples})]}))[0].message).toMatch(/examples/)
    const noSeverity = GOOD.replace('severity: info\n', '')
    expect(problems(() => loadRuleSet({rulesDirs: [pack({'a.yaml': noSeverity})]}))[0].message).toMatch(/needs a `severity`/)
    const badStrategy = GOOD.replace(/effects:[\s\S]*?examples:/, 'effects:\n  score:\n    - {strategy: hybrid, delta: 1, reason: x}\nexamples:')
    expect(problems(() => loadRuleSet({rulesDirs: [pack({'a.yaml': badStrategy})]}))[0].message).toMatch(/Unknown strategy `hybrid`/)
  })

  it('rejects example patch keys that are not profile paths', () => {
    const bad = GOOD.replace('  fires: {}', '  fires:\n    __proto__.polluted: 1')
    const p = problems(() => loadRuleSet({rulesDirs: [pack({'a.yaml': bad})]}))
    expect(p[0]).toMatchObject({line: 18, column: 5, message: expect.stringMatching(/Example patch key `__proto__.polluted` must be a profile path/)})
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('a missing rule folder is an error', () => {
    expect(problems(() => loadRuleSet({rulesDirs: [join(root, 'nope')]}))[0].message).toMatch(/Rule folder not found/)
  })
})

describe('config', () => {
  it('turns rules off, changes severity and options, adds packs; found upward from the profile', () => {
    const dir = pack({})
    mkdirSync(join(dir, 'team-rules'))
    writeFileSync(join(dir, 'team-rules', 'g.yaml'), GOOD)
    writeFileSync(
      join(dir, 'fuseplan.config.yaml'),
      ['rules: [./team-rules]', 'overrides:', '  rare-modality: off', '  shifted-availability: error', '  big-genomics: {options: {maxFeatures: 100000}}', ''].join('\n'),
    )
    mkdirSync(join(dir, 'deploy'))
    // The upward search stops at the repository root: mark `dir` as one.
    mkdirSync(join(dir, '.git'))
    const rs = loadRuleSet({searchFrom: join(dir, 'deploy')})
    expect(rs.configPath).toBe(join(dir, 'fuseplan.config.yaml'))
    expect(rs.byId.get('rare-modality')!.enabled).toBe(false)
    expect(rs.byId.get('big-genomics')!.options.maxFeatures).toBe(100000)
    const p = applyPatch(EXAMPLE_BASE_PROFILE, {'modalities[1].availability': 0.5, 'modalities[2].availability': 0.01})
    const f = checkProfile(rs, p)
    expect(f.find((x) => x.ruleId === 'shifted-availability')!.severity).toBe('error')
    expect(f.some((x) => x.ruleId === 'rare-modality')).toBe(false)
    expect(f.some((x) => x.ruleId === 'big-genomics')).toBe(false)
    expect(checkProfile(loadRuleSet(), p).some((x) => x.ruleId === 'rare-modality')).toBe(true)
  })

  it('reports unknown rules, unknown options and wrong option types at their position', () => {
    const dir = pack({
      'fuseplan.config.yaml': ['overrides:', '  no-such-rule: off', '  rare-modality:', '    options: {treshold: 0.1}', '  shifted-availability:', '    options:', '      tolerance: "high"', ''].join(
        '\n',
      ),
    })
    const p = problems(() => loadRuleSet({configPath: join(dir, 'fuseplan.config.yaml')}))
    expect(p.map((x) => [x.line, x.column])).toEqual([
      [2, 3],
      [4, 15],
      [7, 7],
    ])
    expect(p[0].message).toMatch(/unknown rule `no-such-rule`/)
    expect(p[1].message).toMatch(/has no option `treshold`; its options: threshold/)
    expect(p[2].message).toMatch(/must be a number/)
  })

  it('rejects unknown top-level keys and missing rule folders', () => {
    const dir = pack({'fuseplan.config.yaml': 'rules: [./missing]\nextend: x\n'})
    const p = problems(() => loadRuleSet({configPath: join(dir, 'fuseplan.config.yaml')}))
    expect(p.map((x) => x.line).sort()).toEqual([1, 2])
  })

  it('extends another config; the extending file wins', () => {
    const dir = pack({
      'base.yaml': 'overrides:\n  rare-modality: off\n  shifted-availability: error\n',
      'fuseplan.config.yaml': 'extends: ./base.yaml\noverrides:\n  shifted-availability: info\n',
    })
    const rs = loadRuleSet({configPath: join(dir, 'fuseplan.config.yaml')})
    expect(rs.byId.get('rare-modality')!.enabled).toBe(false)
    expect(rs.byId.get('shifted-availability')!.severity).toBe('info')
  })
})

describe('rule metadata for SARIF', () => {
  it('lists every rule with a help URI', () => {
    const meta = listRuleMeta(loadRuleSet())
    const r = meta.find((m) => m.id === 'unique-modality-names')!
    expect(r).toEqual({
      id: 'unique-modality-names',
      title: 'Modality names must be unique',
      severity: 'error',
      helpUri: 'https://fuseplan.dev/rules/unique-modality-names',
      description: expect.any(String),
    })
  })
})

describe('rule-file and config schemas', () => {
  const ROOT = join(import.meta.dirname, '..', '..')

  it('are published in schemas/ as the loaders use them, and every bundled rule file follows its schema', async () => {
    const {ruleFileSchema, configSchema} = await import('../../src/engine/schemas.js')
    const {compileSchema} = await import('../../src/profile/validate.js')
    const {readdirSync, readFileSync} = await import('node:fs')
    const {parse} = await import('yaml')
    expect(JSON.parse(readFileSync(join(ROOT, 'schemas', 'rule-file.schema.json'), 'utf8'))).toEqual(ruleFileSchema)
    expect(JSON.parse(readFileSync(join(ROOT, 'schemas', 'config.schema.json'), 'utf8'))).toEqual(configSchema)
    const validate = compileSchema(ruleFileSchema)
    for (const file of readdirSync(join(ROOT, 'rules')).filter((f) => f.endsWith('.yaml'))) {
      expect(validate(parse(readFileSync(join(ROOT, 'rules', file), 'utf8'))), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true)
    }
    expect(validate(parse(GOOD))).toBe(true)
  })

  it('report each structural problem once, at its position, naming what is expected', () => {
    const bad = GOOD.replace('severity: info', 'severity: fatal\nscope: global')
      .replace('    default: 1000', '    default: [1000]')
      .replace('  maxFeatures:', '  max_features:')
      .replace('examples:', 'examples: 3\nunused:')
    const p = problems(() => loadRuleSet({rulesDirs: [pack({'bad.yaml': bad})]}))
    expect(p.map((x) => `${x.line}:${x.column}: ${x.message}`)).toEqual([
      '5:11: Severity must be one of error, warning, info.',
      '6:8: Rule `scope` must be one of profile, decision (`profile`: its findings mean the profile is wrong; `decision`: they report an outcome).',
      '8:3: Option name `max_features` must be camelCase letters and digits.',
      '9:14: Option `default` (a number, string or boolean) must be a number, string or boolean.',
      '17:11: Rule `examples` (a `fires` and a `passes` profile patch) must be a mapping.',
      '18:1: Unknown key `unused` in a rule; allowed: id, title, rationale, source, basis, untested, severity, scope, options, when, forEach, effects, examples.',
    ])
  })

  it('config: unknown keys in an override, a bad severity and a bad shorthand, each once', () => {
    const dir = pack({'fuseplan.config.yaml': ['overrides:', '  rare-modality: {severity: loud, enabeld: true}', '  shifted-availability: sometimes', 'ignores: ["!keep.yaml"]', ''].join('\n')})
    const p = problems(() => loadRuleSet({configPath: join(dir, 'fuseplan.config.yaml')}))
    expect(p.map((x) => `${x.line}:${x.column}: ${x.message}`)).toEqual([
      '2:29: Severity must be one of off, error, warning, info.',
      '2:35: Unknown key `enabeld` in the override of a rule; allowed: severity, enabled, options.',
      '3:25: The override of a rule must be one of off, false, error, warning, info (or a mapping {severity, options, enabled}).',
      '4:11: `ignores` entry `!keep.yaml` must be a glob of files to skip, relative to the config file (negation with `!` is not supported).',
    ])
  })
})
