// A whole lint run: the rule set per folder (a config file applies to the files below it, as
// ESLint's and Spectral's do) and every document kind lint knows.
//
// Not parallel on purpose: a worker per core was tried and gained nothing on 2 cores, because a
// single lint thread already keeps the second core busy with V8's garbage collection.
import {dirname, resolve} from 'node:path'
import {checkProfile, loadRuleSet, type RuleSet} from '../engine/index.js'
import type {FileReport} from '../findings.js'
import {lintTrainingConfig} from '../scaffold/lint-training-config.js'
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
  const reports = lintFiles(files, {
    checkProfileFor: (file) => (profile) => checkProfile(ruleSetFor(file), profile),
    kinds: {TrainingConfig: (source) => lintTrainingConfig(source.value, {filePath: source.filePath, positionOf: (path) => source.rangeOf(path)})},
  })
  return {reports, ruleSets: [...new Set(byDir.values())]}
}
