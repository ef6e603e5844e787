// Scenario tests: the built CLI (`node bin/run.js init ...`, run `npx tsc` first) with stdin not a
// terminal, pinning exit codes, messages and the files written.
import {existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parse} from 'yaml'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {loadProfileText} from '../../src/profile/load.js'
import {ROOT, runCli, tempDir} from '../helpers/run-cli.js'

const FIX = join(ROOT, 'test', 'fixtures', 'init')

function lintClean(file: string): void {
  const {profile, findings} = loadProfileText(file, readFileSync(file, 'utf8'))
  expect(findings).toEqual([])
  expect(profile).toBeDefined()
}

const ICU_FLAGS = [
  '--name',
  'icu-deterioration',
  '--description',
  'Deterioration risk: adult ICU, 24 h',
  '--task-type',
  'binary',
  '--metric',
  'auroc',
  '--interactions',
  'unknown',
  '--modality',
  'name=ehr,type=tabular,features=120,availability=1,timing=continuous,required=true,latency=2',
  '--modality',
  'name=cxr,type=image,shape=224x224x1,availability=0.22,missingness=informative,timing=episodic,latency=35',
  '--modality',
  'name=genomics,type=omics,features=2000,availability=5%,missingness=by-design,timing=static',
  '--cohort',
  'name=icu,size=16500,modalities=ehr+cxr,cxr=0.26',
  '--cohort',
  'name=enrolled,size=1500,modalities=ehr+cxr+genomics,cxr=0.4',
  '--latency-budget',
  '200',
  '--latency-percentile',
  'p99',
  '--hardware',
  'cpu',
]

const ICU_EXPECTED_BODY = `
# Deployment profile for fuseplan (written by \`fuseplan init\`; edit freely).
# Check it with \`fuseplan lint FILE\`; see the architecture it leads to with \`fuseplan recommend FILE\`.
apiVersion: fuseplan/v1
kind: DeploymentProfile
name: icu-deterioration
description: "Deterioration risk: adult ICU, 24 h"

# What the model predicts, and how much labelled data there is to learn it from.
task:
  type: binary
  metric: auroc
  labelledSamples: 18000
  interactions: unknown

# Input sources. availability: share (0..1) of inference requests in production in which the
# modality is present. missingness: why it is absent (random | informative | by-design).
# timing: how it arrives (static | episodic | continuous).
modalities:
  - name: ehr
    type: tabular
    features: 120
    availability: 1
    timing: continuous
    encoderLatencyMs: 2
    required: true
  - name: cxr
    type: image
    shape: [224, 224, 1]
    availability: 0.22
    missingness: informative
    timing: episodic
    encoderLatencyMs: 35
  - name: genomics
    type: omics
    features: 2000
    availability: 0.05
    missingness: by-design
    timing: static

# Training subpopulations: their size and the modalities they carry. availability here is the
# share of the cohort's samples that have the modality (1 when not listed).
cohorts:
  - name: icu
    size: 16500
    labelled: true
    modalities: [ehr, cxr]
    availability: {cxr: 0.26}
  - name: enrolled
    size: 1500
    labelled: true
    modalities: [ehr, cxr, genomics]
    availability: {cxr: 0.4}

# How fast one prediction must be (milliseconds at the given percentile).
latency:
  budgetMs: 200
  percentile: 99
  hardware: cpu
`

/** The expected profile: outside a project with fuseplan installed, the modeline names the running fuseplan's schema. */
function icuExpected(_dir: string): string {
  return `# yaml-language-server: $schema=${join(ROOT, 'schemas', 'deployment-profile.schema.json')}${ICU_EXPECTED_BODY}`
}

describe('fuseplan init without a terminal', () => {
  it('fails at once with exit 2 and a one-line hint, writing nothing, when neither --yes nor --answers is given', async () => {
    const dir = tempDir()
    const r = runCli(['init'], {cwd: dir})
    expect(r.status, r.stderr + r.stdout).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain('--yes')
    expect(r.stderr).toContain('--answers FILE')
    expect(r.stdout).toBe('')
    expect(readdirSync(dir)).toEqual([])
  })

  it('--yes writes a default profile that lints clean, byte-identical on every run', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes'], {cwd: dir})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('Wrote fuseplan.profile.yaml.')
    const file = join(dir, 'fuseplan.profile.yaml')
    const first = readFileSync(file, 'utf8')
    // The modeline names a schema file the user has (the one shipped in the package), relative to the profile.
    const modeline = /^# yaml-language-server: \$schema=(\S+)$/.exec(first.split('\n')[0])
    expect(modeline?.[1]).toBe(join(ROOT, 'schemas', 'deployment-profile.schema.json'))
    expect(readFileSync(modeline![1], 'utf8')).toBe((await runInProcess(['schema'])).stdout)
    // In a project with fuseplan as a dependency, the path is relative to the profile: the same on every machine.
    const project = tempDir()
    mkdirSync(join(project, 'node_modules', 'fuseplan', 'schemas'), {recursive: true})
    writeFileSync(join(project, 'node_modules', 'fuseplan', 'schemas', 'deployment-profile.schema.json'), '{}')
    mkdirSync(join(project, 'deploy'))
    expect((await runInProcess(['init', '--yes', '--out', 'deploy/p.yaml'], {cwd: project})).status).toBe(0)
    expect(readFileSync(join(project, 'deploy', 'p.yaml'), 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../node_modules/fuseplan/schemas/deployment-profile.schema.json')
    expect(r.stdout).toContain(`Next: node ${join(ROOT, 'bin', 'run.js')} lint fuseplan.profile.yaml`)
    expect(r.stderr).toContain('warning: fuseplan.profile.yaml has one modality; fusion combines two or more')
    lintClean(file)
    expect(parse(first)).toEqual({
      apiVersion: 'fuseplan/v1',
      kind: 'DeploymentProfile',
      name: 'my-model',
      task: {type: 'binary', metric: 'auroc', labelledSamples: 5000, interactions: 'unknown'},
      modalities: [{name: 'tabular', type: 'tabular', features: 32, availability: 1, timing: 'static'}],
      latency: {budgetMs: 100, percentile: 99, hardware: 'cpu'},
    })
    expect((await runInProcess(['init', '--yes', '--force'], {cwd: dir})).status, 'second run').toBe(0)
    expect(readFileSync(file, 'utf8')).toBe(first)
    expect(readdirSync(dir)).toEqual(['fuseplan.profile.yaml']) // no temp files left beside it
  })

  it('builds the whole profile from flags alone', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--out', 'icu.yaml', ...ICU_FLAGS], {cwd: dir})
    expect(r.stderr).toBe('')
    expect(r.status, r.stderr).toBe(0)
    expect(readFileSync(join(dir, 'icu.yaml'), 'utf8')).toBe(icuExpected(dir))
    expect(r.stdout).toContain('modality cxr       image, 224x224x1, available in 22% of requests, informative, episodic')
    // The labelled-samples default is what the labelled cohorts hold.
    expect(r.stdout).toContain('18,000 labelled samples')
    lintClean(join(dir, 'icu.yaml'))
  })

  it('saves answers and replays them to the same bytes (--save-answers / --answers)', async () => {
    const dir = tempDir()
    expect((await runInProcess(['init', '--yes', '--out', 'a.yaml', '--save-answers', 'answers.yaml', ...ICU_FLAGS], {cwd: dir})).status).toBe(0)
    const answers = readFileSync(join(dir, 'answers.yaml'), 'utf8')
    expect(answers).toContain('kind: InitAnswers')
    expect(answers).not.toContain('yaml-language-server')
    const r = await runInProcess(['init', '--answers', 'answers.yaml', '--out', 'b.yaml'], {cwd: dir})
    expect(r.status, r.stderr).toBe(0)
    expect(readFileSync(join(dir, 'b.yaml'), 'utf8')).toBe(icuExpected(dir))
    // A flag refines a replayed answer.
    const c = await runInProcess(['init', '--answers', 'answers.yaml', '--out', 'c.yaml', '--modality', 'name=cxr,availability=0.3'], {cwd: dir})
    expect(c.status, c.stderr).toBe(0)
    expect(parse(readFileSync(join(dir, 'c.yaml'), 'utf8')).modalities[1]).toEqual({
      name: 'cxr',
      type: 'image',
      shape: [224, 224, 1],
      availability: 0.3,
      missingness: 'informative',
      timing: 'episodic',
      encoderLatencyMs: 35,
    })
  })

  it('takes an existing profile as answers and writes it back unchanged in content', async () => {
    const dir = tempDir()
    for (const name of ['icu-deterioration.yaml', 'wearable-afib.yaml']) {
      const example = join(ROOT, 'examples', name)
      const r = await runInProcess(['init', '--answers', example, '--out', name], {cwd: dir})
      expect(r.status, r.stderr).toBe(0)
      expect(parse(readFileSync(join(dir, name), 'utf8'))).toEqual(parse(readFileSync(example, 'utf8')))
    }
  })

  it('points at the bad value in an answers file with file:line:col', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'answers.yaml'), 'name: x\nmodalities:\n  - name: ehr\n    type: tabular\n    features: 3\n    availability: 1.5\n')
    const r = await runInProcess(['init', '--answers', 'answers.yaml'], {cwd: dir})
    expect(r.status, r.stderr + r.stdout).toBe(2)
    expect(r.stderr.trim()).toBe('answers.yaml:6:19: The availability of ehr is a share and must be between 0 and 1; got 1.5.')
    expect(readdirSync(dir)).toEqual(['answers.yaml'])
  })

  it('explains a malformed flag spec and exits 2', async () => {
    const dir = tempDir()
    const unknown = await runInProcess(['init', '--yes', '--modality', 'name=cxr,kind=image'], {cwd: dir})
    expect(unknown.status, unknown.stderr + unknown.stdout).toBe(2)
    expect(unknown.stderr).toContain('--modality "name=cxr,kind=image": unknown key `kind`.')
    const badShare = await runInProcess(['init', '--yes', '--modality', 'name=cxr,type=image,availability=1.2'], {cwd: dir})
    expect(badShare.status, badShare.stderr + badShare.stdout).toBe(2)
    expect(badShare.stderr.trim()).toBe('fuseplan: --modality "name=cxr,type=image,availability=1.2": The availability of cxr is a share and must be between 0 and 1; got 1.2.')
    const badCohort = await runInProcess(['init', '--yes', '--modality', 'name=ehr,availability=1', '--cohort', 'name=icu,size=10,modalities=ehr+cxr'], {cwd: dir})
    expect(badCohort.status, badCohort.stderr + badCohort.stdout).toBe(2)
    expect(badCohort.stderr).toContain('cohort icu names unknown modality `cxr`; the modalities are ehr.')
    const badName = await runInProcess(['init', '--yes', '--name', 'ICU Model'], {cwd: dir})
    expect(badName.stderr).toContain('--name: The name must be a slug')
    expect(badName.stderr).toContain('(try `icu-model`)')
    expect(readdirSync(dir)).toEqual([])
  })

  it('runs the lint rules on the assembled profile and writes nothing when they find an error', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--modality', 'name=a,availability=0.5'], {cwd: dir})
    expect(r.status, r.stderr + r.stdout).toBe(2)
    expect(r.stderr).toContain('The answers do not make a valid profile, so nothing was written:\n  modalities: About 50% of requests would carry no modality at all.')
    expect(r.stderr).toContain('(request-without-modality)')
    expect(readdirSync(dir)).toEqual([])
  })

  it('refuses to overwrite an existing file without --force', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'fuseplan.profile.yaml'), 'mine\n')
    const r = await runInProcess(['init', '--yes'], {cwd: dir})
    expect(r.status, r.stderr + r.stdout).toBe(2)
    expect(r.stderr).toContain('fuseplan.profile.yaml already exists; pass --force to overwrite it')
    expect(readFileSync(join(dir, 'fuseplan.profile.yaml'), 'utf8')).toBe('mine\n')
    expect((await runInProcess(['init', '--yes', '--force'], {cwd: dir})).status, 'second run').toBe(0)
    expect(readFileSync(join(dir, 'fuseplan.profile.yaml'), 'utf8')).toContain('kind: DeploymentProfile')
  })

  it('--json prints the written profile as JSON on stdout', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--json', '--name', 'j'], {cwd: dir})
    expect(r.status, r.stderr).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json).toEqual(parse(readFileSync(join(dir, 'fuseplan.profile.yaml'), 'utf8')))
    expect(json.name).toBe('j')
    const bad = await runInProcess(['init', '--yes', '--json', '--name', 'J J', '--out', 'other.yaml'], {cwd: dir})
    expect(bad.status, bad.stderr + bad.stdout).toBe(2)
    expect(JSON.parse(bad.stdout).error.message).toContain('--name: The name must be a slug')
    expect(existsSync(join(dir, 'other.yaml'))).toBe(false)
  })
})

describe('fuseplan init --from-data', () => {
  it('measures a CSV sample: availability, features, patterns, size, labels', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--from-data', join(FIX, 'icu-sample.csv'), '--map', 'ehr=age,hr,bp_*', '--map', 'cxr=cxr_path', '--map', 'notes=note', '--label', 'label'], {
      cwd: dir,
    })
    expect(r.stderr).toBe('')
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('10 rows (CSV)')
    expect(r.stdout).toContain('ehr: 4 columns, 4 features, present in 7 rows (70%)')
    expect(r.stdout).toContain('1 row has none of the mapped modalities.')
    expect(r.stdout).toContain('Not mapped to any modality: id')
    const file = join(dir, 'fuseplan.profile.yaml')
    const p = parse(readFileSync(file, 'utf8'))
    expect(p.name).toBe('icu-sample')
    expect(p.task.labelledSamples).toBe(9)
    expect(p.modalities.map((m: {name: string; availability: number}) => [m.name, m.availability])).toEqual([
      ['ehr', 0.7],
      ['cxr', 0.4],
      ['notes', 0.4],
    ])
    expect(p.modalities[0].features).toBe(4)
    // cxr is one column of file paths: its type is guessed as image, so its size is an image shape.
    expect(p.modalities[1]).toMatchObject({type: 'image', shape: [224, 224, 3]})
    expect(p.modalities[2]).toMatchObject({type: 'text', features: 1})
    // The cohort is the 9 labelled rows (row 5 has no label); its shares are measured among them.
    expect(p.cohorts).toEqual([{name: 'icu-sample', size: 9, labelled: true, modalities: ['ehr', 'cxr', 'notes'], availability: {ehr: 0.6667, cxr: 0.3333, notes: 0.4444}}])
    expect(p.patterns).toEqual([
      {present: ['ehr'], share: 0.3},
      {present: ['ehr', 'cxr', 'notes'], share: 0.2},
      {present: ['ehr', 'cxr'], share: 0.1},
      {present: ['ehr', 'notes'], share: 0.1},
      {present: ['cxr'], share: 0.1},
      {present: ['notes'], share: 0.1},
    ])
    lintClean(file)
  })

  it('takes the mapping from a YAML file, and flags still override measured values', async () => {
    const dir = tempDir()
    const r = await runInProcess(
      ['init', '--yes', '--from-data', join(FIX, 'icu-sample.csv'), '--mapping', join(FIX, 'mapping.yaml'), '--modality', 'name=cxr,type=tabular,availability=0.4', '--name', 'from-file'],
      {cwd: dir},
    )
    expect(r.status, r.stderr).toBe(0)
    const p = parse(readFileSync(join(dir, 'fuseplan.profile.yaml'), 'utf8'))
    expect(p.modalities[1]).toMatchObject({name: 'cxr', type: 'tabular', features: 1, availability: 0.4})
    // No --label, but one column is named like one: it is used, and said so.
    expect(r.stdout).toContain('Label column: label (from its name; pass --label COLUMN for another, --label none if the data has none).')
    expect(p.task.labelledSamples).toBe(9)
  })

  it('measures a JSON Lines sample, counting array-valued columns by their length', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--from-data', join(FIX, 'wear-sample.jsonl'), '--map', 'vitals=age,hr', '--map', 'emb=emb', '--map', 'ecg=ecg', '--label', 'y'], {cwd: dir})
    expect(r.stderr).toBe('')
    expect(r.status, r.stderr).toBe(0)
    const p = parse(readFileSync(join(dir, 'fuseplan.profile.yaml'), 'utf8'))
    expect(p.modalities.map((m: {name: string; availability: number; features?: number}) => [m.name, m.availability, m.features])).toEqual([
      ['vitals', 0.75, 2],
      ['emb', 0.5, 4],
      ['ecg', 0.5, 3],
    ])
    expect(p.cohorts[0]).toMatchObject({name: 'wear-sample', size: 3}) // the rows with a label
    expect(p.task.labelledSamples).toBe(3)
    expect(p.patterns).toEqual([
      {present: ['vitals'], share: 0.25},
      {present: ['vitals', 'emb'], share: 0.25},
      {present: ['vitals', 'ecg'], share: 0.25},
      {present: ['emb', 'ecg'], share: 0.25},
    ])
  })

  it.each([
    ['unclosed-quote.csv', '3:3: a quoted field is never closed'],
    ['extra-field.csv', '3:7: row has 4 fields but the header has 3; the first extra field starts here'],
    ['short-row.csv', '3:4: row has 2 fields but the header has 3; the row ends here'],
    ['stray-quote.csv', '2:4: a double quote inside an unquoted field'],
    ['bad.jsonl', '2:9: invalid JSON'],
  ])('reports the first problem of %s as file:line:col, exit 2, nothing written', async (name, expected) => {
    const dir = tempDir()
    const real = await runInProcess(['init', '--yes', '--out', join(dir, 'p.yaml'), '--from-data', name, '--map', name.endsWith('.jsonl') ? 'x=a' : 'x=a,b,c'], {cwd: FIX})
    expect(real.status, real.stderr + real.stdout).toBe(2)
    expect(real.stderr.trim()).toMatch(new RegExp(`^${name.replace('.', '\\.')}:${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    expect(existsSync(join(dir, 'p.yaml'))).toBe(false)
  })

  it('names the columns when a mapping matches none of them', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--from-data', join(FIX, 'icu-sample.csv'), '--map', 'ehr=age', '--map', 'cxr=xray_*'], {cwd: dir})
    expect(r.status, r.stderr + r.stdout).toBe(2)
    expect(r.stderr.trim()).toBe('fuseplan: --map "cxr=xray_*": `xray_*` matches no column of the data. The columns are: id, age, hr, bp_sys, bp_dia, cxr_path, note, label.')
  })

  it('without --map, guesses the modalities from the column names and says so', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--from-data', join(FIX, 'derm-sample.csv'), '--label', 'label', '--out', 'p.yaml'], {cwd: dir})
    expect(r.status, r.stderr + r.stdout).toBe(0)
    expect(r.stdout).toContain(
      [
        `No --map given; the modalities guessed from the columns of ${join(FIX, 'derm-sample.csv')}:`,
        '  ehr: ehr_age, ehr_bmi, ehr_smoker',
        '  photo: photo_path (image file paths)',
        '  (as flags: --map "ehr=ehr_age,ehr_bmi,ehr_smoker" --map "photo=photo_path")',
      ].join('\n'),
    )
    expect(r.stdout).toContain('Not mapped to any modality: patient_id')
    const profile = parse(readFileSync(join(dir, 'p.yaml'), 'utf8'))
    expect(profile.modalities.map((m: {name: string; type: string; availability: number}) => `${m.name}:${m.type}:${m.availability}`)).toEqual(['ehr:tabular:0.75', 'photo:image:0.75'])
  })
})
