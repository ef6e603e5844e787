// The registry of `fuseplan lint` output formats. To add a format: write `<name>.ts` exporting a
// LintFormatter, then list it here.
import {github} from './github.js'
import {json} from './json.js'
import {junit} from './junit.js'
import {sarif} from './sarif.js'
import {stylish} from './stylish.js'
import type {FileReport} from '../../findings.js'
import {formatRegistry} from '../registry.js'
import type {LintFormatContext} from './types.js'

export type {LintFormatContext} from './types.js'
export {github, json, junit, sarif, stylish}

export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit'] as const
export type LintFormatName = (typeof LINT_FORMATS)[number]

export const lintFormats = formatRegistry<FileReport[], LintFormatContext, LintFormatName>(LINT_FORMATS, {stylish, json, sarif, github, junit})
export const lintFormatters = lintFormats.formatters
export const isLintFormatName = lintFormats.has
export const getLintFormatter = lintFormats.get
