import {Args, Flags} from '@oclif/core'
import {existsSync, statSync} from 'node:fs'
import {EXIT, exampleFlag, FuseplanCommand, jsonFlag, pickFormat, rulesFlag} from '../cli/base-command.js'
import {chooseProfile, formatFindingLine, loadProfileWithRules} from '../cli/load-profile.js'
import {decide} from '../decision/decide.js'
import {AdrWriteError, writeAdr} from '../decision/records.js'
import {escapeControlLine} from '../util/text.js'
import {adrRendering} from '../formatters/decision/adr.js'
import {decisionFormats, formatExplain} from '../formatters/decision/index.js'

export default class Recommend extends FuseplanCommand {
  static override summary = 'Recommend a fusion strategy, masking plan and transfer plan for a deployment profile.'
  static override description = `Runs the rule engine over the profile and prints the decision as an Architecture Decision Record (MADR 4), or as JSON/YAML for scripts.
Without PROFILE it reads ./fuseplan.profile.yaml (the file \`fuseplan init\` writes); --example runs it on the bundled example (examples/icu-deterioration.yaml).
Exit code: 0 with a recommendation, 1 when no strategy fits (the output says why), 2 on an invalid profile, rule or config file.`

  static override examples = [
    '<%= config.bin %> recommend --example',
    '<%= config.bin %> recommend deploy/profile.yaml --explain',
    '<%= config.bin %> recommend deploy/profile.yaml --format json',
    '<%= config.bin %> recommend deploy/profile.yaml --out docs/adr',
  ]

  static override args = {
    profile: Args.string({description: 'Deployment profile (YAML). Default: ./fuseplan.profile.yaml.'}),
  }

  static override flags = {
    format: Flags.string({char: 'f', description: 'Output format on stdout (json and yaml include the rule trace).', options: [...decisionFormats.names], default: decisionFormats.names[0]}),
    explain: Flags.boolean({
      description:
        'Print the rule trace (every rule, the values it read, its effects) as text instead of the ADR. With --format json or yaml the trace is the `trace` field of that output, which always carries it; with --out the trace is printed and the ADR written.',
    }),
    out: Flags.string({
      description:
        'Write the ADR into this folder (an ADR folder such as docs/adr) as NNNN-<title>.md, instead of printing it. A new ADR (next free number, superseding the previous one for the profile) is written only when the decision changed: the strategy, the masking plan or the transfer plan. Otherwise the existing ADR is kept and the run says so. Findings are printed to stderr either way.',
      helpValue: 'DIR',
    }),
    json: jsonFlag(),
    example: exampleFlag(),
    date: Flags.string({description: 'Date for the ADR, YYYY-MM-DD (default: today, UTC). Pin it for reproducible output.'}),
    config: Flags.string({description: 'Config file (default: fuseplan.config.yaml found upward from the profile).'}),
    rules: rulesFlag(),
    trust: Flags.boolean({description: "Let a config file's `extends` and `rules` name paths outside the repository (or working directory). Off by default: in CI, a pull request can add a config."}),
  }

  async run(): Promise<void> {
    const {args, flags, metadata} = await this.parse(Recommend)
    const format = pickFormat(flags.format, flags.json, metadata.flags.format?.setFromDefault)
    const date = flags.date ?? new Date().toISOString().slice(0, 10)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
      this.fail(`--date must be a calendar date written YYYY-MM-DD, got "${date}".`)
    }
    if (flags.out !== undefined && existsSync(flags.out) && !statSync(flags.out).isDirectory()) {
      this.fail(`--out ${flags.out} exists and is not a folder; give a folder for the decision records (it is created if missing).`)
    }
    const {path: profilePath, bundled} = chooseProfile('recommend', args.profile, flags.example)

    const {profile, ruleSet, findings} = loadProfileWithRules(profilePath, {configPath: flags.config, rulesDirs: flags.rules, bundled, trust: flags.trust}, 'nothing to recommend')

    const decision = decide(profile, {ruleSet, sensitivity: true})
    if (profile.modalities.length === 1) {
      // The engine still ranks the options, but with one input there is nothing to fuse: say so first.
      process.stderr.write(
        `fuseplan: note: ${profilePath} describes one modality (${escapeControlLine(profile.modalities[0].name)}); fusion combines two or more, so the recommendation below has nothing to fuse. Add the other inputs the model will read.\n`,
      )
    }

    if (flags.out) {
      if (!decision.strategy) {
        if (flags.explain) process.stdout.write(formatExplain(decision, ruleSet))
        this.fail(`no strategy recommended for ${decision.profile.name}: ${decision.noStrategyReason}\nNo ADR written.`, EXIT.problems)
      }
      let result
      try {
        result = writeAdr(flags.out, decision, adrRendering(decision, {date, ruleSet}))
      } catch (error) {
        if (error instanceof AdrWriteError) this.fail(error.message)
        throw error
      }
      for (const note of result.notes) process.stderr.write(`fuseplan: note: ${escapeControlLine(note)}\n`)
      if (flags.explain) process.stdout.write(formatExplain(decision, ruleSet))
      if (result.action === 'unchanged') process.stdout.write(`Unchanged: ${result.file} already records this decision; no new ADR written.\n`)
      else if (result.action === 'same-decision') {
        process.stdout.write(`Kept ${result.file}: it records the same decision (strategy, masking plan, transfer plan); other details of the profile changed, which does not call for a new ADR.\n`)
      } else process.stdout.write(`Wrote ${result.file}${result.superseded ? ` (supersedes ${result.superseded})` : ''}\n`)
      // The ADR lists the findings, but nobody reads a file they did not expect to change.
      const shown = findings.filter((f) => f.severity !== 'info')
      if (shown.length > 0) process.stderr.write(`${shown.map((f) => formatFindingLine(profilePath, f)).join('\n')}\n`)
      return
    }

    // JSON and YAML are for scripts: they already hold the trace, and text mixed in would break them.
    if (flags.explain && format === 'adr') process.stdout.write(formatExplain(decision, ruleSet))
    else process.stdout.write(decisionFormats.pick(format)(decision, {date, ruleSet}))

    if (!decision.strategy) {
      this.fail(`no strategy recommended for ${decision.profile.name}: ${decision.noStrategyReason}`, EXIT.problems)
    }
  }
}
