// The team's own data as the source of `fuseplan evaluate --data`: the training set and the test
// sets every candidate is trained and scored on, in place of the simulated world.
//
// - Reading: src/evaluate/read-data.ts (the generated project's loader, bad samples skipped and
//   counted). With --max-samples, a stratified subsample of each file is taken before any image is
//   decoded.
// - Split: the --test file, or a stratified split of the data file (label, presence pattern and
//   cohort), seeded and stated.
// - Test sets: the split as the data came; the same split at the deployment presence mix (present
//   modalities removed at random with the generated project's own deploymentPresence, the function
//   its model selection uses: each modality kept with probability a/t, or a deployment pattern
//   drawn per sample when the profile lists patterns); the samples that carry every modality (the
//   robustness sweep and the full-data score); per presence pattern, the samples that came with it.
// Removal can only add random missingness: whatever the data's own missingness is (informative
// or not) stays as it came, and a modality rarer in the data than in deployment stays rarer.
import {createHash} from 'node:crypto'
import {closeSync, openSync, readSync} from 'node:fs'
import type {TrainingConfig} from '../../templates/project/src/config.js'
import type {Dataset} from '../../templates/project/src/dataset.js'
import {removeWhere, rowsWithPattern, subset} from '../../templates/project/src/data/ops.js'
import {deploymentPresence} from '../../templates/project/src/model/masking.js'
import {presenceOf} from '../../templates/project/src/model/pipeline.js'
import {Rng, deriveSeed} from '../../templates/project/src/random.js'
import type {TaskType} from '../profile/metrics.js'
import {readSamples, scanSamples, type Skips} from './read-data.js'
import {labelStrata, stratifiedSplit, stratifiedSubsample} from './split.js'
import {completeCaseRows, observedAvailability} from './simulate.js'
import type {DataFileSummary} from './types.js'

/** Share of the data file held out for testing when no --test file is given. */
export const TEST_SHARE = 0.2
/** Fewer test samples than this in a presence pattern: too rare to score, and said so. */
export const MIN_PATTERN_TEST_SAMPLES = 30
/** More than this share of a file's samples skipped ends the run (exit 2) unless --allow-skips. */
export const MAX_SKIP_SHARE = 0.05
/** Problems kept in the result per file (all are counted). */
export const PROBLEMS_IN_RESULT = 20

/** What reading one data file gave: the result's `data.files` entry (one type, so the contract and the reader cannot drift). */
export type DataFileReport = DataFileSummary

export interface LoadedData {
  train: Dataset
  test: Dataset
  files: {train: DataFileReport; test: DataFileReport | null}
  split: {kind: 'file' | 'stratified'; testShare: number | null; seed: number | null; by: string[]}
  subsample: {maxSamples: number; seed: number} | null
  /** Every skipped sample's message would be too many to keep; these are all of them up to a bound, per file. */
  skips: {file: string; skips: Skips}[]
}

export interface LoadDataOptions {
  train: string
  test?: string
  maxSamples?: number
  seed: number
  task: TaskType
}

function sha256(file: string): string {
  const hash = createHash('sha256')
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(1 << 20)
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) hash.update(buf.subarray(0, n))
  } finally {
    closeSync(fd)
  }
  return hash.digest('hex')
}

function presenceKey(bits: number, k: number): string {
  return Array.from({length: k}, (_, i) => ((bits >> i) & 1 ? '1' : '0')).join('')
}

/** Stratum of each row: cohort, presence pattern and label (class, or quintile of a regression target). */
function strataOf(task: TaskType, labels: ArrayLike<number>, presence: readonly string[], cohorts: readonly (string | undefined)[]): string[] {
  const ys = labelStrata(task, labels)
  return ys.map((y, i) => `${cohorts[i] ?? ''}|${presence[i]}|${y}`)
}

function datasetStrata(task: TaskType, config: TrainingConfig, data: Dataset): string[] {
  const names = config.modalities.map((m) => m.name)
  const presence = Array.from({length: data.n}, (_, r) => names.map((n) => (data.modalities[n].present[r] ? '1' : '0')).join(''))
  return strataOf(task, data.labels, presence, data.cohort ?? [])
}

/** One file read whole, or a stratified subsample of it (only the chosen lines decoded). */
function readFile(config: TrainingConfig, file: string, opts: LoadDataOptions, role: string): {data: Dataset; report: DataFileReport; skips: Skips} {
  const k = config.modalities.length
  let only: Set<number> | undefined
  let first: Skips | undefined
  let total: number | undefined
  if (opts.maxSamples !== undefined) {
    // First pass: every line parsed and checked, nothing decoded; the second decodes the chosen lines.
    const scan = scanSamples(config, file)
    first = scan.skips
    total = scan.total
    let chosen = scan.lines
    if (scan.lines.length > opts.maxSamples) {
      const strata = strataOf(
        opts.task,
        scan.lines.map((l) => l.label),
        scan.lines.map((l) => presenceKey(l.present, k)),
        scan.lines.map((l) => l.cohort),
      )
      chosen = stratifiedSubsample(strata, opts.maxSamples, deriveSeed(opts.seed, `subsample:${role}`)).map((i) => scan.lines[i])
    }
    only = new Set(chosen.map((l) => l.line))
  }
  const read = readSamples(config, file, only)
  const skips = first ? first.merge(read.skips) : read.skips
  const samples = total ?? read.total
  return {
    data: read.data,
    skips,
    report: {
      file,
      sha256: sha256(file),
      samples,
      selected: only ? only.size : samples,
      used: read.data.n,
      skipped: skips.count,
      reasons: skips.reasons(),
      problems: skips.listed.slice(0, PROBLEMS_IN_RESULT),
    },
  }
}

/** Reads the training file (and the test file, or splits one off) for an evaluation. */
export function loadEvaluationData(config: TrainingConfig, opts: LoadDataOptions): LoadedData {
  const train = readFile(config, opts.train, opts, 'train')
  const subsample = opts.maxSamples !== undefined ? {maxSamples: opts.maxSamples, seed: opts.seed} : null
  const cohorts = train.data.cohort !== undefined
  if (opts.test !== undefined) {
    const test = readFile(config, opts.test, opts, 'test')
    return {
      train: train.data,
      test: test.data,
      files: {train: train.report, test: test.report},
      split: {kind: 'file', testShare: null, seed: null, by: []},
      subsample,
      skips: [
        {file: opts.train, skips: train.skips},
        {file: opts.test, skips: test.skips},
      ],
    }
  }
  const {train: trainRows, test: testRows} = stratifiedSplit(datasetStrata(opts.task, config, train.data), TEST_SHARE, opts.seed)
  return {
    train: subset(train.data, trainRows),
    test: subset(train.data, testRows),
    files: {train: train.report, test: null},
    split: {kind: 'stratified', testShare: TEST_SHARE, seed: opts.seed, by: ['label', 'presence pattern', ...(cohorts ? ['cohort'] : [])]},
    subsample,
    skips: [{file: opts.train, skips: train.skips}],
  }
}

/** Files whose skipped share is over MAX_SKIP_SHARE. */
export function tooManySkips(loaded: LoadedData): DataFileReport[] {
  return [loaded.files.train, loaded.files.test].filter((f): f is DataFileReport => f !== null && f.skipped > MAX_SKIP_SHARE * f.samples)
}

export interface RealSets {
  train: Dataset
  /** The test split as the data came. */
  asCollected: Dataset
  /** The test split at the deployment presence mix. */
  deployment: Dataset
  /** Test samples that carry every modality. */
  complete: Dataset
  /** Per report pattern: the test samples that came with exactly it (null when too rare to score). */
  patternSets: (Dataset | null)[]
  patternCounts: number[]
  /** Presence after the deployment mix was applied, per modality. */
  deploymentAvailability: Record<string, number>
  method: 'availability' | 'patterns'
  warnings: string[]
  notes: string[]
}

function classesIn(labels: ArrayLike<number>): number {
  return new Set(Array.from(labels, (y) => Math.round(y))).size
}

const pct = (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`

/** The training and test sets every seed uses (the split is fixed; seeds vary weights and masks). */
export function realSets(config: TrainingConfig, loaded: LoadedData, patterns: readonly {present: string[]; share: number}[], seed: number): RealSets {
  const names = config.modalities.map((m) => m.name)
  const test = loaded.test
  const all = Uint32Array.from({length: test.n}, (_, i) => i)
  const observed = observedAvailability(test)
  const k = names.length
  const presence = deploymentPresence(
    config,
    presenceOf(config, test, all),
    names.map((n) => observed[n]),
    new Rng(deriveSeed(seed, 'test:deployment')),
  )
  const deployment = removeWhere(test, (r, name) => presence[r * k + names.indexOf(name)] === 0)
  const complete = subset(test, completeCaseRows(test))
  const warnings: string[] = []
  const notes: string[] = []
  const classification = config.task.type !== 'regression'
  const scorable = (d: Dataset) => d.n >= MIN_PATTERN_TEST_SAMPLES && (!classification || classesIn(d.labels) >= 2)
  const patternCounts: number[] = []
  const patternSets = patterns.map((p) => {
    const rows = rowsWithPattern(test, names, p.present)
    patternCounts.push(rows.length)
    const d = subset(test, rows)
    if (scorable(d)) return d
    warnings.push(
      `Presence pattern ${p.present.join(' + ')} (${pct(p.share)} of deployment): ${rows.length} test sample${rows.length === 1 ? '' : 's'} came with it` +
        (rows.length >= MIN_PATTERN_TEST_SAMPLES ? ', all of one class' : `, fewer than ${MIN_PATTERN_TEST_SAMPLES}`) +
        ': too rare to score; its metric is not reported (the deployment mix still covers it).',
    )
    return null
  })
  // Patterns the data has that the profile does not list, and that are too rare to score.
  const listed = new Set(patterns.map((p) => names.filter((n) => p.present.includes(n)).join(',')))
  const seen = new Map<string, number>()
  for (let r = 0; r < test.n; r++) {
    const key = names.filter((n) => test.modalities[n].present[r]).join(',')
    seen.set(key, (seen.get(key) ?? 0) + 1)
  }
  for (const [key, count] of [...seen].sort()) {
    if (listed.has(key) || count >= MIN_PATTERN_TEST_SAMPLES) continue
    warnings.push(
      `Presence pattern ${key.split(',').join(' + ')} (not in the profile): ${count} test sample${count === 1 ? '' : 's'}, fewer than ${MIN_PATTERN_TEST_SAMPLES}: too rare to score on its own.`,
    )
  }
  if (complete.n < MIN_PATTERN_TEST_SAMPLES && names.length > 1) {
    warnings.push(`Only ${complete.n} test samples carry every modality: the full-data score and the robustness sweep rest on them and are noisy.`)
  }
  const reached = observedAvailability(deployment)
  for (const m of config.modalities) {
    // Rarer beyond the test split's sampling noise (two standard errors of a share, at least a point).
    const noise = Math.max(0.01, 2 * Math.sqrt((m.availability * (1 - m.availability)) / Math.max(1, test.n)))
    if (!m.required && m.availability - observed[m.name] > noise) {
      notes.push(
        `${m.name} is present in ${pct(observed[m.name])} of the test samples but in ${pct(m.availability)} of deployment requests: removing inputs cannot add it, so the deployment mix keeps the data's ${pct(observed[m.name])}.`,
      )
    }
  }
  notes.push(...informativeNotes(config, loaded.train))
  return {
    train: loaded.train,
    asCollected: test,
    deployment,
    complete,
    patternSets,
    patternCounts,
    deploymentAvailability: reached,
    method: config.masking.mode === 'patterns' && (config.masking.patterns ?? []).some((p) => p.share > 0) ? 'patterns' : 'availability',
    warnings,
    notes,
  }
}

/**
 * Whether a modality's presence goes with the label in the training data (binary and regression:
 * the mean label where present against where absent, a two-sample z over 3 with the pooled spread). Removal at random
 * cannot undo such a link: the note says so.
 */
export function informativeNotes(config: TrainingConfig, train: Dataset): string[] {
  if (config.task.type === 'multiclass') return []
  const notes: string[] = []
  for (const m of config.modalities) {
    const block = train.modalities[m.name]
    const a: number[] = []
    const b: number[] = []
    for (let i = 0; i < train.n; i++) (block.present[i] ? a : b).push(train.labels[i])
    if (a.length < 10 || b.length < 10) continue
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length
    // The error under no link: the label's spread over all samples, so a perfect split is not a 0/0.
    const all = [...a, ...b]
    const mu = mean(all)
    const sdAll = Math.sqrt(all.reduce((s, v) => s + (v - mu) ** 2, 0) / Math.max(1, all.length - 1))
    const se = sdAll * Math.sqrt(1 / a.length + 1 / b.length)
    const z = se > 0 ? (mean(a) - mean(b)) / se : 0
    if (Math.abs(z) <= 3) continue
    notes.push(
      `${m.name}'s presence goes with the label in the training data (mean label ${mean(a).toFixed(3)} where present, ${mean(b).toFixed(3)} where absent, z = ${z.toFixed(1)}): its missingness looks informative. ` +
        'The deployment mix removes inputs at random on top of it, so the data keeps that link; a model that reads presence may score better here than where absence is random.',
    )
  }
  return notes
}
