// init --from-data on data with many presence patterns: a valid profile with a bounded number of
// patterns and a short summary.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'

describe('from-data with many presence patterns', () => {
  it('12 modalities present at random: a valid profile with at most 256 patterns, a short summary', async () => {
    const dir = tempDir('fuseplan-data-')
    let seed = 42
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const cols = Array.from({length: 12}, (_, i) => `m${i}`)
    const rows = Array.from({length: 40_000}, () => cols.map(() => (rand() < 0.5 ? '1' : '')).join(','))
    writeFileSync(join(dir, 'data.csv'), `${cols.join(',')}\n${rows.join('\n')}\n`)
    const maps = cols.flatMap((c) => ['--map', `${c}=${c}`])
    const r = await runInProcess(['init', '--yes', '--from-data', 'data.csv', ...maps, '--out', 'p.yaml'], {cwd: dir, timeoutMs: 90_000})
    expectCleanExit(r, [0], 'init --from-data with 12 random modalities')
    expect(r.stdout.split('\n').length).toBeLessThan(100)
    expect(r.stdout).toMatch(/rarer patterns \(\d+ rows, [\d.]+%\) left out/)
    const lint = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(lint, [0], 'lint of the measured profile')
    const none = await runInProcess(['init', '--yes', '--from-data', 'data.csv', ...maps, '--out', 'q.yaml', '--no-patterns'], {cwd: dir, timeoutMs: 90_000})
    expectCleanExit(none, [2], 'init --no-patterns')
    // 0.5^12 of requests carry nothing: about 0.024%, not "0%".
    expect(none.stderr).toMatch(/About 0\.0\d+% of requests would carry no modality/)
  }, 180_000)
})
