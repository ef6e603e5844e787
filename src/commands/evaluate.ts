import {Args, Flags} from '@oclif/core'
import {existsSync, statSync} from 'node:fs'
import {resolve} from 'node:path'
import {exampleFlag, FuseplanCommand, jsonFlag, pickFormat, useColor, rulesFlag} from '../cli/base-command.js'
import {chooseProfile, displayPath, loadProfileWithRules} from '../cli/load-profile.js'
import {decide} from '../decision/decide.js'
import {CANDIDATE_IDS, CandidateListError, parseCandidates, type Candidate} from '../evaluate/candidates.js'
import {DEFAULTS, runEvaluation} from '../evaluate/run.js'
import {DEFAULT_MARGIN} from '../evaluate/compare.js'
import {installed, TensorflowMissingError, tensorflowMissingMessage} from '../evaluate/tensorflow.js'
import {SIMULATION_LIMITS} from '../evaluate/world.js'
import {TRAINING_DEFAULTS} from '../scaffold/training-config.js'
import {createProgress, evaluationFormats, formatEvaluationHtml} from '../formatters/evaluation/index.js'
import {writeFileAtomic} from '../util/fs.js'

/** A first look: smaller test sets beside the single seed and learning rate. */
const QUICK_TEST_SAMPLES = 1000
/** --quick's robustness sweep: every quarter instead of every tenth (the sweep is most of the measuring time). */
const QUICK_MISSING_RATES = [0, 0.25, 0.5, 0.75, 1]

export default class Evaluate extends FuseplanCommand {
  static override summary = 'Check the recommendation empirically: train every candidate strategy on data simulated from the profile.'
  static override description = `Simulates the profile's deployment from the profile alone (its labelled sample size up to ${SIMULATION_LIMITS.maxTrainingSamples}, modality sizes shrunk by one common factor, images as small images, sequences with their timing, the declared interaction strength, cohorts, availabilities and missingness mechanisms), trains the candidate strategies with the model code \`fuseplan scaffold\` generates over several training seeds with the generated project's own schedule and model selection (the same for every candidate), and reports the metric at full data, at the deployment presence mix, per presence pattern and along a missing-rate sweep, with MultiBench's relative and effective robustness.
The recommendation is compared with every other candidate over the seeds, in four words: equivalent (the 90% interval of the gap lies within the margin, 0.01 AUROC by default), better or worse (significantly, one-sided 5% Holm-adjusted, and not within the margin), or inconclusive; when the seeds cannot decide, the report says how many would.
Candidates: early/complete-case (the naive baseline: early fusion on complete cases, zero-filled at inference), early/indicators, intermediate, attention (both with the masking plan) and late.
Without PROFILE it reads ./fuseplan.profile.yaml (the file \`fuseplan init\` writes); --example runs it on the bundled example examples/icu-deterioration.yaml. The same --seed gives the same numbers.
TensorFlow.js (@tensorflow/tfjs, @tensorflow/tfjs-backend-wasm) is an optional peer dependency of fuseplan: install it beside fuseplan to evaluate; without it the command says how and exits 2.`

  static override examples = [
    '<%= config.bin %> evaluate --example --quick',
    '<%= config.bin %> evaluate examples/wearable-afib.yaml --report afib.html',
    '<%= config.bin %> evaluate profile.yaml --format json --seed 1 --candidates early/complete-case,intermediate,late',
    '<%= config.bin %> evaluate profile.yaml --quick',
    '<%= config.bin %> evaluate profile.yaml --seeds 5 --samples 8000 --epochs 20',
  ]

  static override args = {
    profile: Args.string({description: 'Deployment profile (YAML). Default: ./fuseplan.profile.yaml.'}),
  }

  static override flags = {
    seed: Flags.integer({description: 'Base seed: fixes the simulated world; the training seeds are SEED, SEED+1, ...', default: DEFAULTS.seed, min: 0, max: 2 ** 31 - 1}),
    seeds: Flags.integer({description: 'Training seeds (each draws its own training set, test sets, weights and masks).', default: DEFAULTS.seeds, min: 1, max: 50}),
    quick: Flags.boolean({
      description: 'One training seed, smaller test sets and a coarser robustness sweep: a fast first look whose verdict is always inconclusive (one seed cannot measure training variation).',
      default: false,
    }),
    samples: Flags.integer({description: `Training samples (default: the profile's labelledSamples, at most ${SIMULATION_LIMITS.maxTrainingSamples}).`, min: 20, max: 1_000_000}),
    'test-samples': Flags.integer({description: `Samples in each test set (full data, deployment mix); default ${DEFAULTS.testSamples}, ${QUICK_TEST_SAMPLES} with --quick.`, min: 50, max: 1_000_000}),
    epochs: Flags.integer({
      description: `Epoch budget per candidate (default: the generated project's, ${TRAINING_DEFAULTS.epochs}; early stopping usually ends sooner). A smaller budget is listed as a reduction in the report.`,
      min: 1,
      max: 10_000,
    }),
    patience: Flags.integer({description: `Early-stopping patience in epochs (default: the generated project's, ${TRAINING_DEFAULTS.patience}).`, min: 1, max: 10_000}),
    'batch-size': Flags.integer({description: `Mini-batch size (default: the generated project's, ${TRAINING_DEFAULTS.batchSize}).`, min: 1, max: 65_536}),
    'learning-rates': Flags.string({description: "Comma list of learning rates tried for every candidate on the first seed, kept by validation loss (default: the generated project's one rate)."}),
    margin: Flags.string({
      description: `Equivalence margin: gaps within it count as equivalent (default ${DEFAULT_MARGIN}: of AUROC and the other scores; for RMSE/MAE, that share of the label's standard deviation).`,
    }),
    'max-input-size': Flags.integer({description: 'Widest simulated modality (flattened values); the others shrink by the same factor.', default: DEFAULTS.maxInputSize, min: 8, max: 1_000_000}),
    candidates: Flags.string({description: `Comma list of candidates: ${CANDIDATE_IDS.join(', ')} (or all).`, default: 'all'}),
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
    // Before anything else: without TensorFlow.js nothing can be trained.
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
    if (flags.report !== undefined && !/\.html?$/i.test(flags.report)) this.fail(`--report ${flags.report}: the report is HTML; give a file name ending in .html.`)
    // Refuse a folder before training, not after minutes of it.
    if (flags.report !== undefined && existsSync(flags.report) && statSync(flags.report).isDirectory()) this.fail(`--report ${flags.report} is a folder; give a file name ending in .html.`)
    const chosen = chooseProfile('evaluate', args.profile, flags.example)
    const file = resolve(chosen.path)
    const {profile, ruleSet} = loadProfileWithRules(displayPath(file), {configPath: flags.config, rulesDirs: flags.rules, bundled: chosen.bundled, trust: flags.trust}, 'nothing was evaluated')
    if (!installed('@tensorflow/tfjs-backend-wasm')) {
      process.stderr.write('fuseplan: note: @tensorflow/tfjs-backend-wasm is not installed; training runs on the slower cpu backend.\n')
    }

    const progress = createProgress(process.stderr, {color: useColor(process.stderr)})
    let result
    try {
      result = await runEvaluation(profile, {
        decision: decide(profile, {ruleSet}),
        seed: flags.seed,
        seeds: flags.quick ? 1 : flags.seeds,
        learningRates: learningRates,
        margin,
        samples: flags.samples,
        maxInputSize: flags['max-input-size'],
        testSamples: flags['test-samples'] ?? (flags.quick ? QUICK_TEST_SAMPLES : DEFAULTS.testSamples),
        epochs: flags.epochs,
        patience: flags.patience,
        batchSize: flags['batch-size'],
        missingRates: flags.quick ? QUICK_MISSING_RATES : undefined,
        candidates,
        file: displayPath(file),
        onProgress: progress.onProgress,
      })
    } catch (error) {
      progress.finish()
      if (error instanceof TensorflowMissingError) this.fail(error.message)
      throw error
    }
    progress.finish()

    if (flags.report) {
      const target = resolve(flags.report)
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
