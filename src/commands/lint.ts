import {Args, Flags} from '@oclif/core'
import {resolve} from 'node:path'
import {EXIT, FuseplanCommand, jsonFlag, ruleLoadFailure, useColor, rulesFlag} from '../cli/base-command.js'
import {SEVERITY_RANK, type Severity} from '../findings.js'
import {getLintFormatter, lintFormats, type LintFormatName} from '../formatters/lint/index.js'
import {builtinCheck, listRuleMeta, RuleLoadError, type RuleSet} from '../engine/index.js'
import {discoverFiles, maxDiscoveredEntries} from '../lint/discover.js'
import {filterReports, summarise} from '../lint/lint.js'
import {lintWithRules} from '../lint/run.js'
import {writeFileAtomic} from '../util/fs.js'
import {escapeControlLine} from '../util/text.js'

export default class Lint extends FuseplanCommand {
  static override summary = 'Lint deployment profiles and generated training configs.'
  static override description = `Checks each file against the JSON Schema and fuseplan's rules and reports findings with file:line:col.
Directories are searched for *.yaml and *.yml files; globs are expanded. Exit code: 0 when nothing is at or above --fail-severity, 1 when something is, 2 on a usage, configuration or internal error.`

  static override examples = [
    '<%= config.bin %> lint examples/',
    '<%= config.bin %> lint "deploy/**/*.yaml" --format sarif --output fuseplan.sarif',
    '<%= config.bin %> lint profiles/ --format github --format junit --output - --output junit.xml',
  ]

  static override strict = false
  static override args = {
    paths: Args.string({description: 'Files, directories or globs to lint (default: the current directory).'}),
  }

  static override flags = {
    format: Flags.string({char: 'f', description: 'Output format; repeat for several.', options: [...lintFormats.names], multiple: true, multipleNonGreedy: true, default: ['stylish']}),
    json: jsonFlag(),
    output: Flags.string({
      char: 'o',
      description: 'Where the format at the same position goes (a file, or - for stdout); formats without one print to stdout.',
      multiple: true,
      multipleNonGreedy: true,
    }),
    'fail-severity': Flags.string({description: 'Lowest severity that makes the run fail (exit 1).', options: ['error', 'warning', 'info'], default: 'error'}),
    'max-warnings': Flags.integer({description: 'Fail when there are more than this many warnings (-1: no limit).', default: -1, min: -1}),
    quiet: Flags.boolean({char: 'q', description: 'Report errors only.'}),
    config: Flags.string({char: 'c', description: 'Config file (default: fuseplan.config.yaml found upward from each linted file).'}),
    rules: rulesFlag(),
    trust: Flags.boolean({description: "Let a config file's `extends` and `rules` name paths outside the repository (or working directory). Off by default: in CI, a pull request can add a config."}),
  }

  async run(): Promise<void> {
    const {argv, flags, metadata} = await this.parse(Lint)
    const cwd = process.cwd()
    const inputs = (argv as string[]).length > 0 ? (argv as string[]) : ['.']
    // --json adds the json format (printed last when --output pairs the others); alone it replaces stylish.
    const formats = (flags.json ? [...(metadata.flags.format?.setFromDefault ? [] : flags.format), 'json'] : flags.format) as LintFormatName[]
    const outputs = flags.output ?? []
    if (outputs.length > formats.length) this.fail(`Got ${outputs.length} --output values for ${formats.length} --format values; give one --output per --format at most.`)

    const maxEntries = maxDiscoveredEntries()
    const {files, unmatched, truncated} = discoverFiles(inputs, cwd, maxEntries)
    if (unmatched.length > 0) {
      this.fail(`No files matching ${unmatched.map((u) => `"${u}"`).join(', ')} were found. Check the path or quote the glob.`)
    }

    let run
    try {
      run = lintWithRules(files, {configPath: flags.config, rulesDirs: flags.rules, trust: flags.trust, cwd})
    } catch (error) {
      // One problem per line, unwrapped, so each keeps its file:line:col.
      if (error instanceof RuleLoadError) throw ruleLoadFailure(error, 'nothing was linted')
      throw error
    }
    const {ruleSets} = run
    const reports = flags.quiet ? filterReports(run.reports, (f) => f.severity === 'error') : run.reports

    const failRank = SEVERITY_RANK[flags['fail-severity'] as Severity]
    const summary = summarise(reports)
    const rules = uniqueRuleMeta(ruleSets)
    const ctx = {cwd, rules, toolVersion: this.config.version, failSeverity: flags['fail-severity'] as Severity, skipped: files.length - run.ignored - run.reports.length, ignored: run.ignored}

    const stdoutParts: string[] = []
    const targets = formats.map((format, i) => ({format, output: outputs[i] ?? '-'}))
    // Annotations alone make a poor log: print the stylish report beside them unless asked for already.
    if (targets.some((t) => t.format === 'github' && t.output === '-') && !targets.some((t) => t.format === 'stylish' && t.output === '-')) {
      targets.push({format: 'stylish', output: '-'})
    }
    for (const {format, output} of targets) {
      const formatter = getLintFormatter(format)!
      if (output === '-') {
        stdoutParts.push(formatter(reports, {...ctx, color: useColor(process.stdout)}))
      } else {
        writeFileAtomic(resolve(cwd, output), formatter(reports, {...ctx, color: false}))
      }
    }
    process.stdout.write(stdoutParts.join(''))

    const failing = reports.some((r) => r.findings.some((f) => SEVERITY_RANK[f.severity] >= failRank))
    const tooManyWarnings = flags['max-warnings'] >= 0 && summary.warningCount > flags['max-warnings']
    if (tooManyWarnings) process.stderr.write(`fuseplan found too many warnings (maximum: ${flags['max-warnings']}).\n`)
    // A run that stopped looking for files has not checked the repository: never let it pass.
    if (truncated.length > 0) {
      const where = truncated.map((t) => `"${escapeControlLine(t)}"`).join(', ')
      this.fail(
        `stopped searching ${where} after ${maxEntries.toLocaleString('en')} entries; the files after that were not linted. Lint narrower folders or globs (or raise FUSEPLAN_LINT_MAX_ENTRIES).`,
      )
    }
    if (failing || tooManyWarnings) this.exitWith(EXIT.problems)
  }
}

function uniqueRuleMeta(sets: RuleSet[]) {
  const byId = new Map<string, ReturnType<typeof listRuleMeta>[number]>()
  for (const set of sets) for (const meta of listRuleMeta(set)) if (!byId.has(meta.id)) byId.set(meta.id, meta)
  const all = [...byId.values()]
  // Built-in checks in their table's order, then the rules by id.
  return [...all.filter((m) => builtinCheck(m.id)), ...all.filter((m) => !builtinCheck(m.id)).sort((a, b) => a.id.localeCompare(b.id))]
}
