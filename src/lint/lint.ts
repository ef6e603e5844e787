// The lint pipeline: read each file, tell its kind, and collect positioned findings from the
// parser, the schema and the rules. A bad file is a finding, never an exception.
import {compareFindings, type DocPath, type FileReport, type Finding, type Range, type Severity} from '../findings.js'
import {loadProfileSource, type ProfileChecker} from '../profile/load.js'
import {unreadableDocument} from '../profile/load.js'
import {MAX_SOURCE_BYTES, parseSource, type SourceDocument} from '../profile/source.js'
import {BoundedReadError, readBoundedFile} from '../util/read.js'
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
  /** What becomes of each report once its file is read (lintFiles keeps only what this returns). */
  finish?: (report: FileReport) => FileReport
  /** Why a file must not be read at all (a link leading out of the repository), or undefined. */
  refuse?: (file: DiscoveredFile) => string | undefined
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
    if (report) reports.push(options.finish ? options.finish(report) : report)
  }
  return reports
}

/** Reads a file with the same parser `recommend`, `scaffold` and `evaluate` use, so every file gets one verdict. */
export function lintFile(file: DiscoveredFile, options: LintOptions): FileReport | undefined {
  const refusal = options.refuse?.(file)
  if (refusal !== undefined) return lintSource(unreadableDocument(file.path, new BoundedReadError(refusal, 'other')), true, options)
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
      const counts = f.omitted ?? {error: 0, warning: 0, info: 0, [f.severity]: 1}
      summary.errorCount += counts.error
      summary.warningCount += counts.warning
      summary.infoCount += counts.info
    }
  }
  return summary
}

/** Drops findings below the severity a run shows (ESLint's --quiet shows errors only). */
export function filterReports(reports: FileReport[], keep: (severity: Severity) => boolean): FileReport[] {
  return reports.map((r) => ({
    ...r,
    findings: r.findings.flatMap((f) => {
      if (!f.omitted) return keep(f.severity) ? [f] : []
      // The line standing for the findings not shown keeps counting only those the run shows.
      const omitted = {error: 0, warning: 0, info: 0}
      for (const sev of SEVERITIES) if (keep(sev)) omitted[sev] = f.omitted[sev]
      return omitted.error + omitted.warning + omitted.info > 0 ? [omittedFinding(f, omitted)] : []
    }),
  }))
}

/** Findings lint shows per file; the others are counted in one `too-many-findings` line at the end. */
export const MAX_FINDINGS_PER_FILE = 1000
/** Longest message lint shows: a longer one (quoting a huge key, say) is cut, saying how much was left out. */
export const MAX_MESSAGE_CHARS = 2000
export const TOO_MANY_FINDINGS = 'too-many-findings'
const SEVERITIES: Severity[] = ['error', 'warning', 'info']

/**
 * A file's findings as lint shows them: in file order, each message at most MAX_MESSAGE_CHARS long,
 * and at most `max` of them; the rest become one finding at the first one left out, "and 199,000 more
 * problems...", which every format prints and which keeps the counts (and the exit code) true.
 */
export function limitFindings(findings: Finding[], max = MAX_FINDINGS_PER_FILE): Finding[] {
  const sorted = findings.length > 1 ? [...findings].sort(compareFindings) : findings
  const shown = (sorted.length > max ? sorted.slice(0, max) : sorted).map(shortMessage)
  if (sorted.length <= max) return shown
  const omitted = {error: 0, warning: 0, info: 0}
  for (let i = max; i < sorted.length; i++) omitted[sorted[i].severity]++
  const first = sorted[max]
  shown.push(omittedFinding({line: first.line, column: first.column, endLine: first.endLine, endColumn: first.endColumn, path: first.path}, omitted, max))
  return shown
}

function omittedFinding(at: Range & {path: DocPath}, omitted: Record<Severity, number>, max = MAX_FINDINGS_PER_FILE): Finding {
  const total = omitted.error + omitted.warning + omitted.info
  const severity: Severity = omitted.error > 0 ? 'error' : omitted.warning > 0 ? 'warning' : 'info'
  const parts = [`${fmt(omitted.error)} error${omitted.error === 1 ? '' : 's'}`, `${fmt(omitted.warning)} warning${omitted.warning === 1 ? '' : 's'}`]
  if (omitted.info > 0) parts.push(`${fmt(omitted.info)} info`)
  const message = `...and ${fmt(total)} more problem${total === 1 ? '' : 's'} in this file (${parts.join(', ')}), not shown: lint shows the first ${fmt(max)} of a file. Fix those and lint again.`
  return {ruleId: TOO_MANY_FINDINGS, severity, message, line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn, path: at.path, omitted}
}

function fmt(n: number): string {
  return n.toLocaleString('en-US')
}

function shortMessage(f: Finding): Finding {
  if (f.message.length <= MAX_MESSAGE_CHARS) return f
  let cut = MAX_MESSAGE_CHARS
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(f.message[cut - 1])) cut--
  return {...f, message: `${f.message.slice(0, cut)}… (${fmt(f.message.length - cut)} more characters)`}
}
