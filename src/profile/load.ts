// Reading a profile from disk: parse with positions, validate against the schema, run the
// cross-document checks. Everything that goes wrong comes back as positioned findings, never a throw.
import {readFileSync} from 'node:fs'
import {compareFindings, type Finding} from '../findings.js'
import {checkProfileDocument, type ProfileProblem} from './checks.js'
import {parseSource, type SourceDocument} from './source.js'
import type {Profile} from './types.js'
import {validateProfileSchema} from './validate.js'

export interface LoadedProfile {
  /** Set only when the document passed the schema (cross-document findings may still exist). */
  profile?: Profile
  findings: Finding[]
  source: SourceDocument
}

export function readSourceFile(filePath: string): SourceDocument {
  let bytes: Buffer
  try {
    bytes = readFileSync(filePath)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? error)
    return parseErrorDocument(filePath, `Cannot read ${filePath}: ${reason}.`)
  }
  return parseSource(filePath, bytes)
}

function parseErrorDocument(filePath: string, message: string): SourceDocument {
  const start = {line: 1, column: 1, endLine: 1, endColumn: 1}
  return {filePath, text: '', value: undefined, rangeOf: () => start, syntaxFindings: [{ruleId: 'file-unreadable', severity: 'error', message, path: [], ...start}]}
}

/** The cross-document checks to run once the schema passes; the rule engine supplies its own. */
export type ProfileChecker = (profile: Profile) => ProfileProblem[]

/** Validates an already parsed document as a DeploymentProfile. */
export function loadProfileSource(source: SourceDocument, check: ProfileChecker = checkProfileDocument): LoadedProfile {
  if (source.syntaxFindings.some((f) => f.severity === 'error')) return {findings: source.syntaxFindings, source}
  const schema = validateProfileSchema(source)
  // In file order, so every consumer (commands, formatters, init) lists them top to bottom.
  if (schema.length > 0) return {findings: [...source.syntaxFindings, ...schema].sort(compareFindings), source}
  const profile = source.value as Profile
  const findings = [...source.syntaxFindings]
  for (const problem of check(profile)) {
    findings.push({ruleId: problem.ruleId, severity: problem.severity, message: problem.message, path: problem.docPath, ...source.rangeOf(problem.docPath)})
  }
  return {profile, findings: findings.sort(compareFindings), source}
}

export function loadProfile(filePath: string, check?: ProfileChecker): LoadedProfile {
  return loadProfileSource(readSourceFile(filePath), check)
}

export function loadProfileText(filePath: string, text: string, check?: ProfileChecker): LoadedProfile {
  return loadProfileSource(parseSource(filePath, text), check)
}
