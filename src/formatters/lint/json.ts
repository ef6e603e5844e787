// `--format json`: ESLint's JSON formatter shape (docs/design.md#output-contracts), so tools that read
// `eslint -f json` output read fuseplan's too.
//
// One entry per linted file, clean or not, sorted by path:
//   {filePath (absolute), messages: [{ruleId, severity, message, line, column, nodeType, endLine,
//    endColumn}], suppressedMessages: [...messages, suppressions: [{kind: 'directive',
//    justification}]], errorCount, fatalErrorCount: 0, warningCount,
//    fixableErrorCount: 0, fixableWarningCount: 0, source?, usedDeprecatedRules: [],
//    infoMessages, infoCount}
//
// Severity: 2 = error, 1 = warning, exactly as ESLint. ESLint has no "info" level (its 0 means
// "rule off" and never appears in `messages`), and its consumers read every entry of `messages`
// as a warning or an error. So info findings are NOT put in `messages` and not counted in
// errorCount/warningCount; they go to the extra keys `infoMessages` (same message shape, with
// `severity: 0`) and `infoCount`, which ESLint consumers ignore. `source` is present only for
// files with messages, as in ESLint (and while the run's kept sources stay under 32 MiB: lint keeps
// findings, not files). Counts include the findings a `too-many-findings` entry stands for.
import type {Finding, SuppressedFinding} from '../../findings.js'
import type {LintFormatter} from './types.js'
import {countSeverities, normalizedRange, sortReports} from './util.js'

export interface EslintMessage {
  ruleId: string
  severity: 0 | 1 | 2
  message: string
  line: number
  column: number
  nodeType: null
  endLine: number
  endColumn: number
}

/** A message a `# fuseplan-disable...` comment silenced, as ESLint reports an `eslint-disable` one. */
export interface EslintSuppressedMessage extends EslintMessage {
  suppressions: {kind: 'directive'; justification: string}[]
}

export interface EslintResult {
  filePath: string
  messages: EslintMessage[]
  suppressedMessages: EslintSuppressedMessage[]
  errorCount: number
  fatalErrorCount: 0
  warningCount: number
  fixableErrorCount: 0
  fixableWarningCount: 0
  source?: string
  usedDeprecatedRules: []
  infoMessages: EslintMessage[]
  infoCount: number
}

function toMessage(f: Finding): EslintMessage {
  const {line, column, endLine, endColumn} = normalizedRange(f)
  const severity = f.severity === 'error' ? 2 : f.severity === 'warning' ? 1 : 0
  return {ruleId: f.ruleId, severity, message: f.message, line, column, nodeType: null, endLine, endColumn}
}

function toSuppressed(f: SuppressedFinding): EslintSuppressedMessage {
  return {...toMessage(f), suppressions: [{kind: 'directive', justification: f.justification ?? ''}]}
}

export function toEslintResults(...args: Parameters<LintFormatter>): EslintResult[] {
  const [reports, ctx] = args
  return sortReports(reports, ctx.cwd).map(({report, absPath, findings}) => {
    const counts = countSeverities(findings)
    const messages = findings.filter((f) => f.severity !== 'info').map(toMessage)
    const result: EslintResult = {
      filePath: absPath,
      messages,
      suppressedMessages: (report.suppressed ?? []).filter((f) => f.severity !== 'info').map(toSuppressed),
      errorCount: counts.error,
      fatalErrorCount: 0,
      warningCount: counts.warning,
      fixableErrorCount: 0,
      fixableWarningCount: 0,
      usedDeprecatedRules: [],
      infoMessages: findings.filter((f) => f.severity === 'info').map(toMessage),
      infoCount: counts.info,
    }
    if (messages.length > 0 && typeof report.source === 'string') {
      // Keep ESLint's key order: source comes before usedDeprecatedRules.
      const {usedDeprecatedRules, infoMessages, infoCount, ...head} = result
      return {...head, source: report.source, usedDeprecatedRules, infoMessages, infoCount}
    }
    return result
  })
}

export const json: LintFormatter = (reports, ctx) => `${JSON.stringify(toEslintResults(reports, ctx))}\n`
