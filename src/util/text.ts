// Text from users (profiles, CSV headers, rule packs) on its way to a terminal or a Markdown file.
// Terminals obey escape sequences and CI runners obey `::command::` lines, so control characters are
// shown as visible escapes, and Markdown/HTML syntax in free text is neutralised.

// C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides/isolates that can
// make text read differently from what it is.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

function visible(c: string): string {
  const code = c.charCodeAt(0)
  if (c === '\n') return '\\n'
  if (c === '\r') return '\\r'
  if (c === '\t') return '\\t'
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** Replaces control characters (not tab or newline) by visible escapes such as `\x1b`. */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, visible)
}

const CONTROL_BUT_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** Like escapeControl, but carriage returns stay too (for formats that encode line breaks themselves). */
export function escapeControlKeepBreaks(s: string): string {
  return s.replace(CONTROL_BUT_BREAKS, visible)
}

/** Like escapeControl, and newlines too: for text that must stay on one line. */
export function escapeControlLine(s: string): string {
  return s.replace(CONTROL_OR_NEWLINE, visible)
}

/** Removes control characters (keeping tab and newline). */
export function stripControl(s: string): string {
  return s.replace(CONTROL, '')
}

/**
 * User text inside a Markdown paragraph, list item or table cell: one line, no control characters,
 * no HTML, and nothing that starts a block (heading, front matter, quote, list), a link or image, a
 * CI workflow command (`::error::`), or breaks out of a code span or table cell. Emphasis and plain
 * punctuation are left alone, so text without such syntax comes out unchanged.
 */
export function escapeMarkdown(s: string): string {
  const text = stripControl(s).replace(/\r\n?|\n/g, ' ')
  // Paired backticks are code spans (rule messages quote names that way); a lone one is escaped.
  const ticks = (text.match(/`/g) ?? []).length
  let out = text
    .replace(/\\/g, '\\\\')
    .replace(/&(?=#?[A-Za-z0-9]+;)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\|/g, '\\|')
    .replace(/\](?=[([:])/g, '\\]')
    .replace(/:(?=:)/g, ':\\')
  if (ticks % 2 === 1) out = out.replace(/`/g, '\\`')
  return out.replace(/^(\s*)([-=+#>*_[]|\d+(?=[.)]))/, (_m, sp: string, lead: string) => (/\d/.test(lead) ? `${sp}${lead}\\` : `${sp}\\${lead}`))
}

/** User text as a Markdown code span: one line, no control characters, no backtick to break out. */
export function codeSpan(s: string): string {
  return `\`${stripControl(s).replace(/[`\r\n]/g, ' ')}\``
}
