// Text from a rule pack reaches the ADR (pros and cons, drivers), `--explain`, scaffold's warnings,
// `rules show` / `rules list` and lint's formats: every one of them escapes it with the one function
// (util/text.ts escapeText), while the rule still loads and JSON carries the text as it is.
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {escapeText} from '../../src/util/text.js'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'

const EXAMPLE_TEXT = readFileSync(join(ROOT, 'examples', 'icu-deterioration.yaml'), 'utf8')

const HOSTILE = 'ok\n::warning::pwned \u001b]8;;javascript:alert(1)\u0007click\u001b]8;;\u0007 bell\u0007 <script>alert(1)</script> [x](javascript:alert(1)) \u202Egnp.exe'

const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

function expectSafe(text: string, what: string, {markdown = false, annotations = false} = {}): void {
  expect(text, what).not.toMatch(RAW_CONTROL)
  for (const line of text.split('\n')) {
    // The github format's own annotations are the only lines that may start a workflow command.
    if (annotations && /^::(error|warning|notice) file=[^:]*::/.test(line)) continue
    expect(line.trimStart().startsWith('::'), `${what}: ${line}`).toBe(false)
  }
  if (markdown) {
    expect(text, what).not.toContain('<script>')
    expect(text, what).not.toMatch(/[^\\]\]\(javascript:/)
  }
}

function project(): string {
  const dir = tempDir('fuseplan-hostile-')
  mkdirSync(join(dir, 'pack'))
  writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
  writeFileSync(
    join(dir, 'pack', 'hostile.yaml'),
    `id: hostile-text
title: ${JSON.stringify(`Title ${HOSTILE.replace('\n', ' ')}`)}
rationale: ${JSON.stringify(`Rationale ${HOSTILE}`)}
source: ${JSON.stringify(`Source ${HOSTILE}`)}
severity: warning
when: "true"
effects:
  score:
    - {strategy: late, delta: 0.001, reason: ${JSON.stringify(`late ${HOSTILE}`)}}
  exclude:
    - {strategy: early, reason: ${JSON.stringify(`early ${HOSTILE}`)}}
  finding:
    message: ${JSON.stringify(`finding ${HOSTILE}`)}
examples:
  fires: {}
  passes: {}
`,
  )
  return dir
}

describe('text from a rule pack is escaped in every output', () => {
  it('the rule loads; ADR (stdout and --out), --explain, scaffold warnings, rules show and list, lint', async () => {
    const dir = project()
    const adr = await runInProcess(['recommend', 'p.yaml', '--rules', 'pack', '--date', '2026-01-01'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(adr, [0], 'recommend with a hostile pack')
    expect(adr.stdout).toContain('* Bad, because early ')
    expectSafe(adr.stdout, 'ADR on stdout', {markdown: true})

    const out = await runInProcess(['recommend', 'p.yaml', '--rules', 'pack', '--date', '2026-01-01', '--out', 'adr'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(out, [0], 'recommend --out with a hostile pack')
    const [file] = readdirSync(join(dir, 'adr'))
    expectSafe(readFileSync(join(dir, 'adr', file), 'utf8'), 'ADR file', {markdown: true})
    expectSafe(out.stderr, 'recommend --out findings')

    const explain = await runInProcess(['recommend', 'p.yaml', '--rules', 'pack', '--explain'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(explain, [0], 'recommend --explain')
    expect(explain.stdout).toContain('exclude early: early ok\\n::warning::pwned \\x1b]8;;javascript:alert(1)\\x07click')
    expectSafe(explain.stdout, '--explain')

    const scaffold = await runInProcess(['scaffold', 'p.yaml', '--rules', 'pack', '--out', 'proj', '--strategy', 'early', '--dry-run'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(scaffold, [0], 'scaffold --strategy early')
    expect(scaffold.stderr).toMatch(/^warning: early fusion was excluded by the rule engine: early ok\\n::warning::pwned \\x1b/m)
    expectSafe(scaffold.stderr + scaffold.stdout, 'scaffold warnings')

    for (const args of [
      ['rules', 'show', 'hostile-text', '--rules', 'pack'],
      ['rules', 'list', '--rules', 'pack'],
    ]) {
      const r = await runInProcess(args, {cwd: dir, timeoutMs: 30_000})
      expectCleanExit(r, [0], args.join(' '))
      expect(r.stdout).toContain('hostile-text')
      expectSafe(r.stdout, args.join(' '))
    }

    for (const format of ['stylish', 'github', 'junit']) {
      const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '-f', format], {cwd: dir, timeoutMs: 30_000})
      expectCleanExit(r, [0], `lint -f ${format}`)
      expectSafe(r.stdout, `lint -f ${format}`, {annotations: format === 'github'})
    }
    const json = await runInProcess(['lint', 'p.yaml', '--rules', 'pack', '-f', 'json'], {cwd: dir, timeoutMs: 30_000})
    // JSON carries the data as it is.
    expect((JSON.parse(json.stdout) as {messages: {message: string}[]}[])[0].messages.map((m) => m.message)).toContain(`finding ${HOSTILE}`)
  }, 180_000)
})

describe('text from a profile', () => {
  it('a right-to-left override in a key is shown as an escape in the default lint output', async () => {
    const dir = tempDir('fuseplan-hostile-')
    writeFileSync(join(dir, 'p.yaml'), `${EXAMPLE_TEXT}\n"evil\u202Elmay.exe": 1\n`)
    const r = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [1], 'lint of a key with U+202E')
    expect(r.stdout).toContain('Unknown key `evil\\u202elmay.exe`')
    expectSafe(r.stdout, 'lint stylish')
  }, 60_000)
})

describe('escapeText', () => {
  it('one function, a target per output', () => {
    expect(escapeText('a\u001b[2Jb\nc\u202Ed', 'line')).toBe('a\\x1b[2Jb\\nc\\u202ed')
    expect(escapeText('a\n::error::x\n  ::y', 'block')).toBe('a\n:\\:error::x\n  :\\:y')
    expect(escapeText('::a\r\nb\u0007', 'breaks')).toBe('::a\r\nb\\x07')
    expect(escapeText('<b>x</b> [a](javascript:alert(1)) javascript:x', 'markdown')).toBe('&lt;b>x&lt;/b> [a\\](javascript\\:alert(1)) javascript\\:x')
  })

  it('is linear: a megabyte of hostile text takes no longer than a few passes', () => {
    const big = `${'::\u001b\n'.repeat(250_000)}`
    for (const target of ['line', 'block', 'breaks', 'markdown'] as const) expect(escapeText(big, target).length).toBeGreaterThan(0)
  })
})
