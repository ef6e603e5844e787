// Hostile text on its way into ADRs and terminals (profile descriptions, CSV headers, rule messages):
// escaped so that it can neither change a document's shape nor reach the terminal as a control
// sequence.
import {readFileSync, writeFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {decide} from '../../src/decision/decide.js'
import {formatAdr} from '../../src/formatters/decision/adr.js'
import {formatExplain} from '../../src/formatters/decision/explain.js'
import {github} from '../../src/formatters/lint/github.js'
import {loadProfileText} from '../../src/profile/load.js'
import type {Profile} from '../../src/profile/types.js'
import {escapeControl, escapeMarkdown} from '../../src/util/text.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, runs} from '../helpers/fuzz.js'

const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')
const EXAMPLE_TEXT = readFileSync(EXAMPLE, 'utf8')

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/

/** Text an attacker would put in a description, a key or a rule message. */
const hostileText = fc.oneof(
  fc.string({maxLength: 60}),
  fc.string({unit: 'binary', maxLength: 60}),
  fc
    .array(
      fc.constantFrom(
        '<script>',
        '</div>',
        '<img src=x onerror=1>',
        '# ',
        '\n# h\n',
        '---',
        '\n---\n',
        '::error::',
        '::set-output name=x::',
        '\u001b[31m',
        '\u001b]0;t\u0007',
        '\u0000',
        '\u202e',
        '`',
        '```',
        '|',
        '[a](http://x)',
        '![i](x)',
        '[r]: http://x',
        '&amp;',
        '&#60;',
        '\\',
        '*',
        '_',
        '> ',
        '- ',
        '1. ',
        '\r\n',
        'status: accepted',
        'text',
      ),
      {maxLength: 12},
    )
    .map((parts) => parts.join('')),
)

// ---------------------------------------------------------------------------------------------

const RAW_C0_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/

const HOSTILE_DESCRIPTION = '<script>alert(1)</script>\n# Injected heading\n::error::pwned\n---\nstatus: accepted\n\u001b[31mred\u001b[0m\u0000 [link](http://evil.example) ![img](x) `tick'

// ---------------------------------------------------------------------------------------------

describe('hostile text into ADRs and terminals (in process)', () => {
  const base = loadProfileText('example.yaml', EXAMPLE_TEXT).profile!

  it('escapeMarkdown: one line, no control characters, no HTML tag, no live link', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const out = escapeMarkdown(text)
        expect(out).not.toMatch(/[\r\n]/)
        expect(out).not.toMatch(RAW_CONTROL)
        expect(out).not.toMatch(/</)
        expect(out).not.toMatch(/(^|[^\\])\]\(/)
        expect(out).not.toMatch(/^\s*([-=+#>*_[]|\d+[.)])/)
        expect(out).not.toMatch(/::/)
        expect(escapeControl(text)).not.toMatch(RAW_CONTROL)
      }),
      {numRuns: runs(1000)},
    )
  })

  it('an ADR keeps its shape whatever the description says; --explain carries no control characters', () => {
    fc.assert(
      fc.property(hostileText, (description) => {
        const profile: Profile = {...base, description}
        const decision = decide(profile)
        const adr = formatAdr(decision, {date: '2026-01-01'})
        expect(adr).not.toMatch(RAW_CONTROL)
        expect(adr.match(/^---$/gm)).toHaveLength(2)
        // One status, in the front matter (a body line may say "status:": supersede never reads it).
        expect(adr.split(/^---$/m)[1].match(/^status:/gm)).toHaveLength(1)
        expect(adr).not.toMatch(/<[a-z/!]/i)
        expect(adr).not.toMatch(/^::/m)
        expect(adr.match(/^# /gm)).toHaveLength(1)
        expect(formatExplain(decision)).not.toMatch(RAW_CONTROL)
      }),
      {numRuns: runs(60)},
    )
  }, 120_000)

  it('github annotations: one line per finding and no raw control characters', () => {
    fc.assert(
      fc.property(fc.array(hostileText, {minLength: 1, maxLength: 5}), (messages) => {
        const findings = messages.map((message, i) => ({ruleId: 'r', severity: 'error' as const, message: message || 'x', path: [], line: i + 1, column: 1, endLine: i + 1, endColumn: 1}))
        const out = github([{filePath: 'a.yaml', findings}], {cwd: '/', rules: [], toolVersion: '0', failSeverity: 'error', color: false})
        expect(out.split('\n').filter(Boolean)).toHaveLength(findings.length)
        expect(out).not.toMatch(RAW_CONTROL)
      }),
      {numRuns: runs(300)},
    )
  })
})

describe('profile text in ADRs', () => {
  it('the description is escaped in stdout, --explain and --out files', async () => {
    const dir = tempDir('fuseplan-adr-')
    writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT.replace(/^description:.*$/m, `description: ${JSON.stringify(HOSTILE_DESCRIPTION)}`))
    const stdout = await runInProcess(['recommend', 'p.yaml', '--date', '2026-01-01'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(stdout, [0], 'recommend with a hostile description')
    const out = await runInProcess(['recommend', 'p.yaml', '--date', '2026-01-01', '--out', 'adr'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(out, [0], 'recommend --out with a hostile description')
    const [file] = readdirSync(join(dir, 'adr'))
    const explain = await runInProcess(['recommend', 'p.yaml', '--explain'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(explain, [0], 'recommend --explain')
    expect(explain.stdout).not.toMatch(RAW_C0_CONTROL)
    for (const text of [stdout.stdout, readFileSync(join(dir, 'adr', file), 'utf8')]) {
      expect(text).not.toMatch(RAW_C0_CONTROL)
      expect(text).not.toContain('<script>')
      expect(text).not.toMatch(/^::/m)
      expect(text).not.toMatch(/^# Injected/m)
      expect(text).not.toMatch(/[^\\]\]\(http:\/\/evil/)
      // Exactly the two front matter fences, and one status.
      expect(text.match(/^---$/gm)).toHaveLength(2)
      expect(text.match(/^status:/gm)).toHaveLength(1)
      expect(text).toContain('&lt;script>alert(1)&lt;/script> # Injected heading :\\:error:\\:pwned --- status: accepted [31mred[0m [link\\](http://evil.example) ![img\\](x) \\`tick.')
    }
  }, 90_000)

  it('escapeMarkdown leaves plain prose alone and neutralises syntax', async () => {
    expect(escapeMarkdown('visit_notes is present in 30% (share >= 1%) of `icu` requests')).toBe('visit_notes is present in 30% (share >= 1%) of `icu` requests')
    expect(escapeMarkdown('# h')).toBe('\\# h')
    expect(escapeMarkdown('---')).toBe('\\---')
    expect(escapeMarkdown('1. item')).toBe('1\\. item')
    expect(escapeMarkdown('a | b')).toBe('a \\| b')
    expect(escapeMarkdown('lone ` tick')).toBe('lone \\` tick')
    expect(escapeMarkdown('&amp; &#60;')).toBe('&amp;amp; &amp;#60;')
  })
})

describe('control characters never reach the terminal raw', () => {
  it('CSV headers with escape sequences in init, messages in the github format', async () => {
    const dir = tempDir('fuseplan-ctl-')
    writeFileSync(join(dir, 'data.csv'), 'a,"\u001b]0;owned\u0007\u001b[2J"\n1,2\n3,\n')
    const init = await runInProcess(['init', '--yes', '--from-data', 'data.csv', '--map', 'a=a', '--out', 'p.yaml'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(init, [0, 2], 'init with an escape sequence in a CSV header')
    expect(init.stdout + init.stderr).not.toMatch(RAW_C0_CONTROL)
    expect(init.stdout + init.stderr).toContain('\\x1b')

    writeFileSync(join(dir, 'bad.yaml'), `${EXAMPLE_TEXT}\n"\\e[31mred\\0": 1\n`)
    const gh = await runInProcess(['lint', 'bad.yaml', '--format', 'github'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(gh, [1], 'lint --format github with control characters in a key')
    expect(gh.stdout).toMatch(/^::error /m)
    expect(gh.stdout).not.toMatch(RAW_C0_CONTROL)
  }, 60_000)
})
