// The contract every `fuseplan lint` output format implements. A formatter is a pure function:
// same reports and context in, same string out, byte for byte. It never reads the environment,
// the clock or the file system; the command decides colours, cwd and the rule list.
import type {FileReport, Severity} from '../../findings.js'
import type {Formatter} from '../registry.js'

/** What a formatter may say about a rule (SARIF lists every rule with its help page). */
export interface RuleMeta {
  /** Stable rule id, e.g. `early-fusion-sparse-modality`. */
  id: string
  /** One-line title. */
  title: string
  /** Longer rationale. */
  description?: string
  /** Default severity of the rule (lint rules have one). */
  severity?: Severity
  /** Where the rule's documentation lives. */
  helpUri: string
}

export interface LintFormatContext {
  /** Absolute directory that relative paths in the output are relative to. */
  cwd: string
  /** Emit ANSI colours (only formats meant for a terminal use it). The command decides it from TTY + NO_COLOR. */
  color: boolean
  /** Every rule known to this run, whether it fired or not. */
  rules: RuleMeta[]
  /** fuseplan's version, for formats that name the tool (SARIF). */
  toolVersion: string
  /**
   * Optional: the lowest severity that fails the run (`--fail-severity`, default `error`).
   * JUnit uses it to decide which findings turn a file's testcase into a failure.
   */
  failSeverity?: Severity
  /** Optional: YAML files found by a folder walk or glob that were not fuseplan documents (not linted). */
  skipped?: number
  /** Optional: files skipped because the config's `ignores` matches them. */
  ignored?: number
}

export type LintFormatter = Formatter<FileReport[], LintFormatContext>
