// fuseplan.config.yaml: extra rule folders and per-rule overrides, the way ESLint and Spectral do it.
//
//   extends: [../common/fuseplan.config.yaml]   # optional; applied first, this file wins
//   rules: [./team-rules]                       # extra rule folders, relative to this file
//   overrides:
//     early-fusion-needs-complete-data: off     # off | error | warning | info
//     shifted-availability: {severity: error}
//     frequent-missingness-safe-start: {options: {minAvailability: 0.7}}
//   ignores: ['legacy/**', '**/*.draft.yaml']   # files lint skips, globs relative to this file
import {existsSync, realpathSync, statSync} from 'node:fs'
import {dirname, join, relative, resolve, isAbsolute, sep} from 'node:path'
import type {DocPath, Severity} from '../findings.js'
import {MAX_SOURCE_BYTES} from '../profile/source.js'
import {BoundedReadError, readBoundedFile} from '../util/read.js'
import {RuleLoadError, YamlFile, type LoadProblem} from './loader.js'
import {displayPath} from '../util/fs.js'
import {structureProblems} from './schemas.js'
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
  /** Absolute globs (`/` separators) of files lint skips, from this config and those it extends. */
  ignores: string[]
  overrides: Map<string, RuleOverride>
}

/**
 * The folder a config search and a config's `extends`/`rules` paths stay inside: the repository
 * that holds `from` (the nearest folder with a `.git`), else the working directory when `from` is
 * inside it, else `from`'s own folder. A pull request controls files inside the repository, and
 * nothing it writes may pull in a config from above it or a file from elsewhere on the machine.
 */
export function trustRoot(from: string, cwd: string = process.cwd()): string {
  let dir = resolve(from)
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir)
  } catch {
    dir = dirname(dir)
  }
  for (let d = dir; ;) {
    if (existsSync(join(d, '.git'))) return d
    const parent = dirname(d)
    if (parent === d) break
    d = parent
  }
  return isInside(dir, resolve(cwd)) ? resolve(cwd) : dir
}

/** True when `path` is `root` or below it (both as given; see realInside for links). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** Like isInside, after resolving symbolic links on both sides (a link inside may lead outside). */
export function realInside(path: string, root: string): boolean {
  const real = (p: string): string => {
    try {
      return realpathSync(p)
    } catch {
      return resolve(p)
    }
  }
  return isInside(real(path), real(root))
}

/** Nearest fuseplan.config.yaml in `from` or a parent folder, not above `stopAt` (see trustRoot). */
export function findConfig(from: string, stopAt: string = trustRoot(from)): string | undefined {
  let dir = resolve(from)
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir)
  } catch {
    dir = dirname(dir)
  }
  const root = resolve(stopAt)
  if (!isInside(dir, root)) return undefined
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const p = join(dir, name)
      if (existsSync(p)) return p
    }
    const parent = dirname(dir)
    if (parent === dir || dir === root) return undefined
    dir = parent
  }
}

export interface ConfigLoadOptions {
  /** Allow `extends` and `rules` paths outside the trust root (the `--trust` flag). */
  trust?: boolean
  /** Folder that `extends` and `rules` must stay inside; default: trustRoot of the first config. */
  root?: string
}

/** Keys a config file may have: a file with none of them is not a fuseplan config. */
const CONFIG_KEYS = ['extends', 'rules', 'overrides', 'ignores']

export function loadConfig(path: string, seen: string[] = [], options: ConfigLoadOptions = {}): Config {
  const abs = resolve(path)
  const shown = displayPath(abs)
  if (seen.includes(abs)) throw new RuleLoadError([{file: shown, line: 1, column: 1, message: `Config \`extends\` loops back to ${shown}.`}])
  const root = options.root ?? trustRoot(abs)
  let text: string
  try {
    text = readBoundedFile(abs, MAX_SOURCE_BYTES).toString('utf8')
  } catch (error) {
    const reason = error instanceof BoundedReadError ? error.reason : String((error as NodeJS.ErrnoException).code ?? error)
    throw new RuleLoadError([{file: shown, line: 1, column: 1, message: `Cannot read config file (${reason}).`}])
  }
  const y = new YamlFile(abs, text, shown)
  const config: Config = {path: abs, ruleDirs: [], ignores: [], overrides: new Map()}
  if (!y.ok) throw new RuleLoadError(y.problems)
  // A file that is not a config at all (say, `extends: /etc/passwd` or some other YAML) is refused
  // without naming its keys or values: they are its content, and may be secrets.
  if (!y.isMap(y.src.value) || !Object.keys(y.src.value).some((k) => CONFIG_KEYS.includes(k))) {
    throw new RuleLoadError([{file: shown, line: 1, column: 1, message: `Not a fuseplan config file: expected a mapping with ${CONFIG_KEYS.map((k) => `\`${k}\``).join(', ')}.`}])
  }
  const top = y.src.value
  // Keys, types and allowed values: the config schema (./schemas.ts). What follows reads a value only
  // when it has the right type, and checks what a schema cannot (paths exist and stay inside the root).
  for (const p of structureProblems('config', y.src, shown)) y.problems.push(p)
  const base = dirname(abs)
  const at = (path: DocPath, key = false): LoadProblem => {
    const r = y.src.rangeOf(path, {key})
    return {file: shown, line: r.line, column: r.column, message: ''}
  }
  const outside = (target: string): boolean => !options.trust && !realInside(target, root)
  const outsideMessage = (what: string, e: string): string =>
    `${what} ${e} is outside ${displayPath(root) || '.'} (the repository or working directory); fuseplan reads configs and rule packs only from inside it. Pass --trust to allow it.`

  const parents: Config[] = []
  const ext = typeof top.extends === 'string' ? [top.extends] : top.extends
  y.list(ext).forEach((e, i) => {
    const p = typeof top.extends === 'string' ? ['extends'] : ['extends', i]
    if (typeof e !== 'string') return
    const target = resolve(base, e)
    if (outside(target)) return y.error(p, outsideMessage('Config to extend', e))
    if (!existsSync(target)) return y.error(p, `Config to extend not found: ${e} (resolved to ${displayPath(target)}).`)
    try {
      parents.push(loadConfig(target, [...seen, abs], {...options, root}))
    } catch (error) {
      if (error instanceof RuleLoadError) for (const p of error.problems) y.problems.push(p)
      else throw error
    }
  })
  for (const parent of parents) {
    config.ruleDirs.push(...parent.ruleDirs)
    config.ignores.push(...parent.ignores)
    for (const [id, o] of parent.overrides) config.overrides.set(id, o)
  }

  y.list(top.rules).forEach((d, i) => {
    if (typeof d !== 'string' || d.trim() === '') return
    const dir = resolve(base, d)
    if (outside(dir)) return y.error(['rules', i], outsideMessage('Rule folder', d))
    let ok = false
    try {
      ok = statSync(dir).isDirectory()
    } catch {
      ok = false
    }
    if (!ok) return y.error(['rules', i], `Rule folder not found: ${d} (resolved to ${displayPath(dir)}).`)
    if (!config.ruleDirs.includes(dir)) config.ruleDirs.push(dir)
  })

  y.list(top.ignores).forEach((g) => {
    if (typeof g !== 'string' || g.trim() === '' || g.startsWith('!')) return
    const posixBase = base.split(sep).join('/')
    config.ignores.push(isAbsolute(g) ? g.split(sep).join('/') : `${posixBase.replace(/\/$/, '')}/${g.replace(/^\.\//, '')}`)
  })

  if (top.overrides !== undefined) {
    for (const [id, v] of Object.entries(y.map(top.overrides) ?? {})) {
      const p = ['overrides', id]
      const o: RuleOverride = {at: at(p, true), optionsAt: Object.create(null) as Record<string, LoadProblem>}
      if (v === 'off' || v === false) o.enabled = false
      else if (v === 'error' || v === 'warning' || v === 'info') o.severity = v
      else if (y.isMap(v)) {
        if (v.severity === 'off') o.enabled = false
        else if (v.severity === 'error' || v.severity === 'warning' || v.severity === 'info') o.severity = v.severity
        if (typeof v.enabled === 'boolean') o.enabled = v.enabled
        if (v.options !== undefined) {
          o.options = Object.create(null) as Record<string, OptionValue>
          for (const [name, val] of Object.entries(y.map(v.options) ?? {})) {
            o.optionsAt[name] = at([...p, 'options', name], true)
            if (typeof val === 'number' || typeof val === 'string' || typeof val === 'boolean') o.options[name] = val
          }
        }
      } else continue
      const prev = config.overrides.get(id)
      config.overrides.set(id, prev ? {...prev, ...o, options: {...prev.options, ...o.options}, optionsAt: {...prev.optionsAt, ...o.optionsAt}} : o)
    }
  }
  if (y.problems.length > 0) throw new RuleLoadError(y.problems)
  return config
}
