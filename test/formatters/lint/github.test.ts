import {describe, expect, it} from 'vitest'
import {escapeData, escapeProperty, github} from '../../../src/formatters/lint/github.js'
import {ctx, sampleReports} from '../../fixtures/formatters/reports.js'

describe('github (workflow commands)', () => {
  it('emits one annotation per finding, files sorted, findings in order, relative paths', () => {
    expect(github(sampleReports(), ctx())).toBe(
      [
        '::warning file=deploy/über wearable%2C 50%25.yaml,line=3,col=1,endLine=3,endColumn=9,title=early-fusion-sparse::Early fusion needs every modality; "hr_stream" is present in 35%25 of requests.',
        '::error file=profiles/broken.yml,line=1,col=1,endLine=1,endColumn=1,title=yaml-syntax::Flow sequence is not closed.',
        '::error file=profiles/icu.yaml,line=9,col=19,endLine=9,endColumn=22,title=schema::availability must be <= 1, got "1.5" & that\'s <bad>',
        '::warning file=profiles/icu.yaml,line=14,col=19,endLine=14,endColumn=23,title=availability-shift::cxr is present in 90%25 of requests but 20%25 of training samples.',
        '::notice file=profiles/icu.yaml,line=30,col=5,endLine=31,endColumn=12,title=pattern-coverage::Pattern {ehr, notes} has share 0.4%25:%0Ait will not be validated',
        '',
      ].join('\n'),
    )
  })

  it('prints nothing for a clean run', () => {
    expect(github([{filePath: '/work/project/a.yaml', findings: []}], ctx())).toBe('')
  })

  it("escapes data as the Actions runner expects (%, CR, LF) and properties also for ':' and ','", () => {
    expect(escapeData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b')
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae')
    // '%' first: an input that already looks escaped must not be unescaped by the runner.
    expect(escapeData('%0A')).toBe('%250A')
  })

  it('escapes a hostile rule id and path so they cannot end the property list or the command', () => {
    const out = github([{filePath: 'we,ird:na%me\n.yaml', findings: [{ruleId: 'a::b,c', severity: 'error', message: '::error::fake', line: 2, column: 3, endLine: 2, endColumn: 4, path: []}]}], ctx())
    expect(out).toBe('::error file=we%2Cird%3Ana%25me%0A.yaml,line=2,col=3,endLine=2,endColumn=4,title=a%3A%3Ab%2Cc::::error::fake\n')
  })
})
