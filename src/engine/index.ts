// The rule engine's public face: load a rule set (bundled rules + rule packs + config overrides),
// check a profile (lint findings), list rule metadata (SARIF), and the lower-level evaluateRules.
import {existsSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, relative, resolve, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {DocPath, Severity} from '../findings.js'
import {computeFacts} from '../facts/index.js'
import type {ProfileChecker} from '../profile/load.js'
import type {Profile} from '../profile/types.js'
import {findConfig, loadConfig, realInside, trustRoot, type Config} from './config.js'
import {evaluateRules} from './evaluate.js'
import {displayPath} from '../util/fs.js'
import {listRuleFilesChecked, loadRuleFile, RuleLoadError, RULES_SNAPSHOT_VERSION, type LoadProblem, type RulesSnapshot} from './loader.js'
import {BUILTIN_CHECKS, builtinCheck} from '../profile/builtin-checks.js'
import type {ConfiguredCheck, ConfiguredRule, DecisionFinding, OptionValue, Rule, RuleMeta, RuleSet} from './types.js'

export {RuleLoadError, formatProblem, type LoadProblem} from './loader.js'
export {checkRuleExamples} from './examples.js'
export {evaluateRules} from './evaluate.js'
export {loadConfig} from './config.js'
export type {RuleMeta, RuleSet} from './types.js'
export {BUILTIN_CHECKS, builtinCheck} from '../profile/builtin-checks.js'

export const RULE_HELP_BASE = 'https://fuseplan.dev/rules/'

/** The bundled `rules/` folder: found upward from this module (works from src/ and from dist/src/). */
export function builtinRulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && existsSync(join(dir, 'rules'))) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as {name?: string}).name === 'fuseplan') return join(dir, 'rules')
      } catch {
        // keep looking
      }
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error('Cannot find the bundled rules/ folder of fuseplan.')
    dir = parent
  }
}

export interface LoadRuleSetOptions {
  /** Explicit config file; otherwise one is searched upward from `searchFrom` (if given). */
  configPath?: string
  /** Extra rule folders (e.g. from `--rules DIR`), after the config's. */
  rulesDirs?: string[]
  /** File or folder to search upward from for fuseplan.config.yaml. */
  searchFrom?: string
  /** Skip the bundled rules (tests of rule packs). */
  noBuiltin?: boolean
  /** Use dist/rules.compiled.json for bundled rule files it matches (default true; the build script turns it off). */
  precompiled?: boolean
  /** Let a config's `extends` and `rules` reach outside the repository or working directory (`--trust`). */
  trust?: boolean
}

/** Where `npm run build` writes the snapshot of the bundled rules (scripts/compile-rules.js). */
export function compiledRulesPath(rulesDir: string = builtinRulesDir()): string {
  return join(dirname(rulesDir), 'dist', 'rules.compiled.json')
}

/**
 * The snapshot of the bundled rules, parsed afresh on each call (rule objects keep parts of it), or
 * undefined when missing, unreadable or of another format version. Each file in it is still checked
 * against its source's hash before use (loadRuleFile), so an edit without a rebuild reparses the YAML.
 */
function loadCompiledRules(rulesDir: string): RulesSnapshot | undefined {
  try {
    const snap = JSON.parse(readFileSync(compiledRulesPath(rulesDir), 'utf8')) as RulesSnapshot
    return snap && snap.version === RULES_SNAPSHOT_VERSION && typeof snap.files === 'object' && snap.files !== null ? snap : undefined
  } catch {
    return undefined
  }
}

const cache = new Map<string, RuleSet>()

function cacheKey(files: string[]): string {
  // Keyed on every file's path, size and mtime: editing a rule or the config reloads it.
  return files
    .map((f) => {
      try {
        const s = statSync(f)
        return `${f}:${s.size}:${s.mtimeMs}`
      } catch {
        return `${f}:missing`
      }
    })
    .join('|')
}

/** Loads and compiles a rule set. Throws RuleLoadError listing every problem at file:line:column. */
export function loadRuleSet(opts: LoadRuleSetOptions = {}): RuleSet {
  const configPath = opts.configPath ? resolve(opts.configPath) : opts.searchFrom ? findConfig(opts.searchFrom) : undefined
  const config: Config | undefined = configPath ? loadConfig(configPath, [], {trust: opts.trust}) : undefined
  const dirs: string[] = []
  if (!opts.noBuiltin) dirs.push(builtinRulesDir())
  for (const d of [...(config?.ruleDirs ?? []), ...(opts.rulesDirs ?? []).map((d) => resolve(d))]) if (!dirs.includes(d)) dirs.push(d)

  const problems: LoadProblem[] = []
  const files: {file: string; builtin: boolean}[] = []
  // The folder each rule folder's files must resolve into (ADR 0006): the config's repository for its
  // `rules`, the folder's own repository for `--rules`. A linked file is compared by its real path.
  const configDirs = new Set(config?.ruleDirs ?? [])
  const rootOf = (dir: string): string => (configDirs.has(dir) && configPath ? trustRoot(configPath) : trustRoot(dir))
  for (const [i, dir] of dirs.entries()) {
    let ok = false
    try {
      ok = statSync(dir).isDirectory()
    } catch {
      ok = false
    }
    if (!ok) {
      problems.push({file: displayPath(dir), line: 1, column: 1, message: 'Rule folder not found (or not a folder).'})
      continue
    }
    const listed = listRuleFilesChecked(dir)
    for (const p of listed.problems) problems.push(p)
    const builtin = i === 0 && !opts.noBuiltin
    const root = builtin || opts.trust ? undefined : rootOf(dir)
    for (const f of listed.files) {
      if (root !== undefined && !realInside(f, root)) {
        // Not read at all: nothing of a file outside the repository may reach the log.
        problems.push({
          file: displayPath(f),
          line: 1,
          column: 1,
          message: `Rule file resolves outside ${displayPath(root) || '.'} (the repository or working directory) through a symbolic link; fuseplan reads rule files only from inside it. Pass --trust to allow it.`,
        })
        continue
      }
      files.push({file: f, builtin})
    }
  }
  if (problems.length > 0) throw new RuleLoadError(problems)

  // The working folder too: the rules' locations are shown relative to it (displayPath).
  const key = `${opts.precompiled === false ? 'parsed' : ''}#${opts.trust ? 'trust' : ''}#${process.cwd()}#${configPath ?? ''}#${cacheKey([...(configPath ? [configPath] : []), ...files.map((f) => f.file)])}`
  const cached = cache.get(key)
  if (cached) return cached

  const rules: Rule[] = []
  const seen = new Map<string, Rule>()
  const snapshot = !opts.noBuiltin && opts.precompiled !== false ? loadCompiledRules(dirs[0]) : undefined
  for (const {file, builtin} of files) {
    const snap = builtin && snapshot ? snapshot.files[relative(dirs[0], file).split(sep).join('/')] : undefined
    const loaded = loadRuleFile(file, builtin, snap)
    for (const p of loaded.problems) problems.push(p)
    for (const rule of loaded.rules) {
      if (builtinCheck(rule.id)) {
        const r = loaded.y.src.rangeOf(loaded.idPaths.get(rule) ?? ['id'])
        problems.push({file: displayPath(file), line: r.line, column: r.column, message: `Rule id \`${rule.id}\` is a built-in check's (\`fuseplan rules show ${rule.id}\`); rename this rule.`})
        continue
      }
      const first = seen.get(rule.id)
      if (first) {
        const r = loaded.y.src.rangeOf(loaded.idPaths.get(rule) ?? ['id'])
        problems.push({
          file: displayPath(file),
          line: r.line,
          column: r.column,
          message: `Duplicate rule id \`${rule.id}\`: already defined at ${first.location.file}:${first.location.line}:${first.location.column}. Rule ids must be unique; rename this one.`,
        })
        continue
      }
      seen.set(rule.id, rule)
      rules.push(rule)
    }
  }

  const configured: ConfiguredRule[] = rules.map((rule) => ({
    rule,
    enabled: true,
    options: Object.fromEntries(Object.entries(rule.options).map(([k, o]) => [k, o.default])) as Record<string, OptionValue>,
  }))
  const byId = new Map(configured.map((c) => [c.rule.id, c]))
  const checks: ConfiguredCheck[] = BUILTIN_CHECKS.map((check) => ({check, enabled: true, severity: check.severity}))
  const checksById = new Map(checks.map((c) => [c.check.id, c]))
  for (const [id, o] of config?.overrides ?? []) {
    const cc = checksById.get(id)
    if (cc) {
      if (!cc.check.configurable) {
        problems.push({...o.at, message: `\`${id}\` is a built-in check that cannot be overridden: recommend, scaffold and evaluate refuse a file that fails it, so lint must too.`})
      } else if (Object.keys(o.options ?? {}).length > 0) {
        problems.push({...o.at, message: `\`${id}\` is a built-in check and has no options; give it \`off\` or a severity.`})
      } else {
        if (o.enabled !== undefined) cc.enabled = o.enabled
        if (o.severity !== undefined) cc.severity = o.severity
      }
      continue
    }
    const cr = byId.get(id)
    if (!cr) {
      problems.push({...o.at, message: `Override names unknown rule \`${id}\`. \`fuseplan rules list\` shows the rule ids.`})
      continue
    }
    if (o.enabled !== undefined) cr.enabled = o.enabled
    if (o.severity !== undefined) {
      if (cr.rule.category !== 'lint') problems.push({...o.at, message: `Rule \`${id}\` emits no findings, so it has no severity to override; use \`off\` or \`options\`.`})
      cr.severity = o.severity
    }
    for (const [name, value] of Object.entries(o.options ?? {})) {
      // Own keys only: an option named `constructor` or `toString` is not the object's method.
      const def = Object.hasOwn(cr.rule.options, name) ? cr.rule.options[name] : undefined
      if (!def) {
        const known = Object.keys(cr.rule.options)
        problems.push({...o.optionsAt[name], message: `Rule \`${id}\` has no option \`${name}\`${known.length ? `; its options: ${known.join(', ')}` : ''}.`})
      } else if (typeof value !== typeof def.default) {
        problems.push({...o.optionsAt[name], message: `Option \`${name}\` of \`${id}\` must be a ${typeof def.default} (default ${JSON.stringify(def.default)}).`})
      } else cr.options[name] = value
    }
  }
  if (problems.length > 0) throw new RuleLoadError(problems)
  const set: RuleSet = {rules: configured, checks, checksById, dirs, configPath, ignores: config?.ignores ?? [], byId}
  cache.set(key, set)
  return set
}

let defaultSet: {cwd: string; set: RuleSet} | undefined
/** The bundled rules with no config: what `decide` uses when given no rule set. */
export function defaultRuleSet(): RuleSet {
  // Per working folder, as loadRuleSet caches: the rules' locations are shown relative to it.
  if (defaultSet?.cwd !== process.cwd()) defaultSet = {cwd: process.cwd(), set: loadRuleSet()}
  return defaultSet.set
}

/** Lint findings of the rule set on a (schema-valid) profile. */
export function checkProfile(ruleSet: RuleSet, profile: Profile, document?: string): DecisionFinding[] {
  const facts = computeFacts(profile)
  const ev = evaluateRules(ruleSet, profile, facts, {lintOnly: true, traceInputs: false, document})
  const findings = [...ev.findings]
  for (const t of ev.trace) {
    // Rules skipped for want of budget are named in the finding of the rule that spent it.
    if (t.error && !t.budgetSkipped) {
      const docPath: DocPath = []
      findings.push({ruleId: t.ruleId, severity: 'error', message: `Rule \`${t.ruleId}\` could not be evaluated on this profile: ${t.error}`, path: '', docPath})
    }
  }
  return findings
}

/** A checker for loadProfile: the rules of `ruleSet` (the bundled rules, no config, by default). */
export function profileChecker(ruleSet: RuleSet = defaultRuleSet()): ProfileChecker {
  return (profile) => checkProfile(ruleSet, profile).map((f) => ({ruleId: f.ruleId, severity: f.severity, message: f.message, docPath: f.docPath}))
}

export function ruleHelpUri(id: string): string {
  return `${RULE_HELP_BASE}${id}`
}

/** Metadata of every built-in check, then every rule (SARIF `rules`). Severity: the configured one, else the rule's, else "info". */
export function listRuleMeta(ruleSet: RuleSet = defaultRuleSet()): RuleMeta[] {
  const checks = ruleSet.checks.map((cc) => ({id: cc.check.id, title: cc.check.title, severity: cc.severity, helpUri: ruleHelpUri(cc.check.id), description: cc.check.description}))
  const rules = ruleSet.rules.map((cr) => ({
    id: cr.rule.id,
    title: cr.rule.title,
    severity: cr.severity ?? cr.rule.severity ?? 'info',
    helpUri: ruleHelpUri(cr.rule.id),
    description: cr.rule.rationale,
  }))
  return [...checks, ...rules]
}

/**
 * A file's findings as the rule set configures them: built-in checks turned off are dropped and
 * their severity set. (Rule findings already carry their configured severity.)
 */
export function applyCheckConfig<F extends {ruleId: string; severity: Severity}>(ruleSet: RuleSet, findings: F[]): F[] {
  const out: F[] = []
  for (const f of findings) {
    const cc = ruleSet.checksById.get(f.ruleId)
    if (!cc || !cc.check.configurable) out.push(f)
    else if (cc.enabled) out.push(cc.severity === f.severity ? f : {...f, severity: cc.severity})
  }
  return out
}
