import {describe, expect, it} from 'vitest'
import type {Finding} from '../../../src/findings.js'
import {escapeXmlAttr, escapeXmlText, junit} from '../../../src/formatters/lint/junit.js'
import {ctx, sampleReports} from '../../fixtures/formatters/reports.js'
import {parseXml} from './xml-check.js'

const f = (over: Partial<Finding> = {}): Finding => ({ruleId: 'r', severity: 'error', message: 'm', line: 1, column: 1, endLine: 1, endColumn: 1, path: [], ...over})

describe('junit', () => {
  it('one testsuite, one testcase per file (sorted, relative), failures for errors, the rest in system-out', () => {
    expect(junit(sampleReports(), ctx())).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="fuseplan lint" tests="4" failures="2" errors="0" skipped="0" time="0">',
        '  <testsuite name="fuseplan lint" tests="4" failures="2" errors="0" skipped="0" time="0">',
        '    <testcase name="deploy/über wearable, 50%.yaml" classname="fuseplan.lint" time="0">',
        '      <system-out>3:1 warning Early fusion needs every modality; "hr_stream" is present in 35% of requests. [early-fusion-sparse]</system-out>',
        '    </testcase>',
        '    <testcase name="profiles/broken.yml" classname="fuseplan.lint" time="0">',
        '      <failure message="1 problem (1 error, 0 warnings)" type="error">1:1 error Flow sequence is not closed. [yaml-syntax]</failure>',
        '    </testcase>',
        '    <testcase name="profiles/clean.yaml" classname="fuseplan.lint" time="0"/>',
        '    <testcase name="profiles/icu.yaml" classname="fuseplan.lint" time="0">',
        '      <failure message="3 problems (1 error, 1 warning, 1 info)" type="error">9:19 error availability must be &lt;= 1, got "1.5" &amp; that\'s &lt;bad&gt; [schema]</failure>',
        '      <system-out>14:19 warning cxr is present in 90% of requests but 20% of training samples. [availability-shift]',
        '30:5 info Pattern {ehr, notes} has share 0.4%:',
        '  it will not be validated [pattern-coverage]</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    )
  })

  it('fails files on warnings too when the fail severity is warning', () => {
    const doc = parseXml(junit(sampleReports(), ctx({failSeverity: 'warning'})))
    const suite = doc.children[0]
    expect(suite.attrs).toMatchObject({tests: '4', failures: '3'})
    const icu = suite.children.find((c) => c.attrs.name === 'profiles/icu.yaml')!
    expect(icu.children.map((c) => c.name)).toEqual(['failure', 'system-out'])
    expect(icu.children[0].attrs.message).toBe('3 problems (1 error, 1 warning, 1 info)')
    expect(icu.children[1].text).toContain('30:5 info Pattern')
    const wearable = suite.children.find((c) => c.attrs.name.startsWith('deploy/'))!
    expect(wearable.children[0].attrs).toEqual({message: '1 problem (0 errors, 1 warning)', type: 'warning'})
  })

  it('the failure message counts every finding of the file, the warnings beside the error too', () => {
    const xml = junit([{filePath: '/work/project/a.yaml', findings: [f(), f({severity: 'warning', line: 2})]}], ctx())
    expect(xml).toContain('<failure message="2 problems (1 error, 1 warning)" type="error">1:1 error m [r]</failure>')
    expect(xml).toContain('<system-out>2:1 warning m [r]</system-out>')
  })

  it('an empty run is a valid suite with zero tests', () => {
    const doc = parseXml(junit([], ctx()))
    expect(doc.attrs).toMatchObject({tests: '0', failures: '0'})
    expect(doc.children[0].children).toEqual([])
  })

  it('escapes markup, quotes, ampersands and keeps unicode, in names and messages', () => {
    const name = `a<b>&"q'.yaml`
    const message = `<script>alert("x")</script> & ']]>' ünï 😀`
    const xml = junit([{filePath: `/work/project/${name}`, findings: [f({message, ruleId: 'r&<'})]}], ctx())
    expect(xml).toContain('<testcase name="a&lt;b&gt;&amp;&quot;q&apos;.yaml"')
    expect(xml).toContain('&lt;script&gt;alert("x")&lt;/script&gt; &amp; \']]&gt;\' ünï 😀 [r&amp;&lt;]')
    const tc = parseXml(xml).children[0].children[0]
    expect(tc.attrs.name).toBe(name)
    expect(tc.children[0].text).toBe(`1:1 error ${message} [r&<]`)
  })

  it('writes control characters as visible escapes (XML cannot carry some, terminals obey others), and keeps LF and TAB through parsing', () => {
    const message = 'nul\u0000 bell\u0007 esc\u001B fffe\uFFFE lone\uD800 pair😀 cr\r lf\n tab\t'
    const xml = junit([{filePath: 'we\u0001ird\nname\t.yaml', findings: [f({message})]}], ctx())
    const tc = parseXml(xml).children[0].children[0]
    expect(tc.attrs.name).toBe('we\\x01ird\\nname\\t.yaml')
    expect(tc.children[0].text).toBe('1:1 error nul\\x00 bell\\x07 esc\\x1b fffe\\uFFFE lone\\uD800 pair😀 cr\\r lf\n   tab\t [r]')
  })

  it('a file-level finding at 1:1 fails the file', () => {
    const xml = junit([{filePath: 'x.yaml', findings: [f({ruleId: 'yaml-syntax', message: 'Not YAML'})]}], ctx())
    expect(xml).toContain('<failure message="1 problem (1 error, 0 warnings)" type="error">1:1 error Not YAML [yaml-syntax]</failure>')
  })

  it('escape helpers', () => {
    expect(escapeXmlText('a&b<c>d\re"\'')).toBe('a&amp;b&lt;c&gt;d&#13;e"\'')
    expect(escapeXmlAttr('a"b\'c\nd\te')).toBe('a&quot;b&apos;c&#10;d&#9;e')
  })
})
