// A whole lint run: the rule set per folder (a config file applies to the files below it, as
// ESLint's and Spectral's do) and every document kind lint knows.
//
// Not parallel on purpose: a worker per core was tried and gained nothing on 2 cores, because a
// single lint thread already keeps the second core busy with V8's garbage collection.
import {realpathSync} from 'node:fs'
import {dirname, resolve, sep} from 'node:path'
import {isInside, trustRoot} from '../engine/config.js'
import picomatch from 'picomatch'
import {applyCheckConfig, checkProfile, loadRuleSet, type RuleSet} from '../engine/index.js'
import type {FileReport, Finding} from '../findings.js'
import {applySuppressions, directiveFindings} from '../profile/suppress.js'
import type {Profile} from '../profile/types.js'
import {lintTrainingConfig} from './training-config.js'
import type {DiscoveredFile} from './discover.js'
import {limitFindings, lintFiles, MAX_FINDINGS_PER_FILE} from './lint.js'

export interface LintRunOptions {
  /** Explicit config file; otherwise fuseplan.config.yaml is searched upward from each file. */
  configPath?: string
  /** Extra rule folders (rule packs). */
  rulesDirs?: string[]
  /** Let a config's `extends`/`rules` reach outside the repository or working directory. */
  trust?: boolean
  cwd: string
  /** Keep the text of files with findings (the json format prints it), up to MAX_KEPT_SOURCE_BYTES in all. */
  keepSource?: boolean
}

/** Source text kept for the reports of one run: lint keeps findings, not files, so memory stays flat. */
export const MAX_KEPT_SOURCE_BYTES = 32 * 1024 * 1024

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
  // A file named on the command line is linted whatever `ignores` says: a pull request's config must
  // not be able to wave through the very file the workflow names.
  const kept = files.filter((f) => f.explicit || !ignoredBy(f.path))
  const checkerFor = (file: string) => (profile: Profile) => checkProfile(ruleSetFor(file), profile, file)
  let keptSource = 0
  const reports = lintFiles(kept, {
    checkProfileFor: checkerFor,
    kinds: {
      // The source profile is judged under the config of its own folder, as linting it would.
      TrainingConfig: (source) => lintTrainingConfig(source.value, {filePath: source.filePath, positionOf: (path) => source.rangeOf(path), checkProfileFor: checkerFor}),
    },
    refuse: (file) => (file.link && !options.trust ? linkOutside(file.path) : undefined),
    // Each report is finished as soon as its file is read, so the file's text can go.
    finish: (report) => {
      const done = configure(report, ruleSetFor(report.filePath))
      const findings = limitFindings(done.findings)
      const suppressed = done.suppressed && done.suppressed.length > MAX_FINDINGS_PER_FILE ? done.suppressed.slice(0, MAX_FINDINGS_PER_FILE) : done.suppressed
      const source = options.keepSource && findings.length > 0 && done.source !== undefined && keptSource + done.source.length <= MAX_KEPT_SOURCE_BYTES ? done.source : undefined
      if (source !== undefined) keptSource += source.length
      const out: FileReport = {filePath: done.filePath, findings: findings.map(detachFinding)}
      if (done.kind !== undefined) out.kind = detach(done.kind)
      if (source !== undefined) out.source = source
      if (suppressed?.length) out.suppressed = suppressed.map((f) => ({...detachFinding(f), ...(f.justification !== undefined ? {justification: detach(f.justification)} : {})}))
      return out
    },
  })
  return {reports, ruleSets: [...new Set(byDir.values())], ignored: files.length - kept.length}
}

/**
 * Why a symbolic link a folder walk found must not be read: it leads outside the repository (or the
 * working directory) it sits in. A pull request controls the repository, not the rest of the machine.
 */
function linkOutside(path: string): string | undefined {
  let target: string
  try {
    target = realpathSync(path)
  } catch {
    return undefined // dangling: reading it says so
  }
  const root = trustRoot(dirname(path))
  let realRoot = root
  try {
    realRoot = realpathSync(root)
  } catch {
    // the root as given
  }
  if (isInside(target, realRoot)) return undefined
  return `it is a symbolic link to ${target}, outside ${root} (the repository or working directory), and a folder walk reads only files inside it; name the file on the command line, or pass --trust`
}

/**
 * A copy of a string that does not point into the text it was cut from. V8 keeps substrings (and
 * strings built from them) as views of the whole source: a `kind` or a key name kept in a report would
 * keep the file's megabyte alive, and lint over 500 files would hold them all.
 */
function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1)
}

function detachFinding<F extends Finding>(f: F): F {
  return {...f, ruleId: detach(f.ruleId), message: detach(f.message), path: f.path.map((p) => (typeof p === 'string' ? detach(p) : p))}
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
