import {Args, Flags} from '@oclif/core'
import {join, resolve} from 'node:path'
import {parse} from 'yaml'
import {FuseplanCommand, jsonFlag, pickFormat, rulesFlag} from '../cli/base-command.js'
import {DEFAULT_PROFILE, loadProfileWithRules} from '../cli/load-profile.js'
import {displayPath} from '../util/fs.js'
import {existsSync} from 'node:fs'
import {decide} from '../decision/decide.js'
import {STRATEGIES, type Strategy} from '../decision/types.js'
import {ANSWERS_FILE} from '../scaffold/generate.js'
import {scaffoldFormats} from '../formatters/scaffold/index.js'
import {escapeText} from '../util/text.js'
import {planScaffold, readAnswers, ScaffoldError, writeScaffold, type ScaffoldPlan} from '../scaffold/scaffold.js'

export default class Scaffold extends FuseplanCommand {
  static override summary = 'Generate a TensorFlow.js starter project that implements the recommended fusion strategy and masking plan.'
  static override description = `Writes a small TypeScript project into --out: the training config (fuseplan.training.yaml), model code for the four fusion strategies driven by it, a data loader, a synthetic data generator, train/evaluate/predict/bench scripts and tests.
Re-running it regenerates the project (the profile and options are saved in .fuseplan/answers.yaml, so the profile argument can be left out) and lists what changes. Files you did not edit are updated. Files you edited since generation are kept as they are; when fuseplan's version of such a file changed, the new version is written beside it as <file>.new for you to merge (delete the .new file when done; the next run removes it once your file matches). --force overwrites your edits instead.
Exit code: 0 on success (also when edited files were kept), 1 when no strategy fits or a <file>.new path is taken by a file fuseplan did not write (nothing is written), 2 on an invalid profile or usage error.`

  static override examples = [
    '<%= config.bin %> scaffold examples/icu-deterioration.yaml --out icu-model',
    '<%= config.bin %> scaffold examples/icu-deterioration.yaml --out icu-model --strategy attention --dry-run',
    '<%= config.bin %> scaffold --out icu-model',
  ]

  static override args = {
    profile: Args.string({description: 'Deployment profile (YAML). Default: the profile saved in --out/.fuseplan/answers.yaml, else ./fuseplan.profile.yaml.'}),
  }

  static override flags = {
    out: Flags.string({char: 'o', description: 'Folder of the project (created if needed).', required: true, helpValue: 'DIR'}),
    strategy: Flags.string({char: 's', description: 'Use this strategy instead of the recommended one.', options: [...STRATEGIES]}),
    'dry-run': Flags.boolean({description: 'List what would be written; write nothing.'}),
    force: Flags.boolean({description: "Overwrite files you edited since generation (default: keep them and write fuseplan's new version beside them as <file>.new)."}),
    format: Flags.string({char: 'f', description: 'Output format on stdout.', options: [...scaffoldFormats.names], default: scaffoldFormats.names[0]}),
    json: jsonFlag(),
    config: Flags.string({description: 'Config file (default: fuseplan.config.yaml found upward from the profile).'}),
    rules: rulesFlag(),
  }

  async run(): Promise<void> {
    const {args, flags, metadata} = await this.parse(Scaffold)
    const out = resolve(flags.out)
    const dryRun = flags['dry-run'] === true
    const json = pickFormat(flags.format, flags.json, metadata.flags.format?.setFromDefault) === 'json'
    let profilePath = args.profile
    let strategy = flags.strategy as Strategy | undefined
    let ruleConfig = flags.config
    let rules = flags.rules
    try {
      const answers = readAnswers(out, (t) => parse(t, {maxAliasCount: 10}))
      if (!profilePath) {
        if (answers) {
          profilePath = displayPath(resolve(out, answers.profile))
          strategy ??= answers.strategy ?? undefined
          ruleConfig ??= answers.config === undefined ? undefined : displayPath(resolve(out, answers.config))
          rules ??= answers.rules?.map((r) => displayPath(resolve(out, r)))
        } else if (existsSync(DEFAULT_PROFILE)) {
          process.stderr.write(`fuseplan: no profile given: using ./${DEFAULT_PROFILE}\n`)
          profilePath = DEFAULT_PROFILE
        } else {
          this.fail(`give a profile (fuseplan scaffold PROFILE --out ${flags.out}); neither ${join(flags.out, ANSWERS_FILE)} nor ./${DEFAULT_PROFILE} exists.`)
        }
      }
    } catch (error) {
      if (error instanceof ScaffoldError) this.fail(error.message, error.exitCode)
      throw error
    }

    const {profile, ruleSet} = loadProfileWithRules(profilePath, {configPath: ruleConfig, rulesDirs: rules}, 'nothing was written')

    const decision = decide(profile, {ruleSet})
    let plan
    try {
      plan = planScaffold({profile, decision, profilePath, out, strategy, force: flags.force, ruleConfig, rules})
      if (!dryRun) writeScaffold(plan)
    } catch (error) {
      if (error instanceof ScaffoldError) {
        if (plan) this.report(plan, true, json, true)
        this.fail(error.message, error.exitCode)
      }
      throw error
    }
    this.report(plan, dryRun, json, false)
  }

  private report(plan: ScaffoldPlan, dryRun: boolean, json: boolean, failed: boolean): void {
    // Warnings quote rule packs (exclusion reasons): escaped, one line each.
    for (const w of plan.warnings) process.stderr.write(`warning: ${escapeText(w, 'line')}\n`)
    if (json && failed) return
    process.stdout.write(scaffoldFormats.formatters[json ? 'json' : 'text'](plan, {out: displayPath(plan.out), dryRun, failed}))
  }
}
