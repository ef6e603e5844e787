// Scenario tests for `fuseplan recommend` and `fuseplan rules`: the real CLI (bin/run.js, built dist/),
// pinning stdout, exit codes and the files written.
import {mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from './helpers/in-process.js'
import {parse} from 'yaml'
import {ROOT, tempDir} from './helpers/run-cli.js'

const FIX = join(ROOT, 'test', 'fixtures', 'recommend')
const WEARABLE = join(FIX, 'wearable.yaml')
const DATE = ['--date', '2026-01-15']

describe('fuseplan recommend', () => {
  it('--example decides the bundled example and prints a MADR ADR', async () => {
    const r = await runInProcess(['recommend', '--example', ...DATE])
    expect(r.status).toBe(0)
    expect(r.stdout.startsWith('---\nstatus: proposed\ndate: 2026-01-15\nprofile: icu-deterioration\n')).toBe(true)
    for (const h of [
      '## Context and Problem Statement',
      '## Decision Drivers',
      '## Considered Options',
      '## Decision Outcome',
      '### Consequences',
      '### Confirmation',
      '## Pros and Cons of the Options',
      '### Rules that decided it',
    ]) {
      expect(r.stdout).toContain(`\n${h}\n`)
    }
    expect(r.stdout).toMatch(/Chosen option: "Intermediate fusion"/)
  })

  it('pins the whole ADR for a fixture profile, byte for byte, run after run', async () => {
    const a = await runInProcess(['recommend', WEARABLE, ...DATE])
    const b = await runInProcess(['recommend', WEARABLE, ...DATE])
    expect(a.status).toBe(0)
    expect(a.stdout).toBe(b.stdout)
    await expect(a.stdout).toMatchFileSnapshot('./fixtures/recommend/wearable.adr.md')
  })

  it('--format json gives the documented Decision contract', async () => {
    const r = await runInProcess(['recommend', WEARABLE, '--format', 'json'])
    expect(r.status).toBe(0)
    const d = JSON.parse(r.stdout)
    expect(d.strategy).toBe('attention')
    expect(d.options.map((o: {strategy: string}) => o.strategy)).toEqual(['early', 'intermediate', 'late', 'attention'])
    for (const o of d.options) {
      expect(Object.keys(o)).toEqual(expect.arrayContaining(['strategy', 'score', 'excluded', 'reasons']))
      expect(Array.isArray(o.reasons)).toBe(true)
    }
    expect(d.masking.warmupEpochs).toBe(1)
    const ecg = d.masking.modalities.find((m: {name: string}) => m.name === 'wearable_ecg')
    // t = (30000*0.7 + 12000*0.5)/42000 = 0.642857; q = 1 - 0.45/t = 0.3; effective = 1 - t(1-q) = 0.55
    expect(ecg.dropProbability).toBeCloseTo(0.3, 6)
    expect(ecg.effectiveMissingRate).toBeCloseTo(0.55, 6)
    expect(d.transfer.pretrainCohort).toBe('study')
    expect(d.findings).toEqual([
      {
        ruleId: 'shifted-availability',
        severity: 'warning',
        message: expect.stringMatching(/^visit_notes is present in 30% of deployment requests but only 25% of training samples/),
        path: 'modalities[2].availability',
        docPath: ['modalities', 2, 'availability'],
      },
    ])
    expect(d.trace.length).toBeGreaterThan(20)
    expect(d.trace.find((t: {ruleId: string}) => t.ruleId === 'temporal-favours-attention')).toMatchObject({fired: true, inputs: {'facts.continuousCount': 1, 'facts.labelledSamples': 42000}})
  })

  it('--format yaml carries the same object', async () => {
    const y = await runInProcess(['recommend', WEARABLE, '--format', 'yaml'])
    const j = await runInProcess(['recommend', WEARABLE, '--format', 'json'])
    expect(parse(y.stdout)).toEqual(JSON.parse(j.stdout))
  })

  it('--explain prints every rule, the values it read and its effects', async () => {
    const r = await runInProcess(['recommend', WEARABLE, '--explain'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^\[FIRED\] temporal-favours-attention - /m)
    expect(r.stdout).toMatch(/read: facts.continuousCount = 1, facts.episodicCount = 1/)
    expect(r.stdout).toMatch(/-> score attention \+4: /)
    expect(r.stdout).toMatch(/^\[no {3}\] complete-data-allows-early-fusion/m)
    expect(r.stdout).toMatch(/Recommended: Attention-based fusion \(attention\)\.\n$/)
  })

  it('exits 1 and says why when no strategy fits the latency budget', async () => {
    const r = await runInProcess(['recommend', join(FIX, 'too-slow.yaml'), '--format', 'json'])
    expect(r.status).toBe(1)
    expect(JSON.parse(r.stdout).strategy).toBeNull()
    expect(r.stderr).toMatch(/no strategy recommended for too-slow: No strategy fits the latency budget of 20 ms, even at the low end of its estimate: early 43 ± 4 ms, /)
    const out = tempDir()
    const w = await runInProcess(['recommend', join(FIX, 'too-slow.yaml'), '--out', out])
    expect(w.status).toBe(1)
    expect(w.stderr).toMatch(/No ADR written/)
    expect(readdirSync(out)).toEqual([])
  })

  it('exits 2 with file:line:col on an invalid profile', async () => {
    const dup = await runInProcess(['recommend', 'test/fixtures/recommend/duplicate.yaml'])
    expect(dup.status).toBe(2)
    expect(dup.stdout).toBe('')
    expect(dup.stderr).toMatch(/^test\/fixtures\/recommend\/duplicate\.yaml:7:12: error: Modality `ehr` is already defined at modalities\[0\]; names must be unique\. \[unique-modality-names\]$/m)
    const schema = await runInProcess(['recommend', 'test/fixtures/recommend/schema-error.yaml'])
    expect(schema.status).toBe(2)
    expect(schema.stderr).toMatch(/^test\/fixtures\/recommend\/schema-error\.yaml:9:19: error: /m)
    const missing = await runInProcess(['recommend', 'nope.yaml'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/nope\.yaml:1:1: error: Cannot read nope\.yaml: no such file/)
    expect(`${dup.stderr}${schema.stderr}${missing.stderr}`).not.toMatch(/\n\s+at /)
  })

  it('rejects a malformed --date', async () => {
    const r = await runInProcess(['recommend', WEARABLE, '--date', '2026-02-30'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--date must be a calendar date written YYYY-MM-DD/)
  })

  it('--out numbers ADRs, skips unchanged decisions, and supersedes changed ones', async () => {
    const dir = tempDir()
    const adrs = join(dir, 'docs', 'adr')
    mkdirSync(adrs, {recursive: true})
    writeFileSync(join(adrs, '0001-record-architecture-decisions.md'), '---\nstatus: accepted\n---\n# Record architecture decisions\n')
    const profile = join(dir, 'afib.yaml')
    writeFileSync(profile, readFileSync(WEARABLE, 'utf8'))

    const first = await runInProcess(['recommend', profile, '--out', adrs, ...DATE])
    expect(first.status).toBe(0)
    const name = '0002-afib-screening-attention-based-fusion-with-masking-and-transfer.md'
    expect(first.stdout).toBe(`Wrote ${join(adrs, name)}\n`)
    const written = readFileSync(join(adrs, name), 'utf8')
    expect(written).toBe((await runInProcess(['recommend', profile, ...DATE])).stdout)

    const again = await runInProcess(['recommend', profile, '--out', adrs, '--date', '2026-03-01'])
    expect(again.status).toBe(0)
    expect(again.stdout).toBe(`Unchanged: ${join(adrs, name)} already records this decision; no new ADR written.\n`)
    expect(readdirSync(adrs).filter((f) => f.endsWith('.md'))).toHaveLength(2)

    writeFileSync(profile, readFileSync(WEARABLE, 'utf8').replace('labelledSamples: 42000', 'labelledSamples: 1500').replace('interactions: strong', 'interactions: weak'))
    const changed = await runInProcess(['recommend', profile, '--out', adrs, '--date', '2026-03-01'])
    expect(changed.status).toBe(0)
    const next = readdirSync(adrs).filter((f) => f.startsWith('0003-'))
    expect(next).toEqual(['0003-afib-screening-intermediate-fusion-with-masking-and-transfer.md'])
    expect(changed.stdout).toMatch(/supersedes .*0002-afib-screening-attention/)
    const newer = readFileSync(join(adrs, next[0]), 'utf8')
    expect(newer).toMatch(/^---\nstatus: proposed\ndate: 2026-03-01\n/)
    expect(newer).toContain(`Supersedes [ADR-0002](${name}).`)
    const old = readFileSync(join(adrs, name), 'utf8')
    expect(old).toMatch(/^---\nstatus: "superseded by ADR-0003"\ndate: 2026-01-15\n/)
    expect(old).toContain(`> Superseded by [ADR-0003](${next[0]}).`)
    expect(readFileSync(join(adrs, '0001-record-architecture-decisions.md'), 'utf8')).toMatch(/status: accepted/)
    expect(readdirSync(adrs).some((f) => f.endsWith('.tmp'))).toBe(false)
  })

  it('--rules adds a rule pack; a broken pack is reported at file:line:col with exit 2', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'pack'))
    writeFileSync(
      join(dir, 'pack', 'strict.yaml'),
      [
        'id: serving-cost-intermediate',
        'title: The serving team runs one encoder per modality',
        'rationale: Per-modality encoders are what the serving platform already runs and monitors.',
        'source: team policy',
        'when: facts.modalityCount >= 2',
        'effects:',
        '  score:',
        '    - {strategy: intermediate, delta: 10, reason: the serving platform already runs per-modality encoders}',
        'examples:',
        '  fires: {}',
        '  passes: {modalities: [{name: ehr, type: tabular, features: 10, availability: 1.0}]}',
        '',
      ].join('\n'),
    )
    const r = await runInProcess(['recommend', WEARABLE, '--rules', join(dir, 'pack'), '--format', 'json'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).strategy).toBe('intermediate')
    // --rules takes one folder: the profile after it stays the argument, in every command.
    for (const command of ['recommend --format json', `scaffold --dry-run --json -o ${join(dir, 'project')}`]) {
      const after = await runInProcess([...command.split(' '), '--rules', join(dir, 'pack'), WEARABLE])
      expect(after.stderr).toBe('')
      expect(after.status).toBe(0)
    }
    writeFileSync(join(dir, 'pack', 'broken.yaml'), 'id: broken-rule\ntitle: x\nrationale: y\nsource: z\nwhen: facts.nope +\n')
    const bad = await runInProcess(['recommend', WEARABLE, '--rules', join(dir, 'pack')])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/broken\.yaml:5:19: Invalid CEL in rule `when` condition/)
    expect(bad.stderr).toMatch(/broken\.yaml:1:1: Missing rule `effects`/)
  })

  it('honours fuseplan.config.yaml next to the profile (option override changes the decision)', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'afib.yaml'), readFileSync(WEARABLE, 'utf8'))
    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'overrides:\n  temporal-favours-attention:\n    options: {minLabelledSamples: 100000}\n  rare-modality: off\n')
    const r = await runInProcess(['recommend', join(dir, 'afib.yaml'), '--format', 'json'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).strategy).toBe('intermediate')
    expect(JSON.parse(r.stdout).trace.find((t: {ruleId: string}) => t.ruleId === 'rare-modality')).toEqual({ruleId: 'rare-modality', fired: false, inputs: {}, effects: [], disabled: true})
    const x = await runInProcess(['recommend', join(dir, 'afib.yaml'), '--explain'])
    expect(x.stdout).toMatch(/^\[off {2}\] rare-modality - /m)
    expect(x.stdout).toMatch(/, 1 turned off by config\.\n/)
    expect(x.stdout).toMatch(/read: .*options\.minLabelledSamples = 100000/)
  })
})

describe('fuseplan rules', () => {
  it('list shows every rule with its severity or kind', async () => {
    const r = await runInProcess(['rules', 'list'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^ID +SEVERITY +TITLE$/m)
    expect(r.stdout).toMatch(/^unique-modality-names +error +Modality names must be unique$/m)
    expect(r.stdout).toMatch(/^joint-model-under-missingness +decision +With modalities missing at deployment/m)
  })

  it('show prints the doc of a rule', async () => {
    const r = await runInProcess(['rules', 'show', 'joint-model-under-missingness'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^joint-model-under-missingness\nWith modalities missing at deployment, intermediate fusion with masking is the default\n/)
    expect(r.stdout).toMatch(/Defined in: rules\/strategy\.yaml:\d+:\d+/)
    expect(r.stdout).toMatch(/Help: +https:\/\/fuseplan\.dev\/rules\/joint-model-under-missingness/)
    expect(r.stdout).toMatch(/Basis: +measured\n/)
    expect(r.stdout).toMatch(/Options:\n {2}completeThreshold = 0\.99\n/)
    expect(r.stdout).toMatch(/Condition \(CEL\):\n {2}facts\.minAvailability < options\.completeThreshold && facts\.trainingMultiModalSamples >= options\.minMaskableSamples\n/)
    expect(r.stdout).toMatch(/Examples .*\n {2}Fires with:\n {4}\(the base profile as is\)\n {2}Does not fire with:\n {4}modalities\[1\]\.availability: 1/)
  })

  it('show suggests ids for a typo and exits 2', async () => {
    const r = await runInProcess(['rules', 'show', 'joint-model-under-missingnes'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/No rule `joint-model-under-missingnes`\. Did you mean `joint-model-under-missingness`\?/)
  })

  it('list --facts documents the derived facts', async () => {
    const r = await runInProcess(['rules', 'list', '--facts'])
    expect(r.stdout).toMatch(/^facts\.completeCaseShare +Expected share of deployment requests carrying every modality/m)
  })
})
