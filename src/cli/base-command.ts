// Shared behaviour of every fuseplan command: errors are for people. Anything unexpected becomes one
// line with exit code 2; the stack trace is shown only with --debug or DEBUG=fuseplan.
//
// One way to stop with a problem (docs/design.md#exit-codes): `this.fail(message)` for a usage or
// input error (positioned problems first, one `file:line:col: message` per line, then
// `fuseplan: message`, all on stderr; exit 2 unless told otherwise), and `this.exitWith(code)` to
// end after the command has written its output (1: findings, or no strategy fits). Code outside a
// command (shared loaders, the command_not_found hook) throws `failure(...)`, which prints the same way.
import {Command, Errors, Flags} from '@oclif/core'
import type {RuleLoadError} from '../engine/index.js'
import {escapeControl, escapeControlLine} from '../util/text.js'

/** Exit codes every command keeps (docs/design.md#output-contracts). */
export const EXIT = {ok: 0, problems: 1, input: 2} as const

/**
 * A problem that has been printed already: oclif's handler only sets the exit code (it prints
 * nothing more, and no boxed `Error:`); under --json oclif still writes the `{"error": ...}` object.
 */
export class CommandFailure extends Errors.CLIError {
  constructor(message: string, exit: number) {
    super(message, {exit})
    // Not enumerable: the --json error object stays {oclif: {exit}, message, name}.
    Object.defineProperty(this, 'skipOclifErrorHandling', {value: true, enumerable: false})
    this.name = 'Error'
  }
}

/**
 * Prints a problem the compiler way on stderr and returns the error that ends the command with
 * `code`: the `problems` lines (already `file:line:col: message`) first, then `fuseplan: message`.
 * Control characters in either are shown as escapes.
 */
export function failure(message: string, code: number = EXIT.input, problems: readonly string[] = []): CommandFailure {
  const text = escapeControl(message.replace(/^fuseplan: /, ''))
  // A message that is itself positioned (`answers.yaml:6:19: ...`) is printed as it is.
  const line = POSITIONED.test(text) ? text : `fuseplan: ${text}`
  process.stderr.write([...problems.map((p) => escapeControlLine(p)), line].join('\n') + '\n')
  return new CommandFailure(text, code)
}

const POSITIONED = /^[^\s:][^\n:]*:\d+:\d+: /

/** A rule set that could not be loaded, printed one problem per line; `consequence` says what did not happen. */
export function ruleLoadFailure(error: RuleLoadError, consequence?: string): CommandFailure {
  const n = error.problems.length
  // The error's message is its problems, formatted one per line (engine/loader.ts formatProblem).
  return failure(`the rule set could not be loaded (${n} problem${n === 1 ? '' : 's'})${consequence ? `; ${consequence}` : ''}.`, EXIT.input, error.message.split('\n'))
}

/** Without importing the engine (and its CEL compiler) into every command's start-up. */
function isRuleLoadError(err: Error): err is RuleLoadError {
  return err.name === 'RuleLoadError' && Array.isArray((err as Partial<RuleLoadError>).problems)
}

export abstract class FuseplanCommand extends Command {
  static override baseFlags = {
    debug: Flags.boolean({description: 'Show internal details (stack traces) when something fails.', helpGroup: 'GLOBAL'}),
  }

  /** Stops the command with a usage or input problem (exit 2 by default), printed as `fuseplan: message` after any positioned `problems`. */
  protected fail(message: string, code: number = EXIT.input, problems: readonly string[] = []): never {
    throw failure(message, code, problems)
  }

  /** Ends the command with `code` once its output is written (1: it worked and found a problem). */
  protected exitWith(code: number): never {
    throw new Errors.ExitError(code)
  }

  protected override async catch(err: Error & {oclif?: {exit?: number}; code?: string}): Promise<unknown> {
    if (isRuleLoadError(err)) return this.catch(ruleLoadFailure(err))
    // The rule engine's wall-clock backstop (engine/cel.ts): the input could not be judged, exit 2.
    if (err.name === 'EvaluationBackstop') return this.catch(failure(err.message))
    if (err instanceof CommandFailure || err instanceof Errors.ExitError || err.code === 'EEXIT') {
      // oclif's --json handling keeps process.exitCode, or else exits 1: give it ours.
      if (this.jsonEnabled()) process.exitCode = err.oclif?.exit ?? 1
      // exitWith() after --json output: the output is written, there is no error object to add.
      if (this.jsonEnabled() && !(err instanceof CommandFailure)) return undefined
      return super.catch(err)
    }
    // Flag and argument errors from oclif's parser carry their exit code (2): the same one line.
    if (err.oclif?.exit !== undefined) return this.catch(failure(err.message.replace(/\nSee more help with --help$/, ' (see --help)'), err.oclif.exit))
    if (err.name === 'ExitPromptError' || err.message === 'SIGINT') {
      process.stderr.write('Cancelled.\n')
      return this.catch(new Errors.ExitError(130))
    }
    if (this.debugEnabled()) process.stderr.write(`${err.stack ?? String(err)}\n`)
    // A file system refusal (read-only folder, a dangling link, a full disk) is the user's to fix,
    // not an internal error: say which path and why.
    const fsProblem = fileSystemProblem(err)
    if (fsProblem) return this.catch(failure(fsProblem))
    const hint = this.debugEnabled() ? '' : ' (run again with --debug for details)'
    return this.catch(failure(`Internal error: ${err.message}${hint}`))
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

/** `--example`: the commands that take a PROFILE run on the bundled example only when asked. */
export const exampleFlag = () => Flags.boolean({description: 'Run on the bundled example (examples/icu-deterioration.yaml) instead of a profile of yours.'})

/**
 * `--json`: `--format json` is the one JSON spelling of every command; `--json` is kept as its alias
 * (oclif CLIs and `rules list` used it).
 */
export const jsonFlag = () => Flags.boolean({description: 'Alias of --format json.'})

/** True when argv asks for `--format json` (`-f json`, `-fjson`, `--format=json`) or `--json`, before `--`. */
export function argvWantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  const args = end === -1 ? argv : argv.slice(0, end)
  return args.some((a, i) => a === '--json' || a === '--format=json' || a === '-fjson' || ((a === '--format' || a === '-f') && args[i + 1] === 'json'))
}

/**
 * The format a single-format command prints: `--format`, or json for `--json`. `--json` beside a
 * different explicit `--format` is a usage error rather than a silent pick.
 */
export function pickFormat(format: string, json: boolean | undefined, formatFromDefault: boolean | undefined): string {
  if (!json) return format
  if (!formatFromDefault && format !== 'json') throw failure(`--json is an alias of --format json; it cannot go with --format ${format}.`)
  return 'json'
}

/** `--rules DIR`: one value per flag, so `--rules pack profile.yaml` leaves the profile an argument. */
export const rulesFlag = () => Flags.string({description: 'Extra rule folder (a rule pack); repeat for several.', multiple: true, multipleNonGreedy: true})
