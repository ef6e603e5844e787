// Scenario: a scaffolded project's training config is linted by kind, and drift in its profile is an error.
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'

describe('fuseplan lint on a TrainingConfig', () => {
  it('is clean right after scaffold and reports drift when the deployment changes', async () => {
    const dir = tempDir()
    const profile = join(dir, 'icu.yaml')
    copyFileSync(join(ROOT, 'examples', 'icu-deterioration.yaml'), profile)
    const scaffold = await runInProcess(['scaffold', profile, '--out', join(dir, 'project')], {cwd: dir})
    expect(scaffold.status).toBe(0)

    const clean = await runInProcess(['lint', 'project/fuseplan.training.yaml', '--format', 'json'], {cwd: dir})
    expect(clean.status).toBe(0)
    expect(JSON.parse(clean.stdout)[0].messages).toEqual([])

    writeFileSync(profile, readFileSync(profile, 'utf8').replace('availability: 0.22', 'availability: 0.6'))
    const drifted = await runInProcess(['lint', 'project', '--format', 'json'], {cwd: dir})
    expect(drifted.status).toBe(1)
    const [report] = JSON.parse(drifted.stdout)
    expect(report.filePath).toBe(join(dir, 'project', 'fuseplan.training.yaml'))
    const ruleIds = report.messages.map((m: {ruleId: string}) => m.ruleId).sort()
    expect(ruleIds).toEqual(['training-config-drift', 'training-config-profile-changed'])
    const drift = report.messages.find((m: {ruleId: string}) => m.ruleId === 'training-config-drift')
    expect(drift.severity).toBe(2)
    expect(drift.message).toMatch(/cxr.*0\.6.*Retrain/)
  })
})

describe('fuseplan lint on a TrainingConfig, with a config', () => {
  it('judges the source profile under its folder config, and applies check overrides', async () => {
    const dir = tempDir()
    // Pattern shares over 1: an error the team relaxed in its config.
    const text = readFileSync(join(ROOT, 'examples', 'icu-deterioration.yaml'), 'utf8') + 'patterns:\n  - {present: [ehr], share: 0.8}\n  - {present: [ehr, cxr], share: 0.3}\n'
    writeFileSync(join(dir, 'icu.yaml'), text)
    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'overrides:\n  pattern-shares-sum: off\n  training-config-drift: warning\n')
    expect((await runInProcess(['lint', 'icu.yaml'], {cwd: dir})).status).toBe(0)
    expect((await runInProcess(['scaffold', 'icu.yaml', '--out', 'project'], {cwd: dir})).status).toBe(0)

    const clean = await runInProcess(['lint', '.', '--format', 'json'], {cwd: dir})
    expect(clean.stderr).toBe('')
    expect((JSON.parse(clean.stdout) as {messages: unknown[]}[]).map((r) => r.messages)).toEqual([[], []])
    expect(clean.status).toBe(0)

    writeFileSync(join(dir, 'icu.yaml'), text.replace('availability: 0.22', 'availability: 0.6'))
    const drifted = await runInProcess(['lint', 'project', '--format', 'json'], {cwd: dir})
    const [report] = JSON.parse(drifted.stdout) as {messages: {ruleId: string; severity: number}[]}[]
    expect(report.messages.map((m) => [m.ruleId, m.severity]).sort()).toEqual([
      ['training-config-drift', 1],
      ['training-config-profile-changed', 1],
    ])
    expect(drifted.status).toBe(0)
  })
})
