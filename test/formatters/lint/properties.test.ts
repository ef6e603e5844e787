// Property-based checks: whatever the messages, rule ids and paths, every format stays well-formed,
// carries the data through intact, and does not depend on the order of its input.
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {Ajv2020} from 'ajv/dist/2020.js'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {FileReport, Finding} from '../../../src/findings.js'
import {github, json, junit, sarif, stylish} from '../../../src/formatters/lint/index.js'
import {escapeControlKeepBreaks} from '../../../src/util/text.js'
import {ctx} from '../../fixtures/formatters/reports.js'
import {parseXml} from './xml-check.js'

// Text with everything that breaks formats: markup, quotes, %, separators, controls, unicode.
const nasty = fc.oneof(
  fc.string({unit: 'binary', maxLength: 30}),
  fc.string({
    unit: fc.constantFrom('<', '>', '&', '"', "'", '%', ',', ':', '\n', '\r', '\t', '\u0000', '\u001B', ']]>', 'ü', '😀', '\uD800', '\uFFFE', ' ', 'a', '/', '\\', '#', '?', '..'),
    maxLength: 20,
  }),
)
const segment = fc
  .string({unit: fc.constantFrom('a', 'b', ' ', '%', ',', ':', '#', '?', '<', '&', '"', 'ü', '😀', '\uD800', '\n', '.', '-'), minLength: 1, maxLength: 8})
  .filter((s) => s !== '.' && s !== '..')
const filePath = fc.oneof(
  fc.array(segment, {minLength: 1, maxLength: 3}).map((parts) => `/work/project/${parts.join('/')}.yaml`),
  fc.array(segment, {minLength: 1, maxLength: 2}).map((parts) => parts.join('/')),
  fc.array(segment, {minLength: 1, maxLength: 2}).map((parts) => `/elsewhere/${parts.join('/')}`),
)
const position = fc.integer({min: 1, max: 5000})
const finding: fc.Arbitrary<Finding> = fc.record({
  ruleId: fc.oneof(fc.constantFrom('schema', 'yaml-syntax', 'availability-shift', 'pattern-coverage'), nasty),
  severity: fc.constantFrom('error', 'warning', 'info'),
  message: nasty,
  line: position,
  column: position,
  endLine: position,
  endColumn: position,
  path: fc.array(fc.oneof(fc.string({maxLength: 5}), fc.nat(9)), {maxLength: 3}),
})
const reports: fc.Arbitrary<FileReport[]> = fc.uniqueArray(fc.record({filePath, findings: fc.array(finding, {maxLength: 4}), source: fc.option(nasty, {nil: undefined})}), {
  maxLength: 5,
  selector: (r) => r.filePath,
})

const RUNS = {numRuns: 150}

describe('formatter properties', () => {
  it('json: always parses, one entry per file, every finding kept verbatim', () => {
    fc.assert(
      fc.property(reports, (rs) => {
        const out = json(rs, ctx())
        expect(out.endsWith('\n')).toBe(true)
        const parsed = JSON.parse(out)
        expect(parsed).toHaveLength(rs.length)
        const messages = parsed.flatMap((r: {messages: {message: string}[]; infoMessages: {message: string}[]}) => [...r.messages, ...r.infoMessages].map((m) => m.message))
        expect(messages.sort()).toEqual(rs.flatMap((r) => r.findings.map((x) => x.message)).sort())
        for (const r of parsed) {
          expect(r.errorCount).toBe(r.messages.filter((m: {severity: number}) => m.severity === 2).length)
          expect(r.warningCount).toBe(r.messages.filter((m: {severity: number}) => m.severity === 1).length)
        }
      }),
      RUNS,
    )
  })

  it('sarif: always parses, matches the official schema, and keeps rule indexes and artifact indexes consistent', () => {
    const schemaFile = createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-linux/sarif-2.1.0.json')
    const validate = new Ajv2020({strict: false, validateFormats: false}).compile(JSON.parse(readFileSync(schemaFile, 'utf8')))
    fc.assert(
      fc.property(reports, (rs) => {
        const log = JSON.parse(sarif(rs, ctx()))
        expect(validate(log), JSON.stringify(validate.errors)).toBe(true)
        const run = log.runs[0]
        expect(run.results).toHaveLength(rs.reduce((n, r) => n + r.findings.length, 0))
        for (const result of run.results) {
          expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId)
          const loc = result.locations[0].physicalLocation
          expect(run.artifacts[loc.artifactLocation.index].location.uri).toBe(loc.artifactLocation.uri)
          // A URI reference: nothing that must be percent-encoded is left raw.
          expect(loc.artifactLocation.uri).toMatch(/^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]+$/)
          const {startLine, startColumn, endLine, endColumn} = loc.region
          expect(endLine > startLine || (endLine === startLine && endColumn >= startColumn)).toBe(true)
        }
      }),
      {numRuns: 60},
    )
  })

  it('junit: always well-formed XML (no raw < or & from data) whose decoded names match the files', () => {
    fc.assert(
      fc.property(reports, fc.constantFrom('error', 'warning', 'info') as fc.Arbitrary<'error' | 'warning' | 'info'>, (rs, failSeverity) => {
        const xml = junit(rs, ctx({failSeverity}))
        const suite = parseXml(xml).children[0]
        expect(suite.children).toHaveLength(rs.length)
        expect(Number(suite.attrs.tests)).toBe(rs.length)
        expect(Number(suite.attrs.failures)).toBe(suite.children.filter((c) => c.children.some((x) => x.name === 'failure')).length)
        for (const tc of suite.children) expect(tc.attrs.classname).toBe('fuseplan.lint')
      }),
      RUNS,
    )
  })

  it('github: one line per finding, each a command whose data decodes back to the message', () => {
    const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
    fc.assert(
      fc.property(reports, (rs) => {
        const out = github(rs, ctx())
        const lines = out === '' ? [] : out.slice(0, -1).split('\n')
        const all = rs.flatMap((r) => r.findings)
        expect(lines).toHaveLength(all.length)
        const decoded: string[] = []
        for (const line of lines) {
          expect(line).not.toContain('\r')
          const m = /^::(error|warning|notice) ([^:]*)::(.*)$/s.exec(line)
          expect(m, line).not.toBeNull()
          const props = m![2].split(',')
          expect(props.map((p) => p.split('=')[0])).toEqual(['file', 'line', 'col', 'endLine', 'endColumn', 'title'])
          decoded.push(unescape(m![3]))
        }
        // Control characters other than line breaks are shown as escapes (\x1b), never sent raw.
        expect(decoded.sort()).toEqual(all.map((x) => escapeControlKeepBreaks(x.message)).sort())
      }),
      RUNS,
    )
  })

  it('stylish: no control character from data reaches the terminal', () => {
    fc.assert(
      fc.property(reports, (rs) => {
        expect(stylish(rs, ctx()).replace(/\n/g, '')).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/)
      }),
      RUNS,
    )
  })

  it('every format: same output whatever the order of files and findings', () => {
    const formats = {json, sarif, junit, github, stylish}
    fc.assert(
      fc.property(reports, fc.integer(), (rs, seed) => {
        const shuffled = shuffle(rs, seed).map((r) => ({...r, findings: shuffle(r.findings, seed + 1)}))
        for (const [name, format] of Object.entries(formats)) expect(format(shuffled, ctx({color: true})), name).toBe(format(rs, ctx({color: true})))
      }),
      {numRuns: 80},
    )
  })
})

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items]
  let s = seed >>> 0 || 1
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}
