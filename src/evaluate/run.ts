// Orchestration of `fuseplan evaluate`: simulate the profile's deployment (or read the team's own
// data), train every candidate with the generated project's model code over several training seeds,
// measure, and judge the recommendation. No CLI code here.
//
// Steps: data source -> training config (as scaffold would ship it, at the simulated sizes or the
// profile's own) -> frame (what the report needs besides training) -> jobs (one per candidate x
// seed, src/evaluate/jobs.ts; independent, so they can run in shards or worker processes) ->
// metrics -> means and spread over seeds -> verdict.
// Data sources: the simulated world (src/evaluate/world.ts, from the profile alone; each seed draws
// its own sets) or the team's data (src/evaluate/real-data.ts: one split for every seed, the test
// split also scored as the data came).
// Measurements per seed:
//   - complete: a deployment-population test set with every modality present;
//   - deployment: a second test set drawn with the deployment presence distribution;
//   - per pattern: the complete test set with only the pattern's modalities kept;
//   - sweep: the complete test set with each swept (optional) modality dropped independently with
//     probability r, for r = 0, 0.1, ..., 1 (same draws for every candidate).
// Tensorflow.js is imported only here, lazily, when training starts.
import {decide} from '../decision/decide.js'
import type {Decision, Strategy} from '../decision/types.js'
import {computeFacts} from '../facts/index.js'
import type {Profile} from '../profile/types.js'
import {buildTrainingConfig} from '../scaffold/training-config.js'
import type {TrainingConfig} from '../../templates/project/src/config.js'
import {subset} from '../../templates/project/src/data/ops.js'
import type {Dataset} from '../../templates/project/src/dataset.js'
import type {AbsentInputs} from '../../templates/project/src/model/index.js'
import {deriveSeed} from '../../templates/project/src/random.js'
import {CANDIDATES, candidateForStrategy, NAIVE_BASELINE, ROBUSTNESS_REFERENCE, type Candidate, type CandidateId} from './candidates.js'
import {chooseMetric, computeMetric, higherIsBetter, METRIC_LABELS, type MetricSpec} from './metrics.js'
import {DEFAULT_MISSING_RATES, effectiveRobustness, relativeRobustness} from './robustness.js'
import {completeCaseRows, imposePattern, meanImpute, observedAvailability, presentMeans, sweepDataset, zeroOffsetSd} from './simulate.js'
import type {EvaluationResult, PatternResult, ProgressEvent, StrategyResult} from './types.js'
import {buildVerdict, empiricalBest, gain, pairedBootstrapSe} from './verdict.js'
import {compareAll, marginFor, overallKind, type Comparison, type PairedSample} from './compare.js'
import {scheduleFor} from '../../templates/project/src/model/masking.js'
import {createSimulatedWorld, SIMULATION_LIMITS, type SimulatedWorld} from './world.js'
import {chooseRates, jobKey, jobsOf, roundTrip, type Frame, type Job, type JobResult, type SeedRun} from './jobs.js'
import {realSets, type LoadedData, type RealSets} from './real-data.js'
import {isTensorflowMissing, TensorflowMissingError} from './tensorflow.js'

export interface EvaluateOptions {
  /** Base seed: fixes the simulated world; training seeds are seed, seed+1, ... */
  seed: number
  /** Number of training seeds (each draws its own training set, test sets, weights and masks). */
  seeds: number
  /**
   * The first training seed (default: seed). A seed's numbers depend on it alone (with one learning
   * rate), so a run from seed + n adds seeds to an earlier run of n without repeating it.
   */
  firstSeed?: number
  /** Training-set size; default: the profile's labelledSamples up to maxTrainingSamples. */
  samples?: number
  /** The cap on simulated training samples (default SIMULATION_LIMITS.maxTrainingSamples); the CLI lowers it to fit its time goals. */
  maxTrainingSamples?: number
  /** Samples in each test set (complete and deployment). */
  testSamples: number
  /** Widest simulated modality, in values (default SIMULATION_LIMITS.maxWidth). */
  maxInputSize?: number
  /**
   * The training schedule is the generated project's (fuseplan.training.yaml as scaffold writes it:
   * epochs, patience, batch size, learning rate, masking warm-up and ramp); these override it, and
   * every override that trains less is listed in the result's reductions.
   */
  epochs?: number
  patience?: number
  batchSize?: number
  /** Learning rates tried for every candidate on the first seed (picked by validation loss); default: the project's one rate. */
  learningRates?: readonly number[]
  /** Equivalence margin (0.01: of AUROC and the other scores; for RMSE/MAE, that share of the label's standard deviation). */
  margin?: number
  candidates: readonly Candidate[]
  missingRates?: readonly number[]
  onProgress?: (event: ProgressEvent) => void
  /** Profile file, recorded in the result. */
  file?: string
  /** Use this decision instead of running the engine (tests). */
  decision?: Decision
  /** Also judge every candidate as if it were the recommendation (the decision benchmark re-judges rule changes without retraining). */
  judgeAll?: boolean
  /** The team's data (read by loadEvaluationData with the config from dataConfig): train and test on it instead of a simulation. */
  data?: LoadedData
}

/**
 * Bumped whenever this file changes the numbers a run produces (seed derivation, what is trained on
 * what): the decision benchmark keys its cached records on it, not on this file's text.
 * @public read from dist/ by bench/evidence/run-profile.js
 */
export const NUMBERS_VERSION = 2

export const DEFAULTS = {
  seed: 7,
  seeds: 3,
  testSamples: 1500,
  maxInputSize: SIMULATION_LIMITS.maxWidth,
}

/** The model code contract of templates/project/src/model/index.ts, as evaluate uses it. */
export interface FusionModelLike {
  fit(
    train: Dataset,
    opts: {epochs: number; batchSize: number; learningRate?: number; seed: number; patience?: number; onEpoch?: (epoch: number, ...rest: unknown[]) => void},
  ): Promise<{valLoss?: number[]; loss?: number[]; bestEpoch?: number} | unknown>
  predict(data: Dataset): Promise<Float32Array>
  dispose(): void
}
export interface ModelCode {
  createModel(config: TrainingConfig, opts: {strategy?: Strategy; absentInputs?: AbsentInputs; seed?: number}): FusionModelLike | Promise<FusionModelLike>
  backend: string
}

/** Loads tfjs, picks its backend and the generated project's model code (the only tfjs import of evaluate). */
export async function loadModelCode(): Promise<ModelCode> {
  const {initBackend} = await import('../../templates/project/src/backend.js')
  const backend = await initBackend({quiet: true}).catch((error: unknown) => {
    throw isTensorflowMissing(error) ? new TensorflowMissingError() : error
  })
  const model = await import('../../templates/project/src/model/index.js')
  return {createModel: model.createModel as unknown as ModelCode['createModel'], backend}
}

/**
 * The training config a simulated run trains with: scaffold's, built from the profile with the
 * inputs at the world's simulated shapes (the encoders follow them).
 * @public read from dist/ by bench/evidence/run-profile.js (its record key)
 */
export function simulationConfig(profile: Profile, decision: Decision, world: Pick<SimulatedWorld, 'modalities'>): TrainingConfig {
  return buildTrainingConfig(profile, decision, {inputShapes: world.modalities.map((m) => m.shape)}) as TrainingConfig
}

/** Deployment presence patterns to report: the decision's evaluation plan, else the facts' own (share >= 1%). */
export function reportPatterns(profile: Profile, decision: Decision): {present: string[]; share: number}[] {
  const planned = decision.evaluation?.patterns ?? []
  const patterns = planned.length > 0 ? planned : computeFacts(profile).presencePatterns
  return patterns.filter((p) => p.present.length > 0).map((p) => ({present: [...p.present], share: p.share}))
}

function round(v: number, digits = 4): number {
  if (!Number.isFinite(v)) return v
  const f = 10 ** digits
  return Math.round(v * f) / f
}

interface SeedData {
  seed: number
  train: Dataset
  complete: Dataset
  deployment: Dataset
  /** The test split as the data came (the team's data only). */
  asCollected: Dataset | null
  ccRows: number[]
  sweepSets: Dataset[]
  /** Per report pattern (null: too rare in the team's test data to score). */
  patternSets: (Dataset | null)[]
}

/** Where the training and test sets come from. */
type Source = {kind: 'simulation'; world: SimulatedWorld} | {kind: 'data'; loaded: LoadedData; sets: RealSets}

const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, v) => a + v, 0) / xs.length)
const sd = (xs: readonly number[]) => {
  if (xs.length < 2) return 0
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1))
}

/** Everything fixed before training: the data source, the shipped config, what is measured. */
interface EvaluationPlan {
  decision: Decision
  spec: MetricSpec
  higher: boolean
  notes: string[]
  source: Source
  base: TrainingConfig
  names: string[]
  /** Modalities the robustness sweep drops, the rates, and the modality a sample always keeps. */
  swept: string[]
  kept: string[]
  rates: number[]
  anchor: string
  patterns: {present: string[]; share: number}[]
  optional: string[]
  seeds: number[]
  schedule: {epochs: number; patience: number | null; batchSize: number; warmupEpochs: number; rampEpochs: number}
  grid: number[]
  /** The equivalence margin in the metric's units. */
  margin: number
  candidates: readonly Candidate[]
}

/** A run ready to train: its plan, its frame, and the data of the seed in use. */
export interface PreparedEvaluation {
  plan: EvaluationPlan
  frame: Frame
  /** Seed data, kept for the seed in use and the first seed (the frame and the sweep need it). */
  data(seed: number): SeedData
}

export async function runEvaluation(profile: Profile, options: EvaluateOptions, code?: ModelCode): Promise<EvaluationResult> {
  const progress = options.onProgress ?? (() => {})
  progress({kind: 'setup', message: options.data ? 'preparing the data' : 'building the simulated deployment'})
  const prepared = prepareEvaluation(profile, options)
  const modelCode = code ?? (await loadModelCode())
  const results = await runJobs(prepared, modelCode, progress)
  return finishEvaluation(prepared.frame, results, modelCode.backend)
}

/**
 * Trains the given jobs (default: all of the run, the learning rate chosen on the first seed
 * before the other seeds train) one after another, each result as it comes back from the encoding.
 */
export async function runJobs(prepared: PreparedEvaluation, modelCode: ModelCode, progress: (e: ProgressEvent) => void, only?: readonly Job[]): Promise<JobResult[]> {
  const {frame} = prepared
  const results: JobResult[] = []
  if (only) {
    for (const [i, job] of only.entries()) results.push(roundTrip(await runJob(prepared, job, modelCode, progress, i, only.length)))
    return results
  }
  const total = jobsOf(frame).length
  const first = jobsOf(frame).filter((j) => j.seed === frame.seeds[0])
  for (const job of first) results.push(roundTrip(await runJob(prepared, job, modelCode, progress, results.length, total)))
  const rest = jobsOf(frame, chooseRates(frame, results)).filter((j) => j.seed !== frame.seeds[0])
  for (const job of rest) results.push(roundTrip(await runJob(prepared, job, modelCode, progress, results.length, total)))
  return results
}

/** The plan and the frame of a run: the data source, the shipped config, the seeds, the first seed's data. */
export function prepareEvaluation(profile: Profile, options: EvaluateOptions): PreparedEvaluation {
  const plan = planEvaluation(profile, options)
  const cache = new Map<number, SeedData>()
  const data = (seed: number): SeedData => {
    let d = cache.get(seed)
    if (!d) {
      // Keep the first seed's data (sweep and patterns) and the one in use.
      for (const k of cache.keys()) if (k !== plan.seeds[0]) cache.delete(k)
      d = seedData(plan, options.testSamples, seed)
      cache.set(seed, d)
    }
    return d
  }
  const firstData = data(plan.seeds[0])
  const frame = roundTrip(buildFrame(profile, options, plan, firstData))
  return {plan, frame, data}
}

/** Data source and the config scaffold would ship for it. */
function sourceAndConfig(profile: Profile, options: EvaluateOptions, decision: Decision): {source: Source; base: TrainingConfig} {
  if (options.data) {
    const base = dataConfig(profile, decision)
    const patterns = reportPatterns(profile, decision)
    return {source: {kind: 'data', loaded: options.data, sets: realSets(base, options.data, patterns, options.seed)}, base}
  }
  const world = createSimulatedWorld(profile, {seed: options.seed, trainingSamples: options.samples, maxTrainingSamples: options.maxTrainingSamples, maxWidth: options.maxInputSize})
  return {source: {kind: 'simulation', world}, base: simulationConfig(profile, decision, world)}
}

/** The training config a run on the team's data trains with: scaffold's, at the profile's own sizes (what `npm run train` reads). */
export function dataConfig(profile: Profile, decision: Decision): TrainingConfig {
  return buildTrainingConfig(profile, decision) as TrainingConfig
}

/** Plan: the data source, the config scaffold would ship, the seeds and what is measured. */
function planEvaluation(profile: Profile, options: EvaluateOptions): EvaluationPlan {
  const decision = options.decision ?? decide(profile)
  const notes: string[] = []
  const {metric, note} = chooseMetric(profile.task.type, profile.task.metric)
  if (note) notes.push(note)
  const spec: MetricSpec = {metric, task: profile.task.type, classes: profile.task.type === 'multiclass' ? (profile.task.classes ?? 2) : 2}
  const {source, base} = sourceAndConfig(profile, options, decision)
  if (source.kind === 'data') notes.push(...source.sets.notes)
  const names = base.modalities.map((m) => m.name)
  const sweepPlan = decision.evaluation?.robustnessSweep
  let swept = (sweepPlan?.modalities?.length ? sweepPlan.modalities : base.modalities.filter((m) => !m.required).map((m) => m.name)).filter(
    (n) => names.includes(n) && !base.modalities.find((m) => m.name === n)?.required,
  )
  // A single modality can never be absent: there is nothing to sweep.
  if (names.length === 1) swept = []
  // The plan's rates stop short of 1; the areas are taken over [0, 1] as in MultiBench.
  const rates = [...(options.missingRates ?? DEFAULT_MISSING_RATES)].sort((a, b) => a - b)
  if (rates[0] !== 0) rates.unshift(0)
  return {
    decision,
    spec,
    higher: higherIsBetter(metric),
    notes,
    source,
    base,
    names,
    swept,
    kept: names.filter((n) => !swept.includes(n)),
    rates,
    anchor: [...base.modalities].sort((a, b) => Number(b.required) - Number(a.required) || b.availability - a.availability)[0].name,
    patterns: reportPatterns(profile, decision),
    optional: base.modalities.filter((m) => !m.required && m.availability < 1).map((m) => m.name),
    seeds: Array.from({length: Math.max(1, options.seeds)}, (_, i) => (options.firstSeed ?? options.seed) + i),
    schedule: trainingSchedule(base, options),
    grid: options.learningRates && options.learningRates.length > 0 ? [...options.learningRates] : [base.training.learningRate],
    margin: marginFor(metric, labelSd(source), options.margin),
    candidates: options.candidates,
  }
}

/**
 * The schedule every candidate trains with: the generated project's (its epoch budget, patience,
 * batch size, and the masking plan's warm-up and ramp, scaled as the project scales them to a
 * shorter run), less the options' overrides.
 */
export function trainingSchedule(base: TrainingConfig, options: Pick<EvaluateOptions, 'epochs' | 'patience' | 'batchSize'>): EvaluationPlan['schedule'] {
  const epochs = options.epochs ?? base.training.epochs
  const {warmup, ramp} = scheduleFor(base, epochs)
  return {epochs, patience: options.patience ?? base.training.patience ?? null, batchSize: options.batchSize ?? base.training.batchSize, warmupEpochs: warmup, rampEpochs: ramp}
}

/** Standard deviation of the label (the unit of the RMSE/MAE margin): 1 for classification. */
function labelSd(source: Source): number {
  if (source.kind === 'data') return sd(Array.from(source.sets.train.labels)) || 1
  const probe = source.world.sample(2000, {population: 'deployment', seed: deriveSeed(0, 'label-sd')})
  return sd(Array.from(probe.labels)) || 1
}

/** One seed's training set and test sets; the sweep and pattern sets on the first seed only. */
function seedData(plan: EvaluationPlan, testSamples: number, seed: number): SeedData {
  const {names, rates, swept, anchor, patterns, source} = plan
  const first = seed === plan.seeds[0]
  if (source.kind === 'data') {
    // The team's data: one split for every seed (the seeds vary weights, masks and batches).
    const {sets} = source
    return {
      seed,
      train: sets.train,
      complete: sets.complete,
      deployment: sets.deployment,
      asCollected: sets.asCollected,
      ccRows: completeCaseRows(sets.train),
      sweepSets: first ? rates.map((r) => sweepDataset(sets.complete, r, swept, anchor, deriveSeed(seed, 'sweep'))) : [],
      patternSets: first ? sets.patternSets : [],
    }
  }
  const {world} = source
  const train = world.sample(world.trainingSamples, {population: 'training', seed: deriveSeed(seed, 'train')})
  const allPresent = Object.fromEntries(names.map((n) => [n, 1]))
  const complete = world.sample(testSamples, {population: 'deployment', seed: deriveSeed(seed, 'test:complete'), presence: allPresent})
  const deployment = world.sample(testSamples, {population: 'deployment', seed: deriveSeed(seed, 'test:deployment')})
  return {
    seed,
    train,
    complete,
    deployment,
    asCollected: null,
    ccRows: completeCaseRows(train),
    sweepSets: first ? rates.map((r) => sweepDataset(complete, r, swept, anchor, deriveSeed(seed, 'sweep'))) : [],
    patternSets: first ? patterns.map((p) => imposePattern(complete, p.present)) : [],
  }
}

/** Train and measure one job: one candidate on one seed at one learning rate. */
export async function runJob(prepared: PreparedEvaluation, job: Job, modelCode: ModelCode, progress: (e: ProgressEvent) => void, index: number, total: number): Promise<JobResult> {
  const {plan} = prepared
  const {spec, base, rates, patterns, optional} = plan
  const {epochs, batchSize, patience} = plan.schedule
  const cand = CANDIDATES.find((c) => c.id === job.candidate) as Candidate
  const data = prepared.data(job.seed)
  const learningRate = job.learningRate
  progress({kind: 'candidate', index, total, id: cand.id, label: cand.label, epochs, seed: data.seed})
  const trainSet = cand.completeCasesOnly ? subset(data.train, data.ccRows) : data.train
  const measured = {...job, deploymentLabels: data.deployment.labels, completeCases: data.ccRows.length}
  if (trainSet.n === 0) {
    progress({kind: 'done', index, total, id: cand.id})
    return {
      ...measured,
      valLoss: Number.NaN,
      run: {
        deploymentScores: null,
        complete: Number.NaN,
        deployment: Number.NaN,
        asCollected: Number.NaN,
        sweep: rates.map(() => Number.NaN),
        patterns: patterns.map(() => Number.NaN),
        trainingSamples: 0,
        epochs: {kept: 0, ran: 0},
      },
    }
  }
  const config: TrainingConfig = {...base, strategy: cand.strategy}
  // On the team's data a seed is the project's `training.seed`: seed N trains what `npm run train`
  // trains with seed N, so a team can rerun any seed of the report in its project. Simulated runs keep
  // one stream per candidate (there is no project run to match, and the evidence records use them).
  const projectSeeds = plan.source.kind === 'data'
  const model = await modelCode.createModel(config, {strategy: cand.strategy, absentInputs: cand.absentInputs, seed: projectSeeds ? data.seed : deriveSeed(data.seed, `init:${cand.id}`)})
  try {
    let epoch = 0
    const fit = (await model.fit(trainSet, {
      epochs,
      batchSize,
      learningRate,
      seed: projectSeeds ? data.seed : deriveSeed(data.seed, `fit:${cand.id}`),
      ...(patience !== null ? {patience} : {}),
      onEpoch: () => {
        epoch++
        progress({kind: 'epoch', index, total, id: cand.id, epoch, epochs})
      },
    })) as {valLoss?: number[]; loss?: number[]; bestEpoch?: number} | undefined
    const valLoss = fit?.valLoss && fit.valLoss.length > 0 ? Math.min(...fit.valLoss) : Number.NaN
    progress({kind: 'evaluating', index, total, id: cand.id})
    const score = async (d: Dataset) => computeMetric(spec, d.labels, await model.predict(d))
    const depScores = await model.predict(data.deployment)
    const run: SeedRun = {
      deploymentScores: depScores,
      deployment: computeMetric(spec, data.deployment.labels, depScores),
      complete: Number.NaN,
      asCollected: data.asCollected ? await score(data.asCollected) : Number.NaN,
      sweep: [],
      patterns: [],
      trainingSamples: trainSet.n,
      epochs: {kept: (fit?.bestEpoch ?? epoch - 1) + 1, ran: fit?.loss?.length ?? epoch},
    }
    // The sweep and the patterns on the first seed only (they describe robustness, not the verdict).
    if (data.sweepSets.length > 0) {
      for (const d of data.sweepSets) run.sweep.push(await score(d))
      run.complete = run.sweep[0]
      for (const d of data.patternSets) run.patterns.push(d ? await score(d) : Number.NaN)
    } else {
      run.complete = await score(data.complete)
    }
    if (cand.id === NAIVE_BASELINE && optional.length > 0) {
      // The same model with absent inputs mean-imputed (training means of the rows it saw)
      // instead of zero-filled: what zero-fill itself costs on this profile.
      run.zeroFillCheck = {zeroFilled: run.deployment, meanImputed: await score(meanImpute(data.deployment, presentMeans(trainSet)))}
    }
    progress({kind: 'done', index, total, id: cand.id})
    return {...measured, valLoss, run}
  } finally {
    model.dispose()
  }
}

/** Why a set of job results cannot make a report (missing or duplicate jobs); null when it can. */
export function missingJobs(frame: Frame, results: readonly JobResult[]): string | null {
  const have = new Map<string, number>()
  for (const r of results) have.set(jobKey(r), (have.get(jobKey(r)) ?? 0) + 1)
  const twice = [...have].filter(([, n]) => n > 1).map(([k]) => k)
  if (twice.length > 0) return `jobs given more than once: ${twice.join(', ')}`
  const chosen = chooseRates(frame, results)
  const missing = jobsOf(frame, chosen).filter((j) => !have.has(jobKey(j)))
  if (missing.length > 0) return `${missing.length} job${missing.length === 1 ? '' : 's'} missing: ${missing.map(jobKey).slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}`
  return null
}

/** The report from the frame and every job's result (in any order): the same whether they ran here, in workers or in shards. */
export function finishEvaluation(frame: Frame, results: readonly JobResult[], backend: string): EvaluationResult {
  const problem = missingJobs(frame, results)
  if (problem) throw new Error(`cannot finish the evaluation: ${problem}`)
  const chosenRate = chooseRates(frame, results)
  const runs = new Map<string, SeedRun[]>()
  const deploymentLabels: Float32Array[] = []
  const completeCases: number[] = []
  frame.seeds.forEach((seed, s) => {
    for (const id of frame.candidates) {
      const lr = s === 0 ? chosenRate.get(id) : (chosenRate.get(id) ?? frame.grid[0])
      const r = results.find((x) => x.candidate === id && x.seed === seed && x.learningRate === lr) as JobResult
      const list = runs.get(id) ?? []
      list.push(r.run)
      runs.set(id, list)
      deploymentLabels[s] ??= r.deploymentLabels
      completeCases[s] ??= r.completeCases
    }
  })
  const notes = [...frame.notes]
  const candidates = frame.candidates.map((id) => CANDIDATES.find((c) => c.id === id) as Candidate)
  const results_ = summariseRuns(frame, notes, candidates, runs, chosenRate)
  const judged = judge(frame, results_, runs, deploymentLabels)
  return {
    tool: 'fuseplan evaluate',
    profile: frame.profile,
    recommended: frame.recommended,
    recommendedCandidate: judged.recommendedCandidate,
    empiricalBest: {strategy: judged.best.strategy, variant: judged.best.variant, id: judged.best.id, deployment: judged.best.metrics.deployment},
    verdict: judged.verdict,
    metric: {name: frame.spec.metric, label: METRIC_LABELS[frame.spec.metric], higherIsBetter: frame.higherIsBetter},
    strategies: results_,
    sweep: frame.sweep,
    simulation: withBackend({...frame.simulation, completeCaseTrainingSamples: Math.round(mean(completeCases))}, backend),
    notes,
    ...(frame.data ? {data: frame.data} : {}),
    ...(judged.alternatives ? {alternatives: judged.alternatives} : {}),
    ...(judged.pairVariances ? {pairVariances: judged.pairVariances} : {}),
  }
}

/** The run's description with the backend, keys in the order of the JSON contract. */
function withBackend(sim: Frame['simulation'], backend: string): EvaluationResult['simulation'] {
  const {seed, seeds, trainingSamples, labelledSamples, trainingSamplesCap, learningRates, testSamples, schedule, reductions, modalities, completeCaseTrainingSamples, zeroFill, truth, description} =
    sim
  return {
    seed,
    seeds,
    trainingSamples,
    labelledSamples,
    trainingSamplesCap,
    learningRates,
    testSamples,
    schedule,
    reductions,
    backend,
    modalities,
    completeCaseTrainingSamples,
    zeroFill,
    truth,
    description,
  }
}

/** Everything the report needs that does not come from training. */
function buildFrame(profile: Profile, options: EvaluateOptions, plan: EvaluationPlan, firstData: SeedData): Frame {
  const zeroFill = zeroFillOffsets(plan, firstData)
  const sets = plan.source.kind === 'data' ? plan.source.sets : null
  return {
    profile: {name: profile.name, ...(options.file ? {file: options.file} : {})},
    recommended: plan.decision.strategy,
    noStrategyReason: plan.decision.noStrategyReason ?? null,
    spec: plan.spec,
    higherIsBetter: plan.higher,
    margin: plan.margin,
    seeds: plan.seeds,
    rates: plan.rates,
    patterns: plan.patterns,
    patternSamples: sets ? sets.patternCounts : null,
    optional: plan.optional,
    informative: plan.base.modalities.filter((m) => m.missingness === 'informative' && !m.required && m.availability < 1).map((m) => m.name),
    candidates: plan.candidates.map((c) => c.id),
    grid: plan.grid,
    notes: plan.notes,
    sweep: describeSweep(plan),
    simulation: describeSimulation(profile, options, plan, firstData, zeroFill),
    data: plan.source.kind === 'data' ? describeData(plan, plan.source.loaded, plan.source.sets) : null,
    zeroFill,
    judgeAll: options.judgeAll === true,
  }
}

/** Measure: each candidate's means and spread over seeds, its sweep, patterns and robustness. */
function summariseRuns(frame: Frame, notes: string[], candidates: readonly Candidate[], runs: Map<string, SeedRun[]>, chosenRate: Map<CandidateId, number>): StrategyResult[] {
  const {rates, patterns, higherIsBetter: higher} = frame
  const onData = frame.data !== null
  const results: StrategyResult[] = candidates.map((cand) => {
    const list = runs.get(cand.id) as SeedRun[]
    const dep = list.map((r) => r.deployment)
    const comp = list.map((r) => r.complete)
    const asCollected = list.map((r) => r.asCollected)
    const sweep = list[0].sweep
    const trainedAll = list.every((r) => r.trainingSamples > 0)
    return {
      id: cand.id,
      strategy: cand.strategy,
      variant: cand.variant,
      label: cand.label,
      recommended: false,
      trainingSamples: Math.round(mean(list.map((r) => r.trainingSamples))),
      learningRate: chosenRate.get(cand.id) as number,
      epochs: list.map((r) => r.epochs),
      seeds: {deployment: dep.map((v) => round(v)), complete: comp.map((v) => round(v)), ...(onData ? {asCollected: asCollected.map((v) => round(v))} : {})},
      spread: trainedAll ? round(sd(dep)) : Number.NaN,
      metrics: {complete: round(mean(comp)), deployment: round(mean(dep)), ...(onData ? {asCollected: round(mean(asCollected))} : {})},
      relativeRobustness: round(relativeRobustness(rates, sweep)),
      effectiveRobustness: null,
      patterns: patterns.map((p, i): PatternResult => ({
        present: p.present,
        share: round(p.share),
        metric: round(list[0].patterns[i]),
        ...(frame.patternSamples ? {samples: frame.patternSamples[i]} : {}),
      })),
      sweep: sweep.map((v) => round(v)),
    }
  })
  for (const r of results.filter((r) => Number.isNaN(r.metrics.deployment))) notes.push(`${r.label}: no training sample carries every modality, so it could not be trained; its metrics are n/a.`)

  // Effective robustness against late fusion (needs the late curve).
  const late = results.find((r) => r.id === ROBUSTNESS_REFERENCE)
  if (late && late.sweep.every((v) => !Number.isNaN(v))) {
    for (const r of results) {
      if (r.sweep.some((v) => Number.isNaN(v))) continue
      r.effectiveRobustness = round(effectiveRobustness(rates, r.sweep, late.sweep, higher))
    }
  } else if (!late) {
    notes.push('Effective robustness is measured against late fusion, which was not among the candidates; it is reported as null.')
  }
  const recommendedCandidate = candidateForStrategy(frame.recommended)
  for (const r of results) r.recommended = r.id === recommendedCandidate
  return results
}

/** Judge: the verdict on the recommendation (and, for the decision benchmark, on every candidate). */
function judge(frame: Frame, results: StrategyResult[], runs: Map<string, SeedRun[]>, deploymentLabels: Float32Array[]) {
  const {spec, seeds, optional, margin, zeroFill, informative} = frame
  const judgeAll = frame.judgeAll
  const recommendedCandidate = candidateForStrategy(frame.recommended)
  const trained = results.filter((r) => !Number.isNaN(r.metrics.deployment))
  const pool = trained.length > 0 ? trained : results
  const best = empiricalBest(spec, pool)
  const zeroChecks = (runs.get(NAIVE_BASELINE) ?? []).map((r) => r.zeroFillCheck).filter((c): c is {zeroFilled: number; meanImputed: number} => c !== undefined)
  const zeroFillCheck = zeroChecks.length > 0 ? {zeroFilled: round(mean(zeroChecks.map((c) => c.zeroFilled))), meanImputed: round(mean(zeroChecks.map((c) => c.meanImputed)))} : null

  // Paired bootstrap variances of one seed's test set, per pair of candidates (symmetric, computed once).
  const bootCache = new Map<string, number>()
  const bootVar = (a: string, b: string, s: number): number | null => {
    const key = [a, b].sort().join('|') + `|${s}`
    if (!bootCache.has(key)) {
      const ra = runs.get(a)?.[s]?.deploymentScores
      const rb = runs.get(b)?.[s]?.deploymentScores
      const se = ra && rb ? pairedBootstrapSe(spec, deploymentLabels[s], ra, rb, seeds[s]) : Number.NaN
      bootCache.set(key, se * se)
    }
    const v = bootCache.get(key) as number
    return Number.isNaN(v) ? null : v
  }
  /** `id` against every other trained candidate, over the seeds. */
  const comparisonsOf = (id: string): Comparison[] => {
    const rec = trained.find((r) => r.id === id)
    if (!rec) return []
    const samples: PairedSample[] = trained
      .filter((r) => r.id !== id)
      .map((other) => ({
        against: other.id,
        diffs: seeds.map((_, s) => gain(spec, rec.seeds.deployment[s], other.seeds.deployment[s])),
        bootstrapVariances: seeds.map((_, s) => bootVar(id, other.id, s)).filter((v): v is number => v !== null),
      }))
    return compareAll(samples, margin).map((c) => ({
      ...c,
      gap: round(c.gap),
      standardError: c.standardError === null ? null : round(c.standardError),
      interval: c.interval ? [round(c.interval[0]), round(c.interval[1])] : null,
    }))
  }
  const rec = results.find((r) => r.id === recommendedCandidate)
  const perSeed: EvaluationResult['verdict']['perSeed'] = seeds.map((seed, s) => {
    const seedBest = empiricalBest(
      spec,
      pool.map((r) => ({...r, metrics: {...r.metrics, deployment: r.seeds.deployment[s]}})),
    )
    const gap = rec ? gain(spec, seedBest.seeds.deployment[s], rec.seeds.deployment[s]) : Number.NaN
    return {seed, best: seedBest.id, gap: Number.isNaN(gap) ? null : round(gap)}
  })
  const verdict = buildVerdict({
    spec,
    results: pool,
    recommended: frame.recommended,
    recommendedCandidate,
    comparisons: recommendedCandidate ? comparisonsOf(recommendedCandidate) : [],
    margin,
    seeds: seeds.length,
    perSeed,
    zeroFill,
    zeroFillCheck,
    optional,
    ...(frame.noStrategyReason !== null ? {noRecommendationReason: frame.noStrategyReason} : {}),
    informative,
    ...(frame.data ? {evidence: 'data' as const} : {}),
  })
  const alternatives = judgeAll
    ? Object.fromEntries(
        trained.map((r) => {
          const comparisons = comparisonsOf(r.id)
          return [r.id, {kind: seeds.length > 1 ? overallKind(comparisons) : 'inconclusive', comparisons}]
        }),
      )
    : undefined
  // With judgeAll, every pair's per-seed bootstrap variance: what the decision benchmark needs to judge any choice again.
  const pairVariances = judgeAll ? Object.fromEntries(trained.flatMap((a, i) => trained.slice(i + 1).map((b) => [`${a.id}|${b.id}`, seeds.map((_, s) => bootVar(a.id, b.id, s))]))) : undefined
  return {recommendedCandidate, best, verdict, alternatives, pairVariances}
}

/** How far zero lies from each modality's training mean, in SDs: what zero-fill pretends is a value. */
function zeroFillOffsets(plan: EvaluationPlan, firstData: SeedData) {
  return plan.names.map((name) => ({name, zeroOffsetSd: round(zeroOffsetSd(firstData.train, name), 2)}))
}

function describeSweep({swept, kept, rates, anchor, spec, source}: EvaluationPlan): EvaluationResult['sweep'] {
  const onData = source.kind === 'data' ? ` (on the data: the ${source.sets.complete.n} test samples that came with every modality)` : ''
  return {
    missingRates: rates,
    modalities: swept,
    kept,
    description:
      `At missing rate r each of ${swept.length > 0 ? swept.join(', ') : '(no modality)'} is dropped from every complete test sample${onData} with probability r, independently` +
      (kept.length > 0 ? `; ${kept.join(', ')} ${kept.length === 1 ? 'is' : 'are'} always kept` : `; a sample left with nothing keeps ${anchor}`) +
      '. Relative robustness is the trapezoid area under the metric-vs-rate curve over [0, 1]; effective robustness is the area of the gap to the late-fusion curve shifted to the same clean metric (sign-flipped for error metrics).' +
      (spec.metric === 'auroc' || spec.metric === 'auprc'
        ? ' A curve can dip at middle rates and recover at r = 1: there the test set mixes presence patterns and a ranking metric pools the scores across them, so a model whose scores are not comparable between patterns loses more than on any single pattern.'
        : ''),
  }
}

function describeSimulation(profile: Profile, options: EvaluateOptions, plan: EvaluationPlan, firstData: SeedData, zeroFill: Frame['zeroFill']): Frame['simulation'] {
  const {base, seeds, grid, schedule, source} = plan
  const trainAvail = observedAvailability(firstData.train)
  const deployAvail = observedAvailability(firstData.deployment)
  const common = {
    seed: options.seed,
    seeds,
    labelledSamples: profile.task.labelledSamples,
    learningRates: grid,
    schedule,
    reductions: reductions(profile, options, plan),
    completeCaseTrainingSamples: firstData.ccRows.length,
    zeroFill,
  }
  if (source.kind === 'data') {
    const {loaded, sets} = source
    return {
      ...common,
      trainingSamples: sets.train.n,
      trainingSamplesCap: loaded.subsample ? loaded.subsample.maxSamples : null,
      testSamples: sets.asCollected.n,
      modalities: base.modalities.map((m) => ({
        name: m.name,
        inputSize: m.inputSize,
        shape: [...m.inputShape],
        scaledFrom: null,
        availability: m.availability,
        trainingAvailability: m.trainingAvailability,
        simulatedTrainingAvailability: round(trainAvail[m.name]),
        simulatedDeploymentAvailability: round(deployAvail[m.name]),
      })),
      truth: null,
      description: dataDescription(profile, plan, loaded, sets),
    }
  }
  const {world} = source
  const scaled = world.modalities.filter((m) => m.size !== m.profileSize)
  const cap = world.cap
  return {
    ...common,
    trainingSamples: world.trainingSamples,
    trainingSamplesCap: cap,
    testSamples: options.testSamples,
    modalities: base.modalities.map((m, i) => ({
      name: m.name,
      inputSize: m.inputSize,
      shape: [...m.inputShape],
      scaledFrom: world.modalities[i].size !== world.modalities[i].profileSize ? world.modalities[i].profileSize : null,
      availability: m.availability,
      trainingAvailability: m.trainingAvailability,
      simulatedTrainingAvailability: round(trainAvail[m.name]),
      simulatedDeploymentAvailability: round(deployAvail[m.name]),
    })),
    truth: world.truth,
    description:
      `Data simulated from the profile alone (never from the rules): ${world.trainingSamples} training samples ` +
      (world.capped
        ? `(the profile's ${profile.task.labelledSamples} labelled samples, capped at ${cap} for time; --samples N simulates more) `
        : options.samples !== undefined
          ? '(set by --samples) '
          : "(the profile's labelled samples) ") +
      `from its cohorts, ${options.testSamples} test samples each for full data and for the deployment presence mix, ${seeds.length} training seed${seeds.length === 1 ? '' : 's'}; ` +
      (scaled.length > 0
        ? `inputs shrunk by one common factor so their ratios survive (${scaled.map((m) => `${m.name} ${m.profileSize} -> ${m.size}`).join(', ')}).`
        : "inputs at the profile's sizes."),
  }
}

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`

/** How the deployment mix was made from the test split, in words. */
function deploymentMixText(plan: EvaluationPlan, sets: RealSets): string {
  const observed = observedAvailability(sets.asCollected)
  const optional = plan.base.modalities.filter((m) => !m.required)
  const how =
    sets.method === 'patterns'
      ? "each test sample gets a deployment presence pattern drawn from the profile's pattern shares and keeps only the modalities of it that it has"
      : `each present optional modality is kept with probability a/t, its deployment availability over its share in the test split (${optional.map((m) => `${m.name} ${pct(m.availability)} of ${pct(observed[m.name])}`).join(', ') || 'none'})`
  return (
    `Deployment mix: ${how}, with the generated project's own deploymentPresence (the draw its model selection uses), seeded once, the same for every candidate and seed; ` +
    `present shares after removal: ${plan.names.map((n) => `${n} ${pct(sets.deploymentAvailability[n])}`).join(', ')}. ` +
    'Removal can only add random missingness: the data’s own missingness, informative or not, stays as it came, and a modality rarer in the data than in deployment stays rarer.'
  )
}

function dataDescription(profile: Profile, plan: EvaluationPlan, loaded: LoadedData, sets: RealSets): string {
  const {train, test} = loaded.files
  const skipped = (f: {skipped: number}) => (f.skipped > 0 ? `, ${f.skipped} skipped` : '')
  const sub = loaded.subsample ? ` (a stratified subsample of at most ${loaded.subsample.maxSamples} per file, seed ${loaded.subsample.seed})` : ''
  const testText = test
    ? `${sets.asCollected.n} test samples from ${test.file}${skipped(test)}`
    : `a test split of ${sets.asCollected.n} samples cut from it (stratified by ${loaded.split.by.join(', ')}, ${pct(loaded.split.testShare ?? 0)}, seed ${loaded.split.seed})`
  return (
    `The team's data, not a simulation: ${sets.train.n} training samples from ${train.file}${skipped(train)}${sub}, ${testText}; ` +
    `${plan.seeds.length} training seed${plan.seeds.length === 1 ? '' : 's'}, every one on the same split; inputs at the profile's sizes (what npm run train reads). ` +
    `The test split is scored as the data came and at the deployment presence mix. ${deploymentMixText(plan, sets)}` +
    (profile.task.labelledSamples !== sets.train.n + (test ? 0 : sets.asCollected.n)
      ? ` The profile says ${profile.task.labelledSamples} labelled samples; the recommendation was made for that number.`
      : '')
  )
}

function describeData(plan: EvaluationPlan, loaded: LoadedData, sets: RealSets): NonNullable<EvaluationResult['data']> {
  const file = (f: LoadedData['files']['train']) => ({...f, reasons: f.reasons.map((r) => ({...r})), problems: f.problems.map((p) => ({...p}))})
  return {
    train: file(loaded.files.train),
    test: loaded.files.test ? file(loaded.files.test) : null,
    split: {...loaded.split, trainingSamples: sets.train.n, testSamples: sets.asCollected.n},
    subsample: loaded.subsample,
    scoring: {
      asCollected: {samples: sets.asCollected.n, availability: roundAll(observedAvailability(sets.asCollected))},
      deployment: {samples: sets.deployment.n, method: sets.method, availability: roundAll(sets.deploymentAvailability), description: deploymentMixText(plan, sets)},
      complete: {samples: sets.complete.n},
    },
    warnings: sets.warnings,
  }
}

function roundAll(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v)]))
}

/** What this run trains with less than the generated project ships, each with the project's value. */
function reductions(profile: Profile, options: EvaluateOptions, plan: EvaluationPlan): EvaluationResult['simulation']['reductions'] {
  const {base, schedule, source} = plan
  const out: EvaluationResult['simulation']['reductions'] = []
  if (source.kind === 'simulation') {
    const {world} = source
    if (world.trainingSamples < profile.task.labelledSamples) {
      out.push({
        what: 'training samples',
        project: String(profile.task.labelledSamples),
        used: `${world.trainingSamples}${world.capped ? ` (capped at ${world.cap} for time; --samples N simulates more)` : ''}`,
      })
    }
  } else {
    for (const f of [source.loaded.files.train, source.loaded.files.test]) {
      if (f && f.selected < f.samples - f.skipped && source.loaded.subsample) {
        out.push({what: `samples of ${f.file}`, project: `all ${f.samples - f.skipped}`, used: `${f.used} (--max-samples ${source.loaded.subsample.maxSamples}, stratified)`})
      }
    }
  }
  if (schedule.epochs < base.training.epochs) out.push({what: 'epoch budget', project: String(base.training.epochs), used: String(schedule.epochs)})
  const projectPatience = base.training.patience ?? null
  if (projectPatience !== null && (schedule.patience === null ? false : schedule.patience < projectPatience))
    out.push({what: 'patience', project: String(projectPatience), used: String(schedule.patience)})
  if (schedule.warmupEpochs < base.masking.warmupEpochs || schedule.rampEpochs < base.masking.rampEpochs) {
    out.push({
      what: 'masking warm-up and ramp',
      project: `${base.masking.warmupEpochs} + ${base.masking.rampEpochs} epochs`,
      used: `${schedule.warmupEpochs} + ${schedule.rampEpochs} (scaled to the shorter budget)`,
    })
  }
  if (schedule.batchSize !== base.training.batchSize) out.push({what: 'batch size', project: String(base.training.batchSize), used: String(schedule.batchSize)})
  if (options.seeds <= 1) out.push({what: 'training seeds', project: 'several (a verdict needs at least 2)', used: '1'})
  return out
}
