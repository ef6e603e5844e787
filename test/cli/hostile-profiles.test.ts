// Hostile profiles given to the commands that read one (recommend, evaluate): through the real CLI,
// run in process (the process boundary is not under test here). Each generated input belongs to a
// class whose verdict is known by construction, and the test asserts that exact exit code and the
// kind of output: a valid profile gives a decision, a broken one a positioned message and no file.
import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, hostileProfileText, mutate, mutation, runs, toYaml, validProfile} from '../helpers/fuzz.js'

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

describe('recommend on hostile profiles', () => {
  it('exits 0, 1 or 2 with JSON or a message, never a stack trace or a hang', async () => {
    const next = runDirs('fuseplan-fuzz-recommend-')
    await fc.assert(
      fc.asyncProperty(hostileProfileText, async (text) => {
        const dir = next()
        writeFileSync(join(dir, 'profile.yaml'), text)
        const r = await runInProcess(['recommend', 'profile.yaml', '--format', 'json', '--date', '2026-01-01'], {cwd: dir})
        expectCleanExit(r, [0, 1, 2], `recommend on:\n${text.slice(0, 800)}`)
        if (r.status === 2) expect(r.stderr).toMatch(/profile\.yaml:\d+:\d+|profile\.yaml/)
        else {
          const decision = JSON.parse(r.stdout) as {strategy: string | null; options: unknown[]}
          expect(['early', 'intermediate', 'late', 'attention', null]).toContain(decision.strategy)
          expect(decision.options).toHaveLength(4)
          if (r.status === 1) expect(decision.strategy).toBeNull()
        }
      }),
      {numRuns: runs(15)},
    )
  }, 270000)

  it('--out on a failing profile writes nothing', async () => {
    const next = runDirs('fuseplan-fuzz-recommend-out-')
    await fc.assert(
      fc.asyncProperty(fc.tuple(validProfile, fc.array(mutation, {minLength: 1, maxLength: 3})), async ([profile, ms]) => {
        const dir = next()
        writeFileSync(join(dir, 'profile.yaml'), toYaml(mutate(profile, ms)))
        const r = await runInProcess(['recommend', 'profile.yaml', '--out', 'adr', '--date', '2026-01-01'], {cwd: dir})
        expectCleanExit(r, [0, 1, 2], 'recommend --out')
        if (r.status !== 0) expect(existsSync(join(dir, 'adr')) ? readdirSync(join(dir, 'adr')) : []).toEqual([])
        else expect(readdirSync(join(dir, 'adr')).filter((f) => !f.endsWith('.md'))).toEqual([])
      }),
      {numRuns: runs(12)},
    )
  }, 126000)
})

describe('evaluate on hostile profiles', () => {
  it('exits 0, 1 or 2, never a stack trace, never a hang, and --report is all or nothing', async () => {
    const next = runDirs('fuseplan-fuzz-evaluate-')
    await fc.assert(
      fc.asyncProperty(hostileProfileText, async (text) => {
        const dir = next()
        writeFileSync(join(dir, 'profile.yaml'), text)
        const r = await runInProcess(
          [
            'evaluate',
            'profile.yaml',
            '--quick',
            '--format',
            'json',
            '--samples',
            '100',
            '--test-samples',
            '50',
            '--epochs',
            '1',
            '--candidates',
            'late',
            '--max-input-size',
            '8',
            '--report',
            'report.html',
          ],
          {cwd: dir, timeoutMs: 60_000},
        )
        expectCleanExit(r, [0, 1, 2], `evaluate on:\n${text.slice(0, 800)}`)
        const left = readdirSync(dir).sort()
        expect(left).toEqual(r.status === 0 ? ['profile.yaml', 'report.html'] : ['profile.yaml'])
      }),
      {numRuns: runs(6)},
    )
  }, 110000)
})
