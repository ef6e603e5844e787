// File writes that never leave a half-written file behind, and that write where the user pointed:
//
// - a regular file (or a new one): a temp file beside it, then a rename over it (atomic on the same
//   file system), keeping the file's permissions;
// - a symbolic link: the same, beside the file the link resolves to, so the link stays a link;
// - a device, a FIFO or a socket (`-o /dev/stdout`, a named pipe): written in place, as a shell's
//   `>` would; a device node is never replaced by a file;
// - the process's own descriptors (`/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`): written
//   to that descriptor, so `-o /dev/stdout` prints whether stdout is a terminal, a pipe or a file (opening
//   the file again would start at its beginning, over what the shell wrote there).
import {chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readlinkSync, renameSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {basename, dirname, join, relative, resolve} from 'node:path'
import {withoutInterruption} from './signals.js'

export function writeFileAtomic(filePath: string, data: string | Uint8Array): void {
  withoutInterruption(() => writeFileNow(filePath, typeof data === 'string' ? Buffer.from(data) : data))
}

/** Links followed before giving up, as the kernel's own limit (ELOOP). */
const MAX_LINK_HOPS = 40

const OWN_DESCRIPTOR = /^\/(?:dev\/(?:std(out|err)|fd\/(\d+))|proc\/self\/fd\/(\d+))$/

/** The descriptor a path names when it is one of this process's own (`/dev/stdout` is 1). */
function ownDescriptor(path: string): number | undefined {
  const m = OWN_DESCRIPTOR.exec(path)
  if (!m) return undefined
  return m[1] === 'out' ? 1 : m[1] === 'err' ? 2 : Number(m[2] ?? m[3])
}

function writeFileNow(filePath: string, data: Uint8Array): void {
  let target = resolve(filePath)
  for (let hop = 0; ; hop++) {
    const fd = ownDescriptor(target)
    if (fd !== undefined) return writeAll(fd, data)
    let st
    try {
      st = lstatSync(target)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      // A new file (or the missing end of a dangling link): its folder is created when the user named
      // the path itself; a link's target folder must exist, as for any program writing through it.
      if (hop === 0) mkdirSync(dirname(target), {recursive: true})
      return replaceFile(target, data, undefined)
    }
    if (st.isSymbolicLink()) {
      if (hop >= MAX_LINK_HOPS) throw Object.assign(new Error(`ELOOP: too many symbolic links, open '${filePath}'`), {code: 'ELOOP', syscall: 'open', path: filePath})
      target = resolve(dirname(target), readlinkSync(target))
      continue
    }
    if (st.isFile()) return replaceFile(target, data, st.mode & 0o7777)
    if (st.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${filePath}'`), {code: 'EISDIR', syscall: 'open', path: filePath})
    return writeInPlace(target, data)
  }
}

/** Temp file beside `path`, then rename over it; the temp file is removed if anything fails. */
function replaceFile(path: string, data: Uint8Array, mode: number | undefined): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`)
  try {
    writeFileSync(temp, data, {flag: 'wx'})
    if (mode !== undefined) chmodSync(temp, mode)
    renameSync(temp, path)
  } catch (error) {
    rmSync(temp, {force: true})
    throw error
  }
}

/** A device, FIFO or socket: opened for writing (no create, no truncate: it is not a file), written, closed. */
function writeInPlace(path: string, data: Uint8Array): void {
  const fd = openSync(path, constants.O_WRONLY | (constants.O_NOCTTY ?? 0))
  let regular = false
  try {
    // Between the lstat and the open, the path could have become a regular file: then it is one.
    regular = fstatSync(fd).isFile()
    if (!regular) writeAll(fd, data)
  } finally {
    closeSync(fd)
  }
  if (regular) replaceFile(path, data, undefined)
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** Writes every byte to a descriptor, waiting out a full non-blocking pipe (EAGAIN). */
function writeAll(fd: number, data: Uint8Array): void {
  let offset = 0
  let waits = 0
  while (offset < data.length) {
    try {
      offset += writeSync(fd, data, offset, data.length - offset)
      waits = 0
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
      // A reader that takes no byte for two minutes is gone in all but name.
      if (++waits > 120_000) throw error
      sleep(1)
    }
  }
}

/** A path as messages show it: relative to the working directory when inside it, else as given. */
export function displayPath(filePath: string): string {
  const rel = relative(process.cwd(), filePath)
  return rel && !rel.startsWith('..') ? rel : filePath
}
