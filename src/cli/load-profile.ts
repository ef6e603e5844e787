// Commands that take a PROFILE argument share this: load the rules that apply to it and the profile,
// print every problem as file:line:col, and stop with exit 2 when the profile cannot be used.
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {dirname} from 'node:path'
import {checkProfile, loadRuleSet, RuleLoadError, type RuleSet} from '../engine/index.js'
import {failure, ruleLoadFailure} from './base-command.js'
import type {Finding} from '../findings.js'
import {displayPath} from '../util/fs.js'
import {escapeControlLine} from '../util/text.js'
import {loadProfile} from '../profile/load.js'
import type {Profile} from '../profile/types.js'

/** The example `--example` runs on: a clinical profile with sparse imaging and genomics. */
export const BUNDLED_EXAMPLE = fileURLToPath(new URL('../../../examples/icu-deterioration.yaml', import.meta.url))

/** The profile a command reads when none is named: the file `fuseplan init` writes. */
export const DEFAULT_PROFILE = 'fuseplan.profile.yaml'

/**
 * The profile a command runs on, never a silent guess: the one named; else ./fuseplan.profile.yaml
 * (what init writes); else the bundled example when `--example` asks for it. With none of these it
 * stops with exit 2 before anything is read or written. The choice is said on stderr unless named.
 */
export function chooseProfile(command: string, arg: string | undefined, example: boolean): {path: string; bundled: boolean} {
  if (arg !== undefined && example) throw failure(`give a profile or --example, not both.`)
  if (arg !== undefined) return {path: arg, bundled: false}
  if (example) {
    process.stderr.write(`fuseplan: --example: running on the bundled example ${displayPath(BUNDLED_EXAMPLE)}\n`)
    return {path: displayPath(BUNDLED_EXAMPLE), bundled: true}
  }
  if (existsSync(DEFAULT_PROFILE)) {
    process.stderr.write(`fuseplan: no profile given: using ./${DEFAULT_PROFILE}\n`)
    return {path: DEFAULT_PROFILE, bundled: false}
  }
  throw failure(
    `no profile given, and there is no ./${DEFAULT_PROFILE} here. Name one (\`fuseplan ${command} deploy/profile.yaml\`), write one with \`fuseplan init\`, or try the bundled example with \`fuseplan ${command} --example\`.`,
  )
}

/** One finding as a compiler-style line: `file:line:col: severity: message [rule]`. */
export function formatFindingLine(filePath: string, f: Finding): string {
  return escapeControlLine(`${filePath}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.ruleId}]`)
}

/** A path as the user would type it: relative when inside the working directory, else absolute. */

export interface RuleOptions {
  /** Explicit config file (--config); otherwise one is searched upward from the profile. */
  configPath?: string
  /** Extra rule folders (--rules). */
  rulesDirs?: string[]
  /** The bundled example is decided with the bundled rules only, wherever the user stands. */
  bundled?: boolean
  /** Let a config's `extends`/`rules` reach outside the repository or working directory. */
  trust?: boolean
}

/** Whether a rule or check is an error only through the config's `overrides` (its own severity is lower). */
export function raisedByConfig(ruleSet: RuleSet, ruleId: string): boolean {
  const cr = ruleSet.byId.get(ruleId)
  if (cr) return cr.severity === 'error' && cr.rule.severity !== 'error' && !cr.rule.effects.findings.some((e) => e.severity === 'error')
  const cc = ruleSet.checksById.get(ruleId)
  return cc !== undefined && cc.check.configurable && cc.severity === 'error' && cc.check.severity !== 'error'
}

/**
 * Loads the rule set that applies to a profile (config found upward, rule packs), then the profile
 * checked by those rules. On a broken rule set or an invalid profile it prints every problem as a
 * compiler-style line and exits 2; `consequence` says what did not happen ("nothing was written").
 */
export function loadProfileWithRules(profilePath: string, options: RuleOptions, consequence: string): {profile: Profile; ruleSet: RuleSet; findings: Finding[]} {
  let ruleSet: RuleSet
  try {
    ruleSet = loadRuleSet({configPath: options.configPath, rulesDirs: options.rulesDirs, searchFrom: options.bundled ? undefined : dirname(profilePath), trust: options.trust})
  } catch (error) {
    if (error instanceof RuleLoadError) throw ruleLoadFailure(error, consequence)
    throw error
  }
  const loaded = loadProfile(profilePath, (p) => checkProfile(ruleSet, p))
  // Findings of decision-scope rules (say, nothing fits the latency budget) are outcomes, not input
  // errors; nor is a finding that is an error only because the team's config raised its severity:
  // the profile is valid, the team treats the finding as blocking in lint (the command reports it).
  const isInputError = (f: Finding): boolean => f.severity === 'error' && ruleSet.byId.get(f.ruleId)?.rule.scope !== 'decision' && !raisedByConfig(ruleSet, f.ruleId)
  const inputErrors = loaded.findings.filter(isInputError)
  if (!loaded.profile || inputErrors.length > 0) {
    const shown = loaded.profile ? inputErrors : loaded.findings
    const ruleFailure = shown.some((f) => /^Rule `[^`]+` could not be evaluated/.test(f.message))
    const what = ruleFailure ? 'a rule failed on this profile' : `${profilePath} is not a valid deployment profile`
    throw failure(
      `${what}; ${consequence}. Fix the error${shown.length === 1 ? '' : 's'} above (\`fuseplan lint ${profilePath}\` lists every finding).`,
      2,
      shown.map((f) => formatFindingLine(profilePath, f)),
    )
  }
  // What remains (warnings, notes, outcomes) is positioned too, for commands that show it.
  return {profile: loaded.profile, ruleSet, findings: loaded.findings}
}
