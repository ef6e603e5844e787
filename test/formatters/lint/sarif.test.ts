import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {Ajv2020} from 'ajv/dist/2020.js'
import {afterAll, describe, expect, it} from 'vitest'
import {requireOrSkip} from '../../helpers/requires.js'
import type {Finding} from '../../../src/findings.js'
import {ruleName, sarif} from '../../../src/formatters/lint/sarif.js'
import {CWD, RULES, ctx, sampleReports} from '../../fixtures/formatters/reports.js'
import {findValidator, runValidator} from './sarif-validator.js'

const f = (over: Partial<Finding> = {}): Finding => ({ruleId: 'r', severity: 'error', message: 'm', line: 1, column: 1, endLine: 1, endColumn: 1, path: [], ...over})

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

const parse = (s: string): Json => JSON.parse(s)

// The official SARIF 2.1.0 schema, shipped inside the validator's npm package.
const schemaPath = (() => {
  try {
    return createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json')
  } catch {
    return undefined
  }
})()

describe('sarif', () => {
  const log = parse(sarif(sampleReports(), ctx()))
  const run = log.runs[0]

  it('is one SARIF 2.1.0 run from the fuseplan driver', () => {
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json')
    expect(log.version).toBe('2.1.0')
    expect(log.runs).toHaveLength(1)
    expect(run.tool.driver).toMatchObject({name: 'fuseplan', version: '0.1.0', semanticVersion: '0.1.0', informationUri: 'https://fuseplan.dev/'})
    expect(run.columnKind).toBe('utf16CodeUnits')
  })

  it('lists every known rule (fired or not), then the unknown ids seen in findings', () => {
    const rules = run.tool.driver.rules
    expect(rules.map((r: Json) => r.id)).toEqual(['availability-shift', 'early-fusion-sparse', 'late-fusion-safe-start', 'pattern-coverage', 'schema', 'yaml-syntax'])
    expect(rules[0]).toEqual({
      id: 'availability-shift',
      name: 'AvailabilityShift',
      shortDescription: {text: 'A modality is more available at deployment than in training.'},
      fullDescription: {text: 'Masking can only remove modalities, so it cannot simulate a modality that is present more often at deployment.'},
      helpUri: 'https://fuseplan.dev/rules/availability-shift',
      help: {text: 'A modality is more available at deployment than in training. See https://fuseplan.dev/rules/availability-shift'},
      defaultConfiguration: {level: 'warning'},
    })
    expect(rules[2].defaultConfiguration).toEqual({level: 'none'}) // a rule without a lint severity
    expect(rules[3].defaultConfiguration).toEqual({level: 'note'})
    // Unknown ids get a description and a help URI following the known rules' pattern.
    expect(rules[4]).toMatchObject({id: 'schema', name: 'SchemaViolation', helpUri: 'https://fuseplan.dev/rules/schema', defaultConfiguration: {level: 'error'}})
    expect(rules[5]).toMatchObject({id: 'yaml-syntax', name: 'YamlSyntax', helpUri: 'https://fuseplan.dev/rules/yaml-syntax'})
    for (const r of rules) expect(r.helpUri).toMatch(/^https:\/\//)
  })

  it('falls back to the tool page for the help URI of an unknown rule when no pattern is known', () => {
    const out = parse(sarif([{filePath: 'a.yaml', findings: [f({ruleId: 'mystery'})]}], ctx({rules: []})))
    expect(out.runs[0].tool.driver.rules).toEqual([
      expect.objectContaining({id: 'mystery', name: 'MysteryRule', helpUri: 'https://fuseplan.dev/', shortDescription: {text: 'Findings reported by mystery.'}}),
    ])
  })

  it('points results at rules by consistent ruleIndex, with levels mapped', () => {
    const ids = run.tool.driver.rules.map((r: Json) => r.id)
    expect(run.results.map((r: Json) => [r.ruleId, r.level])).toEqual([
      ['early-fusion-sparse', 'warning'],
      ['yaml-syntax', 'error'],
      ['schema', 'error'],
      ['availability-shift', 'warning'],
      ['pattern-coverage', 'note'],
    ])
    for (const r of run.results) expect(ids[r.ruleIndex]).toBe(r.ruleId)
  })

  it('locates results relative to %SRCROOT% with an encoded URI, an artifact index and a region', () => {
    expect(run.originalUriBaseIds).toEqual({'%SRCROOT%': {uri: 'file:///work/project/'}})
    expect(run.artifacts.map((a: Json) => a.location.uri)).toEqual([
      'deploy/%C3%BCber%20wearable%2C%2050%25.yaml',
      'profiles/broken.yml',
      'profiles/clean.yaml', // clean files are listed too
      'profiles/icu.yaml',
    ])
    expect(run.results[0]).toEqual({
      ruleId: 'early-fusion-sparse',
      ruleIndex: 1,
      level: 'warning',
      message: {text: 'Early fusion needs every modality; "hr_stream" is present in 35% of requests.'},
      locations: [
        {
          physicalLocation: {
            artifactLocation: {uri: 'deploy/%C3%BCber%20wearable%2C%2050%25.yaml', uriBaseId: '%SRCROOT%', index: 0},
            region: {startLine: 3, startColumn: 1, endLine: 3, endColumn: 9},
          },
        },
      ],
      properties: {documentPath: 'modalities[0]'},
    })
    // A file-level finding at 1:1 has no documentPath.
    expect(run.results[1].locations[0].physicalLocation.region).toEqual({startLine: 1, startColumn: 1, endLine: 1, endColumn: 1})
    expect(run.results[1].properties).toBeUndefined()
    // Messages end as sentences; quotes and '<' stay data.
    expect(run.results[2].message.text).toBe('availability must be <= 1, got "1.5" & that\'s <bad>.')
  })

  it('uses an absolute file URI for a file outside cwd, and no base id when none is needed', () => {
    const out = parse(sarif([{filePath: '/other/place/p #1?.yaml', findings: [f()]}], ctx()))
    expect(out.runs[0].originalUriBaseIds).toBeUndefined()
    expect(out.runs[0].artifacts[0].location).toEqual({uri: 'file:///other/place/p%20%231%3F.yaml'})
  })

  it('an empty run still lists every rule and has no results', () => {
    const out = parse(sarif([], ctx()))
    expect(out.runs[0].results).toEqual([])
    expect(out.runs[0].artifacts).toEqual([])
    expect(out.runs[0].tool.driver.rules).toHaveLength(RULES.length)
  })

  it('derives readable rule names that differ from the id', () => {
    expect(ruleName('early-fusion-sparse')).toBe('EarlyFusionSparse')
    expect(ruleName('budget')).toBe('BudgetRule')
    expect(ruleName('9lives')).toBe('Rule9lives')
    expect(ruleName('schema')).toBe('SchemaViolation')
    expect(ruleName('constructor')).toBe('ConstructorRule')
    expect(ruleName('__proto__')).toBe('Proto')
  })

  it('validates against the official SARIF 2.1.0 JSON Schema', async (test) => {
    requireOrSkip(test, schemaPath ? undefined : 'the SARIF schema of @microsoft/sarif-multitool-linux is not installed (npm ci on Linux installs it)')
    const {readFileSync} = await import('node:fs')
    const schema = JSON.parse(readFileSync(schemaPath!, 'utf8'))
    const ajv = new Ajv2020({strict: false, validateFormats: false, allErrors: true})
    const validate = ajv.compile(schema)
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true)
  })
})

describe("Microsoft's SARIF validator", () => {
  const found = findValidator()
  const reason = 'reason' in found ? found.reason : ''
  const dir = mkdtempSync(path.join(tmpdir(), 'fuseplan-sarif-test-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('accepts the output for several files and findings with no error and no warning', (test) => {
    requireOrSkip(test, reason || undefined)
    const reports = [
      ...sampleReports(),
      {filePath: '/outside/cwd.yaml', findings: [f({ruleId: 'budget', severity: 'warning', message: 'Multi\nline <message> & "quotes" 100%', line: 2, column: 4, endLine: 5, endColumn: 2})]},
      {filePath: `${CWD}/a/b/c.yml`, findings: [f({severity: 'info', endLine: 0, endColumn: 0})]},
    ]
    const file = path.join(dir, 'fuseplan.sarif')
    writeFileSync(file, sarif(reports, ctx()))
    const {status, results, notifications, stdout} = runValidator((found as {bin: string}).bin, file)
    const problems = results.filter((r) => r.level === 'error' || r.level === 'warning')
    expect(problems, stdout).toEqual([])
    expect(notifications.filter((n) => n.level === 'error')).toEqual([])
    expect(status, stdout).toBe(0)
  })

  it('really reports errors (so the test above can fail)', (test) => {
    requireOrSkip(test, reason || undefined)
    const broken = parse(sarif(sampleReports(), ctx()))
    broken.runs[0].results[0].ruleIndex = 99 // no such rule
    broken.runs[0].results[1].locations[0].physicalLocation.region = {startLine: 5, endLine: 2}
    const file = path.join(dir, 'broken.sarif')
    writeFileSync(file, JSON.stringify(broken))
    const {results} = runValidator((found as {bin: string}).bin, file)
    expect(results.filter((r) => r.level === 'error').map((r) => r.ruleId)).toEqual(expect.arrayContaining(['SARIF1009', 'SARIF1007']))
  })
})
