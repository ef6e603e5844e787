import {describe, expect, it} from 'vitest'
import type {FileReport} from '../../../src/findings.js'
import {stylish, terminalSafe} from '../../../src/formatters/lint/stylish.js'
import {ctx, sampleReports} from '../../fixtures/formatters/reports.js'

const finding = (over: Partial<FileReport['findings'][number]> = {}) => ({
  ruleId: 'schema',
  severity: 'error' as const,
  message: 'Bad value.',
  line: 1,
  column: 1,
  endLine: 1,
  endColumn: 2,
  path: [],
  ...over,
})

describe('stylish', () => {
  it('groups by file (relative, sorted), aligns columns and ends with the summary', () => {
    expect(stylish(sampleReports(), ctx())).toBe(
      [
        '',
        'deploy/über wearable, 50%.yaml',
        '  3:1  warning  Early fusion needs every modality; "hr_stream" is present in 35% of requests  early-fusion-sparse',
        '',
        'profiles/broken.yml',
        '  1:1  error  Flow sequence is not closed  yaml-syntax',
        '',
        'profiles/icu.yaml',
        '   9:19  error    availability must be <= 1, got "1.5" & that\'s <bad>             schema',
        '  14:19  warning  cxr is present in 90% of requests but 20% of training samples   availability-shift',
        '  30:5   info     Pattern {ehr, notes} has share 0.4%:\\nit will not be validated  pattern-coverage',
        '',
        '✖ 5 problems (2 errors, 2 warnings, 1 info)',
        '',
      ].join('\n'),
    )
  })

  it('prints one line for a clean run: how many files were checked, and skipped', () => {
    expect(stylish([], ctx())).toBe('✔ 0 files checked, no problems\n')
    expect(stylish([{filePath: '/work/project/a.yaml', findings: []}], ctx())).toBe('✔ 1 file checked, no problems\n')
    expect(stylish([{filePath: '/work/project/a.yaml', findings: []}], {...ctx(), skipped: 2})).toBe('✔ 1 file checked, no problems (2 YAML files skipped: not fuseplan documents)\n')
  })

  it('never starts a line with `::` (a CI runner would obey it as a workflow command)', () => {
    const out = stylish([{filePath: '/work/project/::error file=README.md,line=1::Approved/p.yaml', findings: [finding()]}], ctx())
    for (const line of out.split('\n')) expect(line.trimStart().startsWith('::'), line).toBe(false)
    expect(out).toContain('./::error file=README.md,line=1::Approved/p.yaml')
  })

  it("keeps ESLint's summary wording (singular, no info part when there is none)", () => {
    const out = stylish([{filePath: 'a.yaml', findings: [finding()]}], ctx())
    expect(out).toBe('\na.yaml\n  1:1  error  Bad value  schema\n\n✖ 1 problem (1 error, 0 warnings)\n')
  })

  it('colours only when asked: underlined path, dim position and rule, red error, bold red summary', () => {
    const reports = [{filePath: 'a.yaml', findings: [finding(), finding({severity: 'warning', line: 2, ruleId: 'r2', message: 'Meh'})]}]
    expect(stylish(reports, ctx())).not.toContain('\u001B')
    expect(stylish(reports, ctx({color: true}))).toBe(
      '\n\u001B[4ma.yaml\u001B[24m\n' +
        '  \u001B[2m1:1\u001B[22m  \u001B[31merror\u001B[39m    Bad value  \u001B[2mschema\u001B[22m\n' +
        '  \u001B[2m2:1\u001B[22m  \u001B[33mwarning\u001B[39m  Meh        \u001B[2mr2\u001B[22m\n' +
        '\n\u001B[1m\u001B[31m✖ 2 problems (1 error, 1 warning)\u001B[39m\u001B[22m\n',
    )
  })

  it('uses a yellow summary for warnings only and a blue one for info only', () => {
    const warn = stylish([{filePath: 'a.yaml', findings: [finding({severity: 'warning'})]}], ctx({color: true}))
    expect(warn).toContain('\u001B[1m\u001B[33m✖ 1 problem (0 errors, 1 warning)')
    const info = stylish([{filePath: 'a.yaml', findings: [finding({severity: 'info'})]}], ctx({color: true}))
    expect(info).toContain('\u001B[34minfo\u001B[39m')
    expect(info).toContain('\u001B[1m\u001B[34m✖ 1 problem (0 errors, 0 warnings, 1 info)')
  })

  it('never sends control characters from data to the terminal', () => {
    const evil = 'name \u001B[2J\u0007 with\ttab\r\nand\u009B'
    const out = stylish([{filePath: 'evil\u001B.yaml', findings: [finding({message: evil, ruleId: 'x\u001By'})]}], ctx())

    expect(out.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001F\u007F-\u009F]/)
    expect(out).toContain('name \\x1b[2J\\x07 with\\ttab\\r\\nand\\x9b')
    expect(out).toContain('evil\\x1b.yaml')
  })

  it('shows files outside cwd with ../ and strips only one trailing period', () => {
    const out = stylish([{filePath: '/elsewhere/x.yaml', findings: [finding({message: 'Ends with dots...'})]}], ctx())
    expect(out).toContain('\n../../elsewhere/x.yaml\n')
    expect(out).toContain('Ends with dots..  schema')
  })

  it('pads by code points so wide unicode does not shift the rule column', () => {
    const out = stylish([{filePath: 'a.yaml', findings: [finding({message: 'ü😀x'}), finding({line: 2, message: 'abc', ruleId: 'b'})]}], ctx())
    expect(out).toContain('  1:1  error  ü😀x  schema\n  2:1  error  abc  b\n')
  })

  it('terminalSafe escapes C0/C1 controls, line separators and bidi overrides', () => {
    expect(terminalSafe('a\nb\u2028c\u0000')).toBe('a\\nb\\u2028c\\x00')
    expect(terminalSafe('plain ünïcode')).toBe('plain ünïcode')
    expect(terminalSafe('key\u202Egnp.exe\u2066x\u2069')).toBe('key\\u202egnp.exe\\u2066x\\u2069')
  })

  it('shows a right-to-left override in a key as an escape, in the default output (U+202E)', () => {
    const out = stylish([{filePath: 'a.yaml', findings: [finding({message: 'Unknown key `ab\u202Ecd`.'})]}], ctx())
    expect(out).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/)
    expect(out).toContain('Unknown key `ab\\u202ecd`')
  })

  it('stays linear: one huge message does not pad the others, and 200,000 findings do not overflow the stack', () => {
    const huge = 'k'.repeat(1_000_000)
    const big = stylish([{filePath: 'a.yaml', findings: [finding({message: huge}), finding({line: 2, message: 'short', ruleId: 'r2'})]}], ctx())
    expect(big).toContain('  2:1  error  short  r2\n')
    expect(big.length).toBeLessThan(1_000_200)
    const many = Array.from({length: 200_000}, (_, i) => finding({line: i + 1}))
    const out = stylish([{filePath: 'a.yaml', findings: many}], ctx())
    expect(out).toContain('✖ 200000 problems (200000 errors, 0 warnings)')
  })
})
