// Reading, splitting and scoring sets of the team's own data for `evaluate --data`, without training.
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {readSamples, scanSamples} from '../../src/evaluate/read-data.js'
import {informativeNotes, loadEvaluationData, MIN_PATTERN_TEST_SAMPLES, realSets, tooManySkips} from '../../src/evaluate/real-data.js'
import {dataConfig, reportPatterns} from '../../src/evaluate/run.js'
import {observedAvailability} from '../../src/evaluate/simulate.js'
import {loadProfile} from '../../src/profile/load.js'
import {tempDir} from '../helpers/run-cli.js'
import {badLines, writeFixture} from './data-fixture.js'

function setup(opts: Parameters<typeof writeFixture>[1] = {}) {
  const dir = tempDir()
  const file = writeFixture(dir, opts)
  const {profile} = loadProfile(join(dir, 'profile.yaml'))
  if (!profile) throw new Error('fixture profile')
  const decision = decide(profile)
  return {dir, file, profile, decision, config: dataConfig(profile, decision)}
}

describe('reading the team data', () => {
  it('skips each bad sample with one positioned message and a reason, and keeps the rest', () => {
    const dir = tempDir()
    const file = writeFixture(dir, {n: 40, extra: []})
    // Append the bad lines after the 40 good ones (lines 41-46).
    const {config} = setup()
    writeFixture(dir, {n: 40, extra: badLines(dir)})
    const r = readSamples(config, file)
    expect(r.total).toBe(46)
    expect(r.data.n).toBe(40)
    expect(r.lines).toEqual(Array.from({length: 40}, (_, i) => i + 1))
    expect(r.skips.count).toBe(6)
    const messages = r.skips.listed.map((p) => p.message)
    expect(messages.map((m) => m.slice(0, m.indexOf(': ')))).toEqual([41, 42, 43, 44, 45, 46].map((l) => `${file}:${l}`))
    expect(messages[0]).toMatch(/corrupt\.png/)
    expect(messages[1]).toMatch(/missing\.png/)
    expect(messages[2]).toMatch(/not valid JSON/)
    expect(messages[3]).toMatch(/vitals has 2 values, expected 3/)
    expect(messages[4]).toMatch(/label/)
    expect(messages[5]).toMatch(/unknown modality "ecg"/)
    // The loader names the image problems (older loaders: inferred from the message in the same words).
    expect(r.skips.listed.map((p) => p.reason)).toEqual([
      expect.stringMatching(/^(corrupt|truncated) image$/),
      'image not found',
      'not valid JSON',
      'wrong number of values',
      'bad label',
      'unknown modality',
    ])
    expect([...r.skips.byReason.values()]).toEqual([1, 1, 1, 1, 1, 1])
  })

  it('a first pass reads labels and presence without opening images; the second decodes only the lines asked for', () => {
    const {file, config} = setup({n: 30})
    const scan = scanSamples(config, file)
    expect(scan.lines).toHaveLength(30)
    expect(scan.lines.some((l) => l.present === 0b11) && scan.lines.some((l) => l.present === 0b01)).toBe(true)
    const only = new Set([3, 7, 11])
    const r = readSamples(config, file, only)
    expect(r.lines).toEqual([3, 7, 11])
    expect(r.data.n).toBe(3)
  })

  it('a missing or empty file is an error of the file, not a skipped sample', () => {
    const {dir, config} = setup({n: 5})
    expect(() => readSamples(config, join(dir, 'nope.jsonl'))).toThrow(/nope\.jsonl: no such file/)
    writeFileSync(join(dir, 'empty.jsonl'), '\n# nothing\n')
    expect(() => readSamples(config, join(dir, 'empty.jsonl'))).toThrow(/no samples/)
    expect(() => readSamples(config, dir)).toThrow(/a folder, not a data file/)
  })
})

describe('splits and subsamples', () => {
  it('without --test: a stratified 20% split stated with its seed, by label, presence and cohort', () => {
    const {file, config} = setup({n: 300, cohorts: ['a', 'b']})
    const loaded = loadEvaluationData(config, {train: file, seed: 7, task: 'binary'})
    expect(loaded.test.n).toBe(60)
    expect(loaded.train.n).toBe(240)
    expect(loaded.split).toEqual({kind: 'stratified', testShare: 0.2, seed: 7, by: ['label', 'presence pattern', 'cohort']})
    const share = (d: typeof loaded.test, f: (i: number) => boolean) => Array.from({length: d.n}, (_, i) => i).filter(f).length / d.n
    const scanTrain = share(loaded.train, (i) => loaded.train.modalities.scan.present[i] === 1)
    const scanTest = share(loaded.test, (i) => loaded.test.modalities.scan.present[i] === 1)
    expect(Math.abs(scanTrain - scanTest)).toBeLessThan(0.03)
    expect(share(loaded.test, (i) => loaded.test.cohort?.[i] === 'a')).toBeCloseTo(0.5, 1)
    // The same seed, the same split.
    expect(loadEvaluationData(config, {train: file, seed: 7, task: 'binary'}).test.labels).toEqual(loaded.test.labels)
  })

  it('--max-samples: a stratified subsample of each file; skips are counted over the first pass and the decoded lines', () => {
    const {dir, file, config} = setup({n: 400})
    writeFixture(dir, {n: 400, extra: badLines(dir)})
    const loaded = loadEvaluationData(config, {train: file, test: file, maxSamples: 100, seed: 3, task: 'binary'})
    expect(loaded.files.train.samples).toBe(406)
    expect(loaded.files.train.selected).toBe(100)
    // The first pass finds the unparseable lines; the subsample may or may not include the ones only decoding finds.
    expect(loaded.files.train.skipped).toBeGreaterThanOrEqual(3)
    expect(loaded.train.n).toBe(100 - (loaded.files.train.skipped - 3))
    expect(loaded.subsample).toEqual({maxSamples: 100, seed: 3})
    expect(tooManySkips(loaded)).toEqual([])
  })

  it('over 5% of a file skipped is reported as too many', () => {
    const {dir, file, config} = setup()
    writeFixture(dir, {n: 40, extra: badLines(dir)})
    const loaded = loadEvaluationData(config, {train: file, seed: 1, task: 'binary'})
    expect(tooManySkips(loaded).map((f) => f.skipped)).toEqual([6])
  })
})

describe('test sets on the team data', () => {
  it('the deployment mix removes scans at random down to the profile availability; patterns too rare to score are named', () => {
    const {dir, profile, decision, config} = setup()
    const train = writeFixture(dir, {n: 300, file: 'train.jsonl', scanShare: 0.9})
    const test = writeFixture(dir, {n: 400, file: 'test.jsonl', seed: 2, scanShare: 0.95})
    const loaded = loadEvaluationData(config, {train, test, seed: 1, task: 'binary'})
    const sets = realSets(config, loaded, reportPatterns(profile, decision), 1)
    const came = observedAvailability(sets.asCollected).scan
    expect(came).toBeGreaterThan(0.9)
    expect(sets.deploymentAvailability.scan).toBeGreaterThan(0.55)
    expect(sets.deploymentAvailability.scan).toBeLessThan(0.65)
    expect(sets.deploymentAvailability.vitals).toBe(1)
    // Removal only: a sample without a scan never gains one.
    for (let i = 0; i < sets.deployment.n; i++) expect(sets.deployment.modalities.scan.present[i]).toBeLessThanOrEqual(sets.asCollected.modalities.scan.present[i])
    expect(sets.complete.n).toBe(Array.from(sets.asCollected.modalities.scan.present).filter((v) => v === 1).length)
    // vitals alone came with about 5% of 400 test samples: fewer than MIN_PATTERN_TEST_SAMPLES.
    const rare = sets.patternCounts[sets.patternSets.findIndex((s) => s === null)]
    expect(rare).toBeLessThan(MIN_PATTERN_TEST_SAMPLES)
    expect(sets.warnings.join('\n')).toMatch(/Presence pattern vitals \(40% of deployment\): \d+ test samples came with it, fewer than 30: too rare to score/)
  })

  it('a modality rarer in the test data than in deployment stays rarer, and the run says so', () => {
    const {dir, profile, decision, config} = setup()
    const train = writeFixture(dir, {n: 100, file: 'train.jsonl'})
    const test = writeFixture(dir, {n: 200, file: 'test.jsonl', seed: 5, scanShare: 0.3})
    const loaded = loadEvaluationData(config, {train, test, seed: 1, task: 'binary'})
    const sets = realSets(config, loaded, reportPatterns(profile, decision), 1)
    expect(sets.deploymentAvailability.scan).toBeCloseTo(observedAvailability(sets.asCollected).scan, 6)
    expect(sets.notes.join('\n')).toMatch(/scan is present in \d+% of the test samples but in 60% of deployment requests: removing inputs cannot add it/)
  })

  it('presence that goes with the label is called informative', () => {
    const {config, file} = setup({n: 300})
    const loaded = loadEvaluationData(config, {train: file, seed: 1, task: 'binary'})
    const t = loaded.train
    // Make the scan present exactly for the positives.
    const skewed = {...t, modalities: {...t.modalities, scan: {...t.modalities.scan, present: Uint8Array.from(t.labels, (y) => (y === 1 ? 1 : 0))}}}
    expect(informativeNotes(config, skewed).join('\n')).toMatch(/scan's presence goes with the label/)
    expect(informativeNotes(config, t)).toEqual([])
  })
})
