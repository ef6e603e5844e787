// Orchestration of `fuseplan evaluate`: simulate the profile's deployment, train every candidate with
// the generated project's model code, measure, and judge the recommendation. No CLI code here.
//
// What is simulated (templates/project/src/data/synthetic.ts, the generator scaffolded projects ship):
//   - one block of features per modality, sizes scaled down to at most `maxInputSize` values per
//     sample (shape axes shrunk by a common factor; the profile's sizes are recorded as scaledFrom);
//   - a label from a shared latent factor seen through every modality, a specific factor per
//     modality and a cross-modal interaction, with features on natural, non-centred scales;
//   - training set: the profile's cohorts and their availabilities; test sets: the deployment
//     presence distribution (availabilities or patterns), with the missingness mechanism.
// How it is measured:
//   - complete: a deployment-population test set with every modality present;
//   - deployment: a second test set drawn with the deployment presence distribution;
//   - per pattern: the complete test set with only the pattern's modalities kept (the same samples
//     under each pattern, so patterns compare like with like); patterns from the decision's
//     evaluation plan (share >= 1%);
//   - sweep: the complete test set with each swept (optional) modality dropped independently with
//     probability r, for r = 0, 0.1, ..., 1; required modalities are kept; a sample left with no
//     modality keeps the anchor (the most available modality). Same draws for every candidate.
// Tensorflow.js is imported only here, lazily, when training starts.
import {decide} from '../decision/decide.js'
import type {Decision, Strategy} from '../decision/types.js'
import type {Profile} from '../profile/types.js'
import {buildTrainingConfig} from '../scaffold/training-config.js'
import type {TrainingConfig} from '../../templates/project/src/config.js'
import type {Dataset} from '../../templates/project/src/dataset.js'
import {createWorld} from '../../templates/project/src/data/synthetic.js'
import {deriveSeed} from '../../templates/project/src/random.js'
import {CANDIDATES, candidateForStrategy, type Candidate} from './candidates.js'
import {chooseMetric, computeMetric, higherIsBetter, METRIC_LABELS, type MetricSpec} from './metrics.js'
import {DEFAULT_MISSING_RATES, effectiveRobustness, relativeRobustness} from './robustness.js'
import {completeCaseRows, imposePattern, meanImpute, observedAvailability, presentMeans, subsetDataset, sweepDataset, zeroOffsetSd} from './simulate.js'
import type {EvaluationResult, PatternResult, ProgressEvent, StrategyResult} from './types.js'
import {buildVerdict, empiricalBest, pairedBootstrapSe} from './verdict.js'

export interface EvaluateOptions {
  seed: number
  /** Training samples drawn from the profile's cohorts. */
  samples: number
  /** Samples in each test set (complete and deployment). */
  testSamples: number
  epochs: number
  batchSize: number
  learningRate?: number
  /** Largest flattened input per modality in the simulation. */
  maxInputSize: number
  candidates: readonly Candidate[]
  missingRates?: readonly number[]
  onProgress?: (event: ProgressEvent) => void
  /** Profile file, recorded in the result. */
  file?: string
  /** Use this decision instead of running the engine (tests). */
  decision?: Decision
}

export const DEFAULTS = {
  seed: 7,
  samples: 4000,
  testSamples: 2000,
  epochs: 12,
  batchSize: 64,
  maxInputSize: 64,
}

/** The model code contract of templates/project/src/model/index.ts, as evaluate uses it. */
export interface FusionModelLike {
  fit(
    train: Dataset,
    opts: {epochs: number; batchSize: number; learningRate?: number; seed: number; onEpoch?: (epoch: number, ...rest: unknown[]) => void},
  ): Promise<unknown>
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
  const backend = await initBackend({quiet: true})
  const model = await import('../../templates/project/src/model/index.js')
  return {createModel: model.createModel as unknown as ModelCode['createModel'], backend}
}

/** Deployment presence patterns to report: the decision's evaluation plan, else derived from the profile. */
export function reportPatterns(profile: Profile, decision: Decision): {present: string[]; share: number}[] {
  const planned = decision.evaluation?.patterns ?? []
  if (planned.length > 0) return planned.map((p) => ({present: [...p.present], share: p.share}))
  if (profile.patterns && profile.patterns.length > 0) return profile.patterns.filter((p) => p.share >= 0.01).map((p) => ({present: [...p.present], share: p.share}))
  // Independent presence: enumerate the patterns with share >= 1%.
  const mods = profile.modalities
  const out: {present: string[]; share: number}[] = []
  const walk = (i: number, present: string[], share: number): void => {
    if (share < 0.01) return
    if (i === mods.length) {
      if (present.length > 0) out.push({present, share})
      return
    }
    const a = mods[i].required ? 1 : mods[i].availability
    walk(i + 1, [...present, mods[i].name], share * a)
    walk(i + 1, present, share * (1 - a))
  }
  walk(0, [], 1)
  return out.sort((x, y) => y.share - x.share)
}

function round(v: number, digits = 4): number {
  if (!Number.isFinite(v)) return v
  const f = 10 ** digits
  return Math.round(v * f) / f
}

export async function runEvaluation(profile: Profile, options: EvaluateOptions, code?: ModelCode): Promise<EvaluationResult> {
  const progress = options.onProgress ?? (() => {})
  const decision = options.decision ?? decide(profile)
  const notes: string[] = []
  const {metric, note} = chooseMetric(profile.task.type, profile.task.metric)
  if (note) notes.push(note)
  const spec: MetricSpec = {metric, task: profile.task.type, classes: profile.task.type === 'multiclass' ? (profile.task.classes ?? 2) : 2}
  const higher = higherIsBetter(metric)

  progress({kind: 'setup', message: 'simulating data'})
  const base = buildTrainingConfig(profile, decision, {maxInputSize: options.maxInputSize}) as TrainingConfig
  const world = createWorld(base, deriveSeed(options.seed, 'world'))
  const train = world.sample(options.samples, {population: 'training', seed: deriveSeed(options.seed, 'train')})
  const allPresent = Object.fromEntries(base.modalities.map((m) => [m.name, 1]))
  const complete = world.sample(options.testSamples, {population: 'deployment', seed: deriveSeed(options.seed, 'test:complete'), presence: allPresent})
  const deployment = world.sample(options.testSamples, {population: 'deployment', seed: deriveSeed(options.seed, 'test:deployment')})
  const ccRows = completeCaseRows(train)

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
  const anchor = [...base.modalities].sort((a, b) => Number(b.required) - Number(a.required) || b.availability - a.availability)[0].name
  const kept = names.filter((n) => !swept.includes(n))
  const sweepSets = rates.map((r) => sweepDataset(complete, r, swept, anchor, deriveSeed(options.seed, 'sweep')))
  const patterns = reportPatterns(profile, decision)
  const patternSets = patterns.map((p) => imposePattern(complete, p.present))

  const trainAvail = observedAvailability(train)
  const deployAvail = observedAvailability(deployment)
  const optional = base.modalities.filter((m) => !m.required && m.availability < 1).map((m) => m.name)
  const zeroFill = names.map((name) => ({name, zeroOffsetSd: round(zeroOffsetSd(train, name), 2)}))

  const modelCode = code ?? (await loadModelCode())
  const results: StrategyResult[] = []
  let zeroFillCheck: {zeroFilled: number; meanImputed: number} | null = null
  const deploymentScores = new Map<string, Float32Array>()
  const total = options.candidates.length
  for (const [index, cand] of options.candidates.entries()) {
    progress({kind: 'candidate', index, total, id: cand.id, label: cand.label, epochs: options.epochs})
    const config: TrainingConfig = {...base, strategy: cand.strategy}
    const trainSet = cand.completeCasesOnly ? subsetDataset(train, ccRows) : train
    if (trainSet.n === 0) {
      notes.push(`${cand.label}: no training sample carries every modality, so it could not be trained; its metrics are n/a.`)
      results.push(emptyResult(cand, patterns, rates))
      progress({kind: 'done', index, total, id: cand.id})
      continue
    }
    const model = await modelCode.createModel(config, {strategy: cand.strategy, variant: cand.modelVariant, seed: deriveSeed(options.seed, `init:${cand.id}`)})
    try {
      let epoch = 0
      await model.fit(trainSet, {
        epochs: options.epochs,
        batchSize: options.batchSize,
        learningRate: options.learningRate,
        seed: deriveSeed(options.seed, `fit:${cand.id}`),
        onEpoch: () => {
          epoch++
          progress({kind: 'epoch', index, total, id: cand.id, epoch, epochs: options.epochs})
        },
      })
      progress({kind: 'evaluating', index, total, id: cand.id})
      const score = async (d: Dataset) => computeMetric(spec, d.labels, await model.predict(d))
      const depScores = await model.predict(deployment)
      deploymentScores.set(cand.id, depScores)
      if (cand.id === 'early/complete-case' && optional.length > 0) {
        // The same model with absent inputs mean-imputed (training means of the rows it saw)
        // instead of zero-filled: what zero-fill itself costs on this profile.
        const imputed = meanImpute(deployment, presentMeans(trainSet))
        zeroFillCheck = {zeroFilled: round(computeMetric(spec, deployment.labels, depScores)), meanImputed: round(await score(imputed))}
      }
      const sweep: number[] = []
      for (const d of sweepSets) sweep.push(await score(d))
      const pats: PatternResult[] = []
      for (const [i, p] of patterns.entries()) pats.push({present: p.present, share: round(p.share), metric: round(await score(patternSets[i]))})
      results.push({
        id: cand.id,
        strategy: cand.strategy,
        variant: cand.variant,
        label: cand.label,
        recommended: false,
        trainingSamples: trainSet.n,
        metrics: {complete: round(sweep[0]), deployment: round(computeMetric(spec, deployment.labels, depScores))},
        relativeRobustness: round(relativeRobustness(rates, sweep)),
        effectiveRobustness: null,
        patterns: pats,
        sweep: sweep.map((v) => round(v)),
      })
    } finally {
      model.dispose()
    }
    progress({kind: 'done', index, total, id: cand.id})
  }

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

  const recommendedCandidate = candidateForStrategy(decision.strategy)
  for (const r of results) r.recommended = r.id === recommendedCandidate
  const trained = results.filter((r) => !Number.isNaN(r.metrics.deployment))
  const best = empiricalBest(spec, trained.length > 0 ? trained : results)
  const rec = results.find((r) => r.id === recommendedCandidate)
  const other = rec ? (rec.id !== best.id ? best.id : runnerUpId(spec, trained, rec.id)) : undefined
  let standardError: number | null = null
  if (rec && other) {
    const a = deploymentScores.get(other)
    const b = deploymentScores.get(rec.id)
    if (a && b) standardError = round(pairedBootstrapSe(spec, deployment.labels, a, b, options.seed))
  }
  const verdict = buildVerdict({
    spec,
    results: trained.length > 0 ? trained : results,
    recommended: decision.strategy,
    recommendedCandidate,
    standardError,
    zeroFill,
    zeroFillCheck,
    optional,
    noRecommendationReason: decision.noStrategyReason,
    informative: base.modalities.filter((m) => m.missingness === 'informative' && !m.required && m.availability < 1).map((m) => m.name),
  })

  const scaled = base.modalities.filter((m) => m.scaledFrom !== undefined)
  return {
    tool: 'fuseplan evaluate',
    profile: {name: profile.name, ...(options.file ? {file: options.file} : {})},
    recommended: decision.strategy,
    recommendedCandidate,
    empiricalBest: {strategy: best.strategy, variant: best.variant, id: best.id, deployment: best.metrics.deployment},
    agrees: verdict.kind === 'agrees',
    verdict,
    metric: {name: metric, label: METRIC_LABELS[metric], higherIsBetter: higher},
    strategies: results,
    sweep: {
      missingRates: rates,
      modalities: swept,
      kept,
      description:
        `At missing rate r each of ${swept.length > 0 ? swept.join(', ') : '(no modality)'} is dropped from every complete test sample with probability r, independently` +
        (kept.length > 0 ? `; ${kept.join(', ')} ${kept.length === 1 ? 'is' : 'are'} always kept` : `; a sample left with nothing keeps ${anchor}`) +
        '. Relative robustness is the trapezoid area under the metric-vs-rate curve over [0, 1]; effective robustness is the area of the gap to the late-fusion curve shifted to the same clean metric (sign-flipped for error metrics).' +
        (metric === 'auroc' || metric === 'auprc'
          ? ' A curve can dip at middle rates and recover at r = 1: there the test set mixes presence patterns and a ranking metric pools the scores across them, so a model whose scores are not comparable between patterns loses more than on any single pattern.'
          : ''),
    },
    simulation: {
      seed: options.seed,
      trainingSamples: options.samples,
      testSamples: options.testSamples,
      epochs: options.epochs,
      batchSize: options.batchSize,
      maxInputSize: options.maxInputSize,
      backend: modelCode.backend,
      modalities: base.modalities.map((m) => ({
        name: m.name,
        inputSize: m.inputSize,
        scaledFrom: m.scaledFrom ?? null,
        availability: m.availability,
        trainingAvailability: round(m.trainingAvailability),
        simulatedTrainingAvailability: round(trainAvail[m.name]),
        simulatedDeploymentAvailability: round(deployAvail[m.name]),
      })),
      completeCaseTrainingSamples: ccRows.length,
      zeroFill,
      description:
        `Synthetic data from the scaffolded project's generator: ${options.samples} training samples from the profile's cohorts, ` +
        `${options.testSamples} test samples each for full data and for the deployment presence mix; ` +
        (scaled.length > 0
          ? `inputs scaled down to at most ${options.maxInputSize} values per modality (${scaled.map((m) => `${m.name} ${m.scaledFrom} -> ${m.inputSize}`).join(', ')}).`
          : 'inputs at the profile\'s sizes.'),
    },
    notes,
  }
}

function runnerUpId(spec: MetricSpec, results: readonly StrategyResult[], exclude: string): string | undefined {
  const others = results.filter((r) => r.id !== exclude)
  return others.length > 0 ? empiricalBest(spec, others).id : undefined
}

function emptyResult(cand: Candidate, patterns: {present: string[]; share: number}[], rates: readonly number[]): StrategyResult {
  return {
    id: cand.id,
    strategy: cand.strategy,
    variant: cand.variant,
    label: cand.label,
    recommended: false,
    trainingSamples: 0,
    metrics: {complete: Number.NaN, deployment: Number.NaN},
    relativeRobustness: Number.NaN,
    effectiveRobustness: null,
    patterns: patterns.map((p) => ({present: p.present, share: p.share, metric: Number.NaN})),
    sweep: rates.map(() => Number.NaN),
  }
}

export {CANDIDATES}
