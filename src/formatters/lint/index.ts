// The registry of `fuseplan lint` output formats. To add a format: write `<name>.ts` exporting a
// LintFormatter, then list it here.
import {github} from './github.js'
import {json} from './json.js'
import {junit} from './junit.js'
import {sarif} from './sarif.js'
import {stylish} from './stylish.js'
import type {LintFormatter} from './types.js'

export type {LintFormatContext, LintFormatter, RuleMeta} from './types.js'
export {github, json, junit, sarif, stylish}

export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit'] as const
export type LintFormatName = (typeof LINT_FORMATS)[number]

export const lintFormatters: Record<LintFormatName, LintFormatter> = {stylish, json, sarif, github, junit}

export function isLintFormatName(name: string): name is LintFormatName {
  return (LINT_FORMATS as readonly string[]).includes(name)
}

/** The formatter for a name, or undefined for an unknown one (the command reports a usage error). */
export function getLintFormatter(name: string): LintFormatter | undefined {
  return isLintFormatName(name) ? lintFormatters[name] : undefined
}
