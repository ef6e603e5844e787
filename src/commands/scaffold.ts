import {Args, Flags} from '@oclif/core'
import {join, resolve} from 'node:path'
import {parse} from 'yaml'
import {FuseplanCommand} from '../cli/base-command.js'
import {displayPath, loadProfileWithRules} from '../cli/load-profile.js'
import {decide} from '../decision/decide.js'
import {STRATEGIES, type Strategy} from '../decision/types.js'
import {ANSWERS_FILE} from '../scaffold/generate.js'
import {planScaffold, readAnswers, ScaffoldError, writeScaffold, type FileStatus} from '../scaffold/scaffold.js'

const LABELS: Record<FileStatus, [string, string]> = {
  added: ['added', 'would add'],
  changed: ['updated', 'would update'],
  unchanged: ['unchanged', 'unchanged'],
  kept: ['kept', 'would keep'],
  conflict: ['in the way', 'in the way'],
  removed: ['removed', 'would remove'],
}

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
    profile: Args.string({description: 'Deployment profile (YAML). Default: the profile saved in --out/.fuseplan/answers.yaml.'}),
  }

  static override flags = {
    out: Flags.string({char: 'o', description: 'Folder of the project (created if needed).', required: true, helpValue: 'DIR'}),
    strategy: Flags.string({char: 's', description: 'Use this strategy instead of the recommended one.', options: [...STRATEGIES]}),
    'dry-run': Flags.boolean({description: 'List what would be written; write nothing.'}),
    force: Flags.boolean({description: "Overwrite files you edited since generation (default: keep them and write fuseplan's new version beside them as <file>.new)."}),
    json: Flags.boolean({description: 'Print the result as JSON.'}),
    config: Flags.string({description: 'Config file (default: fuseplan.config.yaml found upward from the profile).'}),
    rules: Flags.string({description: 'Extra rule folder; repeatable.', multiple: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Scaffold)
    const out = resolve(flags.out)
    const dryRun = flags['dry-run'] === true
    const json = flags.json === true
    let profilePath = args.profile
    let strategy = flags.strategy as Strategy | undefined
    let ruleConfig = flags.config
    let rules = flags.rules
    try {
      const answers = readAnswers(out, (t) => parse(t, {maxAliasCount: 10}))
      if (!profilePath) {
        if (!answers) {
          process.stderr.write(`fuseplan: give a profile (fuseplan scaffold PROFILE --out ${flags.out}); ${join(flags.out, ANSWERS_FILE)} does not exist yet.\n`)
          return this.exit(2)
        }
        profilePath = displayPath(resolve(out, answers.profile))
        strategy ??= answers.strategy ?? undefined
        ruleConfig ??= answers.config === undefined ? undefined : displayPath(resolve(out, answers.config))
        rules ??= answers.rules?.map((r) => displayPath(resolve(out, r)))
      }
    } catch (error) {
      if (error instanceof ScaffoldError) {
        process.stderr.write(`fuseplan: ${error.message}\n`)
        return this.exit(error.exitCode)
      }
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
        process.stderr.write(`fuseplan: ${error.message}\n`)
        return this.exit(error.exitCode)
      }
      throw error
    }
    this.report(plan, dryRun, json, false)
  }

  private report(plan: ReturnType<typeof planScaffold>, dryRun: boolean, json: boolean, failed: boolean): void {
    const shownOut = displayPath(plan.out)
    for (const w of plan.warnings) process.stderr.write(`warning: ${w}\n`)
    if (json) {
      if (failed) return
      const result = {
        out: shownOut,
        strategy: plan.strategy,
        recommended: plan.recommended,
        dryRun,
        files: plan.files.map((f) => ({path: f.path, status: f.status, ...(f.reason ? {reason: f.reason} : {}), ...(f.newVersion ? {newVersion: f.newVersion} : {})})),
      }
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
      return
    }
    const lines: string[] = []
    lines.push(`${dryRun && !failed ? 'Dry run: ' : ''}${plan.strategy} fusion project in ${shownOut}/`)
    for (const f of plan.files) {
      // A .new file is reported on the line of the file it belongs to, unless it is the problem.
      if (f.status === 'unchanged' || (f.sidecar && f.status !== 'conflict' && f.status !== 'removed')) continue
      const label = LABELS[f.status][dryRun ? 1 : 0]
      const note =
        f.status === 'kept'
          ? `${f.reason}; ${f.newVersion ? `fuseplan's new version ${dryRun ? 'would go' : 'is'} in ${f.newVersion}` : "fuseplan's version did not change"}`
          : f.sidecar && f.status === 'removed'
            ? "merged: your file now matches fuseplan's version, or fuseplan's version moved on"
            : f.reason
      lines.push(`  ${label.padEnd(12)} ${f.path}${note ? `  (${note})` : ''}`)
    }
    const main = plan.files.filter((f) => !f.sidecar)
    const count = (s: FileStatus) => main.filter((f) => f.status === s).length
    const summary = (['added', 'changed', 'removed', 'kept', 'unchanged'] as FileStatus[])
      .filter((s) => count(s) > 0)
      .map((s) => {
        const word = dryRun
          ? {added: 'to add', changed: 'to update', removed: 'to remove', kept: 'edited (kept)', conflict: '', unchanged: 'unchanged'}[s]
          : {added: 'added', changed: 'updated', removed: 'removed', kept: 'edited (kept)', conflict: '', unchanged: 'unchanged'}[s]
        return `${count(s)} ${word}`
      })
    lines.push(summary.join(', '))
    const sidecars = plan.files.filter((f) => f.sidecar && f.status !== 'removed')
    const fresh = sidecars.filter((f) => f.status === 'added' || f.status === 'changed').length
    const waiting = sidecars.filter((f) => f.status === 'unchanged').length
    if (!failed && fresh > 0) lines.push(`${dryRun ? 'Would write' : 'Wrote'} ${fresh} .new file${fresh === 1 ? '' : 's'} beside your edited files: merge what you want from each, then delete it.`)
    if (!failed && waiting > 0) lines.push(`${waiting} .new file${waiting === 1 ? '' : 's'} from an earlier run still wait${waiting === 1 ? 's' : ''} to be merged.`)
    if (!dryRun && !failed) {
      const written = plan.files.filter((f) => f.status === 'added' || f.status === 'changed' || f.status === 'removed')
      lines.push(written.length > 0 ? `Next: cd ${shownOut} && npm install && npm test` : waiting > 0 ? 'Nothing else to do.' : 'Nothing to do: the project is up to date.')
    }
    if (dryRun && !failed) lines.push('Nothing was written (--dry-run).')
    process.stdout.write(`${lines.join('\n')}\n`)
  }
}
