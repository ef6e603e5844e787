// Scenario tests of the everyday flows of `recommend` (and the CLI vocabulary it shares): ADR history
// that changes only with the decision, findings on the terminal, wording for complete and
// one-modality profiles, --explain with --format json, and suggestions for mistyped commands.
import {readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from './helpers/in-process.js'
import {ROOT, tempDir} from './helpers/run-cli.js'

const WEARABLE = join(ROOT, 'test', 'fixtures', 'recommend', 'wearable.yaml')
const DATE = ['--date', '2026-01-15']

describe('recommend --out: ADR history', () => {
  it('writes a new ADR only when strategy, masking or transfer plan change; findings reach the terminal', async () => {
    const dir = tempDir()
    const adrs = join(dir, 'adr')
    const profile = join(dir, 'afib.yaml')
    const text = readFileSync(WEARABLE, 'utf8')
    writeFileSync(profile, text)
    const first = await runInProcess(['recommend', profile, '--out', adrs, ...DATE])
    expect(first.status).toBe(0)
    const name = '0001-afib-screening-attention-based-fusion-with-masking-and-transfer.md'
    expect(first.stdout).toBe(`Wrote ${join(adrs, name)}\n`)
    // The finding the ADR lists is printed too, at its place in the profile.
    expect(first.stderr).toMatch(new RegExp(`^${profile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: warning: visit_notes is present in 30% .* \\[shifted-availability\\]\\n$`))

    // A sample count that moves does not change the decision: the ADR is kept and the run says so.
    writeFileSync(profile, text.replace('labelledSamples: 42000', 'labelledSamples: 42100'))
    const same = await runInProcess(['recommend', profile, '--out', adrs, ...DATE])
    expect(same.status).toBe(0)
    expect(same.stdout).toBe(
      `Kept ${join(adrs, name)}: it records the same decision (strategy, masking plan, transfer plan); other details of the profile changed, which does not call for a new ADR.\n`,
    )
    expect(readdirSync(adrs).filter((f) => f.endsWith('.md'))).toEqual([name])
    expect(readFileSync(join(adrs, name), 'utf8')).toMatch(/^---\nstatus: proposed\n/)

    // A masking plan that changes is a new decision: a new ADR supersedes the old.
    writeFileSync(profile, text.replace('availability: 0.3\n', 'availability: 0.2\n'))
    const changed = await runInProcess(['recommend', profile, '--out', adrs, ...DATE])
    expect(changed.status).toBe(0)
    expect(changed.stdout).toMatch(/^Wrote .*0002-.*\(supersedes .*0001-/)
    // Same profile, same strategy: the new name still differs from the old one beyond its number.
    const names = readdirSync(adrs).filter((f) => f.endsWith('.md'))
    expect(names).toHaveLength(2)
    expect(names[1]).toMatch(/^0002-afib-screening-attention-based-fusion-with-masking-and-transfer-[0-9a-f]{6}\.md$/)
    expect(readFileSync(join(adrs, name), 'utf8')).toMatch(/^---\nstatus: "superseded by ADR-0002"/)
  })

  it('--help says when a new ADR is written', async () => {
    const help = (await runInProcess(['recommend', '--help'])).stdout.replace(/\s+/g, ' ')
    expect(help).toContain(
      'A new ADR (next free number, superseding the previous one for the profile) is written only when the decision changed: the strategy, the masking plan or the transfer plan. Otherwise the existing ADR is kept and the run says so.',
    )
    expect(help).toContain('With --format json or yaml the trace is the `trace` field')
  })
})

describe('recommend: wording and numbers', () => {
  it('a profile whose modalities are always present does not read "not all present"; an always-present modality is never missing', async () => {
    const r = await runInProcess(['recommend', join(ROOT, 'examples', 'retail-complete.yaml'), ...DATE])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('In production every request carries all of them.')
    expect(r.stdout).not.toContain('not all present')
    const wearable = await runInProcess(['recommend', WEARABLE, ...DATE])
    expect(wearable.stdout).toContain('| questionnaire (required) | tabular | 30 | 100% | 100% | never missing | static |')
  })

  it('says that fusion needs two modalities when the profile has one', async () => {
    const dir = tempDir()
    const init = await runInProcess(['init', '--yes', '--out', 'one.yaml'], {cwd: dir})
    expect(init.status).toBe(0)
    expect(init.stderr).toContain('has one modality; fusion combines two or more')
    const r = await runInProcess(['recommend', join(dir, 'one.yaml'), ...DATE])
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/^fuseplan: note: .*one\.yaml describes one modality \(tabular\); fusion combines two or more/)
    expect(r.stdout).toContain('Fusion combines two or more modalities: with one there is nothing to fuse')
  })
})

describe('one CLI vocabulary', () => {
  it('--explain --format json prints JSON that carries the trace', async () => {
    const r = await runInProcess(['recommend', WEARABLE, '--explain', '--format', 'json', ...DATE])
    expect(r.status).toBe(0)
    const d = JSON.parse(r.stdout)
    expect(d.trace.length).toBeGreaterThan(10)
    expect(d.trace[0]).toHaveProperty('ruleId')
  })

  it('a mistyped command names the nearest one (exit 2)', async () => {
    const r = await runInProcess(['recomend', WEARABLE])
    expect(r.status).toBe(2)
    expect(r.stderr.replace(/\s*›\s*/g, ' ').replace(/\s+/g, ' ')).toContain('"recomend" is not a fuseplan command. Did you mean "recommend"?')
    expect(r.stdout).toBe('')
  })

  it('-f is --format everywhere; --force has no short form', async () => {
    const init = (await runInProcess(['init', '--help'])).stdout
    expect(init).toMatch(/^\s+--force\s/m)
    expect(init).not.toMatch(/-f, --force/)
    for (const cmd of ['lint', 'recommend', 'evaluate']) expect((await runInProcess([cmd, '--help'])).stdout).toMatch(/-f, --format=/)
    expect((await runInProcess(['init', '--yes', '-f'], {cwd: tempDir()})).status).toBe(2)
  })
})

describe('editor completion', () => {
  it('the schemas shipped in the package are what `fuseplan schema` prints, and the examples point at them', async () => {
    expect(readFileSync(join(ROOT, 'schemas', 'deployment-profile.schema.json'), 'utf8')).toBe((await runInProcess(['schema'])).stdout)
    const dir = tempDir()
    const out = join(dir, 'tc.json')
    expect((await runInProcess(['schema', '--kind', 'training-config', '-o', out])).status).toBe(0)
    expect(readFileSync(join(ROOT, 'schemas', 'training-config.schema.json'), 'utf8')).toBe(readFileSync(out, 'utf8'))
    for (const f of readdirSync(join(ROOT, 'examples')).filter((x) => x.endsWith('.yaml'))) {
      expect(readFileSync(join(ROOT, 'examples', f), 'utf8').split('\n')[0], f).toBe('# yaml-language-server: $schema=../schemas/deployment-profile.schema.json')
    }
  })
})
