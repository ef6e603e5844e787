// `--format stylish` (the default): ESLint's stylish look, for people at a terminal.
//
//   <blank line>
//   examples/broken.yaml
//     3:5   error    Modality name "EHR" does not match ^[a-z][a-z0-9_]{0,39}$  schema
//     12:1  warning  cxr is more available at deployment than in training       availability-shift
//   <blank line>
//   ✖ 2 problems (1 error, 1 warning)
//
// Files without findings are not listed. A run without any finding prints one line saying how many
// files were checked (and skipped), so a clean CI log shows that lint looked at something:
//
//   ✔ 4 files checked, no problems (2 YAML files skipped: not fuseplan documents)
//
// Info findings show as `info` and are counted in the summary only when there are some.
// Colours (ANSI) only when ctx.color is true; control characters in data are shown escaped so a
// hostile file cannot drive the terminal.
import type {Severity} from '../../findings.js'
import {escapeText} from '../../util/text.js'
import {paint, type Paint} from '../ansi.js'
import type {LintFormatter} from './types.js'
import {countSeverities, normalizedRange, plural, sortReports} from './util.js'

const SEVERITY_COLOR: Record<Severity, keyof Paint> = {error: 'red', warning: 'yellow', info: 'blue'}
/** Messages longer than this do not widen the message column (one huge message must not pad every row). */
const MAX_ALIGNED_WIDTH = 200

/** Show control characters (newlines, ESC, bidi overrides...) as escapes instead of sending them to the terminal. */
export function terminalSafe(s: string): string {
  return escapeText(s, 'line')
}

/**
 * A CI runner reads any output line that starts with `::` (after blanks) as a workflow command, so a
 * file or folder named `::error ...` must not start one: such a path is shown as `./::error ...`.
 */
export function safeLineStart(path: string): string {
  return /^\s*::/.test(path) ? `./${path.trimStart()}` : path
}

/** Width in code points (what the table aligns on). */
function width(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

function maxOf(values: number[]): number {
  let m = 0
  for (const v of values) if (v > m) m = v
  return m
}

export const stylish: LintFormatter = (reports, ctx) => {
  const painter = paint(ctx.color)
  const total = {error: 0, warning: 0, info: 0}
  const out: string[] = []

  for (const {relPath, findings} of sortReports(reports, ctx.cwd)) {
    if (findings.length === 0) continue
    const counts = countSeverities(findings)
    total.error += counts.error
    total.warning += counts.warning
    total.info += counts.info

    const rows = findings.map((f) => {
      const {line, column} = normalizedRange(f)
      // ESLint drops one trailing period from messages.
      const message = terminalSafe(f.message.length > 1 && f.message.endsWith('.') && !f.message.endsWith(' .') ? f.message.slice(0, -1) : f.message)
      return {line: String(line), column: String(column), severity: f.severity, message, width: width(message), ruleId: terminalSafe(f.ruleId)}
    })
    const lineW = maxOf(rows.map((r) => r.line.length))
    const posW = maxOf(rows.map((r) => lineW + 1 + r.column.length))
    const sevW = maxOf(rows.map((r) => r.severity.length))
    const msgW = maxOf(rows.map((r) => (r.width <= MAX_ALIGNED_WIDTH ? r.width : 0)))

    out.push(`${painter.underline(terminalSafe(safeLineStart(relPath)))}\n`)
    for (const r of rows) {
      const pos = `${r.line.padStart(lineW)}:${r.column}`
      const cells = [painter.dim(pos) + ' '.repeat(posW - pos.length), painter[SEVERITY_COLOR[r.severity]](r.severity) + ' '.repeat(sevW - r.severity.length)]
      // The message is padded only when a rule id follows it, so no line ends in blanks.
      if (r.ruleId) cells.push(r.message + ' '.repeat(Math.max(0, msgW - r.width)), painter.dim(r.ruleId))
      else cells.push(r.message.trimEnd())
      out.push(`  ${cells.join('  ')}\n`)
    }
    out.push('\n')
  }

  const problems = total.error + total.warning + total.info
  if (problems === 0) {
    const notes = [ctx.skipped ? `${plural(ctx.skipped, 'YAML file')} skipped: not fuseplan documents` : '', ctx.ignored ? `${ctx.ignored} ignored by config` : ''].filter(Boolean)
    const skipped = notes.length > 0 ? ` (${notes.join('; ')})` : ''
    return `${painter.green(`\u2714 ${plural(reports.length, 'file')} checked, no problems`)}${skipped}\n`
  }

  const parts = [plural(total.error, 'error'), plural(total.warning, 'warning')]
  if (total.info > 0) parts.push(`${total.info} info`)
  const summary = `\u2716 ${plural(problems, 'problem')} (${parts.join(', ')})`
  const summaryColor: keyof Paint = total.error > 0 ? 'red' : total.warning > 0 ? 'yellow' : 'blue'
  return `\n${out.join('')}${painter.bold(painter[summaryColor](summary))}\n`
}
