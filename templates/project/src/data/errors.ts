/** A problem with the data: a bad line, a wrong size, an unreadable image. */
export class DataError extends Error {
  override name = 'DataError'
  /** A short category ("image not found", "not valid JSON"...) under which skipped samples are counted. */
  readonly kind: string

  constructor(message: string, kind = 'invalid sample') {
    super(message)
    this.kind = kind
  }
}

/**
 * Text from data files and paths made safe for a terminal, on one line: control characters
 * (escape sequences, line breaks) and bidirectional overrides are shown as \u escapes.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
