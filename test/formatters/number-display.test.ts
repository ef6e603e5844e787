// Numbers in messages are shown as what they are: NaN, very small budgets, sub-normal shares.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {formatNumber} from '../../src/engine/cel.js'
import {exampleProject, EXAMPLE_TEXT} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'

describe('numbers in messages', () => {
  it('NaN, 1e-300 and 1e-320 are shown as what they are', async () => {
    const dir = exampleProject()
    writeFileSync(join(dir, 'nan.yaml'), EXAMPLE_TEXT.replace(/availability: 0\.22\b/, 'availability: .nan'))
    const nan = await runInProcess(['lint', 'nan.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(nan, [1], 'availability .nan')
    expect(nan.stdout).toMatch(/NaN/)
    expect(nan.stdout).not.toMatch(/number NaN/)
    writeFileSync(join(dir, 'tiny.yaml'), EXAMPLE_TEXT.replace(/budgetMs: \d+/, 'budgetMs: 1e-300'))
    const tiny = await runInProcess(['lint', 'tiny.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(tiny, [0, 1], 'budget 1e-300')
    expect(tiny.stdout).toMatch(/1e-300 ms budget/)
    expect(tiny.stdout).not.toMatch(/\b0 ms budget/)
    expect(formatNumber(1e-320 * 100, 1)).not.toBe('0')
    expect(formatNumber(0.0002 * 100, 1)).toBe('0.02')
    expect(formatNumber(0.123456, 3)).toBe('0.123')
  }, 60_000)
})
