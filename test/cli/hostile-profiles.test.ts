// Hostile profiles given to the commands that read one (recommend, evaluate): through the real CLI,
// run in process (the process boundary is not under test here). Each generated input belongs to a
// class whose verdict is known by construction, and the test asserts that exact exit code and the
// kind of output: a valid profile gives a decision, a broken one a positioned message and no file.
import {existsSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {runDirs} from '../helpers/run-cli.js'
import {classifiedProfile, expectCleanExit, runs, type ProfileCase} from '../helpers/fuzz.js'
import {expectVerdict, profileVerdict, type Verdict} from '../helpers/verdict.js'

/** The class must agree with the verdict: only a valid profile may be usable. */
function expectClassAgrees(c: ProfileCase, v: Verdict): void {
  if (c.kind !== 'valid') expect(v.exit, `a ${c.kind} profile is unusable by construction`).toBe(2)
}

describe('recommend on hostile profiles', () => {
  it('exits as the profile calls for: the decision (0), no strategy (1) or every problem at file:line:col (2)', async () => {
    const next = runDirs('fuseplan-fuzz-recommend-')
    const seen = new Set<string>()
    await fc.assert(
      fc.asyncProperty(classifiedProfile, async (c) => {
        const dir = next()
        writeFileSync(join(dir, 'profile.yaml'), c.text)
        const v = profileVerdict('profile.yaml', c.text)
        expectClassAgrees(c, v)
        seen.add(`${c.kind}:${v.exit}`)
        const r = await runInProcess(['recommend', 'profile.yaml', '--format', 'json', '--date', '2026-01-01'], {cwd: dir})
        const what = `recommend on a ${c.kind} profile:\n${c.text.slice(0, 800)}`
        expectCleanExit(r, [v.exit], what)
        expectVerdict(r, v, what)
        if (v.exit === 2) expect(r.stdout).toBe('')
        else {
          const decision = JSON.parse(r.stdout) as {strategy: string | null; options: unknown[]}
          expect(decision.strategy).toBe(v.strategy)
          expect(decision.options).toHaveLength(4)
        }
      }),
      {numRuns: runs(20), seed: 20260101},
    )
    // The generator reaches usable and unusable profiles alike (the seed is fixed: this cannot flake).
    expect([...seen].some((k) => k.startsWith('valid:') && !k.endsWith(':2'))).toBe(true)
    expect(['schema-broken:2', 'syntax-broken:2'].every((k) => seen.has(k))).toBe(true)
  }, 270000)

  it('--out writes one ADR for a usable profile with a strategy, and nothing otherwise', async () => {
    const next = runDirs('fuseplan-fuzz-recommend-out-')
    await fc.assert(
      fc.asyncProperty(classifiedProfile, async (c) => {
        const dir = next()
        writeFileSync(join(dir, 'profile.yaml'), c.text)
        const v = profileVerdict('profile.yaml', c.text)
        expectClassAgrees(c, v)
        const r = await runInProcess(['recommend', 'profile.yaml', '--out', 'adr', '--date', '2026-01-01'], {cwd: dir})
        const what = `recommend --out on a ${c.kind} profile:\n${c.text.slice(0, 800)}`
        expectCleanExit(r, [v.exit], what)
        expectVerdict(r, v, what)
        if (v.exit === 0) expect(readdirSync(join(dir, 'adr'))).toEqual([expect.stringMatching(/^0001-.*\.md$/)])
        else expect(existsSync(join(dir, 'adr')) ? readdirSync(join(dir, 'adr')) : []).toEqual([])
      }),
      {numRuns: runs(12), seed: 20260102},
    )
  }, 126000)
})

describe('evaluate on hostile profiles', () => {
  it('a usable profile is evaluated with its report (0); any other is refused at file:line:col with nothing written (2)', async () => {
    const next = runDirs('fuseplan-fuzz-evaluate-')
    const statuses = new Set<number | null>()
    await fc.assert(
      fc.asyncProperty(classifiedProfile, async (c) => {
        const dir = next()
        writeFileSync(join(dir, 'profile.yaml'), c.text)
        // evaluate compares the candidates it is given; whether a strategy fits does not change its exit.
        const loaded = profileVerdict('profile.yaml', c.text)
        expectClassAgrees(c, loaded)
        const v: Verdict = loaded.exit === 2 ? loaded : {exit: 0, positions: []}
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
        const what = `evaluate on a ${c.kind} profile:\n${c.text.slice(0, 800)}`
        expectCleanExit(r, [v.exit], what)
        expectVerdict(r, v, what)
        statuses.add(r.status)
        const left = readdirSync(dir).sort()
        expect(left).toEqual(r.status === 0 ? ['profile.yaml', 'report.html'] : ['profile.yaml'])
      }),
      {numRuns: runs(6), seed: 20260103},
    )
    expect([...statuses].sort()).toEqual([0, 2])
  }, 110000)
})
