// Text from users (profiles, CSV headers, rule packs) on its way to a terminal or a Markdown file.
// Terminals obey escape sequences and CI runners obey `::command::` lines, so control characters are
// shown as visible escapes, and Markdown/HTML syntax in free text is neutralised.

// C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides/isolates that can
// make text read differently from what it is.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
// eslint-disable-next-line no-control-regex
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
 * no HTML, and no Markdown syntax that could start a heading, front matter, a link, emphasis, a code
 * span or a CI workflow command (`::error::`). Plain prose (parentheses, underscores in names) is
 * left alone so the record stays readable as text.
 */
export function escapeMarkdown(s: string): string {
  const text = stripControl(s).replace(/\r\n?|\n/g, ' ')
  // Paired backticks are code spans (rule messages quote names that way); a lone one is escaped.
  const ticks = (text.match(/`/g) ?? []).length
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(ticks % 2 === 0 ? /[\\*[\]|]/g : /[\\`*[\]|]/g, (c) => `\\${c}`)
    .replace(/^(\s*)([-=+#]|\d+(?=[.)]))/, (_m, sp: string, lead: string) => (/\d/.test(lead) ? `${sp}${lead}\\` : `${sp}\\${lead}`))
    .replace(/::/g, ':\\:')
}

/** User text as a Markdown code span: one line, no control characters, no backtick to break out. */
export function codeSpan(s: string): string {
  return `\`${stripControl(s).replace(/[`\r\n]/g, ' ')}\``
}
