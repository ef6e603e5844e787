// The verdict a command owes a generated input, computed without the CLI: the same library calls
// the command makes (load the rules, load and check the profile, decide, lint one document), read
// through the documented exit convention (0 success, 1 problems or no strategy, 2 input that cannot
// be used). The fuzz tests run the real command and compare: exact exit code, and for exit 2 the
// positioned `file:line:col` line of every problem the library found.
import {basename} from 'node:path'
import {decide} from '../../src/decision/decide.js'
import {checkProfile, defaultRuleSet, loadRuleSet, RuleLoadError, type LoadRuleSetOptions, type RuleSet} from '../../src/engine/index.js'
import {lintSource} from '../../src/lint/lint.js'
import {loadProfileText} from '../../src/profile/load.js'
import {parseSource} from '../../src/profile/source.js'

export interface Verdict {
  exit: 0 | 1 | 2
  /** For exit 2: the start of each line that must be on stderr (`name:line:col:`). */
  positions: string[]
  /** For recommend: the strategy the decision names (null when none fits). */
  strategy?: string | null
}

/** The rule set a command would load, or the exit-2 verdict of a set that cannot be loaded. */
export function rulesOrVerdict(options: LoadRuleSetOptions): RuleSet | Verdict {
  try {
    return loadRuleSet(options)
  } catch (error) {
    if (!(error instanceof RuleLoadError)) throw error
    return {exit: 2, positions: error.problems.map((p) => `${basename(p.file)}:${p.line}:${p.column}:`)}
  }
}

export const isVerdict = (x: RuleSet | Verdict): x is Verdict => 'exit' in x

/** What `recommend` (and the first step of every command that reads a profile) owes `text`. */
export function profileVerdict(fileName: string, text: string, ruleSet: RuleSet = defaultRuleSet()): Verdict {
  const loaded = loadProfileText(fileName, text, (p) => checkProfile(ruleSet, p))
  const inputErrors = loaded.findings.filter((f) => f.severity === 'error' && ruleSet.byId.get(f.ruleId)?.rule.scope !== 'decision')
  if (!loaded.profile || inputErrors.length > 0) {
    const shown = loaded.profile ? inputErrors : loaded.findings
    return {exit: 2, positions: shown.map((f) => `${fileName}:${f.line}:${f.column}:`)}
  }
  const strategy = decide(loaded.profile, {ruleSet}).strategy
  return {exit: strategy ? 0 : 1, positions: [], strategy}
}

/** What `lint FILE` owes one document (default --fail-severity error). */
export function lintVerdict(fileName: string, text: string, ruleSet: RuleSet = defaultRuleSet()): Verdict {
  const report = lintSource(parseSource(fileName, text), true, {checkProfile: (p) => checkProfile(ruleSet, p)})
  const failing = report?.findings.some((f) => f.severity === 'error') ?? false
  return {exit: failing ? 1 : 0, positions: []}
}

/** Throws with `what` unless `r` ended as `v` says: that exit code, and every expected position on stderr. */
export function expectVerdict(r: {status: number | null; stderr: string}, v: Verdict, what: string): void {
  if (r.status !== v.exit) throw new Error(`expected exit ${v.exit}, got ${r.status}: ${what}\nstderr: ${r.stderr.slice(0, 1500)}`)
  const missing = v.positions.filter((p) => !r.stderr.includes(p))
  if (missing.length > 0) throw new Error(`stderr lacks ${missing.join(', ')}: ${what}\nstderr: ${r.stderr.slice(0, 1500)}`)
  if (v.exit === 2 && !/:\d+:\d+/.test(r.stderr) && v.positions.length > 0) throw new Error(`exit 2 without a positioned message: ${what}`)
}

/** Runs `fn` with `dir` as the working directory (the trust boundary of configs depends on it). */
export function inDir<T>(dir: string, fn: () => T): T {
  const cwd = process.cwd()
  process.chdir(dir)
  try {
    return fn()
  } finally {
    process.chdir(cwd)
  }
}
