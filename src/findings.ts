// A finding is one problem found in one file: by the YAML parser, the schema, or a rule.
// Every output format (stylish, json, sarif, github, junit) renders a list of these.

export type Severity = 'error' | 'warning' | 'info'

/** A path into a YAML/JSON document, e.g. ['modalities', 1, 'availability']. */
export type DocPath = (string | number)[]

export interface Range {
  line: number // 1-based
  column: number // 1-based
  endLine: number
  endColumn: number
}

export interface Finding extends Range {
  ruleId: string
  severity: Severity
  message: string
  path: DocPath
  /**
   * Only on the `too-many-findings` line that ends a file with more findings than lint shows: the
   * findings it stands for, by severity (counted in every total, so exit codes and counts stay true).
   */
  omitted?: Record<Severity, number>
}

/** All findings for one linted file. */
export interface FileReport {
  filePath: string
  /** 'DeploymentProfile' | 'TrainingConfig' | undefined when the kind could not be told. */
  kind?: string
  findings: Finding[]
  /** The raw source, kept for formatters that show a code frame. */
  source?: string
  /** Findings silenced by a `# fuseplan-disable...` comment (ESLint's suppressedMessages). */
  suppressed?: SuppressedFinding[]
}

/** A finding a comment silenced, with the comment's reason (the text after `--`, or ''). */
export interface SuppressedFinding extends Finding {
  justification?: string
}

export const SEVERITY_RANK: Record<Severity, number> = {info: 0, warning: 1, error: 2}

/** Sort order shared by every formatter so output is deterministic. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message)
}

export function pathToString(path: DocPath): string {
  let out = ''
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part
  return out
}
