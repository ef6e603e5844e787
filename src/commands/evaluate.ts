import {Args, Flags} from '@oclif/core'
import {existsSync, statSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {join, resolve} from 'node:path'
import {exampleFlag, FuseplanCommand, jsonFlag, pickFormat, useColor, rulesFlag} from '../cli/base-command.js'
import {PoolError, runInWorkers, serveJobs} from '../cli/evaluate-pool.js'
import {chooseProfile, loadProfileWithRules} from '../cli/load-profile.js'
import {displayPath} from '../util/fs.js'
import {decide} from '../decision/decide.js'
import {CANDIDATE_IDS, CandidateListError, parseCandidates, type Candidate} from '../evaluate/candidates.js'
import {jobsOf, shardJobs, type JobResult} from '../evaluate/jobs.js'
import {DataFileError} from '../evaluate/read-data.js'
import {loadEvaluationData, MAX_SKIP_SHARE, tooManySkips, type LoadedData} from '../evaluate/real-data.js'
import {DEFAULTS, dataConfig, finishEvaluation, loadModelCode, prepareEvaluation, runJobs, type EvaluateOptions} from '../evaluate/run.js'
import {readShards, shardFileName, shardText, ShardError} from '../evaluate/shards.js'
import type {EvaluationResult} from '../evaluate/types.js'
import {DEFAULT_MARGIN} from '../evaluate/compare.js'
import {installed, TensorflowMissingError, tensorflowMissingMessage} from '../evaluate/tensorflow.js'
import {SIMULATION_LIMITS} from '../evaluate/world.js'
import {TRAINING_DEFAULTS} from '../scaffold/training-config.js'
import {createProgress, evaluationFormats, formatEvaluationHtml} from '../formatters/evaluation/index.js'
import {writeFileAtomic} from '../util/fs.js'
import {escapeControlLine} from '../util/text.js'

/** A first look: smaller test sets beside the single seed and learning rate. */
const QUICK_TEST_SAMPLES = 1000
/** --quick's robustness sweep: every quarter instead of every tenth (the sweep is most of the measuring time). */
const QUICK_MISSING_RATES = [0, 0.25, 0.5, 0.75, 1]
/**
 * Simulated training samples at most, so that a default run of every bundled example takes about two
 * minutes on two cores (--quick half a minute): training time grows with the samples, and the slowest
 * example (two image modalities) needs 29 s of CPU per candidate at 4,000 and 10 s at 1,000. The cap is listed as a
 * reduction in the report; --samples N simulates more (the decision benchmark runs at 4,000).
 */
const SAMPLE_CAP = 1500
const QUICK_SAMPLE_CAP = 800
/**
 * --quick's early-stopping patience, when the project's is longer (listed as a reduction). The
 * project's 20 steadies a candidate across seeds, which one seed cannot show, and costs a third more
 * time (digits --data --quick: 223 s at 20).
 */
const QUICK_PATIENCE = 10

/** Flags that shape the simulation only: with --data they would be silently ignored, so they are refused. */
const SIMULATION_ONLY = ['samples', 'test-samples', 'max-input-size'] as const
/** Skipped samples printed one per line; the rest are counted. */
const SHOWN_PROBLEMS = 20
/** --jobs auto: at most this many workers (each holds the data and a TensorFlow.js). */
const MAX_AUTO_JOBS = 4
/** --jobs auto trains in workers when a job's training samples x epoch budget is at least this (below, starting a worker costs more than it saves). */
const AUTO_JOBS_MIN_WORK = 10_000
/** Where --shard writes when --shard-dir is not given. */
const DEFAULT_SHARD_DIR = 'evaluate-shards'

export default class Evaluate extends FuseplanCommand {
  static override summary = "Check the recommendation empirically: train every candidate strategy on data simulated from the profile, or on the team's own data (--data)."
  static override description = `Simulates the profile's deployment from the profile alone (its labelled sample size up to ${SIMULATION_LIMITS.maxTrainingSamples}, modality sizes shrunk by one common factor, images as small images, sequences with their timing, the declared interaction strength, cohorts, availabilities and missingness mechanisms), trains the candidate strategies with the model code \`fuseplan scaffold\` generates over several training seeds with the generated project's own schedule and model selection (the same for every candidate), and reports the metric at full data, at the deployment presence mix, per presence pattern and along a missing-rate sweep, with MultiBench's relative and effective robustness.
With --data FILE.jsonl (the generated project's JSON Lines format) it trains and tests on the team's own samples instead: the --test file, or a stratified ${Math.round(0.2 * 100)}% split (by label, presence pattern and cohort, seeded by --seed); the test split is scored as the data came and at the profile's deployment presence mix (inputs removed at random; removal can only add random missingness). Bad samples are skipped with their file:line and counted; more than ${MAX_SKIP_SHARE * 100}% of a file skipped ends with exit 2 unless --allow-skips.
The recommendation is compared with every other candidate over the seeds, in four words: equivalent (the 90% interval of the gap lies within the margin, 0.01 AUROC by default), better or worse (significantly, one-sided 5% Holm-adjusted, and not within the margin), or inconclusive; when the seeds cannot decide, the report says how many would.
Candidates: early/complete-case (the naive baseline: early fusion on complete cases, zero-filled at inference), early/indicators, intermediate, attention (both with the masking plan) and late. Every candidate x seed is an independent job: --jobs N runs them in N processes here, --shard K/N runs one share of them anywhere and --merge DIR makes the report from the shards (a GitHub Actions example: docs/ci/fuseplan-evaluate-sharded.yml).
Without PROFILE it reads ./fuseplan.profile.yaml (the file \`fuseplan init\` writes); --example runs it on the bundled example examples/icu-deterioration.yaml. The same --seed gives the same numbers.
TensorFlow.js (@tensorflow/tfjs, @tensorflow/tfjs-backend-wasm) is an optional peer dependency of fuseplan: install it beside fuseplan to evaluate; without it the command says how and exits 2.`

  static override examples = [
    '<%= config.bin %> evaluate --example --quick',
    '<%= config.bin %> evaluate examples/wearable-afib.yaml --report afib.html',
    '<%= config.bin %> evaluate profile.yaml --format json --seed 1 --candidates early/complete-case,intermediate,late',
    '<%= config.bin %> evaluate profile.yaml --quick',
    '<%= config.bin %> evaluate profile.yaml --seeds 5 --samples 8000 --epochs 20',
    '<%= config.bin %> evaluate profile.yaml --data data/train.jsonl --test data/test.jsonl --report real.html',
    '<%= config.bin %> evaluate profile.yaml --data big.jsonl --max-samples 2000 --jobs 2',
    '<%= config.bin %> evaluate profile.yaml --data data/train.jsonl --shard 2/3 --shard-dir shards',
    '<%= config.bin %> evaluate --merge shards --report real.html',
  ]

  static override args = {
    profile: Args.string({description: 'Deployment profile (YAML). Default: ./fuseplan.profile.yaml.'}),
  }

  static override flags = {
    seed: Flags.integer({description: 'Base seed: fixes the simulated world (or the split of --data); the training seeds are SEED, SEED+1, ...', default: DEFAULTS.seed, min: 0, max: 2 ** 31 - 1}),
    seeds: Flags.integer({
      description: "Training seeds (each draws its own training set, test sets, weights and masks; on --data, weights and masks, seed N being the generated project's training.seed N).",
      default: DEFAULTS.seeds,
      min: 1,
      max: 50,
    }),
    quick: Flags.boolean({
      description: `One training seed, at most ${QUICK_SAMPLE_CAP} simulated training samples, smaller test sets and a coarser robustness sweep: a fast first look whose verdict is always inconclusive (one seed cannot measure training variation).`,
      default: false,
    }),
    samples: Flags.integer({
      description: `Simulated training samples (default: the profile's labelledSamples, at most ${SAMPLE_CAP}, ${QUICK_SAMPLE_CAP} with --quick, listed as a reduction).`,
      min: 20,
      max: 1_000_000,
    }),
    'test-samples': Flags.integer({description: `Samples in each test set (full data, deployment mix); default ${DEFAULTS.testSamples}, ${QUICK_TEST_SAMPLES} with --quick.`, min: 50, max: 1_000_000}),
    data: Flags.string({description: "The team's labelled samples (JSON Lines, the generated project's format; image paths relative to the file): train and test on them instead of a simulation."}),
    test: Flags.string({description: 'Test samples (JSON Lines) for --data; without it a stratified 20% of --data is held out.', dependsOn: ['data']}),
    'max-samples': Flags.integer({
      description: 'Read at most N samples of each --data/--test file: a stratified subsample (seeded by --seed), decoded alone; listed as a reduction.',
      min: 20,
      max: 100_000_000,
      dependsOn: ['data'],
    }),
    'allow-skips': Flags.boolean({description: `Go on when more than ${MAX_SKIP_SHARE * 100}% of a data file's samples had to be skipped (they are still counted and reported).`, default: false}),
    epochs: Flags.integer({
      description: `Epoch budget per candidate (default: the generated project's, ${TRAINING_DEFAULTS.epochs}; early stopping usually ends sooner). A smaller budget is listed as a reduction in the report.`,
      min: 1,
      max: 10_000,
    }),
    patience: Flags.integer({
      description: `Early-stopping patience in epochs (default: the generated project's, ${TRAINING_DEFAULTS.patience}; ${QUICK_PATIENCE} with --quick, listed as a reduction).`,
      min: 1,
      max: 10_000,
    }),
    'batch-size': Flags.integer({description: `Mini-batch size (default: the generated project's, ${TRAINING_DEFAULTS.batchSize}).`, min: 1, max: 65_536}),
    'learning-rates': Flags.string({description: "Comma list of learning rates tried for every candidate on the first seed, kept by validation loss (default: the generated project's one rate)."}),
    margin: Flags.string({
      description: `Equivalence margin: gaps within it count as equivalent (default ${DEFAULT_MARGIN}: of AUROC and the other scores; for RMSE/MAE, that share of the label's standard deviation).`,
    }),
    'max-input-size': Flags.integer({description: `Widest simulated modality (flattened values; default ${DEFAULTS.maxInputSize}); the others shrink by the same factor.`, min: 8, max: 1_000_000}),
    candidates: Flags.string({description: `Comma list of candidates: ${CANDIDATE_IDS.join(', ')} (or all).`, default: 'all'}),
    jobs: Flags.string({
      char: 'j',
      description: `Worker processes that train candidates side by side on this machine (the numbers do not change). auto: one per core (at most ${MAX_AUTO_JOBS}) when each training is long enough to pay for starting a worker (${AUTO_JOBS_MIN_WORK.toLocaleString('en-US')} sample-epochs), else 1.`,
      default: 'auto',
    }),
    shard: Flags.string({description: 'Run only share K of N of the jobs (K/N, e.g. 2/3) and write its results to --shard-dir; merge the shards with --merge.'}),
    'shard-dir': Flags.string({description: `Folder --shard writes its results to (default ${DEFAULT_SHARD_DIR}).`, dependsOn: ['shard']}),
    merge: Flags.string({description: 'Make the report from the shard files in this folder (written by --shard K/N) instead of training.'}),
    worker: Flags.boolean({hidden: true, description: 'Internal: serve jobs to a --jobs parent over IPC.', default: false}),
    format: Flags.string({char: 'f', description: 'Output format on stdout.', options: [...evaluationFormats.names], default: evaluationFormats.names[0]}),
    json: jsonFlag(),
    example: exampleFlag(),
    report: Flags.string({description: 'Also write a self-contained HTML report (charts included, opens offline) to this file.'}),
    config: Flags.string({description: 'Config file for the rules that make the recommendation (default: fuseplan.config.yaml found upward from the profile).'}),
    rules: rulesFlag(),
    trust: Flags.boolean({description: "Let a config file's `extends` and `rules` name paths outside the repository (or working directory)."}),
  }

  async run(): Promise<void> {
    const {args, flags, metadata} = await this.parse(Evaluate)
    const formatName = pickFormat(flags.format, flags.json, metadata.flags.format?.setFromDefault)
    if (flags.report !== undefined && !/\.html?$/i.test(flags.report)) this.fail(`--report ${flags.report}: the report is HTML; give a file name ending in .html.`)
    // Refuse a folder before training, not after minutes of it.
    if (flags.report !== undefined && existsSync(flags.report) && statSync(flags.report).isDirectory()) this.fail(`--report ${flags.report} is a folder; give a file name ending in .html.`)
    if (flags.merge !== undefined) {
      if (args.profile || flags.example) this.fail('--merge makes the report from the shards alone: give no PROFILE (the shards carry it).')
      const training = ['data', 'shard', 'quick'].filter((f) => flags[f as 'data' | 'shard' | 'quick'])
      if (training.length > 0) this.fail(`--merge makes the report from finished shards; --${training[0]} belongs to the runs that wrote them.`)
      let merged
      try {
        merged = readShards(flags.merge)
        process.stderr.write(`Merging ${merged.files.length} shard${merged.files.length === 1 ? '' : 's'} from ${displayPath(resolve(flags.merge))}.\n`)
        this.output(finishEvaluation(merged.frame, merged.results, merged.backend), flags.report, formatName)
      } catch (error) {
        if (error instanceof ShardError) this.fail(error.message)
        if (error instanceof Error && /^cannot finish the evaluation: /.test(error.message)) this.fail(`${flags.merge}: ${error.message.replace(/^cannot finish the evaluation: /, '')}`)
        throw error
      }
      return
    }
    // Before anything that trains: without TensorFlow.js nothing can be (--merge above trains nothing).
    if (!installed('@tensorflow/tfjs')) this.fail(tensorflowMissingMessage())
    let candidates: Candidate[]
    try {
      candidates = parseCandidates(flags.candidates)
    } catch (error) {
      if (error instanceof CandidateListError) this.fail(`--candidates: ${error.message}.`)
      throw error
    }
    const learningRates = flags['learning-rates'] === undefined ? undefined : flags['learning-rates'].split(',').map((v) => Number(v.trim()))
    if (learningRates && learningRates.some((v) => !(v > 0 && v <= 10)))
      this.fail(`--learning-rates ${flags['learning-rates']}: give positive numbers up to 10, separated by commas (e.g. 0.001,0.003).`)
    const margin = flags.margin === undefined ? undefined : Number(flags.margin)
    if (margin !== undefined && !(margin > 0 && margin < 1)) this.fail(`--margin ${flags.margin}: give a number between 0 and 1 (e.g. 0.01).`)
    if (flags.data !== undefined) {
      const simulationOnly = SIMULATION_ONLY.filter((f) => flags[f] !== undefined)
      if (simulationOnly.length > 0)
        this.fail(`--${simulationOnly[0]} shapes the simulation, which --data replaces${simulationOnly[0] === 'samples' ? ' (to read fewer samples, use --max-samples)' : ''}.`)
    }
    const jobsFlag = flags.jobs.trim().toLowerCase()
    if (jobsFlag !== 'auto' && !/^\d{1,3}$/.test(jobsFlag)) this.fail(`--jobs ${flags.jobs}: give a number of worker processes (1 or more) or auto.`)
    if (jobsFlag !== 'auto' && Number(jobsFlag) < 1) this.fail(`--jobs ${flags.jobs}: give at least 1.`)
    const shard = flags.shard === undefined ? undefined : parseShard(flags.shard)
    if (flags.shard !== undefined && !shard) this.fail(`--shard ${flags.shard}: give K/N with 1 <= K <= N (e.g. 2/3).`)
    if (shard && flags.report !== undefined) this.fail('--report with --shard: a shard holds part of the results; pass --report to --merge.')
    if (shard && (learningRates?.length ?? 0) > 1)
      this.fail('--shard with several --learning-rates: the rate is chosen on the first seed before the other seeds train, so the jobs are not independent; give one rate.')
    const shardDir = resolve(flags['shard-dir'] ?? DEFAULT_SHARD_DIR)
    if (shard && existsSync(shardDir) && !statSync(shardDir).isDirectory()) this.fail(`--shard-dir ${displayPath(shardDir)} is a file; give a folder.`)
    const worker = flags.worker
    const chosen = chooseProfile('evaluate', args.profile, flags.example)
    const file = resolve(chosen.path)
    const {profile, ruleSet} = loadProfileWithRules(displayPath(file), {configPath: flags.config, rulesDirs: flags.rules, bundled: chosen.bundled, trust: flags.trust}, 'nothing was evaluated')
    if (!worker && !installed('@tensorflow/tfjs-backend-wasm')) {
      process.stderr.write('fuseplan: note: @tensorflow/tfjs-backend-wasm is not installed; training runs on the slower cpu backend.\n')
    }
    const decision = decide(profile, {ruleSet})

    let data: LoadedData | undefined
    if (flags.data !== undefined) {
      try {
        data = loadEvaluationData(dataConfig(profile, decision), {train: flags.data, test: flags.test, maxSamples: flags['max-samples'], seed: flags.seed, task: profile.task.type})
      } catch (error) {
        if (error instanceof DataFileError) this.fail(error.message)
        throw error
      }
      if (!worker) this.reportSkips(data, flags['allow-skips'])
    }

    const options: EvaluateOptions = {
      decision,
      seed: flags.seed,
      seeds: flags.quick ? 1 : flags.seeds,
      learningRates: learningRates,
      margin,
      samples: flags.samples,
      maxTrainingSamples: flags.quick ? QUICK_SAMPLE_CAP : SAMPLE_CAP,
      maxInputSize: flags['max-input-size'] ?? DEFAULTS.maxInputSize,
      testSamples: flags['test-samples'] ?? (flags.quick ? QUICK_TEST_SAMPLES : DEFAULTS.testSamples),
      epochs: flags.epochs,
      patience: flags.patience ?? (flags.quick ? Math.min(QUICK_PATIENCE, TRAINING_DEFAULTS.patience) : undefined),
      batchSize: flags['batch-size'],
      missingRates: flags.quick ? QUICK_MISSING_RATES : undefined,
      candidates,
      file: displayPath(file),
      ...(data ? {data} : {}),
    }
    if (worker) {
      try {
        await serveJobs(prepareEvaluation(profile, options), await loadModelCode())
      } catch (error) {
        if (error instanceof TensorflowMissingError) this.fail(error.message)
        throw error
      }
      return
    }
    const setup = createProgress(process.stderr, {color: useColor(process.stderr)})
    setup.onProgress({kind: 'setup', message: data ? 'preparing the data' : 'building the simulated deployment'})
    let prepared
    try {
      prepared = prepareEvaluation(profile, options)
    } finally {
      setup.finish()
    }
    const workers = jobsFlag === 'auto' ? autoJobs(prepared.frame) : Number(jobsFlag)
    const parallel = workers > 1
    const progress = createProgress(process.stderr, {color: useColor(process.stderr), parallel})
    let result: EvaluationResult
    try {
      if (parallel) progress.onProgress({kind: 'setup', message: `training in ${workers} worker processes${jobsFlag === 'auto' ? ' (--jobs auto)' : ''}`})
      const bin = join(this.config.root, 'bin', 'run.js')
      const workerArgs = ['evaluate', ...this.argv.filter((a, i, all) => !isJobsFlag(a, all[i - 1])), '--worker']
      if (shard) {
        const jobs = shardJobs(jobsOf(prepared.frame), shard.index, shard.count)
        let trained: {results: JobResult[]; backend: string}
        if (parallel) {
          trained = await runInWorkers({bin, args: workerArgs, workers, frame: prepared.frame, onProgress: progress.onProgress, only: jobs})
        } else {
          const code = await loadModelCode()
          trained = {results: await runJobs(prepared, code, progress.onProgress, jobs), backend: code.backend}
        }
        progress.finish()
        const target = join(shardDir, shardFileName(shard.index, shard.count))
        writeFileAtomic(target, shardText({shard, backend: trained.backend, fuseplan: this.config.version, frame: prepared.frame, results: trained.results}))
        process.stderr.write(
          `Shard ${shard.index}/${shard.count}: ${jobs.length} of ${jobsOf(prepared.frame).length} jobs trained; results in ${displayPath(target)}. When every shard is done: fuseplan evaluate --merge ${displayPath(shardDir)}\n`,
        )
        return
      }
      if (parallel) {
        // This process only hands out jobs: it never loads TensorFlow.js; the workers say which backend they train on.
        const {results, backend} = await runInWorkers({bin, args: workerArgs, workers, frame: prepared.frame, onProgress: progress.onProgress})
        result = finishEvaluation(prepared.frame, results, backend)
      } else {
        const code = await loadModelCode()
        result = finishEvaluation(prepared.frame, await runJobs(prepared, code, progress.onProgress), code.backend)
      }
    } catch (error) {
      if (error instanceof PoolError || error instanceof TensorflowMissingError) this.fail(error.message)
      throw error
    } finally {
      progress.finish()
    }
    if (workers > availableParallelism()) process.stderr.write(`Note: --jobs ${workers} on ${availableParallelism()} cores: the workers share them.\n`)
    this.output(result, flags.report, formatName)
  }

  /** Prints each skipped sample (up to SHOWN_PROBLEMS per file) and a count per reason; more than MAX_SKIP_SHARE skipped ends the run. */
  private reportSkips(data: LoadedData, allow: boolean): void {
    for (const f of [data.files.train, data.files.test]) {
      if (!f || f.skipped === 0) continue
      const shown = f.problems.slice(0, SHOWN_PROBLEMS)
      // Messages quote the data (paths, names): control characters are shown as escapes.
      for (const p of shown) process.stderr.write(`${escapeControlLine(p.message)}\n`)
      const more = f.skipped - shown.length
      process.stderr.write(
        escapeControlLine(
          `${f.file}: skipped ${f.skipped} of ${f.samples} samples (${((100 * f.skipped) / f.samples).toFixed(1)}%): ${f.reasons.map((r) => `${r.count} ${r.reason}`).join(', ')}${more > 0 ? ` (${more} not listed above)` : ''}.`,
        ) + '\n',
      )
    }
    const over = tooManySkips(data)
    if (over.length > 0 && !allow) {
      this.fail(
        `${over.map((f) => `${f.file}: ${f.skipped} of ${f.samples} samples skipped`).join('; ')}: more than ${MAX_SKIP_SHARE * 100}% of the data could not be used, so nothing was evaluated. Fix the samples above, or pass --allow-skips to evaluate on the rest.`,
      )
    }
    if (data.train.n < 20) this.fail(`${data.files.train.file}: only ${data.train.n} usable training samples; evaluate needs at least 20.`)
    if (data.test.n < 10) this.fail(`only ${data.test.n} usable test samples; evaluate needs at least 10.`)
  }

  private output(result: EvaluationResult, report: string | undefined, formatName: string): void {
    if (report) {
      const target = resolve(report)
      try {
        writeFileAtomic(target, formatEvaluationHtml(result))
      } catch (error) {
        this.fail(`Cannot write the report to ${displayPath(target)}: ${(error as Error).message}`)
      }
      process.stderr.write(`Report written to ${displayPath(target)}\n`)
    }
    const format = evaluationFormats.pick(formatName)
    process.stdout.write(format(result, {color: useColor(process.stdout), width: process.stdout.columns ?? 100}))
  }
}

/** "2/3" -> {index: 2, count: 3}; undefined when it is not K/N with 1 <= K <= N. */
export function parseShard(text: string): {index: number; count: number} | undefined {
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text)
  if (!m) return undefined
  const index = Number(m[1])
  const count = Number(m[2])
  return index >= 1 && index <= count ? {index, count} : undefined
}

/** --jobs auto: one worker per core (capped) when a job trains long enough to pay for a worker's start, else 1. */
export function autoJobs(frame: {simulation: {trainingSamples: number; schedule: {epochs: number}}; seeds: number[]; candidates: unknown[]}): number {
  const work = frame.simulation.trainingSamples * frame.simulation.schedule.epochs
  if (work < AUTO_JOBS_MIN_WORK) return 1
  return Math.max(1, Math.min(availableParallelism(), MAX_AUTO_JOBS, frame.seeds.length * frame.candidates.length))
}

/** Whether argv entry `a` (after `prev`) is part of --jobs/-j N. */
function isJobsFlag(a: string, prev: string | undefined): boolean {
  return /^(--jobs|-j)(=.*)?$/.test(a) || /^-j\d+$/.test(a) || prev === '--jobs' || prev === '-j'
}
