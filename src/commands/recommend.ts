import {Args, Flags} from '@oclif/core'
import {existsSync, statSync} from 'node:fs'
import {FuseplanCommand} from '../cli/base-command.js'
import {BUNDLED_EXAMPLE, displayPath, loadProfileWithRules} from '../cli/load-profile.js'
import {decide} from '../decision/decide.js'
import {writeAdr} from '../decision/records.js'
import {DECISION_FORMATS, decisionFormatters, formatExplain, type DecisionFormatName} from '../formatters/decision/index.js'

export default class Recommend extends FuseplanCommand {
  static override summary = 'Recommend a fusion strategy, masking plan and transfer plan for a deployment profile.'
  static override description = `Runs the rule engine over the profile and prints the decision as an Architecture Decision Record (MADR 4), or as JSON/YAML for scripts.
Without a profile it runs on the bundled example (examples/icu-deterioration.yaml).
Exit code: 0 with a recommendation, 1 when no strategy fits (the output says why), 2 on an invalid profile, rule or config file.`

  static override examples = [
    '<%= config.bin %> recommend',
    '<%= config.bin %> recommend deploy/profile.yaml --explain',
    '<%= config.bin %> recommend deploy/profile.yaml --format json',
    '<%= config.bin %> recommend deploy/profile.yaml --out docs/adr',
  ]

  static override args = {
    profile: Args.string({description: 'Deployment profile (YAML). Default: the bundled ICU example.'}),
  }

  static override flags = {
    format: Flags.string({char: 'f', description: 'Output format.', options: [...DECISION_FORMATS], default: 'adr'}),
    explain: Flags.boolean({description: 'Print the rule trace (every rule, the values it read, its effects) instead of the decision.'}),
    out: Flags.string({description: 'Write the ADR into this folder as NNNN-<title>.md (next free number; supersedes the previous ADR for the profile when the decision changed).'}),
    date: Flags.string({description: 'Date for the ADR, YYYY-MM-DD (default: today, UTC). Pin it for reproducible output.'}),
    config: Flags.string({description: 'Config file (default: fuseplan.config.yaml found upward from the profile).'}),
    rules: Flags.string({description: 'Extra rule folder; repeatable.', multiple: true}),
    trust: Flags.boolean({description: 'Let a config file\'s `extends` and `rules` name paths outside the repository (or working directory). Off by default: in CI, a pull request can add a config.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Recommend)
    const date = flags.date ?? new Date().toISOString().slice(0, 10)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
      process.stderr.write(`fuseplan: --date must be a calendar date written YYYY-MM-DD, got "${date}".\n`)
      return this.exit(2)
    }
    if (flags.out !== undefined && existsSync(flags.out) && !statSync(flags.out).isDirectory()) {
      process.stderr.write(`fuseplan: --out ${flags.out} exists and is not a folder; give a folder for the decision records (it is created if missing).\n`)
      return this.exit(2)
    }
    const bundled = args.profile === undefined
    const profilePath = args.profile ?? displayPath(BUNDLED_EXAMPLE)

    const {profile, ruleSet} = loadProfileWithRules(profilePath, {configPath: flags.config, rulesDirs: flags.rules, bundled, trust: flags.trust}, 'nothing to recommend')

    const decision = decide(profile, {ruleSet, date})

    if (flags.out) {
      if (!decision.strategy) {
        if (flags.explain) process.stdout.write(formatExplain(decision, ruleSet))
        process.stderr.write(`fuseplan: no strategy recommended for ${decision.profile.name}: ${decision.noStrategyReason}\nNo ADR written.\n`)
        return this.exit(1)
      }
      const result = writeAdr(flags.out, decision, {date, ruleSet})
      if (flags.explain) process.stdout.write(formatExplain(decision, ruleSet))
      if (result.action === 'unchanged') process.stdout.write(`Unchanged: ${result.file} already records this decision; no new ADR written.\n`)
      else process.stdout.write(`Wrote ${result.file}${result.superseded ? ` (supersedes ${result.superseded})` : ''}\n`)
      return
    }

    if (flags.explain) process.stdout.write(formatExplain(decision, ruleSet))
    else process.stdout.write(decisionFormatters[flags.format as DecisionFormatName](decision, {date, ruleSet}))

    if (!decision.strategy) {
      process.stderr.write(`fuseplan: no strategy recommended for ${decision.profile.name}: ${decision.noStrategyReason}\n`)
      this.exit(1)
    }
  }
}
