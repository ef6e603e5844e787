// Fuzzing the classes of issue 12: special files behind every path fuseplan reads, hostile CEL in
// rule packs, hostile text on its way into ADRs and terminals, and many unknown keys. In process
// where the class allows many runs; through the real CLI for the file kinds (each run is a process).
import {spawnSync} from 'node:child_process'
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {decide} from '../../src/decision/decide.js'
import {CelCompileError, CelLimitError, compile} from '../../src/engine/cel.js'
import {loadConfig, RuleLoadError} from '../../src/engine/index.js'
import {formatAdr} from '../../src/formatters/decision/adr.js'
import {formatExplain} from '../../src/formatters/decision/explain.js'
import {github} from '../../src/formatters/lint/github.js'
import {loadProfileText} from '../../src/profile/load.js'
import type {Profile} from '../../src/profile/types.js'
import {escapeControl, escapeMarkdown} from '../../src/util/text.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, runs} from './fuzz-helpers.js'

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

describe('special files behind every path fuseplan reads (CLI)', () => {
  type Kind = 'device' | 'fifo' | 'link-to-device' | 'link-to-fifo' | 'dangling-link' | 'directory' | 'too-large'
  const KINDS: Kind[] = ['device', 'fifo', 'link-to-device', 'link-to-fifo', 'dangling-link', 'directory', 'too-large']

  /** Puts a special file of `kind` at `path` (inside `dir`); returns the name to pass. */
  function place(dir: string, name: string, kind: Kind): string {
    const path = join(dir, name)
    if (kind === 'device') return '/dev/zero'
    if (kind === 'fifo') spawnSync('mkfifo', [path])
    else if (kind === 'link-to-device') symlinkSync('/dev/zero', path)
    else if (kind === 'link-to-fifo') {
      spawnSync('mkfifo', [`${path}.fifo`])
      symlinkSync(`${path}.fifo`, path)
    } else if (kind === 'dangling-link') symlinkSync(join(dir, 'nowhere', name), path)
    else if (kind === 'directory') mkdirSync(path)
    else writeFileSync(path, `# ${'x'.repeat(1024 * 1024 + 10)}\n`)
    return name
  }

  const entryPoints: {what: string; args: (dir: string, kind: Kind) => string[]; exits: number[]}[] = [
    {what: 'lint FILE', args: (dir, kind) => ['lint', place(dir, 'target.yaml', kind)], exits: [1, 2]},
    {what: 'recommend FILE', args: (dir, kind) => ['recommend', place(dir, 'target.yaml', kind)], exits: [2]},
    {what: 'init --answers', args: (dir, kind) => ['init', '--yes', '--answers', place(dir, 'answers.yaml', kind)], exits: [2]},
    {what: 'init --mapping', args: (dir, kind) => ['init', '--yes', '--from-data', 'd.csv', '--mapping', place(dir, 'map.yaml', kind)], exits: [2]},
    {what: 'init --from-data', args: (dir, kind) => ['init', '--yes', '--data-format', 'csv', '--map', 'a=a', '--from-data', place(dir, 'd.csv', kind)], exits: [2]},
    {
      what: 'lint with such a config',
      args: (dir, kind) => (kind === 'device' ? ['lint', 'p.yaml', '--config', '/dev/zero'] : (place(dir, 'fuseplan.config.yaml', kind), ['lint', 'p.yaml'])),
      exits: [0, 2],
    },
    {
      what: 'extends: such a file (--trust)',
      args: (dir, kind) => {
        writeFileSync(join(dir, 'fuseplan.config.yaml'), `extends: ${JSON.stringify(kind === 'device' ? '/dev/zero' : join(dir, place(dir, 'base.yaml', kind)))}\n`)
        return ['lint', 'p.yaml', '--trust']
      },
      exits: [2],
    },
    {
      what: 'a rule file that is such a file',
      args: (dir, kind) => {
        mkdirSync(join(dir, 'pack'))
        if (kind === 'device') symlinkSync('/dev/zero', join(dir, 'pack', 'zero.yaml'))
        else place(join(dir, 'pack'), 'r.yaml', kind)
        return ['lint', 'p.yaml', '--rules', 'pack']
      },
      exits: [0, 2],
    },
  ]

  it('every entry point ends quickly with a clear message, never reading the special file', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...entryPoints), fc.constantFrom(...KINDS), async (entry, kind) => {
        const dir = tempDir('fuseplan-fuzz-files-')
        writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
        const args = entry.args(dir, kind)
        const r = await runInProcess(args, {cwd: dir, timeoutMs: 20_000})
        expectCleanExit(r, entry.exits, `${entry.what} on a ${kind}: ${args.join(' ')}`)
        expect(r.stderr + r.stdout).not.toMatch(/Internal error/)
      }),
      {numRuns: runs(16)},
    )
  }, 600_000)
})

// ---------------------------------------------------------------------------------------------

/** CEL built from pieces that blow up: binds that double, concatenation, comprehensions, regexes. */
const hostileCel: fc.Arbitrary<string> = fc
  .letrec<{expr: string}>((tie) => ({
    expr: fc.oneof(
      {depthSize: 'small', withCrossShrink: true},
      fc.constantFrom('[1, 2, 3]', "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!'", 'profile.modalities', `[${Array.from({length: 400}, (_, i) => i).join(',')}]`, "'x'", 'x'),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `cel.bind(x, ${a}, ${b})`),
      tie('expr').map((a) => `cel.bind(x, ${a}, cel.bind(x, x + x, cel.bind(x, x + x, cel.bind(x, x + x, x + x))))`),
      fc.tuple(tie('expr'), tie('expr')).map(([a, b]) => `(${a} + ${b})`),
      tie('expr').map((a) => `${a}.map(y, [y, y, y])`),
      tie('expr').map((a) => `[1, 2, 3].map(y, ${a})`),
      fc.tuple(tie('expr'), fc.constantFrom('^(a+)+$', '(a|aa)*b', '(.*a){20}', '^(a|a?)+$', '(x+x+)+y', '[', '(a)\\\\1', '(?=a)')).map(([a, re]) => `string(${a}).matches('${re}')`),
    ),
  }))
  .expr.map((e) => `size(${e}) >= 0`)

describe('hostile CEL in rule packs (in process)', () => {
  it('compiles to a load error, or evaluates to a value or an evaluation error: no crash, no hang', () => {
    const ctx = {profile: {name: 'p', modalities: [{name: 'a'}, {name: 'b'}]}, facts: {}, options: {}}
    fc.assert(
      fc.property(hostileCel, (source) => {
        let compiled
        try {
          compiled = compile(source)
        } catch (error) {
          expect(error).toBeInstanceOf(CelCompileError)
          return
        }
        for (let i = 0; i < 2; i++) {
          try {
            compiled.run(ctx)
          } catch (error) {
            // A guard stop, or an ordinary CEL evaluation error (a wrong type): never a V8 abort.
            expect(error).toBeInstanceOf(Error)
            if (i === 1 && error instanceof CelLimitError) expect(error.message).toMatch(/steps|ms|grew past|limit/)
          }
        }
      }),
      {numRuns: runs(300)},
    )
  }, 300_000)

  it('a pack of such rules ends in findings or a load error through the CLI', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileCel, {minLength: 1, maxLength: 4}), async (whens) => {
        const dir = tempDir('fuseplan-fuzz-cel-')
        writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
        mkdirSync(join(dir, 'pack'))
        const rules = whens.map(
          (when, i) =>
            `  - id: hostile-${i}\n    title: t\n    rationale: r\n    source: test\n    severity: warning\n    when: ${JSON.stringify(when)}\n    effects:\n      finding:\n        message: fired\n        path: modalities\n    examples:\n      fires: {}\n      passes: {}\n`,
        )
        writeFileSync(join(dir, 'pack', 'r.yaml'), `rules:\n${rules.join('')}`)
        const r = await runInProcess(['lint', 'p.yaml', '--rules', 'pack'], {cwd: dir, timeoutMs: 60_000})
        expectCleanExit(r, [0, 1, 2], `lint with ${whens.join(' ; ')}`)
      }),
      {numRuns: runs(6)},
    )
  }, 600_000)
})

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

// ---------------------------------------------------------------------------------------------

describe('many unknown keys (in process)', () => {
  it('a config reports at most 21 problems per mapping however many keys it has, and never its content when it is not a config', () => {
    fc.assert(
      fc.property(fc.integer({min: 1, max: 3000}), fc.boolean(), (n, known) => {
        const dir = tempDir('fuseplan-fuzz-keys-')
        const keys = Array.from({length: n}, (_, i) => `secret_${i}: value_${i}`).join('\n')
        const path = join(dir, 'fuseplan.config.yaml')
        writeFileSync(path, `${known ? 'overrides: {}\n' : ''}${keys}\n`)
        let problems: string[] = []
        try {
          loadConfig(path)
        } catch (error) {
          if (!(error instanceof RuleLoadError)) throw error
          problems = error.problems.map((p) => p.message)
        }
        if (!known) {
          expect(problems).toHaveLength(1)
          expect(problems[0]).toMatch(/Not a fuseplan config file/)
          expect(problems.join('\n')).not.toMatch(/secret_|value_/)
        } else {
          expect(problems.length).toBe(Math.min(n, 20) + (n > 20 ? 1 : 0))
        }
      }),
      {numRuns: runs(30)},
    )
  }, 120_000)
})
