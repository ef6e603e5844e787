// A whole lint run: the rule set per folder (a config file applies to the files below it, as
// ESLint's and Spectral's do) and every document kind lint knows.
//
// Not parallel on purpose: a worker per core was tried and gained nothing on 2 cores, because a
// single lint thread already keeps the second core busy with V8's garbage collection.
import {dirname, resolve, sep} from 'node:path'
import picomatch from 'picomatch'
import {applyCheckConfig, checkProfile, loadRuleSet, type RuleSet} from '../engine/index.js'
import type {FileReport} from '../findings.js'
import {applySuppressions, directiveFindings} from '../profile/suppress.js'
import type {Profile} from '../profile/types.js'
import {lintTrainingConfig} from './training-config.js'
import type {DiscoveredFile} from './discover.js'
import {lintFiles} from './lint.js'

export interface LintRunOptions {
  /** Explicit config file; otherwise fuseplan.config.yaml is searched upward from each file. */
  configPath?: string
  /** Extra rule folders (rule packs). */
  rulesDirs?: string[]
  /** Let a config's `extends`/`rules` reach outside the repository or working directory. */
  trust?: boolean
  cwd: string
}

export interface LintRun {
  reports: FileReport[]
  /** Every rule set used, for the rule table of formats such as SARIF. */
  ruleSets: RuleSet[]
  /** Files skipped because their config's `ignores` matches them. */
  ignored: number
}

/** Lints the files. Throws RuleLoadError when a config or rule pack is broken. */
export function lintWithRules(files: DiscoveredFile[], options: LintRunOptions): LintRun {
  const byDir = new Map<string, RuleSet>()
  const ruleSetFor = (file: string): RuleSet => {
    const dir = dirname(file)
    let set = byDir.get(dir)
    if (!set) {
      set = loadRuleSet({configPath: options.configPath, rulesDirs: options.rulesDirs, searchFrom: dir, trust: options.trust})
      byDir.set(dir, set)
    }
    return set
  }
  // Load the rules once up front so a broken config or rule pack fails the run before any file is read.
  ruleSetFor(resolve(options.cwd, 'fuseplan-lint'))
  const matchers = new Map<RuleSet, (path: string) => boolean>()
  const ignoredBy = (file: string): boolean => {
    const set = ruleSetFor(file)
    if (set.ignores.length === 0) return false
    let match = matchers.get(set)
    if (!match) matchers.set(set, (match = picomatch(set.ignores, {dot: true})))
    return match(file.split(sep).join('/'))
  }
  const kept = files.filter((f) => !ignoredBy(f.path))
  const checkerFor = (file: string) => (profile: Profile) => checkProfile(ruleSetFor(file), profile)
  const reports = lintFiles(kept, {
    checkProfileFor: checkerFor,
    kinds: {
      // The source profile is judged under the config of its own folder, as linting it would.
      TrainingConfig: (source) => lintTrainingConfig(source.value, {filePath: source.filePath, positionOf: (path) => source.rangeOf(path), checkProfileFor: checkerFor}),
    },
  }).map((report) => configure(report, ruleSetFor(report.filePath)))
  return {reports, ruleSets: [...new Set(byDir.values())], ignored: files.length - kept.length}
}

/** The config's severities for built-in checks, suppression comments, and findings about those comments. */
function configure(report: FileReport, set: RuleSet): FileReport {
  const all = applyCheckConfig(set, [...report.findings, ...(report.suppressed ?? [])])
  const {findings, suppressed, directives} = applySuppressions(all, report.source ?? '')
  if (directives.length === 0) return {...report, findings}
  // A file the parser or the schema rejects was not checked by every rule: an unused comment there proves nothing.
  const complete = !findings.some((f) => f.severity === 'error' && set.checksById.get(f.ruleId)?.check.configurable === false)
  const known = (id: string) => set.byId.has(id) || set.checksById.has(id)
  const about = applyCheckConfig(set, directiveFindings(directives, known, complete, [...set.byId.keys(), ...set.checksById.keys()]))
  return {...report, findings: [...findings, ...about], suppressed}
}
