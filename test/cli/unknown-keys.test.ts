// Unknown keys in profiles and config files: the cost stays linear in their number, a config reports
// a bounded number of problems, and a file that is not a config never has its content echoed.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {loadConfig, RuleLoadError} from '../../src/engine/index.js'
import {tempDir, exampleProject, EXAMPLE_TEXT} from '../helpers/run-cli.js'
import {expectCleanExit, runs} from '../helpers/fuzz.js'

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

describe('cost linear in unknown keys', () => {
  it('60,000 unknown keys in a profile and in a config finish (a quadratic parser takes minutes)', async () => {
    const dir = exampleProject()
    const keys = Array.from({length: 60_000}, (_, i) => `k${i}: 1`).join('\n')
    writeFileSync(join(dir, 'keys.yaml'), `${EXAMPLE_TEXT}\n${keys}\n`)
    const lint = await runInProcess(['lint', 'keys.yaml', '--format', 'json'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(lint, [1], 'lint of 60,000 unknown keys')
    // Lint shows a file's first 1,000 findings and counts the rest (test/lint/limits.test.ts).
    expect(lint.stdout).toContain('Unknown key `k999`')
    expect(lint.stdout).toContain('...and 59,000 more problems in this file (59,000 errors, 0 warnings)')
    writeFileSync(join(dir, 'fuseplan.config.yaml'), `overrides: {}\n${keys}\n`)
    const config = await runInProcess(['lint', 'p.yaml'], {cwd: dir, timeoutMs: 60_000})
    expectCleanExit(config, [2], 'config with 60,000 unknown keys')
    expect(config.stderr).toMatch(/and 59980 more unknown keys/)
  }, 150_000)
})
