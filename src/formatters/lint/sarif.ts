// `--format sarif`: SARIF 2.1.0, the format GitHub code scanning and most security dashboards read.
// The output passes Microsoft's SARIF validator (`sarif-multitool validate`) with no error; a test
// runs the validator on it.
//
// One run. `tool.driver.rules` lists every rule of ctx.rules, fired or not, then any rule id that
// appears in findings without being known (e.g. `schema`, `yaml-syntax`), sorted by id. Result
// paths are relative to ctx.cwd under the `%SRCROOT%` base id, whose absolute location is given
// in `originalUriBaseIds`; a file outside cwd gets an absolute file URI instead. Every linted file
// is listed in `artifacts`, clean or not. Levels: error -> error, warning -> warning, info -> note.
// Columns are counted in UTF-16 code units, as JavaScript strings (and the YAML parser) count them.
import {pathToFileURL} from 'node:url'
import {pathToString, type Severity} from '../../findings.js'
import type {LintFormatter, RuleMeta} from './types.js'
import {compareStrings, normalizedRange, sortReports} from './util.js'

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json'
export const FUSEPLAN_INFORMATION_URI = 'https://fuseplan.dev/'
const SRCROOT = '%SRCROOT%'

type Level = 'error' | 'warning' | 'note' | 'none'
const LEVEL: Record<Severity, Level> = {error: 'error', warning: 'warning', info: 'note'}

/** Descriptions for findings the lint pipeline reports itself rather than through a rule file. */
const PIPELINE_RULES: Record<string, {name: string; title: string; description: string}> = {
  schema: {
    name: 'SchemaViolation',
    title: 'The document does not match the fuseplan JSON Schema.',
    description: 'Reported when a key is missing, unknown, or has a value of the wrong type or range. `fuseplan schema` prints the schema.',
  },
  'yaml-syntax': {
    name: 'YamlSyntax',
    title: 'The file is not valid YAML.',
    description: 'Reported when the YAML parser rejects the file: a syntax error, a duplicate key, an alias limit exceeded, or content that is not text.',
  },
}

function pipelineRule(id: string) {
  return Object.hasOwn(PIPELINE_RULES, id) ? PIPELINE_RULES[id] : undefined
}

/**
 * `early-fusion-sparse` -> `EarlyFusionSparse`: SARIF wants a readable identifier as the rule name,
 * and one that differs from the id (the validator warns when they are equal, ignoring case), so a
 * one-word id such as `budget` becomes `BudgetRule`.
 */
export function ruleName(id: string): string {
  const known = pipelineRule(id)?.name
  if (known) return known
  let name = id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('')
  if (!/^[A-Za-z]/.test(name)) name = `Rule${name}`
  return name.toLowerCase() === id.toLowerCase() ? `${name}Rule` : name
}

/**
 * A help URI for a rule id that ctx.rules does not describe: follow the pattern of the known rules'
 * help URIs when they embed their own id (e.g. `.../rules/<id>`), else the tool's home page.
 */
function guessHelpUri(id: string, known: readonly RuleMeta[]): string {
  for (const rule of known) {
    const at = rule.helpUri.lastIndexOf(rule.id)
    if (rule.id && at >= 0) return rule.helpUri.slice(0, at) + encodeSegment(id) + rule.helpUri.slice(at + rule.id.length)
  }
  return FUSEPLAN_INFORMATION_URI
}

/** Ensure a message ends like a sentence (SARIF's guidance: messages end with a period). */
function sentence(text: string): string {
  const trimmed = text.trimEnd()
  if (trimmed === '') return '(no message).'
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`
}

/** encodeURIComponent throws on a lone surrogate: write it as U+FFFD first. */
function encodeSegment(s: string): string {
  return encodeURIComponent(s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'))
}

function relativeUri(relPath: string): string {
  return relPath.split('/').map(encodeSegment).join('/')
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href
  return href.endsWith('/') ? href : `${href}/`
}

interface ArtifactLocation {
  uri: string
  uriBaseId?: string
  index?: number
}

/** Results per run: GitHub code scanning accepts at most 25,000 per run. */
export const MAX_SARIF_RESULTS = 25_000

export const sarif: LintFormatter = (reports, ctx) => {
  const files = sortReports(reports, ctx.cwd)

  // Rules: every known rule (first definition of an id wins), then unknown ids seen in findings.
  const rules: object[] = []
  const ruleIndex = new Map<string, number>()
  const addRule = (id: string, descriptor: object) => {
    ruleIndex.set(id, rules.length)
    rules.push(descriptor)
  }
  const known = [...ctx.rules].sort((a, b) => compareStrings(a.id, b.id))
  for (const rule of known) {
    if (ruleIndex.has(rule.id)) continue
    addRule(rule.id, {
      id: rule.id,
      name: ruleName(rule.id),
      shortDescription: {text: sentence(rule.title)},
      fullDescription: {text: sentence(rule.description ?? rule.title)},
      helpUri: rule.helpUri,
      help: {text: `${sentence(rule.title)} See ${rule.helpUri}`},
      defaultConfiguration: {level: rule.severity ? LEVEL[rule.severity] : 'none'},
    })
  }
  const unknown = new Map<string, Severity>()
  for (const {findings} of files) for (const f of findings) if (!ruleIndex.has(f.ruleId) && !unknown.has(f.ruleId)) unknown.set(f.ruleId, f.severity)
  for (const id of [...unknown.keys()].sort(compareStrings)) {
    const builtin = pipelineRule(id)
    const title = builtin?.title ?? `Findings reported by ${id}.`
    const helpUri = guessHelpUri(id, known)
    addRule(id, {
      id,
      name: ruleName(id),
      shortDescription: {text: sentence(title)},
      fullDescription: {text: sentence(builtin?.description ?? title)},
      helpUri,
      help: {text: `${sentence(title)} See ${helpUri}`},
      defaultConfiguration: {level: LEVEL[unknown.get(id)!]},
    })
  }

  const artifacts: object[] = []
  const results: object[] = []
  let left = 0
  let usesSrcRoot = false
  for (const {absPath, relPath, findings} of files) {
    const inside = relPath !== '.' && relPath !== '..' && !relPath.startsWith('../')
    const location: ArtifactLocation = inside ? {uri: relativeUri(relPath), uriBaseId: SRCROOT} : {uri: pathToFileURL(absPath).href}
    usesSrcRoot ||= inside
    const index = artifacts.length
    artifacts.push({location, mimeType: 'application/yaml', sourceLanguage: 'yaml'})
    for (const f of findings) {
      // Code scanning takes at most 25,000 results per run: the rest are counted, not written.
      if (results.length >= MAX_SARIF_RESULTS) {
        left += f.omitted ? f.omitted.error + f.omitted.warning + f.omitted.info : 1
        continue
      }
      const {line, column, endLine, endColumn} = normalizedRange(f)
      const result: Record<string, unknown> = {
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        level: LEVEL[f.severity],
        message: {text: sentence(f.message)},
        locations: [
          {
            physicalLocation: {
              artifactLocation: {...location, index},
              region: {startLine: line, startColumn: column, endLine, endColumn},
            },
          },
        ],
      }
      const docPath = pathToString(f.path ?? [])
      if (docPath) result.properties = {documentPath: docPath}
      results.push(result)
    }
  }

  const run: Record<string, unknown> = {
    tool: {
      driver: {
        name: 'fuseplan',
        version: ctx.toolVersion,
        ...(/^\d+\.\d+\.\d+/.test(ctx.toolVersion) ? {semanticVersion: ctx.toolVersion} : {}),
        informationUri: FUSEPLAN_INFORMATION_URI,
        rules,
      },
    },
  }
  if (usesSrcRoot) run.originalUriBaseIds = {[SRCROOT]: {uri: directoryUri(ctx.cwd)}}
  run.artifacts = artifacts
  run.results = results
  if (left > 0) {
    run.invocations = [
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'warning',
            message: {
              text: `${left.toLocaleString('en-US')} more results are not in this log: it holds the first ${MAX_SARIF_RESULTS.toLocaleString('en-US')}, the most code scanning accepts per run.`,
            },
          },
        ],
      },
    ]
  }
  run.columnKind = 'utf16CodeUnits'

  const log = {$schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run]}
  return `${JSON.stringify(log, null, 2)}\n`
}
