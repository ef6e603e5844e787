import {describe, expect, it} from 'vitest'
import {json, toEslintResults} from '../../../src/formatters/lint/json.js'
import {ctx, sampleReports} from '../../fixtures/formatters/reports.js'

describe('json (ESLint shape)', () => {
  it('emits one entry per file, sorted by absolute path, with exact ESLint keys and counts', () => {
    const out = json(sampleReports(), ctx())
    expect(out.endsWith(']\n')).toBe(true)
    const parsed = JSON.parse(out)
    expect(parsed.map((r: {filePath: string}) => r.filePath)).toEqual([
      '/work/project/deploy/über wearable, 50%.yaml',
      '/work/project/profiles/broken.yml',
      '/work/project/profiles/clean.yaml',
      '/work/project/profiles/icu.yaml',
    ])
    expect(parsed[3]).toEqual({
      filePath: '/work/project/profiles/icu.yaml',
      messages: [
        {ruleId: 'schema', severity: 2, message: 'availability must be <= 1, got "1.5" & that\'s <bad>', line: 9, column: 19, nodeType: null, endLine: 9, endColumn: 22},
        {
          ruleId: 'availability-shift',
          severity: 1,
          message: 'cxr is present in 90% of requests but 20% of training samples.',
          line: 14,
          column: 19,
          nodeType: null,
          endLine: 14,
          endColumn: 23,
        },
      ],
      suppressedMessages: [],
      errorCount: 1,
      fatalErrorCount: 0,
      warningCount: 1,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      source: 'apiVersion: fuseplan/v1\nkind: DeploymentProfile\n',
      usedDeprecatedRules: [],
      infoMessages: [
        {ruleId: 'pattern-coverage', severity: 0, message: 'Pattern {ehr, notes} has share 0.4%:\nit will not be validated', line: 30, column: 5, nodeType: null, endLine: 31, endColumn: 12},
      ],
      infoCount: 1,
    })
    // ESLint's key order, so diffs against eslint output line up.
    expect(Object.keys(parsed[3])).toEqual([
      'filePath',
      'messages',
      'suppressedMessages',
      'errorCount',
      'fatalErrorCount',
      'warningCount',
      'fixableErrorCount',
      'fixableWarningCount',
      'source',
      'usedDeprecatedRules',
      'infoMessages',
      'infoCount',
    ])
    expect(Object.keys(parsed[3].messages[0])).toEqual(['ruleId', 'severity', 'message', 'line', 'column', 'nodeType', 'endLine', 'endColumn'])
  })

  it('lists a clean file with empty messages, zero counts and no source (relative paths are made absolute)', () => {
    expect(json([{filePath: 'profiles/clean.yaml', source: 'kind: x\n', findings: []}], ctx())).toBe(
      '[{"filePath":"/work/project/profiles/clean.yaml","messages":[],"suppressedMessages":[],"errorCount":0,"fatalErrorCount":0,' +
        '"warningCount":0,"fixableErrorCount":0,"fixableWarningCount":0,"usedDeprecatedRules":[],"infoMessages":[],"infoCount":0}]\n',
    )
  })

  it('prints [] for no files', () => {
    expect(json([], ctx())).toBe('[]\n')
  })

  it('keeps info findings out of messages (ESLint has only 1 and 2) and counts them apart', () => {
    const [r] = toEslintResults([{filePath: 'a.yaml', findings: [{ruleId: 'r', severity: 'info', message: 'fyi', line: 2, column: 3, endLine: 2, endColumn: 4, path: []}]}], ctx())
    expect(r.messages).toEqual([])
    expect(r.errorCount + r.warningCount).toBe(0)
    expect(r.infoCount).toBe(1)
    expect(r.infoMessages[0]).toMatchObject({ruleId: 'r', severity: 0, line: 2, column: 3})
    expect(r.source).toBeUndefined()
  })

  it('reports a file-level finding at 1:1 and repairs an end before the start', () => {
    const [r] = toEslintResults([{filePath: 'a.yaml', findings: [{ruleId: 'yaml-syntax', severity: 'error', message: 'x', line: 1, column: 1, endLine: 0, endColumn: 0, path: []}]}], ctx())
    expect(r.messages[0]).toMatchObject({line: 1, column: 1, endLine: 1, endColumn: 1})
  })

  it('escapes quotes, backslashes, control characters and keeps unicode', () => {
    const message = 'q"uote \\ back\u0000nul\u2028 ünï 😀'
    const out = json([{filePath: 'a.yaml', findings: [{ruleId: 'r', severity: 'warning', message, line: 1, column: 1, endLine: 1, endColumn: 1, path: []}]}], ctx())
    expect(out).toContain('"message":"q\\"uote \\\\ back\\u0000nul\u2028 ünï 😀"')
    expect(JSON.parse(out)[0].messages[0].message).toBe(message)
  })

  it('does not mutate its input', () => {
    const reports = sampleReports()
    const before = JSON.stringify(reports)
    json(reports, ctx())
    expect(JSON.stringify(reports)).toBe(before)
  })
})
