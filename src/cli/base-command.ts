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
