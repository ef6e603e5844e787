// Orchestration of `fuseplan evaluate`: simulate the profile's deployment, train every candidate with
// the generated project's model code over several training seeds, measure, and judge the
// recommendation. No CLI code here.
//
// Steps: world (src/evaluate/world.ts, from the profile alone) -> training config (as scaffold would
// ship it, at the simulated sizes) -> per seed: training set, test sets, every candidate trained with
// the same budget and learning-rate grid -> metrics -> means and spread over seeds -> verdict.
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
import {deriveSeed} from '../../templates/project/src/random.js'
import {CANDIDATES, candidateForStrategy, type Candidate} from './candidates.js'
import {chooseMetric, computeMetric, higherIsBetter, METRIC_LABELS, type MetricSpec} from './metrics.js'
import {DEFAULT_MISSING_RATES, effectiveRobustness, relativeRobustness} from './robustness.js'
import {completeCaseRows, imposePattern, meanImpute, observedAvailability, presentMeans, sweepDataset, zeroOffsetSd} from './simulate.js'
import type {EvaluationResult, PatternResult, ProgressEvent, StrategyResult} from './types.js'
import {buildVerdict, empiricalBest, gain, pairedBootstrapSe} from './verdict.js'
import {compareAll, marginFor, overallKind, type Comparison, type PairedSample} from './compare.js'
import {scheduleFor} from '../../templates/project/src/model/masking.js'
import {createSimulatedWorld, SIMULATION_LIMITS, type SimulatedWorld} from './world.js'
import {isTensorflowMissing, TensorflowMissingError} from './tensorflow.js'

export interface EvaluateOptions {
  /** Base seed: fixes the simulated world; training seeds are seed, seed+1, ... */
  seed: number
  /** Number of training seeds (each draws its own training set, test sets, weights and masks). */
  seeds: number
  /** Training-set size; default: the profile's labelledSamples up to SIMULATION_LIMITS.maxTrainingSamples. */
  samples?: number
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
}

/**
 * Bumped whenever this file changes the numbers a run produces (seed derivation, what is trained on
 * what): the decision benchmark keys its cached records on it, not on this file's text.
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
  createModel(config: TrainingConfig, opts: {strategy?: Strategy; variant?: 'default' | 'complete-case' | 'indicators'; seed?: number}): FusionModelLike | Promise<FusionModelLike>
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

/** The profile at the simulated sizes, so scaffold's own config builder picks the encoders for them. */
export function simulatedProfile(profile: Profile, world: SimulatedWorld): Profile {
  return {
    ...profile,
    modalities: profile.modalities.map((m, i) => {
      const sim = world.modalities[i]
      const {shape: _s, sequence: _q, features: _f, ...rest} = m
      if (sim.layout === 'image') return {...rest, shape: sim.shape}
      if (sim.layout === 'sequence') return {...rest, sequence: {length: sim.shape[0], channels: sim.shape[1]}}
      return {...rest, features: sim.size}
    }),
  }
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

/** One candidate in one seed: its deployment scores (for the paired error) and its measurements. */
interface SeedRun {
  deploymentScores: Float32Array | null
  complete: number
  deployment: number
  sweep: number[]
  patterns: number[]
  trainingSamples: number
  epochs: {kept: number; ran: number}
  zeroFillCheck?: {zeroFilled: number; meanImputed: number}
}

interface SeedData {
  seed: number
  train: Dataset
  complete: Dataset
  deployment: Dataset
  ccRows: number[]
  sweepSets: Dataset[]
  patternSets: Dataset[]
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, v) => a + v, 0) / xs.length)
const sd = (xs: readonly number[]) => {
  if (xs.length < 2) return 0
  const m = mean(xs)
  return Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1))
}

/** Everything fixed before training: the simulated world, the shipped config, what is measured. */
interface EvaluationPlan {
  decision: Decision
  spec: MetricSpec
  higher: boolean
  notes: string[]
  world: SimulatedWorld
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
}

/** Every candidate's runs, one per seed, and what the verdict needs from the seeds. */
interface TrainingOutcome {
  runs: Map<string, SeedRun[]>
  chosenRate: Map<string, number>
  firstData: SeedData
  deploymentLabels: Float32Array[]
  /** Complete cases in each seed's training set (what the naive baseline trains on). */
  completeCases: number[]
  /** How far zero lies from each modality's training mean, in SDs (first seed's training set). */
  zeroFill: {name: string; zeroOffsetSd: number}[]
}

export async function runEvaluation(profile: Profile, options: EvaluateOptions, code?: ModelCode): Promise<EvaluationResult> {
  const progress = options.onProgress ?? (() => {})
  progress({kind: 'setup', message: 'building the simulated deployment'})
  const plan = planEvaluation(profile, options)
  const modelCode = code ?? (await loadModelCode())
  const outcome = await trainCandidates(plan, options, modelCode, progress)
  const results = summariseRuns(plan, options.candidates, outcome)
  const judged = judge(plan, results, outcome, options.judgeAll === true)
  // Free the score arrays: they are not part of the result.
  for (const list of outcome.runs.values()) for (const r of list) r.deploymentScores = null
  return {
    tool: 'fuseplan evaluate',
    profile: {name: profile.name, ...(options.file ? {file: options.file} : {})},
    recommended: plan.decision.strategy,
    recommendedCandidate: judged.recommendedCandidate,
    empiricalBest: {strategy: judged.best.strategy, variant: judged.best.variant, id: judged.best.id, deployment: judged.best.metrics.deployment},
    verdict: judged.verdict,
    metric: {name: plan.spec.metric, label: METRIC_LABELS[plan.spec.metric], higherIsBetter: plan.higher},
    strategies: results,
    sweep: describeSweep(plan),
    simulation: describeSimulation(profile, options, plan, outcome, modelCode.backend),
    notes: plan.notes,
    ...(judged.alternatives ? {alternatives: judged.alternatives} : {}),
    ...(judged.pairVariances ? {pairVariances: judged.pairVariances} : {}),
  }
}

/** Simulate: the world from the profile alone, the config scaffold would ship, the seeds and sets. */
function planEvaluation(profile: Profile, options: EvaluateOptions): EvaluationPlan {
  const decision = options.decision ?? decide(profile)
  const notes: string[] = []
  const {metric, note} = chooseMetric(profile.task.type, profile.task.metric)
  if (note) notes.push(note)
  const spec: MetricSpec = {metric, task: profile.task.type, classes: profile.task.type === 'multiclass' ? (profile.task.classes ?? 2) : 2}
  const world = createSimulatedWorld(profile, {seed: options.seed, trainingSamples: options.samples, maxWidth: options.maxInputSize})
  const base = buildTrainingConfig(simulatedProfile(profile, world), decision) as TrainingConfig
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
    world,
    base,
    names,
    swept,
    kept: names.filter((n) => !swept.includes(n)),
    rates,
    anchor: [...base.modalities].sort((a, b) => Number(b.required) - Number(a.required) || b.availability - a.availability)[0].name,
    patterns: reportPatterns(profile, decision),
    optional: base.modalities.filter((m) => !m.required && m.availability < 1).map((m) => m.name),
    seeds: Array.from({length: Math.max(1, options.seeds)}, (_, i) => options.seed + i),
    schedule: trainingSchedule(base, options),
    grid: options.learningRates && options.learningRates.length > 0 ? [...options.learningRates] : [base.training.learningRate],
    margin: marginFor(metric, labelSd(world), options.margin),
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

/** Standard deviation of the simulated label (the unit of the RMSE/MAE margin): 1 for classification. */
function labelSd(world: SimulatedWorld): number {
  const probe = world.sample(2000, {population: 'deployment', seed: deriveSeed(0, 'label-sd')})
  return sd(Array.from(probe.labels)) || 1
}

/** One seed's training set and test sets; the sweep and pattern sets on the first seed only. */
function seedData(plan: EvaluationPlan, testSamples: number, seed: number): SeedData {
  const {world, names, rates, swept, anchor, patterns} = plan
  const train = world.sample(world.trainingSamples, {population: 'training', seed: deriveSeed(seed, 'train')})
  const allPresent = Object.fromEntries(names.map((n) => [n, 1]))
  const complete = world.sample(testSamples, {population: 'deployment', seed: deriveSeed(seed, 'test:complete'), presence: allPresent})
  const deployment = world.sample(testSamples, {population: 'deployment', seed: deriveSeed(seed, 'test:deployment')})
  const first = seed === plan.seeds[0]
  return {
    seed,
    train,
    complete,
    deployment,
    ccRows: completeCaseRows(train),
    sweepSets: first ? rates.map((r) => sweepDataset(complete, r, swept, anchor, deriveSeed(seed, 'sweep'))) : [],
    patternSets: first ? patterns.map((p) => imposePattern(complete, p.present)) : [],
  }
}

/** Train and measure: every candidate on every seed, the learning rate tuned on the first seed. */
async function trainCandidates(plan: EvaluationPlan, options: EvaluateOptions, modelCode: ModelCode, progress: (e: ProgressEvent) => void): Promise<TrainingOutcome> {
  const {spec, base, rates, patterns, optional, seeds, grid} = plan
  const {epochs, batchSize, patience} = plan.schedule
  const total = options.candidates.length * (seeds.length + grid.length - 1)
  let job = 0
  const runs = new Map<string, SeedRun[]>()
  const chosenRate = new Map<string, number>()

  const trainOne = async (cand: Candidate, data: SeedData, learningRate: number): Promise<{run: SeedRun; valLoss: number}> => {
    const index = job++
    progress({kind: 'candidate', index, total, id: cand.id, label: cand.label, epochs, seed: data.seed})
    const trainSet = cand.completeCasesOnly ? subset(data.train, data.ccRows) : data.train
    if (trainSet.n === 0) {
      progress({kind: 'done', index, total, id: cand.id})
      return {
        run: {
          deploymentScores: null,
          complete: Number.NaN,
          deployment: Number.NaN,
          sweep: rates.map(() => Number.NaN),
          patterns: patterns.map(() => Number.NaN),
          trainingSamples: 0,
          epochs: {kept: 0, ran: 0},
        },
        valLoss: Number.NaN,
      }
    }
    const config: TrainingConfig = {...base, strategy: cand.strategy}
    const model = await modelCode.createModel(config, {strategy: cand.strategy, variant: cand.modelVariant, seed: deriveSeed(data.seed, `init:${cand.id}`)})
    try {
      let epoch = 0
      const fit = (await model.fit(trainSet, {
        epochs,
        batchSize,
        learningRate,
        seed: deriveSeed(data.seed, `fit:${cand.id}`),
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
        sweep: [],
        patterns: [],
        trainingSamples: trainSet.n,
        epochs: {kept: (fit?.bestEpoch ?? epoch - 1) + 1, ran: fit?.loss?.length ?? epoch},
      }
      // The sweep and the patterns on the first seed only (they describe robustness, not the verdict).
      if (data.sweepSets.length > 0) {
        for (const d of data.sweepSets) run.sweep.push(await score(d))
        run.complete = run.sweep[0]
        for (const d of data.patternSets) run.patterns.push(await score(d))
      } else {
        run.complete = await score(data.complete)
      }
      if (cand.id === 'early/complete-case' && optional.length > 0) {
        // The same model with absent inputs mean-imputed (training means of the rows it saw)
        // instead of zero-filled: what zero-fill itself costs on this profile.
        run.zeroFillCheck = {zeroFilled: run.deployment, meanImputed: await score(meanImpute(data.deployment, presentMeans(trainSet)))}
      }
      progress({kind: 'done', index, total, id: cand.id})
      return {run, valLoss}
    } finally {
      model.dispose()
    }
  }

  let firstData: SeedData | null = null
  const deploymentLabels: Float32Array[] = []
  const completeCases: number[] = []
  for (const [s, seed] of seeds.entries()) {
    progress({kind: 'setup', message: `simulating data (seed ${seed})`})
    const data = seedData(plan, options.testSamples, seed)
    deploymentLabels.push(data.deployment.labels)
    completeCases.push(data.ccRows.length)
    if (s === 0) firstData = data
    for (const cand of options.candidates) {
      let run: SeedRun
      if (s === 0) {
        // Same small tuning for every candidate: each learning rate of the grid on the first seed,
        // kept by validation loss; that run is the first seed's result.
        let best: {run: SeedRun; valLoss: number; lr: number} | null = null
        for (const lr of grid) {
          const r = await trainOne(cand, data, lr)
          if (best === null || (r.valLoss < best.valLoss && !Number.isNaN(r.valLoss))) best = {...r, lr}
        }
        chosenRate.set(cand.id, (best as {lr: number}).lr)
        run = (best as {run: SeedRun}).run
      } else {
        run = (await trainOne(cand, data, chosenRate.get(cand.id) as number)).run
      }
      const list = runs.get(cand.id) ?? []
      list.push(run)
      runs.set(cand.id, list)
    }
  }
  return {runs, chosenRate, firstData: firstData as SeedData, deploymentLabels, completeCases, zeroFill: zeroFillOffsets(plan, firstData as SeedData)}
}

/** Measure: each candidate's means and spread over seeds, its sweep, patterns and robustness. */
function summariseRuns(plan: EvaluationPlan, candidates: readonly Candidate[], {runs, chosenRate}: TrainingOutcome): StrategyResult[] {
  const {rates, patterns, higher, notes} = plan
  const results: StrategyResult[] = candidates.map((cand) => {
    const list = runs.get(cand.id) as SeedRun[]
    const dep = list.map((r) => r.deployment)
    const comp = list.map((r) => r.complete)
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
      seeds: {deployment: dep.map((v) => round(v)), complete: comp.map((v) => round(v))},
      spread: trainedAll ? round(sd(dep)) : Number.NaN,
      metrics: {complete: round(mean(comp)), deployment: round(mean(dep))},
      relativeRobustness: round(relativeRobustness(rates, sweep)),
      effectiveRobustness: null,
      patterns: patterns.map((p, i): PatternResult => ({present: p.present, share: round(p.share), metric: round(list[0].patterns[i])})),
      sweep: sweep.map((v) => round(v)),
    }
  })
  for (const r of results.filter((r) => Number.isNaN(r.metrics.deployment))) notes.push(`${r.label}: no training sample carries every modality, so it could not be trained; its metrics are n/a.`)

  // Effective robustness against late fusion (needs the late curve).
  const late = results.find((r) => r.id === 'late')
  if (late && late.sweep.every((v) => !Number.isNaN(v))) {
    for (const r of results) {
      if (r.sweep.some((v) => Number.isNaN(v))) continue
      r.effectiveRobustness = round(effectiveRobustness(rates, r.sweep, late.sweep, higher))
    }
  } else if (!late) {
    notes.push('Effective robustness is measured against late fusion, which was not among the candidates; it is reported as null.')
  }
  const recommendedCandidate = candidateForStrategy(plan.decision.strategy)
  for (const r of results) r.recommended = r.id === recommendedCandidate
  return results
}

/** Judge: the verdict on the recommendation (and, for the decision benchmark, on every candidate). */
function judge(plan: EvaluationPlan, results: StrategyResult[], {runs, deploymentLabels, zeroFill}: TrainingOutcome, judgeAll: boolean) {
  const {spec, seeds, base, optional, decision, margin} = plan
  const recommendedCandidate = candidateForStrategy(decision.strategy)
  const trained = results.filter((r) => !Number.isNaN(r.metrics.deployment))
  const pool = trained.length > 0 ? trained : results
  const best = empiricalBest(spec, pool)
  const zeroChecks = (runs.get('early/complete-case') ?? []).map((r) => r.zeroFillCheck).filter((c): c is {zeroFilled: number; meanImputed: number} => c !== undefined)
  const zeroFillCheck = zeroChecks.length > 0 ? {zeroFilled: round(mean(zeroChecks.map((c) => c.zeroFilled))), meanImputed: round(mean(zeroChecks.map((c) => c.meanImputed)))} : null
  const informative = base.modalities.filter((m) => m.missingness === 'informative' && !m.required && m.availability < 1).map((m) => m.name)

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
    recommended: decision.strategy,
    recommendedCandidate,
    comparisons: recommendedCandidate ? comparisonsOf(recommendedCandidate) : [],
    margin,
    seeds: seeds.length,
    perSeed,
    zeroFill,
    zeroFillCheck,
    optional,
    noRecommendationReason: decision.noStrategyReason,
    informative,
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

function describeSweep({swept, kept, rates, anchor, spec}: EvaluationPlan): EvaluationResult['sweep'] {
  return {
    missingRates: rates,
    modalities: swept,
    kept,
    description:
      `At missing rate r each of ${swept.length > 0 ? swept.join(', ') : '(no modality)'} is dropped from every complete test sample with probability r, independently` +
      (kept.length > 0 ? `; ${kept.join(', ')} ${kept.length === 1 ? 'is' : 'are'} always kept` : `; a sample left with nothing keeps ${anchor}`) +
      '. Relative robustness is the trapezoid area under the metric-vs-rate curve over [0, 1]; effective robustness is the area of the gap to the late-fusion curve shifted to the same clean metric (sign-flipped for error metrics).' +
      (spec.metric === 'auroc' || spec.metric === 'auprc'
        ? ' A curve can dip at middle rates and recover at r = 1: there the test set mixes presence patterns and a ranking metric pools the scores across them, so a model whose scores are not comparable between patterns loses more than on any single pattern.'
        : ''),
  }
}

function describeSimulation(profile: Profile, options: EvaluateOptions, plan: EvaluationPlan, {firstData, zeroFill, completeCases}: TrainingOutcome, backend: string): EvaluationResult['simulation'] {
  const {world, base, seeds, grid, schedule} = plan
  const trainAvail = observedAvailability(firstData.train)
  const deployAvail = observedAvailability(firstData.deployment)
  const scaled = world.modalities.filter((m) => m.size !== m.profileSize)
  const cap = SIMULATION_LIMITS.maxTrainingSamples
  return {
    seed: options.seed,
    seeds,
    trainingSamples: world.trainingSamples,
    labelledSamples: profile.task.labelledSamples,
    trainingSamplesCap: cap,
    learningRates: grid,
    testSamples: options.testSamples,
    schedule,
    reductions: reductions(profile, options, plan),
    backend,
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
    completeCaseTrainingSamples: Math.round(mean(completeCases)),
    zeroFill,
    truth: world.truth,
    description:
      `Data simulated from the profile alone (never from the rules): ${world.trainingSamples} training samples ` +
      (world.capped
        ? `(the profile's ${profile.task.labelledSamples} labelled samples, capped at ${cap} for time) `
        : options.samples !== undefined
          ? '(set by --samples) '
          : "(the profile's labelled samples) ") +
      `from its cohorts, ${options.testSamples} test samples each for full data and for the deployment presence mix, ${seeds.length} training seed${seeds.length === 1 ? '' : 's'}; ` +
      (scaled.length > 0
        ? `inputs shrunk by one common factor so their ratios survive (${scaled.map((m) => `${m.name} ${m.profileSize} -> ${m.size}`).join(', ')}).`
        : "inputs at the profile's sizes."),
  }
}

/** What this run trains with less than the generated project ships, each with the project's value. */
function reductions(profile: Profile, options: EvaluateOptions, plan: EvaluationPlan): EvaluationResult['simulation']['reductions'] {
  const {base, schedule, world} = plan
  const out: EvaluationResult['simulation']['reductions'] = []
  if (world.trainingSamples < profile.task.labelledSamples) {
    out.push({
      what: 'training samples',
      project: String(profile.task.labelledSamples),
      used: `${world.trainingSamples}${world.capped ? ` (capped at ${SIMULATION_LIMITS.maxTrainingSamples} for time)` : ''}`,
    })
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

export {CANDIDATES}
