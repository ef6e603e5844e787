// The lint pipeline: read each file, tell its kind, and collect positioned findings from the
// parser, the schema and the rules. A bad file is a finding, never an exception.
import type {FileReport, Finding} from '../findings.js'
import {loadProfileSource, type ProfileChecker} from '../profile/load.js'
import {fastParse} from '../profile/fast-parse.js'
import {unreadableDocument} from '../profile/load.js'
import {MAX_SOURCE_BYTES, parseSource, type SourceDocument} from '../profile/source.js'
import {readBoundedFile} from '../util/read.js'
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
    return {...base, kind, findings: loadProfileSource(source, check).findings}
  }
  const linter = kind === undefined ? undefined : options.kinds?.[kind]
  if (linter) return {...base, kind, findings: [...source.syntaxFindings, ...linter(source)]}
  // A YAML file found by walking a folder that is not a fuseplan document is none of our business.
  if (!explicit) return undefined
  const known = [PROFILE_KIND, ...Object.keys(options.kinds ?? {})].map((k) => `\`${k}\``).join(' or ')
  const message = kind === undefined
    ? `Not a fuseplan document: expected a top-level \`kind\` of ${known}.`
    : `Unknown kind \`${kind}\`: fuseplan lints ${known}.`
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

/** Thrown by the fast path's rangeOf: the file has something to report, so read it with positions. */
const NEEDS_POSITIONS = Symbol('needs positions')

function lintFile(file: DiscoveredFile, options: LintOptions): FileReport | undefined {
  let bytes: Buffer
  try {
    bytes = readBoundedFile(file.path, MAX_SOURCE_BYTES)
  } catch (error) {
    return lintSource(unreadableDocument(file.path, error), file.explicit, options)
  }
  // Most files in CI are clean: confirm them with the fast parser, and only when a check wants a
  // position (it found something) read the file again with the positional parser and start over.
  const value = fastParse(bytes)
  if (value !== undefined) {
    const text = bytes.toString('utf8')
    const fast: SourceDocument = {
      filePath: file.path,
      text,
      value,
      syntaxFindings: [],
      rangeOf: () => {
        throw NEEDS_POSITIONS
      },
    }
    try {
      const report = lintSource(fast, file.explicit, options)
      if (report === undefined || report.findings.length === 0) return report
    } catch (error) {
      if (error !== NEEDS_POSITIONS) throw error
    }
  }
  return lintSource(parseSource(file.path, bytes), file.explicit, options)
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
