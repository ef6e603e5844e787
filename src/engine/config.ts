// fuseplan.config.yaml: extra rule folders and per-rule overrides, the way ESLint and Spectral do it.
//
//   extends: [../shared/fuseplan.config.yaml]   # optional; applied first, this file wins
//   rules: [./team-rules]                       # extra rule folders, relative to this file
//   overrides:
//     early-fusion-needs-complete-data: off     # off | error | warning | info
//     shifted-availability: {severity: error}
//     frequent-missingness-safe-start: {options: {minAvailability: 0.7}}
import {existsSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import type {DocPath, Severity} from '../findings.js'
import {displayPath, RuleLoadError, YamlFile, type LoadProblem} from './loader.js'
import type {OptionValue} from './types.js'

export const CONFIG_FILE_NAMES = ['fuseplan.config.yaml', 'fuseplan.config.yml']

export interface RuleOverride {
  enabled?: boolean
  severity?: Severity
  options?: Record<string, OptionValue>
  /** Where the override was written, for error messages about it. */
  at: LoadProblem
  optionsAt: Record<string, LoadProblem>
}

export interface Config {
  path: string
  ruleDirs: string[]
  overrides: Map<string, RuleOverride>
}

/** Nearest fuseplan.config.yaml in `from` or a parent folder. */
export function findConfig(from: string): string | undefined {
  let dir = resolve(from)
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir)
  } catch {
    dir = dirname(dir)
  }
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const p = join(dir, name)
      if (existsSync(p)) return p
    }
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

export function loadConfig(path: string, seen: string[] = []): Config {
  const abs = resolve(path)
  const shown = displayPath(abs)
  if (seen.includes(abs)) throw new RuleLoadError([{file: shown, line: 1, column: 1, message: `Config \`extends\` loops back to ${shown}.`}])
  let text: string
  try {
    text = readFileSync(abs, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new RuleLoadError([{file: shown, line: 1, column: 1, message: `Cannot read config file (${code === 'ENOENT' ? 'no such file' : String(code)}).`}])
  }
  const y = new YamlFile(abs, text, shown)
  const config: Config = {path: abs, ruleDirs: [], overrides: new Map()}
  if (!y.ok) throw new RuleLoadError(y.problems)
  const top = y.map([], y.src.value, 'The config file')
  if (!top) throw new RuleLoadError(y.problems)
  y.keys([], top, ['extends', 'rules', 'overrides'], 'fuseplan.config.yaml')
  const base = dirname(abs)
  const at = (path: DocPath, key = false): LoadProblem => {
    const r = y.src.rangeOf(path, {key})
    return {file: shown, line: r.line, column: r.column, message: ''}
  }

  const parents: Config[] = []
  const ext = typeof top.extends === 'string' ? [top.extends] : top.extends
  y.list(['extends'], ext, '`extends`').forEach((e, i) => {
    const p = typeof top.extends === 'string' ? ['extends'] : ['extends', i]
    if (typeof e !== 'string') return y.error(p, '`extends` entries must be paths to other config files.')
    const target = resolve(base, e)
    if (!existsSync(target)) return y.error(p, `Config to extend not found: ${e} (resolved to ${displayPath(target)}).`)
    try {
      parents.push(loadConfig(target, [...seen, abs]))
    } catch (error) {
      if (error instanceof RuleLoadError) y.problems.push(...error.problems)
      else throw error
    }
  })
  for (const parent of parents) {
    config.ruleDirs.push(...parent.ruleDirs)
    for (const [id, o] of parent.overrides) config.overrides.set(id, o)
  }

  y.list(['rules'], top.rules, '`rules` (a list of rule folders)').forEach((d, i) => {
    if (typeof d !== 'string' || d.trim() === '') return y.error(['rules', i], 'Each `rules` entry must be a folder path (relative to the config file).')
    const dir = resolve(base, d)
    let ok = false
    try {
      ok = statSync(dir).isDirectory()
    } catch {
      ok = false
    }
    if (!ok) return y.error(['rules', i], `Rule folder not found: ${d} (resolved to ${displayPath(dir)}).`)
    if (!config.ruleDirs.includes(dir)) config.ruleDirs.push(dir)
  })

  if (top.overrides !== undefined) {
    const om = y.map(['overrides'], top.overrides, '`overrides` (rule id -> off | error | warning | info | {severity, options, enabled})')
    for (const [id, v] of Object.entries(om ?? {})) {
      const p = ['overrides', id]
      const o: RuleOverride = {at: at(p, true), optionsAt: {}}
      if (v === 'off' || v === false) o.enabled = false
      else if (v === 'error' || v === 'warning' || v === 'info') o.severity = v
      else if (y.isMap(v)) {
        y.keys(p, v, ['severity', 'options', 'enabled'], `the override of \`${id}\``)
        if (v.severity !== undefined) {
          if (v.severity === 'off') o.enabled = false
          else if (v.severity === 'error' || v.severity === 'warning' || v.severity === 'info') o.severity = v.severity
          else y.error([...p, 'severity'], 'severity must be off, error, warning or info.')
        }
        if (v.enabled !== undefined) {
          if (typeof v.enabled === 'boolean') o.enabled = v.enabled
          else y.error([...p, 'enabled'], '`enabled` must be true or false.')
        }
        if (v.options !== undefined) {
          const opts = y.map([...p, 'options'], v.options, '`options`')
          o.options = {}
          for (const [name, val] of Object.entries(opts ?? {})) {
            o.optionsAt[name] = at([...p, 'options', name], true)
            if (typeof val === 'number' || typeof val === 'string' || typeof val === 'boolean') o.options[name] = val
            else y.error([...p, 'options', name], `Option \`${name}\` must be a number, string or boolean.`)
          }
        }
      } else {
        y.error(p, `Override of \`${id}\` must be off, error, warning, info or a mapping {severity, options, enabled}.`)
        continue
      }
      const prev = config.overrides.get(id)
      config.overrides.set(id, prev ? {...prev, ...o, options: {...prev.options, ...o.options}, optionsAt: {...prev.optionsAt, ...o.optionsAt}} : o)
    }
  }
  if (y.problems.length > 0) throw new RuleLoadError(y.problems)
  return config
}
