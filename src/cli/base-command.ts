// Shared behaviour of every fuseplan command: errors are for people. Anything unexpected becomes one
// line with exit code 2; the stack trace is shown only with --debug or DEBUG=fuseplan.
import {Command, Errors, Flags} from '@oclif/core'

export abstract class FuseplanCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({description: 'Show internal details (stack traces) when something fails.', helpGroup: 'GLOBAL'}),
  }

  protected override async catch(err: Error & {oclif?: {exit?: number}; code?: string}): Promise<unknown> {
    // Errors raised through this.error()/this.exit() and flag-parsing errors already carry an exit code.
    if (err.oclif?.exit !== undefined || err.code === 'EEXIT') return super.catch(err)
    if (err.name === 'ExitPromptError' || err.message === 'SIGINT') {
      process.stderr.write('Cancelled.\n')
      return this.exit(130)
    }
    if (this.debugEnabled()) process.stderr.write(`${err.stack ?? String(err)}\n`)
    // A file system refusal (read-only folder, a dangling link, a full disk) is the user's to fix,
    // not an internal error: say which path and why.
    const fsProblem = fileSystemProblem(err)
    if (fsProblem) throw new Errors.CLIError(fsProblem, {exit: 2})
    const hint = this.debugEnabled() ? '' : ' (run again with --debug for details)'
    throw new Errors.CLIError(`Internal error: ${err.message}${hint}`, {exit: 2})
  }

  private debugEnabled(): boolean {
    return this.argv.includes('--debug') || /\bfuseplan\b|\*/.test(process.env.DEBUG ?? '')
  }
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0') return true
  return stream.isTTY === true
}

const ERRNO_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is not a folder (or is a dangling link)',
  ENOENT: 'no such file or folder (a dangling link?)',
  EEXIST: 'it already exists (a dangling link or a file in the way?)',
  EISDIR: 'it is a folder',
  ELOOP: 'too many levels of symbolic links',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENAMETOOLONG: 'the name is too long',
}

/** A one-line message for an error thrown by node:fs, or undefined for anything else. */
export function fileSystemProblem(err: Error & {code?: string; syscall?: string; path?: string; dest?: string}): string | undefined {
  const reason = err.code ? ERRNO_REASONS[err.code] : undefined
  if (!reason || typeof err.syscall !== 'string') return undefined
  const verb: Record<string, string> = {
    open: 'write',
    mkdir: 'create the folder',
    rename: 'write',
    link: 'write',
    unlink: 'remove',
    rmdir: 'remove',
    write: 'write',
    scandir: 'read the folder',
    stat: 'read',
    lstat: 'read',
  }
  const target = err.dest ?? err.path
  const what = target ? ` ${target.replace(/\/\.([^/]+)\.\d+\.\d+\.tmp$/, '/$1')}` : ''
  return `Cannot ${verb[err.syscall] ?? err.syscall}${what}: ${reason}.`
}
