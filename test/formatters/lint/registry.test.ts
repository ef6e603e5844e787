import {describe, expect, it} from 'vitest'
import {getLintFormatter, github, isLintFormatName, json, junit, LINT_FORMATS, lintFormatters, sarif, stylish} from '../../../src/formatters/lint/index.js'
import {ctx, sampleReports} from '../../fixtures/formatters/reports.js'

describe('lint formatter registry', () => {
  it('maps each of the five format names to its formatter', () => {
    expect([...LINT_FORMATS]).toEqual(['stylish', 'json', 'sarif', 'github', 'junit'])
    expect(lintFormatters).toEqual({stylish, json, sarif, github, junit})
    for (const name of LINT_FORMATS) expect(getLintFormatter(name)).toBe(lintFormatters[name])
  })

  it('knows no other names', () => {
    expect(getLintFormatter('checkstyle')).toBeUndefined()
    expect(getLintFormatter('__proto__')).toBeUndefined()
    expect(getLintFormatter('toString')).toBeUndefined()
    expect(isLintFormatName('JSON')).toBe(false)
  })

  it('every format ends its output with a newline and is byte-identical on a second call', () => {
    for (const name of LINT_FORMATS) {
      const out = lintFormatters[name](sampleReports(), ctx())
      expect(out.endsWith('\n'), name).toBe(true)
      expect(out.endsWith('\n\n'), name).toBe(false)
      expect(lintFormatters[name](sampleReports(), ctx()), name).toBe(out)
    }
  })

  it('only github prints nothing for a clean run; stylish says what it checked; the machine formats always print a document', () => {
    const clean = [{filePath: '/work/project/a.yaml', findings: []}]
    expect(stylish(clean, ctx())).toBe('✔ 1 file checked, no problems\n')
    expect(github(clean, ctx())).toBe('')
    for (const format of [json, sarif, junit]) expect(format(clean, ctx()).length).toBeGreaterThan(10)
  })
})
