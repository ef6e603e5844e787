// Helpers shared by the lint formatters: one sort order, one notion of "relative path", one count.
import path from 'node:path'
import {compareFindings, pathToString, SEVERITY_RANK, type FileReport, type Finding, type Severity} from '../../findings.js'

export interface SortedReport {
  report: FileReport
  /** Absolute path (resolved against cwd when the report's path is relative). */
  absPath: string
  /** Path relative to cwd with `/` separators; `../` when the file lies outside cwd. */
  relPath: string
  /** Findings in the shared deterministic order. */
  findings: Finding[]
}

/** Code-point comparison: unlike localeCompare it does not depend on the machine's locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** compareFindings, then enough tie-breakers that no two distinct findings compare equal. */
export function compareFindingsTotal(a: Finding, b: Finding): number {
  return (
    compareFindings(a, b) ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.endLine - b.endLine ||
    a.endColumn - b.endColumn ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.message, b.message) ||
    compareStrings(pathToString(a.path ?? []), pathToString(b.path ?? []))
  )
}

export function absolutePath(cwd: string, filePath: string): string {
  return path.resolve(cwd, filePath)
}

export function relativePath(cwd: string, filePath: string): string {
  const rel = path.relative(path.resolve(cwd), path.resolve(cwd, filePath))
  if (rel === '') return '.'
  return path.sep === '/' ? rel : rel.split(path.sep).join('/')
}

/** Reports sorted by absolute path, each with its findings sorted. Inputs are not mutated. */
export function sortReports(reports: readonly FileReport[], cwd: string): SortedReport[] {
  return reports
    .map((report) => ({
      report,
      absPath: absolutePath(cwd, report.filePath),
      relPath: relativePath(cwd, report.filePath),
      findings: [...report.findings].sort(compareFindingsTotal),
    }))
    .sort(
      (a, b) =>
        compareStrings(a.absPath, b.absPath) ||
        // The same file reported twice (e.g. named both relatively and absolutely): still a total order.
        compareStrings(a.report.filePath, b.report.filePath) ||
        compareStrings(JSON.stringify(a.findings), JSON.stringify(b.findings)),
    )
}

export interface SeverityCounts {
  error: number
  warning: number
  info: number
}

export function countSeverities(findings: readonly Finding[]): SeverityCounts {
  const counts: SeverityCounts = {error: 0, warning: 0, info: 0}
  for (const f of findings) {
    if (f.omitted) for (const sev of ['error', 'warning', 'info'] as const) counts[sev] += f.omitted[sev]
    else counts[f.severity]++
  }
  return counts
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Positions as the formats want them: 1-based, and an end that never lies before the start. */
export function normalizedRange(f: Finding): {line: number; column: number; endLine: number; endColumn: number} {
  const line = positiveInt(f.line)
  const column = positiveInt(f.column)
  let endLine = positiveInt(f.endLine ?? line)
  let endColumn = positiveInt(f.endColumn ?? column)
  if (endLine < line || (endLine === line && endColumn < column)) {
    endLine = line
    endColumn = column
  }
  return {line, column, endLine, endColumn}
}

function positiveInt(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1
}
