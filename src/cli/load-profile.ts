// Commands that take a PROFILE argument share this: load it, print every problem as
// file:line:col, and stop with exit 2 when the profile cannot be used.
import {Errors} from '@oclif/core'
import {relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {Finding} from '../findings.js'
import {loadProfile} from '../profile/load.js'
import type {Profile} from '../profile/types.js'

/** The example a newcomer's first command runs on when no profile is given. */
export const BUNDLED_EXAMPLE = fileURLToPath(new URL('../../../examples/icu-deterioration.yaml', import.meta.url))

/** One finding as a compiler-style line: `file:line:col: severity: message [rule]`. */
export function formatFindingLine(filePath: string, f: Finding): string {
  return `${filePath}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.ruleId}]`
}

/** A path as the user would type it: relative when inside the working directory, else absolute. */
export function displayPath(filePath: string): string {
  const rel = relative(process.cwd(), filePath)
  return rel && !rel.startsWith('..') ? rel : filePath
}

export function loadProfileOrExit(filePath: string): Profile {
  const {profile, findings} = loadProfile(filePath)
  const errors = findings.filter((f) => f.severity === 'error')
  if (!profile || errors.length > 0) {
    // Plain compiler-style lines (editors and CI logs link them), not oclif's wrapped error box.
    const shown = displayPath(filePath)
    const lines = (errors.length > 0 ? errors : findings).map((f) => formatFindingLine(shown, f))
    process.stderr.write(`${lines.join('\n')}\nfuseplan: ${shown} is not a usable profile; fix the error${lines.length === 1 ? '' : 's'} above (\`fuseplan lint ${shown}\` lists every finding).\n`)
    throw new Errors.ExitError(2)
  }
  return profile
}
