// Turn the PATHS/GLOBS a user typed into a sorted list of files, the way ESLint does:
// a file is taken as given, a directory means every *.yaml / *.yml below it, anything else is a glob.
import {readdirSync, statSync} from 'node:fs'
import {join, resolve, sep} from 'node:path'
import picomatch from 'picomatch'

const YAML_FILE = /\.ya?ml$/i
/** fuseplan's own config (fuseplan.config.yaml) configures the lint; it is not a document to lint. */
const CONFIG_FILE = /(^|[\\/])fuseplan\.config\.ya?ml$/
/**
 * Folders a walk never enters, as ESLint skips node_modules and .git: installed packages, version
 * control, and scaffold's own state. Build output (`dist/`) is linted like any folder: a profile there
 * is still a profile that recommend would accept or refuse.
 */
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.fuseplan'])
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
  /** True when a walk found it as a symbolic link (to a file): linted, once its target is checked. */
  link?: boolean
}

export interface Discovery {
  files: DiscoveredFile[]
  /** Inputs that matched nothing: a usage error, like ESLint's "No files matching". */
  unmatched: string[]
  /** Inputs whose walk stopped at MAX_DISCOVERED_FILES entries: files after that were not looked at. */
  truncated: string[]
  /** Symbolic links to folders a walk met and did not follow (they can loop, or lead anywhere). */
  linkedFolders: string[]
}

export function discoverFiles(inputs: string[], cwd: string, maxEntries = MAX_DISCOVERED_FILES): Discovery {
  const found = new Map<string, DiscoveredFile>()
  const unmatched: string[] = []
  const truncated: string[] = []
  const linkedFolders: string[] = []
  const add = (path: string, explicit: boolean, link = false) => {
    const prev = found.get(path)
    const explicitNow = explicit || (prev?.explicit ?? false)
    found.set(path, {path, explicit: explicitNow, ...(link && !explicitNow ? {link: true} : {})})
  }
  for (const input of inputs) {
    const before = found.size
    const absolute = resolve(cwd, input)
    const stat = statOrUndefined(absolute)
    // A named path that is not a folder is linted as a file: a FIFO or device then gets a finding
    // saying why it is not read, rather than "no files matching".
    const budget = {left: maxEntries, linkedFolders}
    if (stat && !stat.isDirectory()) add(absolute, true)
    else if (stat?.isDirectory()) walk(absolute, (file, link) => YAML_FILE.test(file) && !CONFIG_FILE.test(file) && add(file, false, link), budget)
    else if (picomatch.scan(input).isGlob) {
      const {base} = picomatch.scan(input)
      const root = resolve(cwd, base || '.')
      const matches = picomatch(absolute.split(sep).join('/'), {dot: false})
      if (statOrUndefined(root)?.isDirectory()) walk(root, (file, link) => !CONFIG_FILE.test(file) && matches(file.split(sep).join('/')) && add(file, false, link), budget)
    } else {
      unmatched.push(input)
      continue
    }
    if (budget.left < 0) truncated.push(input)
    else if (found.size === before && !(stat && !stat.isDirectory())) unmatched.push(input)
  }
  const files = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return {files, unmatched, truncated, linkedFolders: [...new Set(linkedFolders)].sort()}
}

function statOrUndefined(path: string) {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

/**
 * Walks below `dir`; `budget.left` ends below 0 when the walk stopped early (the caller says so).
 * A link to a file is visited (marked as a link); a link to a folder is not followed but recorded.
 */
function walk(dir: string, visit: (file: string, link: boolean) => unknown, budget: {left: number; linkedFolders: string[]}): void {
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
    } else if (entry.isFile()) visit(full, false)
    else if (entry.isSymbolicLink()) {
      const target = statOrUndefined(full)
      if (target?.isDirectory()) budget.linkedFolders.push(full)
      // A dangling link, or one to a file: offered as a file, so lint says what it found there.
      else visit(full, true)
    }
  }
}
