// Text from users (profiles, CSV headers, rule packs) on its way to a terminal, a CI log, an ADR or an
// annotation. Terminals obey escape sequences, CI runners obey `::command::` lines, Markdown turns
// syntax into links and HTML, and bidi controls make text read differently from what it is. One
// function, escapeText, handles all of it; the target says where the text goes. JSON outputs carry the
// data as it is.

/** Where escaped text goes. */
export type TextTarget =
  /** One line of a terminal or log: control characters and newlines become visible escapes. */
  | 'line'
  /** A block of lines for a terminal or log: newlines (and tabs) kept, other controls made visible. */
  | 'block'
  /** Text inside a format that encodes line breaks itself (a workflow command's data): CR and LF kept as they are. */
  | 'breaks'
  /** Inline Markdown (an ADR sentence, list item or table cell): one line, no HTML, links or block syntax. */
  | 'markdown'

// C0 controls, DEL, C1 controls, the bidi embeddings, overrides and isolates, the marks LRM/RLM/ALM,
// and the Unicode line and paragraph separators (some terminals break lines there).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

function visible(c: string): string {
  if (c === '\n') return '\\n'
  if (c === '\r') return '\\r'
  if (c === '\t') return '\\t'
  const code = c.charCodeAt(0)
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/** Characters each target passes through as they are. */
const KEEP: Record<Exclude<TextTarget, 'markdown'>, string> = {line: '', block: '\n\t', breaks: '\n\r\t'}

/**
 * THE escape for text from a profile or a rule pack, for every terminal, log, ADR and annotation:
 * control characters and bidi controls become visible escapes (`\x1b`, `\u202e`) or, in Markdown,
 * are dropped; no line of the result starts a CI workflow command (`::error::`); Markdown syntax is
 * neutralised for the `markdown` target. Linear in the length of `s`.
 */
export function escapeText(s: string, target: TextTarget): string {
  if (target === 'markdown') return markdownInline(s)
  const keep = KEEP[target]
  const out = s.replace(UNSAFE, (c) => (keep.includes(c) ? c : visible(c)))
  // A CI runner reads a line that starts with `::` (after blanks) as a workflow command. (A format
  // that encodes line breaks itself never lets the text start a line.)
  return target === 'breaks' ? out : out.replace(/(^|[\n\r])([ \t]*):(?=:)/g, '$1$2:\\')
}

/** Control characters shown as escapes; newlines and tabs kept (a block of text). */
export function escapeControl(s: string): string {
  return escapeText(s, 'block')
}

/** Like escapeControl, but carriage returns stay too (for formats that encode line breaks themselves). */
export function escapeControlKeepBreaks(s: string): string {
  return escapeText(s, 'breaks')
}

/** Like escapeControl, and newlines too: for text that must stay on one line. */
export function escapeControlLine(s: string): string {
  return escapeText(s, 'line')
}

/** Removes control characters (keeping tab and newline). */
export function stripControl(s: string): string {
  return s.replace(UNSAFE, (c) => (c === '\n' || c === '\t' ? c : ''))
}

/**
 * User text inside a Markdown paragraph, list item or table cell: one line, no control characters,
 * no HTML, and nothing that starts a block (heading, front matter, quote, list), a link or image, a
 * CI workflow command (`::error::`), or breaks out of a code span or table cell. Emphasis and plain
 * punctuation are left alone, so text without such syntax comes out unchanged.
 */
export function escapeMarkdown(s: string): string {
  return escapeText(s, 'markdown')
}

function markdownInline(s: string): string {
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
    // A bare `javascript:` (or data:, vbscript:) URL is not a link in CommonMark, but some renderers
    // autolink it: break the scheme.
    .replace(/\b(javascript|vbscript|data)(?=:)/gi, '$1\\')
  if (ticks % 2 === 1) out = out.replace(/`/g, '\\`')
  return out.replace(/^(\s*)([-=+#>*_[]|\d+(?=[.)]))/, (_m, sp: string, lead: string) => (/\d/.test(lead) ? `${sp}${lead}\\` : `${sp}\\${lead}`))
}

/** User text as a Markdown code span: one line, no control characters, no backtick to break out. */
export function codeSpan(s: string): string {
  return `\`${stripControl(s).replace(/[`\r\n]/g, ' ')}\``
}
