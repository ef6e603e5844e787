// Reading a profile from disk: parse with positions, validate against the schema, run the
// cross-document checks. Everything that goes wrong comes back as positioned findings, never a throw.
import {compareFindings, type Finding} from '../findings.js'
import {checkProfileDocument, type ProfileProblem} from './checks.js'
import {applySuppressions} from './suppress.js'
import {BoundedReadError, readBoundedFile} from '../util/read.js'
import {MAX_SOURCE_BYTES, parseSource, type SourceDocument} from './source.js'
import type {Profile} from './types.js'
import {validateProfileSchema} from './validate.js'

export interface LoadedProfile {
  /** Set only when the document passed the schema (cross-document findings may still exist). */
  profile?: Profile
  findings: Finding[]
  /** Findings silenced by `# fuseplan-disable...` comments: every command honours them alike. */
  suppressed?: Finding[]
  source: SourceDocument
}

export function readSourceFile(filePath: string): SourceDocument {
  let bytes: Buffer
  try {
    bytes = readBoundedFile(filePath, MAX_SOURCE_BYTES)
  } catch (error) {
    return unreadableDocument(filePath, error)
  }
  return parseSource(filePath, bytes)
}

/** The document standing for a file that could not be read (see readBoundedFile): one positioned finding. */
export function unreadableDocument(filePath: string, error: unknown): SourceDocument {
  if (error instanceof BoundedReadError && error.kind === 'too-large') {
    return parseErrorDocument(filePath, `File is ${error.size} bytes; fuseplan reads YAML files up to ${MAX_SOURCE_BYTES} bytes. Split it or check that it is the right file.`, 'file-too-large')
  }
  const reason = error instanceof BoundedReadError ? error.reason : String((error as Error)?.message ?? error)
  return parseErrorDocument(filePath, `Cannot read ${filePath}: ${reason}.`)
}

function parseErrorDocument(filePath: string, message: string, ruleId = 'file-unreadable'): SourceDocument {
  const start = {line: 1, column: 1, endLine: 1, endColumn: 1}
  return {filePath, text: '', value: undefined, rangeOf: () => start, syntaxFindings: [{ruleId, severity: 'error', message, path: [], ...start}]}
}

/** The cross-document checks to run once the schema passes; the rule engine supplies its own. */
export type ProfileChecker = (profile: Profile) => ProfileProblem[]

/** Validates an already parsed document as a DeploymentProfile. */
export function loadProfileSource(source: SourceDocument, check: ProfileChecker = checkProfileDocument): LoadedProfile {
  if (source.syntaxFindings.some((f) => f.severity === 'error')) return {findings: source.syntaxFindings, source}
  // The schema's messages name unknown keys and quote values; for a file that is not a fuseplan
  // document at all (a key file, some other YAML) those are its content, so say only what it is not.
  if (!looksLikeFuseplanDocument(source.value)) {
    const start = {line: 1, column: 1, endLine: 1, endColumn: 1}
    const message = 'Not a fuseplan document: expected a mapping with `apiVersion: fuseplan/v1` and `kind: DeploymentProfile`.'
    return {findings: [{ruleId: 'unknown-kind', severity: 'error', message, path: [], ...start}], source}
  }
  const schema = validateProfileSchema(source)
  // In file order, so every consumer (commands, formatters, init) lists them top to bottom.
  if (schema.length > 0) return {findings: [...source.syntaxFindings, ...schema].sort(compareFindings), source}
  const profile = source.value as Profile
  const findings = [...source.syntaxFindings]
  for (const problem of check(profile)) {
    findings.push({ruleId: problem.ruleId, severity: problem.severity, message: problem.message, path: problem.docPath, ...source.rangeOf(problem.docPath)})
  }
  const kept = applySuppressions(findings, source.text)
  return {profile, findings: kept.findings.sort(compareFindings), suppressed: kept.suppressed, source}
}

/** A mapping with a fuseplan `apiVersion` or a `kind` of DeploymentProfile: its own keys may be named in messages. */
function looksLikeFuseplanDocument(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const v = value as Record<string, unknown>
  return (typeof v.apiVersion === 'string' && v.apiVersion.startsWith('fuseplan/')) || v.kind === 'DeploymentProfile'
}

export function loadProfile(filePath: string, check?: ProfileChecker): LoadedProfile {
  return loadProfileSource(readSourceFile(filePath), check)
}

export function loadProfileText(filePath: string, text: string, check?: ProfileChecker): LoadedProfile {
  return loadProfileSource(parseSource(filePath, text), check)
}
