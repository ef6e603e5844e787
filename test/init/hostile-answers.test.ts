// Hostile answers files given to `init --answers`: the exit code each class of input calls for, a
// message instead of a stack trace, no hang, and nothing written when the command fails.
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'
import {damage, expectCleanExit, fuseplan, hostileProfileText, nastyValue, runs, textMutation, toYaml} from '../helpers/fuzz.js'

/** A fresh folder per run, so leftovers of one run cannot hide in another. */
function runDirs(prefix: string) {
  const root = tempDir(prefix)
  let n = 0
  return () => {
    const dir = join(root, String(n++))
    mkdirSync(dir)
    return dir
  }
}

// ---------------------------------------------------------------------------------------------
// Config files and rule packs

describe('init on hostile answers files', () => {
  const saved = (() => {
    const dir = tempDir('fuseplan-fuzz-init-base-')
    const r = fuseplan(['init', '--yes', '--out', 'p.yaml', '--save-answers', 'answers.yaml'], {cwd: dir})
    return r.status === 0 ? readFileSync(join(dir, 'answers.yaml'), 'utf8') : 'kind: InitAnswers\n'
  })()

  const hostileAnswers = fc.oneof(
    hostileProfileText,
    fc.array(textMutation, {minLength: 1, maxLength: 3}).map((ms) => damage(saved, ms)),
    fc
      .array(fc.tuple(fc.constantFrom('name', 'description', 'task', 'modalities', 'cohorts', 'patterns', 'latency', 'constraints', '__proto__', 'extra'), nastyValue), {minLength: 1, maxLength: 3})
      .map((pairs) => {
        const lines = saved.split('\n').filter((l) => !pairs.some(([k]) => l.startsWith(`${k}:`)))
        return `${lines.join('\n')}\n${toYaml(Object.fromEntries(pairs))}`
      }),
  )

  it('exits 0, 1 or 2; on failure the target and no temp file exist; on success the profile lints', async () => {
    const next = runDirs('fuseplan-fuzz-init-')
    await fc.assert(
      fc.asyncProperty(hostileAnswers, async (text) => {
        const dir = next()
        writeFileSync(join(dir, 'answers.yaml'), text)
        const r = await runInProcess(['init', '--answers', 'answers.yaml', '--yes', '--out', 'out.yaml'], {cwd: dir})
        expectCleanExit(r, [0, 1, 2], `init --answers on:\n${text.slice(0, 800)}`)
        const left = readdirSync(dir).sort()
        if (r.status === 0) {
          expect(left).toEqual(['answers.yaml', 'out.yaml'])
          const lint = await runInProcess(['lint', 'out.yaml', '--format', 'json'], {cwd: dir})
          expectCleanExit(lint, [0, 1], 'lint of what init wrote')
          const [report] = JSON.parse(lint.stdout) as {errorCount: number; messages: unknown[]}[]
          expect(report.errorCount, JSON.stringify(report.messages)).toBe(0)
        } else {
          expect(left).toEqual(['answers.yaml'])
        }
      }),
      {numRuns: runs(15)},
    )
  }, 270000)
})
