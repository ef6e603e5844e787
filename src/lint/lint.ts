// The lint pipeline: read each file, tell its kind, and collect positioned findings from the
// parser, the schema and the rules. A bad file is a finding, never an exception.
import type {FileReport, Finding} from '../findings.js'
import {loadProfileSource, type ProfileChecker} from '../profile/load.js'
import {unreadableDocument} from '../profile/load.js'
import {MAX_SOURCE_BYTES, parseSource, type SourceDocument} from '../profile/source.js'
import {readBoundedFile} from '../util/read.js'
import {closest} from '../util/suggest.js'
import type {DiscoveredFile} from './discover.js'

/** Lints one document of a kind other than DeploymentProfile (e.g. a generated TrainingConfig). */
export type KindLinter = (source: SourceDocument) => Finding[]

export interface LintOptions {
  /** Cross-document checks for profiles: the rule engine's, configured for this run. */
  checkProfile?: ProfileChecker
  /** Per-file checks, when the configuration depends on where the file is (config found upward). */
  checkProfileFor?: (filePath: string) => ProfileChecker
  /** Linters for other document kinds, by `kind`. */
  kinds?: Record<string, KindLinter>
}

const PROFILE_KIND = 'DeploymentProfile'

export function lintSource(source: SourceDocument, explicit: boolean, options: LintOptions = {}): FileReport | undefined {
  const base = {filePath: source.filePath, source: source.text}
  if (source.syntaxFindings.some((f) => f.severity === 'error')) return {...base, findings: source.syntaxFindings}
  const kind = kindOf(source.value)
  if (kind === PROFILE_KIND) {
    const check = options.checkProfileFor?.(source.filePath) ?? options.checkProfile
    const loaded = loadProfileSource(source, check)
    return {...base, kind, findings: loaded.findings, ...(loaded.suppressed?.length ? {suppressed: loaded.suppressed} : {})}
  }
  const linter = kind === undefined ? undefined : options.kinds?.[kind]
  if (linter) return {...base, kind, findings: [...source.syntaxFindings, ...linter(source)]}
  const known = [PROFILE_KIND, ...Object.keys(options.kinds ?? {})]
  const lookalike = fuseplanLookalike(source.value, known)
  // A YAML file found by walking a folder that is not a fuseplan document is none of our business;
  // one that looks like a fuseplan document with a broken `kind` must not pass unseen.
  if (!explicit && !lookalike) return undefined
  const list = known.map((k) => `\`${k}\``).join(' or ')
  const suggestion = kind === undefined ? undefined : closest(kind, known)
  const shown = kind !== undefined && kind.length > 80 ? `${kind.slice(0, 80)}…` : kind
  let message: string
  if (kind === undefined && lookalike) message = `This looks like a fuseplan document but has no \`kind\`: add \`kind: ${lookalike}\` (fuseplan lints ${list}).`
  else if (kind === undefined) message = `Not a fuseplan document: expected a top-level \`kind\` of ${list}.`
  else if (suggestion) message = `Unknown kind \`${shown}\`; did you mean \`${suggestion}\`? fuseplan lints ${list}.`
  else message = `Unknown kind \`${shown}\`: fuseplan lints ${list}.`
  const path = kind === undefined ? [] : ['kind']
  return {...base, kind, findings: [{ruleId: 'unknown-kind', severity: 'error', message, path, ...source.rangeOf(path)}]}
}

export function lintFiles(files: DiscoveredFile[], options: LintOptions = {}): FileReport[] {
  const reports: FileReport[] = []
  for (const file of files) {
    const report = lintFile(file, options)
    if (report) reports.push(report)
  }
  return reports
}

/** Reads a file with the same parser `recommend`, `scaffold` and `evaluate` use, so every file gets one verdict. */
export function lintFile(file: DiscoveredFile, options: LintOptions): FileReport | undefined {
  let bytes: Buffer
  try {
    bytes = readBoundedFile(file.path, MAX_SOURCE_BYTES)
  } catch (error) {
    return lintSource(unreadableDocument(file.path, error), file.explicit, options)
  }
  return lintSource(parseSource(file.path, bytes), file.explicit, options)
}

/** Top-level keys only fuseplan documents have together. */
const PROFILE_KEYS = ['task', 'modalities', 'cohorts', 'patterns', 'latency']
const TRAINING_KEYS = ['modalities', 'masking', 'fusion', 'training', 'strategy']

/**
 * The kind a mapping without a known `kind` probably meant, or undefined when it does not look like
 * a fuseplan document: a fuseplan `apiVersion`, a `kind` one typo away from a known one, or the
 * top-level keys of a profile or a training config.
 */
function fuseplanLookalike(value: unknown, known: string[]): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const v = value as Record<string, unknown>
  const byKind = typeof v.kind === 'string' ? closest(v.kind, known) : undefined
  if (byKind) return byKind
  const has = (keys: string[]) => keys.filter((k) => Object.hasOwn(v, k)).length
  const training = has(TRAINING_KEYS) >= 3
  if (training && known.includes('TrainingConfig')) return 'TrainingConfig'
  if (has(PROFILE_KEYS) >= 2) return PROFILE_KIND
  if (typeof v.apiVersion === 'string' && v.apiVersion.startsWith('fuseplan/')) return PROFILE_KIND
  return undefined
}

function kindOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const kind = (value as Record<string, unknown>).kind
  return typeof kind === 'string' ? kind : undefined
}

export interface LintSummary {
  errorCount: number
  warningCount: number
  infoCount: number
}

export function summarise(reports: FileReport[]): LintSummary {
  const summary = {errorCount: 0, warningCount: 0, infoCount: 0}
  for (const report of reports) {
    for (const f of report.findings) {
      if (f.severity === 'error') summary.errorCount++
      else if (f.severity === 'warning') summary.warningCount++
      else summary.infoCount++
    }
  }
  return summary
}

/** Drops findings below the severity a run shows (ESLint's --quiet shows errors only). */
export function filterReports(reports: FileReport[], keep: (f: Finding) => boolean): FileReport[] {
  return reports.map((r) => ({...r, findings: r.findings.filter(keep)}))
}
