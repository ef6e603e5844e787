// Schema validation of a parsed profile, with each error turned into a Finding a person can act on.
import {createHash} from 'node:crypto'
import {createRequire} from 'node:module'
import type {Ajv2020, ErrorObject, ValidateFunction} from 'ajv/dist/2020.js'
import type {DocPath, Finding} from '../findings.js'
import type {SourceDocument} from './source.js'
import {profileSchema} from './schema.js'
import {closest} from '../util/suggest.js'

/** Ajv options of every schema compiled here; scripts/compile-schemas.js precompiles the profile schema with them. */
export const AJV_OPTIONS = {allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true} as const

const require = createRequire(import.meta.url)
let compiled: ValidateFunction | undefined

/** Ajv is loaded only when a schema has to be compiled at run time (it is a large module graph). */
function newAjv(): Ajv2020 {
  const {Ajv2020: Ajv} = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  return new Ajv(AJV_OPTIONS)
}

/**
 * A validator `npm run build` precompiled (scripts/compile-schemas.js), if `load` finds one compiled
 * from exactly this schema (its hash matches); undefined otherwise, so a stale file is never used.
 */
export function precompiledValidator(load: () => unknown, schema: object): ValidateFunction | undefined {
  try {
    const validate = load() as ValidateFunction & {schemaHash?: string}
    const hash = createHash('sha256').update(JSON.stringify(schema)).digest('hex')
    return validate.schemaHash === hash ? validate : undefined
  } catch {
    return undefined
  }
}

/** Compiled once per process, on first use, so commands that never validate do not pay for it. */
export function profileValidator(): ValidateFunction {
  compiled ??= precompiledValidator(() => require('./schema.validate.cjs'), profileSchema) ?? newAjv().compile(profileSchema)
  return compiled
}

export function compileSchema(schema: object): ValidateFunction {
  return newAjv().compile(schema)
}

export function validateProfileSchema(source: SourceDocument, typos?: KeyTypo[]): Finding[] {
  return schemaFindings(profileValidator(), source, 'schema', profileSchema, typos)
}

/** Unknown keys checked for a typo of a known one, per document. */
const MAX_KEY_SUGGESTIONS = 1000

/** A key the schema does not know that is probably a typo of `meant`. */
export interface KeyTypo {
  path: DocPath
  key: string
  meant: string
}

/** Runs a compiled validator and maps its errors to positioned findings (shared by every document kind). */
export function schemaFindings(validate: ValidateFunction, source: SourceDocument, ruleId = 'schema', schema?: object, typos: KeyTypo[] = []): Finding[] {
  if (validate(source.value)) return []
  const errors = reduceErrors(validate.errors ?? [])
  // A mistyped key is one mistake: report the unknown key with the one it meant, not also the missing one.
  const missing = new Map<string, string[]>()
  for (const e of errors) if (e.keyword === 'required') missing.set(e.instancePath, [...(missing.get(e.instancePath) ?? []), String((e.params as {missingProperty: string}).missingProperty)])
  const meantBy = new Map<ErrorObject, string>()
  const covered = new Set<string>()
  // Suggestions for the first unknown keys only: lint shows a file's first 1,000 findings, and 200,000
  // unknown keys must not cost 200,000 edit-distance searches.
  let suggestionsLeft = MAX_KEY_SUGGESTIONS
  for (const e of errors) {
    if (e.keyword !== 'additionalProperties') continue
    if (suggestionsLeft-- <= 0) break
    const key = String((e.params as {additionalProperty: string}).additionalProperty)
    const gone = (missing.get(e.instancePath) ?? []).filter((m) => !covered.has(`${e.instancePath}\u0000${m}`))
    const meant = closest(key, gone) ?? closest(key, allowedKeys(schema, e.schemaPath))
    if (meant === undefined) continue
    meantBy.set(e, meant)
    if (gone.includes(meant)) covered.add(`${e.instancePath}\u0000${meant}`)
    typos.push({path: pointerToPath(e.instancePath), key, meant})
  }
  const findings: Finding[] = []
  const seen = new Set<string>()
  for (const err of errors) {
    if (err.keyword === 'required' && covered.has(`${err.instancePath}\u0000${String((err.params as {missingProperty: string}).missingProperty)}`)) continue
    const path = pointerToPath(err.instancePath)
    const described = describe(err, path, source.value)
    const meant = meantBy.get(err)
    const message =
      meant === undefined
        ? described.message
        : `Unknown key \`${String((err.params as {additionalProperty: string}).additionalProperty)}\` in ${path.length === 0 ? 'the document' : `\`${pathText(path)}\``}; did you mean \`${meant}\`?`
    const {targetPath, atKey} = described
    const range = source.rangeOf(targetPath, {key: atKey})
    const key = `${range.line}:${range.column}:${message}`
    if (seen.has(key)) continue
    seen.add(key)
    findings.push({ruleId, severity: 'error', message, path: targetPath, ...range})
  }
  return findings
}

/** The property names the schema allows where an additionalProperties error was raised. */
function allowedKeys(schema: object | undefined, schemaPath: string): string[] {
  if (!schema || !schemaPath.startsWith('#/')) return []
  let node: unknown = schema
  for (const part of pointerToPath(schemaPath.slice(1)).slice(0, -1)) {
    if (node === null || typeof node !== 'object') return []
    node = (node as Record<string, unknown>)[String(part)]
  }
  const props = (node as {properties?: object} | undefined)?.properties
  return props && typeof props === 'object' ? Object.keys(props) : []
}

function pathText(path: DocPath): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[')
}

export function pointerToPath(pointer: string): DocPath {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
}

/** Drops the noise ajv emits around `oneOf`/`if` so each real problem is reported once. */
function reduceErrors(errors: ErrorObject[]): ErrorObject[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath))
  return errors.filter((e) => {
    if (e.keyword === 'if') return false
    // Errors inside the branches of a oneOf are replaced by one message about the oneOf itself.
    if (e.keyword !== 'oneOf' && oneOfPaths.has(e.instancePath) && e.schemaPath.includes('/oneOf/')) return false
    return true
  })
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN (`.nan`, not a number)'
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value > 0 ? '' : 'minus '}infinity (\`${value > 0 ? '' : '-'}.inf\`)`
  return `${typeof value} ${String(value)}`
}

/** The value at a path of a parsed document, or undefined when the path leaves it. */
export function valueAt(root: unknown, path: DocPath): unknown {
  let node = root
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string | number, unknown>)[part]
  }
  return node
}

function describe(err: ErrorObject, path: DocPath, root: unknown): {message: string; targetPath: DocPath; atKey: boolean} {
  const where =
    path.length === 0
      ? 'The document'
      : `\`${path
          .map((p) => (typeof p === 'number' ? `[${p}]` : p))
          .join('.')
          .replace(/\.\[/g, '[')}\``
  const value = valueAt(root, path)
  const p = err.params as Record<string, unknown>
  const field = path.length > 0 ? where : 'The document'
  switch (err.keyword) {
    case 'required':
      return {message: `${where} is missing the required key \`${String(p.missingProperty)}\`.`, targetPath: path, atKey: false}
    case 'additionalProperties':
      return {
        message: `Unknown key \`${String(p.additionalProperty)}\` in ${path.length === 0 ? 'the document' : where}. Check its spelling; \`fuseplan schema\` lists the allowed keys.`,
        targetPath: [...path, String(p.additionalProperty)],
        atKey: true,
      }
    case 'type':
      return {message: `${field} must be ${article(String(p.type))}, not ${typeName(value)}.`, targetPath: path, atKey: false}
    case 'enum':
      return {
        message: `${field} must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${typeName(value)}.`,
        targetPath: path,
        atKey: false,
      }
    case 'const':
      return {message: `${field} must be ${JSON.stringify(p.allowedValue)}; got ${typeName(value)}.`, targetPath: path, atKey: false}
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const isShare = typeof p.limit === 'number' && (p.limit === 0 || p.limit === 1) && /availability|share/i.test(String(path.at(-1) ?? ''))
      if (isShare || (path.length >= 2 && path.at(-2) === 'availability')) {
        return {message: `${field} is a share and must be between 0 and 1; got ${String(value)}.`, targetPath: path, atKey: false}
      }
      return {message: `${field} must be ${String(p.comparison)} ${String(p.limit)}; got ${String(value)}.`, targetPath: path, atKey: false}
    }
    case 'pattern':
      return {message: `${field} is ${typeName(value)}, which has the wrong form: ${patternHint(path)}`, targetPath: path, atKey: false}
    case 'propertyNames':
      return {message: `${field} has a key that is not a valid modality name.`, targetPath: path, atKey: false}
    case 'minItems':
      return {message: `${field} needs at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}.`, targetPath: path, atKey: false}
    case 'maxItems':
      return {message: `${field} has more than ${String(p.limit)} items, fuseplan's limit.`, targetPath: path, atKey: false}
    case 'maxLength':
      return {message: `${field} is longer than ${String(p.limit)} characters.`, targetPath: path, atKey: false}
    case 'oneOf':
      if (path[0] === 'modalities') {
        return {message: `${field} must give its size in exactly one of \`features\`, \`shape\` or \`sequence\`.`, targetPath: path, atKey: false}
      }
      return {message: `${field} matches none or several of the allowed forms.`, targetPath: path, atKey: false}
    default:
      return {message: `${field} ${err.message ?? 'is invalid'}.`, targetPath: path, atKey: false}
  }
}

function article(type: string): string {
  const names: Record<string, string> = {object: 'a mapping', array: 'a list', integer: 'a whole number', number: 'a number', string: 'a string', boolean: 'true or false'}
  return names[type] ?? type
}

function patternHint(path: DocPath): string {
  const last = String(path.at(-1) ?? '')
  const parent = path.at(-2)
  if (last === 'name' && path.length === 1) return 'use a slug of lower-case letters, digits and dashes, e.g. `icu-deterioration`.'
  if (path[0] === 'cohorts' && last === 'name') return 'start with a letter, then letters, digits, `_` or `-`.'
  if (last === 'name' || parent === 'present' || parent === 'modalities') {
    return 'a modality name starts with a lower-case letter, then up to 39 lower-case letters, digits or underscores, e.g. `chest_xray`.'
  }
  return 'see `fuseplan schema` for the expected pattern.'
}
