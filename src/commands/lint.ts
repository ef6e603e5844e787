import {Args, Flags} from '@oclif/core'
import {lstatSync, rmSync} from 'node:fs'
import {relative, resolve} from 'node:path'
import {EXIT, FuseplanCommand, jsonFlag, ruleLoadFailure, useColor, rulesFlag} from '../cli/base-command.js'
import {SEVERITY_RANK, type Severity} from '../findings.js'
import {escapeData} from '../formatters/lint/github.js'
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

    const targets = formats.map((format, i) => ({format, output: outputs[i] ?? '-'}))
    // A run that cannot check what it was asked to leaves no report behind: a stale SARIF would be
    // uploaded as if it were this run's (and close the alerts it no longer lists).
    const failWithoutReports = (message: string, problems: readonly string[] = []): never => {
      for (const {output} of targets) if (output !== '-') removeStaleReport(resolve(cwd, output))
      // Annotations are what a pull request shows: say it there too.
      if (targets.some((t) => t.format === 'github' && t.output === '-')) process.stdout.write(`::error title=fuseplan lint::${escapeData(`fuseplan: ${message}`)}\n`)
      this.fail(message, EXIT.input, problems)
    }

    const maxEntries = maxDiscoveredEntries()
    const {files, unmatched, truncated, linkedFolders} = discoverFiles(inputs, cwd, maxEntries)
    if (unmatched.length > 0) {
      failWithoutReports(`No files matching ${unmatched.map((u) => `"${escapeControlLine(u)}"`).join(', ')} were found. Check the path or quote the glob.`)
    }
    // A walk that stopped looking for files has not checked the repository: nothing is linted.
    if (truncated.length > 0) {
      const where = truncated.map((t) => `"${escapeControlLine(t)}"`).join(', ')
      failWithoutReports(
        `stopped searching ${where} after ${maxEntries.toLocaleString('en')} entries, so nothing was linted and no report written. Lint narrower folders or globs (or raise FUSEPLAN_LINT_MAX_ENTRIES).`,
      )
    }
    if (linkedFolders.length > 0) {
      const shown = linkedFolders.slice(0, 5).map((f) => escapeControlLine(relative(cwd, f) || '.'))
      process.stderr.write(
        `fuseplan: note: ${linkedFolders.length} linked folder${linkedFolders.length === 1 ? ' was' : 's were'} not followed: ${shown.join(', ')}${linkedFolders.length > 5 ? `, and ${linkedFolders.length - 5} more` : ''}. Name a folder to lint it.\n`,
      )
    }

    let run
    try {
      run = lintWithRules(files, {configPath: flags.config, rulesDirs: flags.rules, trust: flags.trust, cwd, keepSource: formats.includes('json')})
    } catch (error) {
      // One problem per line, unwrapped, so each keeps its file:line:col.
      if (error instanceof RuleLoadError) {
        const failure = ruleLoadFailure(error, 'nothing was linted')
        for (const {output} of targets) if (output !== '-') removeStaleReport(resolve(cwd, output))
        throw failure
      }
      throw error
    }
    // ESLint's rule: a config may skip files, not every file lint was asked to check.
    if (files.length > 0 && run.ignored === files.length) {
      failWithoutReports(
        `every file found in ${inputs.map((i) => `"${escapeControlLine(i)}"`).join(', ')} is ignored by the config's \`ignores\`, so nothing was linted. Narrow \`ignores\`, or name the files to lint.`,
      )
    }
    const {ruleSets} = run
    const reports = flags.quiet ? filterReports(run.reports, (severity) => severity === 'error') : run.reports

    const failRank = SEVERITY_RANK[flags['fail-severity'] as Severity]
    const summary = summarise(reports)
    const rules = uniqueRuleMeta(ruleSets)
    const ctx = {cwd, rules, toolVersion: this.config.version, failSeverity: flags['fail-severity'] as Severity, skipped: files.length - run.ignored - run.reports.length, ignored: run.ignored}

    const stdoutParts: string[] = []
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
    if (failing || tooManyWarnings) this.exitWith(EXIT.problems)
  }
}

/** Removes a report file an earlier run left (a regular file only: never a link, device or folder). */
function removeStaleReport(path: string): void {
  try {
    if (lstatSync(path).isFile()) rmSync(path, {force: true})
  } catch {
    // nothing there
  }
}

function uniqueRuleMeta(sets: RuleSet[]) {
  const byId = new Map<string, ReturnType<typeof listRuleMeta>[number]>()
  for (const set of sets) for (const meta of listRuleMeta(set)) if (!byId.has(meta.id)) byId.set(meta.id, meta)
  const all = [...byId.values()]
  // Built-in checks in their table's order, then the rules by id.
  return [...all.filter((m) => builtinCheck(m.id)), ...all.filter((m) => !builtinCheck(m.id)).sort((a, b) => a.id.localeCompare(b.id))]
}
