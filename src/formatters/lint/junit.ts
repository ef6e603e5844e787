// `--format junit`: JUnit XML for CI test-report viewers (Jenkins, GitLab, Azure DevOps...).
//
//   <testsuites name="fuseplan lint" tests=N failures=F errors="0" skipped="0" time="0">
//     <testsuite name="fuseplan lint" ...same counts...>
//       <testcase name="examples/a.yaml" classname="fuseplan.lint" time="0"/>        clean file
//       <testcase name="examples/b.yaml" classname="fuseplan.lint" time="0">
//         <failure message="2 problems (1 error, 1 warning)" type="error">3:5 error ...</failure>
//         <system-out>12:1 warning ...</system-out>
//       </testcase>
//
// One testsuite for the run, one testcase per linted file (name = path relative to ctx.cwd), sorted.
// A file fails when it has a finding at or above the failing severity (ctx.failSeverity, default
// `error`, the same threshold the lint command exits 1 on); its <failure> lists those findings.
// Findings below the threshold do not fail the testcase: they are listed in its <system-out>, so
// they are visible in the report without turning a passing run red; the failure's message counts
// them with the rest ("2 problems (1 error, 1 warning)"), as the stylish summary does. `time` is always 0 so the
// output is byte-identical across runs.
//
// Text from files and rules goes through escapeText first (control characters and bidi controls as
// visible escapes such as `\x1b`, no line starting a CI workflow command: CI logs print this file).
// XML: data is escaped (`& < > " '`), characters XML 1.0 cannot carry (lone surrogates,
// U+FFFE/U+FFFF) are written as the text `\uXXXX`, and newlines/tabs inside attributes are written
// as character references so parsers keep them.
import type {Finding} from '../../findings.js'
import {escapeText} from '../../util/text.js'
import type {LintFormatter} from './types.js'
import {atLeast, countSeverities, normalizedRange, plural, sortReports} from './util.js'

const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

function replaceNonXml(s: string): string {
  return s.replace(NOT_XML_CHAR, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)
}

/** Escape text content. `\r` is a reference so XML line-end normalisation does not eat it. */
export function escapeXmlText(s: string): string {
  return replaceNonXml(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
}

/** Escape an attribute value (double-quoted). Whitespace is kept through attribute normalisation. */
export function escapeXmlAttr(s: string): string {
  return escapeXmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')
}

function describe(findings: readonly Finding[]): string {
  const c = countSeverities(findings)
  const parts = [plural(c.error, 'error'), plural(c.warning, 'warning')]
  if (c.info > 0) parts.push(`${c.info} info`)
  return `${plural(c.error + c.warning + c.info, 'problem')} (${parts.join(', ')})`
}

/** `3:5 error message [rule]`; continuation lines of a multi-line message are indented. */
function line(f: Finding): string {
  const {line: l, column} = normalizedRange(f)
  return `${l}:${column} ${f.severity} ${escapeText(f.message, 'block').replace(/\r?\n|\r/g, '$&  ')} [${escapeText(f.ruleId, 'line')}]`
}

export const junit: LintFormatter = (reports, ctx) => {
  const threshold = ctx.failSeverity ?? 'error'
  const cases: string[] = []
  let failures = 0
  const files = sortReports(reports, ctx.cwd)
  for (const {relPath, findings} of files) {
    const open = `    <testcase name="${escapeXmlAttr(escapeText(relPath, 'line'))}" classname="fuseplan.lint" time="0"`
    if (findings.length === 0) {
      cases.push(`${open}/>`)
      continue
    }
    const failing = findings.filter((f) => atLeast(f.severity, threshold))
    const other = findings.filter((f) => !atLeast(f.severity, threshold))
    let body = ''
    if (failing.length > 0) {
      failures++
      const type = failing.some((f) => f.severity === 'error') ? 'error' : failing.some((f) => f.severity === 'warning') ? 'warning' : 'info'
      // The summary counts every finding of the file, the warnings listed in <system-out> too.
      body += `      <failure message="${escapeXmlAttr(describe(findings))}" type="${type}">${escapeXmlText(failing.map(line).join('\n'))}</failure>\n`
    }
    if (other.length > 0) body += `      <system-out>${escapeXmlText(other.map(line).join('\n'))}</system-out>\n`
    cases.push(`${open}>\n${body}    </testcase>`)
  }
  const counts = `tests="${files.length}" failures="${failures}" errors="0" skipped="0" time="0"`
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="fuseplan lint" ${counts}>`,
    `  <testsuite name="fuseplan lint" ${counts}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}
