/** A problem with the data: a bad line, a wrong size, an unreadable image. */
export class DataError extends Error {
  override name = 'DataError'
}
