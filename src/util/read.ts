// Bounded reads of files named by users or pull requests. A path may name /dev/zero, a FIFO, a
// socket or a symbolic link to one of them: reading such a thing whole never ends (or never starts).
// So the file is opened without blocking, checked through its descriptor (a regular file, within the
// size limit) and only then read, and never more than the limit even if it grows meanwhile.
import {closeSync, constants, fstatSync, openSync, readSync, type Stats} from 'node:fs'

export type ReadRefusal = 'missing' | 'directory' | 'permission' | 'not-regular' | 'too-large' | 'other'

export class BoundedReadError extends Error {
  constructor(
    /** What went wrong, as the end of a sentence: "no such file", "it is 3 bytes; the limit is 2". */
    readonly reason: string,
    readonly kind: ReadRefusal,
    /** The file's size, when it is a regular file over the limit. */
    readonly size?: number,
  ) {
    super(reason)
    this.name = 'BoundedReadError'
  }
}

function describeErrno(error: unknown): BoundedReadError {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new BoundedReadError('no such file', 'missing')
  if (code === 'EISDIR') return new BoundedReadError('it is a directory', 'directory')
  if (code === 'EACCES' || code === 'EPERM') return new BoundedReadError('permission denied', 'permission')
  if (code === 'ELOOP') return new BoundedReadError('too many levels of symbolic links', 'other')
  if (code === 'ENOTDIR') return new BoundedReadError('a part of the path is not a folder', 'missing')
  if (code === 'ENXIO') return new BoundedReadError('it is not a regular file (a FIFO or socket with nobody on the other end)', 'not-regular')
  return new BoundedReadError(String(code ?? (error as Error).message ?? error), 'other')
}

function kindOfNonFile(st: {isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean}): string {
  if (st.isFIFO()) return 'a FIFO'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * Reads a regular file of at most `maxBytes` bytes. Throws BoundedReadError (never reads anything
 * else) for a missing file, a folder, a device, FIFO or socket (also through a symbolic link), or a
 * file over the limit.
 */
export function readBoundedFile(filePath: string, maxBytes: number): Buffer {
  return withRegularFile(filePath, (fd, st) => {
    if (st.size > maxBytes) throw new BoundedReadError(`it is ${st.size} bytes; the limit is ${maxBytes} bytes`, 'too-large', st.size)
    // One byte more than the limit tells a file that grew past it since the fstat.
    const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(st.size + 1, 1)))
    const length = fill(fd, buffer)
    if (length > maxBytes) throw new BoundedReadError(`it grew past the limit of ${maxBytes} bytes while being read`, 'too-large', length)
    if (length === buffer.length && length === st.size + 1) {
      // Grew while being read but is still within the limit: read the rest, bounded.
      return Buffer.concat([buffer.subarray(0, length), readRest(fd, maxBytes - length)])
    }
    return buffer.subarray(0, length)
  })
}

/**
 * Opens a path only when it is a regular file (also through a link; O_NONBLOCK, so a FIFO cannot
 * wait for a writer forever), runs `body` on it and closes it; errors become BoundedReadError.
 */
function withRegularFile<T>(filePath: string, body: (fd: number, st: Stats) => T): T {
  let fd: number
  try {
    fd = openSync(filePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    throw describeErrno(error)
  }
  try {
    const st = fstatSync(fd)
    if (st.isDirectory()) throw new BoundedReadError('it is a directory', 'directory')
    if (!st.isFile()) throw new BoundedReadError(`it is ${kindOfNonFile(st)}, not a regular file; fuseplan reads only regular files`, 'not-regular')
    return body(fd, st)
  } catch (error) {
    if (error instanceof BoundedReadError) throw error
    throw describeErrno(error)
  } finally {
    closeSync(fd)
  }
}

/** Reads into `buffer` until it is full or the file ends; returns the bytes read. */
function fill(fd: number, buffer: Buffer): number {
  let length = 0
  while (length < buffer.length) {
    const n = readSync(fd, buffer, length, buffer.length - length, null)
    if (n === 0) break
    length += n
  }
  return length
}

function readRest(fd: number, room: number): Buffer {
  const chunk = Buffer.allocUnsafe(room + 1)
  let length = 0
  for (;;) {
    const n = readSync(fd, chunk, length, chunk.length - length, null)
    if (n === 0) break
    length += n
    if (length > room) throw new BoundedReadError('it grew past the size limit while being read', 'too-large', length)
  }
  return chunk.subarray(0, length)
}

/**
 * The first `maxBytes` bytes of a regular file, however large it is (a header, a front matter).
 * Refuses what readBoundedFile refuses, except size.
 */
export function readFilePrefix(filePath: string, maxBytes: number): Buffer {
  return withRegularFile(filePath, (fd, st) => {
    const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(maxBytes, st.size)))
    return buffer.subarray(0, fill(fd, buffer))
  })
}

/** Checks that a path names a regular file (following links) without reading it; returns the reason otherwise. */
export function regularFileProblem(filePath: string): BoundedReadError | undefined {
  try {
    const fd = openSync(filePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
    try {
      const st = fstatSync(fd)
      if (st.isDirectory()) return new BoundedReadError('it is a directory', 'directory')
      if (!st.isFile()) return new BoundedReadError(`it is ${kindOfNonFile(st)}, not a regular file; fuseplan reads only regular files`, 'not-regular')
      return undefined
    } finally {
      closeSync(fd)
    }
  } catch (error) {
    return describeErrno(error)
  }
}
