// `fuseplan scaffold` as a library: plan what would change in the output folder, then write it.
//
// Safety rules:
//   - every written path is one of the generated relative paths, checked to stay inside `out`
//     (also through symlinked folders);
//   - files the user edited since generation (hash differs from .fuseplan/manifest.json, or a file
//     that fuseplan never generated) are kept as they are; when fuseplan's version of such a file
//     changed, the new version is written beside it as `<file>.new` for the user to merge (see
//     docs/adr/0008); `force` overwrites them instead. The run fails only when a `.new` path is taken
//     by a file fuseplan did not write;
//   - new content is first written to a temporary folder beside `out`; a new project is moved into
//     place with one rename, an existing one file by file (each a rename); on any failure the
//     temporary folder is removed, so a failed run leaves nothing behind.
import {createHash} from 'node:crypto'
import {closeSync, constants, existsSync, fstatSync, lstatSync, mkdirSync, openSync, readSync, realpathSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {basename, dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'
import type {Decision, Strategy} from '../decision/types.js'
import {isStrategy} from '../strategies/index.js'
import type {Profile} from '../profile/types.js'
import {ANSWERS_FILE, MANIFEST_FILE, generateProject, renderAnswers, type Answers} from './generate.js'
import {buildTrainingConfig} from './training-config.js'
import {BoundedReadError, readBoundedFile} from '../util/read.js'
import {withoutInterruption} from '../util/signals.js'

/** `orphaned`: listed in the previous manifest, generated no more, left in place for the user to delete. */
export type FileStatus = 'added' | 'changed' | 'unchanged' | 'kept' | 'conflict' | 'removed' | 'orphaned'

/** Suffix of the file holding fuseplan's new version of a file the user edited. */
export const NEW_VERSION_SUFFIX = '.new'

export interface PlannedFile {
  path: string
  status: FileStatus
  /** For kept files and conflicts: why the file is protected. */
  reason?: string
  /** For kept files: where fuseplan's new version is written (`<path>.new`), when it has one. */
  newVersion?: string
  /** A `.new` file beside a kept one (listed with it, not on its own line). */
  sidecar?: boolean
}

export interface ScaffoldPlan {
  out: string
  strategy: Strategy
  recommended: Strategy | null
  /** Warnings to show (e.g. the override is a strategy the engine excluded). */
  warnings: string[]
  files: PlannedFile[]
  /** Content of every file to write, including .fuseplan state. */
  contents: Map<string, string>
  /** Generated files of the previous run that are no longer generated and unedited: deleted. */
  stale: string[]
}

export interface Manifest {
  generator: 'fuseplan'
  /** Hash of the version fuseplan generated last, per file (also for files the user edited). */
  files: Record<string, string>
  /** `.new` files fuseplan wrote beside edited files, with their hashes: removed once resolved. */
  pending?: Record<string, string>
}

export class ScaffoldError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'ScaffoldError'
  }
}

export function sha256(text: string | Buffer): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}

function toPosix(p: string): string {
  return p.split(sep).join('/')
}

/** Throws unless `rel` is a plain relative path that stays inside `out` (also after resolving symlinks). */
export function safeTarget(out: string, rel: string): string {
  if (rel === '' || isAbsolute(rel) || rel.includes('\0') || rel.split(/[\\/]/).some((part) => part === '..' || part === '')) {
    throw new ScaffoldError(`refusing to write ${JSON.stringify(rel)}: not a plain path inside the output folder`, 2)
  }
  const target = resolve(out, rel)
  const rootReal = existsSync(out) ? realpathSync(out) : resolve(out)
  // The deepest existing ancestor must resolve inside the output folder.
  let probe = dirname(target)
  while (!existsSync(probe) && probe !== dirname(probe)) probe = dirname(probe)
  const real = existsSync(probe) ? realpathSync(probe) : probe
  const inside = real === rootReal || real.startsWith(rootReal + sep) || !existsSync(out)
  if (!inside || relative(resolve(out), target).startsWith('..')) throw new ScaffoldError(`refusing to write ${rel}: it resolves outside ${out}`, 2)
  if (existsSync(target) && lstatSync(target).isSymbolicLink()) throw new ScaffoldError(`refusing to write ${rel}: it is a symbolic link`, 2)
  return target
}

/** fuseplan's state files are a few kilobytes; anything larger is not one of them. */
const MAX_STATE_BYTES = 1024 * 1024

/**
 * A state file of the project (`.fuseplan/answers.yaml`, `.fuseplan/manifest.json`), read with the
 * bounded reader: a FIFO, a device or a link to /dev/zero is refused (exit 2), never read or waited on.
 * Undefined when there is none.
 */
function readStateFile(out: string, rel: string): string | undefined {
  const file = join(out, rel)
  try {
    return readBoundedFile(file, MAX_STATE_BYTES).toString('utf8')
  } catch (error) {
    if (error instanceof BoundedReadError && error.kind === 'missing') return undefined
    const reason = error instanceof BoundedReadError ? error.reason : String((error as Error)?.message ?? error)
    throw new ScaffoldError(`cannot read ${file}: ${reason}. fuseplan keeps its state there in a small regular file; move this one away and run scaffold again`, 2)
  }
}

export function readManifest(out: string): Manifest | undefined {
  const text = readStateFile(out, MANIFEST_FILE)
  if (text === undefined) return undefined
  try {
    const m = JSON.parse(text) as Manifest
    if (m && typeof m === 'object' && m.files && typeof m.files === 'object') return m
  } catch {
    // A broken manifest protects nothing: every existing file then counts as user-owned.
  }
  return undefined
}

/** sha256 of a regular file, read in chunks (a user's file may be large; it is never read whole). */
export function hashFile(path: string): string {
  const hash = createHash('sha256')
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  try {
    if (!fstatSync(fd).isFile()) throw new ScaffoldError(`cannot read ${path}: it is not a regular file`, 1)
    const chunk = Buffer.allocUnsafe(1 << 16)
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null)
      if (n === 0) break
      hash.update(chunk.subarray(0, n))
    }
  } finally {
    closeSync(fd)
  }
  return `sha256:${hash.digest('hex')}`
}

export interface PlanInput {
  profile: Profile
  decision: Decision
  /** Absolute or cwd-relative path of the profile file. */
  profilePath: string
  out: string
  strategy?: Strategy
  force?: boolean
  /** Rule-set options to save in the answers (paths as given, cwd-relative or absolute). */
  ruleConfig?: string
  rules?: string[]
}

export function planScaffold(input: PlanInput): ScaffoldPlan {
  const out = resolve(input.out)
  if (existsSync(out) && !lstatSync(out).isDirectory() && !(lstatSync(out).isSymbolicLink() && existsSync(out) && realpathSync(out) && lstatSync(realpathSync(out)).isDirectory())) {
    throw new ScaffoldError(`--out ${input.out} exists and is not a folder`, 2)
  }
  const warnings: string[] = []
  const {decision} = input
  if (input.strategy) {
    const option = decision.options.find((o) => o.strategy === input.strategy)
    if (option?.excluded) {
      warnings.push(`${input.strategy} fusion was excluded by the rule engine: ${option.exclusions.map((x) => `${x.reason} (${x.ruleId})`).join('; ')}`)
    } else if (decision.strategy && input.strategy !== decision.strategy) {
      warnings.push(`using ${input.strategy} fusion instead of the recommended ${decision.strategy}`)
    }
  } else if (!decision.strategy) {
    throw new ScaffoldError(`no strategy fits this deployment: ${decision.noStrategyReason ?? 'every strategy is excluded'}. Pass --strategy to scaffold one anyway.`, 1)
  }
  const strategy = (input.strategy ?? decision.strategy) as Strategy
  const profileRef = toPosix(relative(out, resolve(input.profilePath))) || basename(input.profilePath)
  const config = buildTrainingConfig(input.profile, decision, {strategy, profilePath: profileRef})
  const contents = generateProject({profile: input.profile, decision, config, override: input.strategy, profileRef})
  const answers: Answers = {profile: profileRef, strategy: input.strategy ?? null}
  const ref = (p: string) => toPosix(relative(out, resolve(p))) || '.'
  if (input.ruleConfig) answers.config = ref(input.ruleConfig)
  if (input.rules && input.rules.length > 0) answers.rules = input.rules.map(ref)
  contents.set(ANSWERS_FILE, renderAnswers(answers))
  const previous = readManifest(out)
  const files: PlannedFile[] = []
  const pending: Record<string, string> = {}
  const sidecars = new Map<string, string>()
  for (const [rel, text] of contents) {
    const target = safeTarget(out, rel)
    if (!existsSync(target)) {
      files.push({path: rel, status: 'added'})
      continue
    }
    if (!lstatSync(target).isFile()) throw new ScaffoldError(`cannot write ${rel}: a folder or special file is in the way`, 1)
    const current = hashFile(target)
    if (current === sha256(text)) {
      files.push({path: rel, status: 'unchanged'})
      continue
    }
    const generated = rel === ANSWERS_FILE ? current : previous?.files[rel]
    if (generated === current || input.force) {
      files.push({path: rel, status: 'changed'})
      continue
    }
    const reason = generated === undefined ? 'exists and was not generated by fuseplan' : 'edited since generation'
    // The user's version stays. A new version goes beside it when fuseplan's own version moved on
    // since the last run, or when an earlier `.new` is still waiting to be merged.
    const sideRel = `${rel}${NEW_VERSION_SUFFIX}`
    const sideTarget = safeTarget(out, sideRel)
    const earlier = previous?.pending?.[sideRel]
    const waiting = earlier !== undefined && existsSync(sideTarget) && lstatSync(sideTarget).isFile() && hashFile(sideTarget) === earlier
    if (generated === sha256(text) && !waiting) {
      files.push({path: rel, status: 'kept', reason})
      continue
    }
    files.push({path: rel, status: 'kept', reason, newVersion: sideRel})
    sidecars.set(sideRel, text)
    pending[sideRel] = sha256(text)
  }
  for (const [sideRel, text] of sidecars) {
    const target = safeTarget(out, sideRel)
    if (!existsSync(target)) files.push({path: sideRel, status: 'added', sidecar: true})
    else if (!lstatSync(target).isFile()) throw new ScaffoldError(`cannot write ${sideRel}: a folder or special file is in the way`, 1)
    else if (hashFile(target) === sha256(text)) files.push({path: sideRel, status: 'unchanged', sidecar: true})
    else if (previous?.pending?.[sideRel] === hashFile(target)) files.push({path: sideRel, status: 'changed', sidecar: true})
    else
      files.push({
        path: sideRel,
        status: 'conflict',
        reason: `fuseplan would write its new version of ${sideRel.slice(0, -NEW_VERSION_SUFFIX.length)} here, but this file is not one it wrote`,
        sidecar: true,
      })
    contents.set(sideRel, text)
  }
  const manifest: Manifest = {
    generator: 'fuseplan',
    files: Object.fromEntries([...contents.entries()].filter(([p]) => p !== ANSWERS_FILE && p !== MANIFEST_FILE && !sidecars.has(p)).map(([p, c]) => [p, sha256(c)])),
  }
  if (Object.keys(pending).length > 0) manifest.pending = pending
  const manifestText = `${JSON.stringify(manifest, null, 2)}\n`
  contents.set(MANIFEST_FILE, manifestText)
  const manifestTarget = safeTarget(out, MANIFEST_FILE)
  files.push({path: MANIFEST_FILE, status: !existsSync(manifestTarget) ? 'added' : hashFile(manifestTarget) === sha256(manifestText) ? 'unchanged' : 'changed'})

  // Files of the previous run that are generated no more. Only fuseplan's own `.new` files beside a
  // generated file are removed (when unchanged): a manifest is a file in the project, and a tampered
  // one must not make scaffold delete whatever file it knows the hash of. Anything else it lists is
  // left in place and reported.
  const stale: string[] = []
  const previousFiles = {...previous?.files, ...previous?.pending}
  for (const [rel, hash] of Object.entries(previousFiles)) {
    if (contents.has(rel) || typeof hash !== 'string') continue
    let target: string
    try {
      target = safeTarget(out, rel)
    } catch {
      continue // a tampered manifest never makes us touch anything outside `out`
    }
    if (!existsSync(target) || !lstatSync(target).isFile() || hashFile(target) !== hash) continue
    const sidecar = previous?.pending?.[rel] === hash && rel.endsWith(NEW_VERSION_SUFFIX) && contents.has(rel.slice(0, -NEW_VERSION_SUFFIX.length))
    if (sidecar) {
      stale.push(rel)
      files.push({path: rel, status: 'removed', sidecar: true})
    } else {
      files.push({path: rel, status: 'orphaned', reason: 'fuseplan no longer generates it; delete it if you do not need it'})
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return {out, strategy, recommended: decision.strategy, warnings, files, contents, stale}
}

/**
 * Writes a plan. Throws (writing nothing) when it has conflicts (a `.new` path taken by a file
 * fuseplan did not write). The write runs as one
 * uninterruptible section: Ctrl-C or SIGTERM arriving meanwhile takes effect right after it, so no
 * temporary folder or half-moved project is left behind.
 */
export function writeScaffold(plan: ScaffoldPlan): void {
  withoutInterruption(() => writeScaffoldNow(plan))
}

function writeScaffoldNow(plan: ScaffoldPlan): void {
  const conflicts = plan.files.filter((f) => f.status === 'conflict')
  if (conflicts.length > 0) {
    throw new ScaffoldError(
      `nothing was written: ${conflicts.map((c) => `${c.path}: ${c.reason}`).join('; ')}. Move ${conflicts.length === 1 ? 'it' : 'them'} away, or re-run with --force to overwrite your edits instead.`,
      1,
    )
  }
  const toWrite = plan.files.filter((f) => f.status === 'added' || f.status === 'changed').map((f) => f.path)
  if (toWrite.length === 0 && plan.stale.length === 0) return
  const out = plan.out
  const parent = dirname(out)
  mkdirSync(parent, {recursive: true})
  const temp = join(parent, `.${basename(out)}.fuseplan-${process.pid}.tmp`)
  rmSync(temp, {recursive: true, force: true})
  try {
    for (const rel of toWrite) {
      const target = join(temp, ...rel.split('/'))
      mkdirSync(dirname(target), {recursive: true})
      writeFileSync(target, plan.contents.get(rel) as string)
    }
    if (!existsSync(out)) {
      renameSync(temp, out)
      return
    }
    // Existing project: re-check every target, then move file by file (the manifest last, so an
    // interrupted run is detected as "changed" files on the next one).
    const ordered = [...toWrite.filter((r) => r !== MANIFEST_FILE), ...toWrite.filter((r) => r === MANIFEST_FILE)]
    const targets = ordered.map((rel) => safeTarget(out, rel))
    ordered.forEach((rel, i) => {
      mkdirSync(dirname(targets[i]), {recursive: true})
      renameSync(join(temp, ...rel.split('/')), targets[i])
    })
    for (const rel of plan.stale) rmSync(safeTarget(out, rel), {force: true})
  } finally {
    rmSync(temp, {recursive: true, force: true})
  }
}

/** Reads `.fuseplan/answers.yaml` of an existing project. */
export function readAnswers(out: string, parse: (text: string) => unknown): Answers | undefined {
  const file = join(out, ANSWERS_FILE)
  const text = readStateFile(out, ANSWERS_FILE)
  if (text === undefined) return undefined
  let value: Partial<Answers> | null
  try {
    value = parse(text) as Partial<Answers> | null
  } catch (error) {
    throw new ScaffoldError(`${file} is not valid YAML (${String((error as Error)?.message ?? error).split('\n')[0]}); fix it or pass the profile explicitly`, 2)
  }
  if (!value || typeof value !== 'object' || typeof value.profile !== 'string') {
    throw new ScaffoldError(`${file} is not a fuseplan answers file (no \`profile\`); pass the profile explicitly`, 2)
  }
  const strategy = value.strategy ?? null
  if (strategy !== null && !isStrategy(strategy)) throw new ScaffoldError(`${file}: unknown strategy ${String(strategy)}`, 2)
  const answers: Answers = {profile: value.profile, strategy}
  if (typeof value.config === 'string') answers.config = value.config
  if (Array.isArray(value.rules) && value.rules.every((r) => typeof r === 'string')) answers.rules = value.rules
  return answers
}
