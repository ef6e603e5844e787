// Large reports through a pipe arrive whole: a command that prints a big report and then exits
// with a non-zero code must not lose the part the pipe had not taken yet (it used to be cut at
// 64 KiB, which broke `fuseplan lint --format json | jq` in CI).
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {writeProfiles} from '../../bench/profiles.js'
import {tempDir} from '../helpers/run-cli.js'
import {expectCleanExit, fuseplan} from '../helpers/fuzz.js'

describe('big outputs through a pipe', () => {
  it('lint --format json of 400 profiles with findings is complete JSON with every file (exit 1)', () => {
    const dir = join(tempDir('fuseplan-pipe-'), 'profiles')
    writeProfiles(dir, 400)
    for (const format of ['json', 'sarif']) {
      const r = fuseplan(['lint', dir, '--format', format])
      expectCleanExit(r, [1], `lint --format ${format}`)
      expect(r.stdout.length).toBeGreaterThan(200_000)
      const parsed = JSON.parse(r.stdout) as unknown[] | {runs: {results: unknown[]}[]}
      if (Array.isArray(parsed)) expect(parsed).toHaveLength(400)
      else expect(parsed.runs[0].results.length).toBeGreaterThan(100)
    }
  }, 120_000)
})
