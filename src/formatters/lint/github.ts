// `--format github`: GitHub Actions workflow commands, which the runner turns into annotations
// on the pull request's diff. One line per finding:
//
//   ::error file=examples/a.yaml,line=3,col=5,endLine=3,endColumn=9,title=schema::message
//
// error -> `::error`, warning -> `::warning`, info -> `::notice`. Paths are relative to ctx.cwd
// (the workspace in CI). Escaping follows the Actions runner: in the message `%`, `\r`, `\n`
// become `%25`, `%0D`, `%0A`; in property values `:` and `,` become `%3A`, `%2C` as well.
// A run without findings prints nothing.
import type {Severity} from '../../findings.js'
import {escapeControlKeepBreaks} from '../../util/text.js'
import type {LintFormatter} from './types.js'
import {normalizedRange, sortReports} from './util.js'

const COMMAND: Record<Severity, string> = {error: 'error', warning: 'warning', info: 'notice'}

export function escapeData(s: string): string {
  // Control characters other than newlines (ESC, NUL...) would reach the runner's log raw: show them.
  return escapeControlKeepBreaks(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

export const github: LintFormatter = (reports, ctx) => {
  let out = ''
  for (const {relPath, findings} of sortReports(reports, ctx.cwd)) {
    for (const f of findings) {
      const {line, column, endLine, endColumn} = normalizedRange(f)
      const props = [`file=${escapeProperty(relPath)}`, `line=${line}`, `col=${column}`, `endLine=${endLine}`, `endColumn=${endColumn}`, `title=${escapeProperty(f.ruleId)}`]
      out += `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message)}\n`
    }
  }
  return out
}
