// Scenario tests: `fuseplan lint` with a config file found upward, overrides, and broken configs.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'

// A profile with one rule finding: cxr is more available at deployment (0.5) than in training (0.26).
const SHIFTED = readFileSync(new URL('../../examples/icu-deterioration.yaml', import.meta.url), 'utf8').replace('availability: 0.22', 'availability: 0.5')

function setup(config?: string): string {
  const dir = tempDir()
  mkdirSync(join(dir, 'deploy'))
  writeFileSync(join(dir, 'deploy', 'icu.yaml'), SHIFTED)
  if (config !== undefined) writeFileSync(join(dir, 'fuseplan.config.yaml'), config)
  return dir
}

describe('fuseplan lint with a config', () => {
  it('reports a rule finding as a warning by default (exit 0 under --fail-severity error)', async () => {
    const r = await runInProcess(['lint', 'deploy', '--format', 'json'], {cwd: setup()})
    expect(r.status).toBe(0)
    const [file] = JSON.parse(r.stdout)
    expect(file.messages.map((m: {ruleId: string; severity: number}) => [m.ruleId, m.severity])).toEqual([['shifted-availability', 1]])
    expect((await runInProcess(['lint', 'deploy', '--fail-severity', 'warning'], {cwd: setup()})).status).toBe(1)
    expect((await runInProcess(['lint', 'deploy', '--max-warnings', '0'], {cwd: setup()})).status).toBe(1)
    expect((await runInProcess(['lint', 'deploy', '--quiet'], {cwd: setup()})).stdout).toBe('✔ 1 file checked, no problems\n')
  })

  it('applies severity overrides and turns rules off from the config found upward', async () => {
    const raised = await runInProcess(['lint', 'deploy'], {cwd: setup('overrides:\n  shifted-availability: {severity: error}\n')})
    expect(raised.status).toBe(1)
    expect(raised.stdout).toMatch(/error\s+cxr is present in 50% of deployment requests/)
    const off = await runInProcess(['lint', 'deploy'], {cwd: setup('overrides:\n  shifted-availability: off\n')})
    expect(off.status).toBe(0)
    expect(off.stdout).toBe('✔ 1 file checked, no problems\n')
  })

  it('fails with exit 2 and file:line:col when the config names an unknown rule', async () => {
    const r = await runInProcess(['lint', 'deploy'], {cwd: setup('overrides:\n  no-such-rule: off\n')})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/fuseplan\.config\.yaml:2:3: Override names unknown rule `no-such-rule`/)
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
  })
})
