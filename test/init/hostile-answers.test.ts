// Hostile answers files given to `init --answers`: the exit code each class of input calls for, a
// message instead of a stack trace, no hang, and nothing written when the command fails.
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir, runDirs} from '../helpers/run-cli.js'
import {breakSyntax, expectCleanExit, fuseplan, nastyValue, runs, toYaml} from '../helpers/fuzz.js'

// Config files and rule packs

describe('init on hostile answers files', () => {
  const saved = (() => {
    const dir = tempDir('fuseplan-fuzz-init-base-')
    const r = fuseplan(['init', '--yes', '--out', 'p.yaml', '--save-answers', 'answers.yaml'], {cwd: dir})
    return r.status === 0 ? readFileSync(join(dir, 'answers.yaml'), 'utf8') : 'kind: InitAnswers\n'
  })()

  /** Replaces (or adds) top-level `key` with `value` in the saved answers. */
  const withKey = (key: string, value: unknown) => {
    const lines = saved.split('\n')
    const start = lines.findIndex((l) => l.startsWith(`${key}:`))
    if (start < 0) return `${saved}\n${toYaml({[key]: value})}`
    let end = start + 1
    while (end < lines.length && (lines[end].startsWith(' ') || lines[end] === '')) end++
    return [...lines.slice(0, start), ...lines.slice(end), toYaml({[key]: value})].join('\n')
  }

  // Each class with the verdict it calls for: the answers as saved (0), or broken in a known way (2,
  // with the problem at answers.yaml:line:col).
  const answersCase: fc.Arbitrary<{kind: string; text: string; exit: 0 | 2}> = fc.oneof(
    fc.record({crlf: fc.boolean(), bom: fc.boolean()}).map((n) => ({kind: 'as saved', text: `${n.bom ? '\ufeff' : ''}${n.crlf ? saved.replace(/\n/g, '\r\n') : saved}`, exit: 0 as const})),
    fc.double({min: 0, max: 1, noNaN: true}).map((at) => ({kind: 'broken YAML', text: breakSyntax(saved, at), exit: 2 as const})),
    fc
      .tuple(fc.constantFrom('modalities', 'task', 'latency'), fc.constantFrom<unknown>(5, 'text', true, -1.5))
      .map(([key, value]) => ({kind: `${key} not a collection`, text: withKey(key, value), exit: 2 as const})),
    fc.tuple(fc.constantFrom('__proto__', 'extra', 'constructor', 'out'), nastyValue).map(([key, value]) => ({kind: `unknown key ${key}`, text: withKey(key, value), exit: 2 as const})),
    fc
      .oneof(fc.string({maxLength: 200}), fc.anything({maxDepth: 3}).map(toYaml))
      .filter((t) => !/InitAnswers|DeploymentProfile/.test(t))
      .map((text) => ({kind: 'not an answers file', text, exit: 2 as const})),
  )

  it('the saved answers write a profile that lints clean (0); broken ones are refused at file:line:col, nothing written (2)', async () => {
    const next = runDirs('fuseplan-fuzz-init-')
    const kinds = new Set<string>()
    await fc.assert(
      fc.asyncProperty(answersCase, async (c) => {
        const dir = next()
        writeFileSync(join(dir, 'answers.yaml'), c.text)
        kinds.add(c.kind.replace(/^(modalities|task|latency) /, '').replace(/ key .*/, ''))
        const r = await runInProcess(['init', '--answers', 'answers.yaml', '--yes', '--out', 'out.yaml'], {cwd: dir})
        expectCleanExit(r, [c.exit], `init --answers on ${c.kind}:\n${c.text.slice(0, 800)}`)
        const left = readdirSync(dir).sort()
        if (c.exit === 0) {
          expect(left).toEqual(['answers.yaml', 'out.yaml'])
          const lint = await runInProcess(['lint', 'out.yaml', '--format', 'json'], {cwd: dir})
          expectCleanExit(lint, [0], 'lint of what init wrote')
          const [report] = JSON.parse(lint.stdout) as {errorCount: number; messages: unknown[]}[]
          expect(report.errorCount, JSON.stringify(report.messages)).toBe(0)
        } else {
          expect(r.stderr).toMatch(/answers\.yaml:\d+:\d+: /)
          expect(left).toEqual(['answers.yaml'])
        }
      }),
      {numRuns: runs(15), seed: 20260104},
    )
    expect(kinds.size, [...kinds].join(', ')).toBe(5)
  }, 270000)
})
