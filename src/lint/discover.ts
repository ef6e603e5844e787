// Turn the PATHS/GLOBS a user typed into a sorted list of files, the way ESLint does:
// a file is taken as given, a directory means every *.yaml / *.yml below it, anything else is a glob.
import {readdirSync, statSync} from 'node:fs'
import {join, resolve, sep} from 'node:path'
import picomatch from 'picomatch'

const YAML_FILE = /\.ya?ml$/i
/** fuseplan's own config (fuseplan.config.yaml) configures the lint; it is not a document to lint. */
const CONFIG_FILE = /(^|[\\/])fuseplan\.config\.ya?ml$/
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist', '.fuseplan'])
/** Stops a runaway glob (say, `/**`) from walking a whole disk. A run that reaches it fails (exit 2). */
export const MAX_DISCOVERED_FILES = 100_000

/** The entry limit of a walk: FUSEPLAN_LINT_MAX_ENTRIES (a positive whole number) for very large repositories, else the default. */
export function maxDiscoveredEntries(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.FUSEPLAN_LINT_MAX_ENTRIES)
  return Number.isSafeInteger(n) && n > 0 ? n : MAX_DISCOVERED_FILES
}

export interface DiscoveredFile {
  path: string
  /** True when the user named this file itself (not found by a directory walk or a glob). */
  explicit: boolean
}

export interface Discovery {
  files: DiscoveredFile[]
  /** Inputs that matched nothing: a usage error, like ESLint's "No files matching". */
  unmatched: string[]
  /** Inputs whose walk stopped at MAX_DISCOVERED_FILES entries: files after that were not looked at. */
  truncated: string[]
}

export function discoverFiles(inputs: string[], cwd: string, maxEntries = MAX_DISCOVERED_FILES): Discovery {
  const found = new Map<string, DiscoveredFile>()
  const unmatched: string[] = []
  const truncated: string[] = []
  const add = (path: string, explicit: boolean) => {
    const prev = found.get(path)
    found.set(path, {path, explicit: explicit || (prev?.explicit ?? false)})
  }
  for (const input of inputs) {
    const before = found.size
    const absolute = resolve(cwd, input)
    const stat = statOrUndefined(absolute)
    // A named path that is not a folder is linted as a file: a FIFO or device then gets a finding
    // saying why it is not read, rather than "no files matching".
    const budget = {left: maxEntries}
    if (stat && !stat.isDirectory()) add(absolute, true)
    else if (stat?.isDirectory()) walk(absolute, (file) => YAML_FILE.test(file) && !CONFIG_FILE.test(file) && add(file, false), budget)
    else if (picomatch.scan(input).isGlob) {
      const {base} = picomatch.scan(input)
      const root = resolve(cwd, base || '.')
      const matches = picomatch(absolute.split(sep).join('/'), {dot: false})
      if (statOrUndefined(root)?.isDirectory()) walk(root, (file) => !CONFIG_FILE.test(file) && matches(file.split(sep).join('/')) && add(file, false), budget)
    } else {
      unmatched.push(input)
      continue
    }
    if (budget.left < 0) truncated.push(input)
    else if (found.size === before && !(stat && !stat.isDirectory())) unmatched.push(input)
  }
  const files = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return {files, unmatched, truncated}
}

function statOrUndefined(path: string) {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

/** Walks below `dir`; `budget.left` ends below 0 when the walk stopped early (the caller says so). */
function walk(dir: string, visit: (file: string) => unknown, budget: {left: number}): void {
  let entries
  try {
    entries = readdirSync(dir, {withFileTypes: true})
  } catch {
    return
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const entry of entries) {
    if (budget.left < 0) return
    if (budget.left-- === 0) return
    const full = join(dir, entry.name)
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(full, visit, budget)
    } else if (entry.isFile()) visit(full)
  }
}
