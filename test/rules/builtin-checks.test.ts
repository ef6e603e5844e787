// Built-in checks are rules of the same registry: listed, documented, in SARIF's table, and
// configurable where that cannot make lint disagree with recommend.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {BUILTIN_CHECKS, listRuleMeta, loadRuleSet, RuleLoadError} from '../../src/engine/index.js'

const root = mkdtempSync(join(tmpdir(), 'fuseplan-checks-'))
afterAll(() => rmSync(root, {recursive: true, force: true}))
let n = 0
function configDir(config: string, files: Record<string, string> = {}): string {
  const dir = join(root, `c${n++}`)
  mkdirSync(dir, {recursive: true})
  writeFileSync(join(dir, 'fuseplan.config.yaml'), config)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), {recursive: true})
    writeFileSync(join(dir, name), text)
  }
  return dir
}

function loadProblems(dir: string): string[] {
  try {
    loadRuleSet({configPath: join(dir, 'fuseplan.config.yaml')})
  } catch (error) {
    if (error instanceof RuleLoadError) return error.problems.map((p) => `${p.line}:${p.column} ${p.message}`)
    throw error
  }
  return []
}

describe('built-in checks', () => {
  it('are in the rule metadata every format uses, before the rules', async () => {
    const ids = listRuleMeta(loadRuleSet()).map((m) => m.id)
    expect(ids.slice(0, BUILTIN_CHECKS.length)).toEqual(BUILTIN_CHECKS.map((c) => c.id))
    for (const id of ['schema', 'yaml-syntax', 'unknown-kind', 'training-config-drift', 'unused-disable-directive']) expect(ids).toContain(id)
  })

  it('configurable ones take off and a severity; the others are refused at file:line:col', async () => {
    const ok = configDir('overrides:\n  unknown-kind: warning\n  training-config-drift: off\n')
    const set = loadRuleSet({configPath: join(ok, 'fuseplan.config.yaml')})
    expect(set.checksById.get('unknown-kind')).toMatchObject({enabled: true, severity: 'warning'})
    expect(set.checksById.get('training-config-drift')?.enabled).toBe(false)
    expect(loadProblems(configDir('overrides:\n  schema: off\n  yaml-syntax: warning\n  unknown-kind: {options: {x: 1}}\n'))).toEqual([
      '2:3 `schema` is a built-in check that cannot be overridden: recommend, scaffold and evaluate refuse a file that fails it, so lint must too.',
      '3:3 `yaml-syntax` is a built-in check that cannot be overridden: recommend, scaffold and evaluate refuse a file that fails it, so lint must too.',
      '4:3 `unknown-kind` is a built-in check and has no options; give it `off` or a severity.',
    ])
  })

  it('a rule pack cannot take a built-in check id', async () => {
    const dir = configDir('rules: [./pack]\n', {
      'pack/r.yaml': 'id: schema\ntitle: t\nrationale: r\nsource: s\nseverity: info\nwhen: "true"\neffects: {finding: {message: m, path: name}}\nexamples: {fires: {}, passes: {}}\n',
    })
    expect(loadProblems(dir).join('\n')).toContain("Rule id `schema` is a built-in check's")
  })

  it('are documented in docs/rules.md', async () => {
    const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8')
    for (const c of BUILTIN_CHECKS) expect(doc, c.id).toContain(`| \`${c.id}\` |`)
  })

  it('through the CLI: `rules show schema` documents it and `rules list` lists it', async () => {
    const show = await runInProcess(['rules', 'show', 'schema'])
    expect(show.status).toBe(0)
    expect(show.stdout).toContain('Kind:       built-in check, severity error')
    expect(show.stdout).toContain('always on: cannot be turned off')
    const list = await runInProcess(['rules', 'list', '--json'])
    const rows = JSON.parse(list.stdout) as {id: string; kind: string; configurable?: boolean}[]
    expect(rows.find((r) => r.id === 'unknown-kind')).toMatchObject({kind: 'check', configurable: true})
    expect(rows.filter((r) => r.kind === 'check')).toHaveLength(BUILTIN_CHECKS.length)
  })
})
