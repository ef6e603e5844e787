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
