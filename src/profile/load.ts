// Reading a profile from disk: parse with positions, validate against the schema, run the
// cross-document checks the caller passes (the rule engine's, see engine/index.ts: the contract does
// not know the rules). Everything that goes wrong comes back as positioned findings, never a throw.
import {compareFindings, pathToString, type DocPath, type Finding, type SuppressedFinding} from '../findings.js'
import {MAX_COHORTS, MAX_MODALITIES, MAX_PATTERNS} from './schema.js'
import {applySuppressions} from './suppress.js'
import {BoundedReadError, readBoundedFile} from '../util/read.js'
import {MAX_SOURCE_BYTES, parseSource, type SourceDocument} from './source.js'
import type {Profile} from './types.js'
import {validateProfileSchema, type KeyTypo} from './validate.js'

export interface LoadedProfile {
  /** Set only when the document passed the schema (cross-document findings may still exist). */
  profile?: Profile
  findings: Finding[]
  /** Findings silenced by `# fuseplan-disable...` comments: every command honours them alike. */
  suppressed?: SuppressedFinding[]
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

/** A problem a cross-document check found, at a path into the profile. */
export interface ProfileProblem {
  ruleId: string
  severity: 'error' | 'warning' | 'info'
  message: string
  docPath: DocPath
}

/** The cross-document checks to run once the schema passes; the rule engine supplies them. */
export type ProfileChecker = (profile: Profile) => ProfileProblem[]

/** No cross-document checks: syntax and schema only. */
export const SCHEMA_ONLY: ProfileChecker = () => []

/** Validates an already parsed document as a DeploymentProfile. */
export function loadProfileSource(source: SourceDocument, check: ProfileChecker = SCHEMA_ONLY): LoadedProfile {
  if (source.syntaxFindings.some((f) => f.severity === 'error')) return {findings: source.syntaxFindings, source}
  // The schema's messages name unknown keys and quote values; for a file that is not a fuseplan
  // document at all (a key file, some other YAML) those are its content, so say only what it is not.
  if (!looksLikeFuseplanDocument(source.value)) {
    const start = {line: 1, column: 1, endLine: 1, endColumn: 1}
    const message = 'Not a fuseplan document: expected a mapping with `apiVersion: fuseplan/v1` and `kind: DeploymentProfile`.'
    return {findings: [{ruleId: 'unknown-kind', severity: 'error', message, path: [], ...start}], source}
  }
  const typos: KeyTypo[] = []
  const schema = validateProfileSchema(source, typos)
  if (schema.length > 0) {
    // The rules still run on what is valid, so one run reports every problem; the profile stays unusable.
    const partial: Finding[] = []
    for (const problem of checkValidPart(source.value, schema, typos, check)) {
      partial.push({ruleId: problem.ruleId, severity: problem.severity, message: problem.message, path: problem.docPath, ...source.rangeOf(problem.docPath)})
    }
    const kept = applySuppressions(partial, source.text)
    // In file order, so every consumer (commands, formatters, init) lists them top to bottom.
    return {findings: [...source.syntaxFindings, ...schema, ...kept.findings].sort(compareFindings), suppressed: kept.suppressed, source}
  }
  const profile = source.value as Profile
  const findings = [...source.syntaxFindings]
  for (const problem of check(profile)) {
    findings.push({ruleId: problem.ruleId, severity: problem.severity, message: problem.message, path: problem.docPath, ...source.rangeOf(problem.docPath)})
  }
  const kept = applySuppressions(findings, source.text)
  return {profile, findings: kept.findings.sort(compareFindings), suppressed: kept.suppressed, source}
}

/**
 * Cross-document checks on a profile that failed the schema: mistyped keys are read as the key they
 * meant, and a rule's finding is kept only when the rule could be evaluated and does not point where
 * the schema already does. Documents over the schema's size limits are not checked.
 */
function checkValidPart(value: unknown, schema: Finding[], typos: KeyTypo[], check: ProfileChecker): ProfileProblem[] {
  if (!isPlainObject(value)) return []
  const v = value as Record<string, unknown>
  const sizes: [unknown, number][] = [
    [v.modalities, MAX_MODALITIES],
    [v.cohorts, MAX_COHORTS],
    [v.patterns, MAX_PATTERNS],
  ]
  if (!Array.isArray(v.modalities) || sizes.some(([list, max]) => list !== undefined && (!Array.isArray(list) || list.length > max))) return []
  const repaired = structuredClone(value) as Record<string, unknown>
  for (const {path, key, meant} of typos) {
    const parent = at(repaired, path)
    if (isPlainObject(parent) && Object.hasOwn(parent, key) && !Object.hasOwn(parent, meant)) {
      parent[meant] = parent[key]
      delete parent[key]
    }
  }
  const flagged = schema.map((f) => pathToString(f.path))
  // A finding at or under a flagged node repeats the schema's (a document-level schema error flags nothing).
  const under = (p: string) => flagged.some((s) => s !== '' && (p === s || p.startsWith(`${s}.`) || p.startsWith(`${s}[`)))
  let problems: ProfileProblem[]
  try {
    problems = check(repaired as unknown as Profile)
  } catch (error) {
    // The rule engine's wall-clock backstop stops the command; anything else means "not checkable".
    if ((error as Error | undefined)?.name === 'EvaluationBackstop') throw error
    return []
  }
  return problems.filter((p) => !/^Rule `[^`]+` could not be evaluated/.test(p.message) && !under(pathToString(p.docPath)))
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function at(root: unknown, path: DocPath): unknown {
  let node = root
  for (const part of path) node = isPlainObject(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[part] : undefined
  return node
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
