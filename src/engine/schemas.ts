// JSON Schemas (draft 2020-12) of the engine's two document kinds: a rule file (rules/*.yaml and rule
// packs) and fuseplan.config.yaml. They check the structure (keys, types, allowed values, required
// fields); the loaders keep what a schema cannot say (CEL and templates compile, strategies exist,
// folders exist and stay inside the repository, a rule has effects). The build publishes them as
// schemas/rule-file.schema.json and schemas/config.schema.json, and precompiles them like the profile
// schema. Each `title` is the name a problem message uses ("Missing rule `source` (...)."), and a
// `description` on a pattern or an enum says what is expected.
import type {ValidateFunction} from 'ajv/dist/2020.js'
import {createRequire} from 'node:module'
import type {DocPath} from '../findings.js'
import {STRATEGIES} from '../strategies/index.js'
import {compileSchema, pointerToPath, precompiledValidator, valueAt} from '../profile/validate.js'
import type {SourceDocument} from '../profile/source.js'
import type {LoadProblem} from './loader.js'

export const RULE_ID_SOURCE = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'
const SEVERITIES = ['error', 'warning', 'info'] as const

/** A string with something in it; `pattern` applies only to strings, so `type` may allow others too. */
const nonEmpty = (title: string, type: string | string[] = 'string') => ({title, type, pattern: '\\S', description: 'a non-empty string'})
const list = (title: string, items: object) => ({title, type: 'array', items})
const severity = {title: 'Severity', enum: [...SEVERITIES]}
const template = (title: string) => nonEmpty(title, ['string', 'number', 'boolean'])
const strategy = {...template('`strategy`'), description: `one of ${STRATEGIES.join(', ')} (or a {{ }} template)`}

// No $ref: Ajv reports errors inside a referenced schema with paths relative to it, and the messages
// look up titles by path; the few shared parts are inlined instead.
const finding = {
  title: 'A finding',
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: {severity, message: template('finding `message`'), path: template('finding `path`')},
}

const effects = {
  title: 'Rule `effects`',
  type: 'object',
  additionalProperties: false,
  properties: {
    score: list('`score`', {
      title: 'a score adjustment',
      type: 'object',
      additionalProperties: false,
      required: ['strategy', 'delta', 'reason'],
      properties: {strategy, delta: nonEmpty('`delta` (a number or a CEL expression string)', ['number', 'string']), reason: template('score `reason`')},
    }),
    exclude: list('`exclude`', {
      title: 'an exclusion',
      type: 'object',
      additionalProperties: false,
      required: ['strategy', 'reason'],
      properties: {
        strategy,
        reason: template('exclusion `reason`'),
        soft: {title: 'exclusion `soft` (true: lifted when every strategy is excluded, and the decision says so)', type: 'boolean'},
      },
    }),
    masking: {
      title: 'a masking contribution',
      type: 'object',
      additionalProperties: false,
      properties: {
        floor: nonEmpty('masking `floor` (a number or a CEL expression string)', ['number', 'string']),
        warmupEpochs: nonEmpty('masking `warmupEpochs` (a number or a CEL expression string)', ['number', 'string']),
        rampEpochs: nonEmpty('masking `rampEpochs` (a number or a CEL expression string)', ['number', 'string']),
        mode: {title: 'masking `mode`', enum: ['independent', 'patterns']},
        presenceBits: {title: 'masking `presenceBits`', type: 'boolean'},
        note: template('masking `note`'),
      },
    },
    transfer: {
      title: 'a transfer contribution',
      type: 'object',
      additionalProperties: false,
      required: ['reason'],
      properties: {
        reason: template('transfer `reason`'),
        learningRateScale: nonEmpty('transfer `learningRateScale` (a number or a CEL expression string)', ['number', 'string']),
        freezeEncoderEpochs: nonEmpty('transfer `freezeEncoderEpochs` (a number or a CEL expression string)', ['number', 'string']),
        steps: list('transfer `steps`', template('transfer `steps` entry')),
        validation: list('transfer `validation`', template('transfer `validation` entry')),
        biasChecks: list('transfer `biasChecks`', template('transfer `biasChecks` entry')),
      },
    },
    finding,
    findings: list('`findings`', finding),
  },
}

const rule = {
  title: 'A rule',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'rationale', 'source', 'when', 'effects', 'examples'],
  properties: {
    id: {title: 'Rule id', type: 'string', pattern: RULE_ID_SOURCE, description: 'kebab-case (lowercase letters, digits and single dashes, starting with a letter)'},
    title: nonEmpty('rule `title` (one line)'),
    rationale: nonEmpty('rule `rationale`'),
    source: nonEmpty('rule `source` (a paper, a measurement in docs/decisions.md, or "fuseplan default threshold")'),
    basis: {
      title: 'Rule `basis`',
      enum: ['measured', 'engineering', 'literature'],
      description:
        '`measured`: set on the evidence of `npm run bench:decisions`; `engineering`: a stated engineering preference (latency, simplicity, graceful degradation); `literature`: taken from the cited works, not measured here',
    },
    untested: nonEmpty('rule `untested` (why `fuseplan evaluate` cannot test what the rule reads)'),
    severity,
    scope: {title: 'Rule `scope`', enum: ['profile', 'decision'], description: '`profile`: its findings mean the profile is wrong; `decision`: they report an outcome'},
    options: {
      title: 'Rule `options`',
      type: 'object',
      propertyNames: {title: 'Option name', pattern: '^[a-zA-Z][a-zA-Z0-9]*$', description: 'camelCase letters and digits'},
      additionalProperties: {
        title: 'an option',
        type: 'object',
        additionalProperties: false,
        required: ['default', 'description'],
        properties: {
          default: {title: 'option `default` (a number, string or boolean)', type: ['number', 'string', 'boolean']},
          description: nonEmpty('option `description`'),
        },
      },
    },
    when: nonEmpty('rule `when` condition', ['string', 'boolean']),
    forEach: nonEmpty('rule `forEach`', ['string', 'boolean']),
    effects,
    examples: {
      title: 'Rule `examples` (a `fires` and a `passes` profile patch)',
      type: 'object',
      additionalProperties: false,
      required: ['fires', 'passes'],
      properties: {
        fires: {title: '`examples.fires` (a profile patch on which the rule fires: a map of profile paths to values)', type: 'object'},
        passes: {title: '`examples.passes` (a profile patch on which the rule does not fire: a map of profile paths to values)', type: 'object'},
      },
    },
  },
}

export const RULE_FILE_SCHEMA_ID = 'https://fuseplan.dev/schemas/v1/rule-file.json'

/** A rule file holds one rule (top-level `id`) or several (`rules: [...]`). */
export const ruleFileSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: RULE_FILE_SCHEMA_ID,
  title: 'A rule file',
  description: 'fuseplan rule file (rules/*.yaml, or a rule pack): one rule at the top level, or several under `rules`. See docs/rules.md.',
  type: 'object',
  if: {required: ['rules']},
  then: {
    title: 'a rule file (use `rules: [...]` for several rules, or one rule at the top level)',
    additionalProperties: false,
    properties: {rules: list('`rules`', rule)},
  },
  else: rule,
}

export const CONFIG_SCHEMA_ID = 'https://fuseplan.dev/schemas/v1/config.json'

const OVERRIDE_SHORTHAND = ['off', false, 'error', 'warning', 'info']

export const configSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: CONFIG_SCHEMA_ID,
  title: 'fuseplan.config.yaml',
  description: 'fuseplan.config.yaml: extra rule folders, per-rule overrides and files lint skips, the way ESLint and Spectral do it.',
  type: 'object',
  additionalProperties: false,
  properties: {
    extends: {
      title: '`extends`',
      description: 'Other config files, applied first (this file wins); paths relative to this file.',
      type: ['string', 'array'],
      items: {title: '`extends` entry (a path to another config file)', type: 'string'},
    },
    rules: list('`rules` (a list of rule folders)', nonEmpty('`rules` entry (a folder path, relative to the config file)')),
    overrides: {
      title: '`overrides` (rule id -> off | error | warning | info | {severity, options, enabled})',
      type: 'object',
      additionalProperties: {
        title: 'The override of a rule',
        if: {type: 'object'},
        then: {
          title: 'the override of a rule',
          type: 'object',
          additionalProperties: false,
          properties: {
            severity: {title: 'severity', enum: ['off', ...SEVERITIES]},
            enabled: {title: '`enabled`', type: 'boolean'},
            options: {title: '`options`', type: 'object', additionalProperties: {title: 'An option value', type: ['number', 'string', 'boolean']}},
          },
        },
        else: {title: 'The override of a rule', enum: OVERRIDE_SHORTHAND, description: 'or a mapping {severity, options, enabled}'},
      },
    },
    ignores: list('`ignores` (a list of globs)', {
      title: '`ignores` entry',
      type: 'string',
      pattern: '^(?!!)\\s*\\S',
      description: 'a glob of files to skip, relative to the config file (negation with `!` is not supported)',
    }),
  },
}

const require = createRequire(import.meta.url)
const validators = new Map<object, ValidateFunction>()

/** The build's precompiled validator (dist/src/engine/*.validate.cjs) when it matches the schema, else Ajv at run time. */
function validatorOf(schema: object, file: string): ValidateFunction {
  let v = validators.get(schema)
  if (!v) {
    v = precompiledValidator(() => require(file), schema) ?? compileSchema(schema)
    validators.set(schema, v)
  }
  return v
}

/** Unknown keys reported one by one per mapping; the rest are counted in one problem. */
export const MAX_UNKNOWN_KEYS_REPORTED = 20

type Node = Record<string, unknown>

/** The schema node at an error's schemaPath, less its last `drop` parts (the keyword). */
function nodeAt(schema: object, schemaPath: string, drop: number): Node | undefined {
  let node: unknown = schema
  for (const part of pointerToPath(schemaPath.slice(1)).slice(0, -drop || undefined)) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Node)[String(part)]
  }
  return node !== null && typeof node === 'object' ? (node as Node) : undefined
}

/** The title of the schema node that describes `path`'s value (one level of properties or items). */
function titleFor(parent: Node | undefined, key: string | number | undefined): string | undefined {
  if (!parent) return undefined
  const props = parent.properties as Record<string, Node> | undefined
  if (typeof key === 'string' && props?.[key]) return props[key].title as string | undefined
  return undefined
}

const start = (t: string) => t.charAt(0).toUpperCase() + t.slice(1)
const mid = (t: string) => t.replace(/^(A|An|The|Rule|Severity|Option) /, (w) => w.toLowerCase()).replace(/^Severity$/, 'severity')
const oneOf = (values: unknown[]) => values.map((v) => String(v)).join(', ')

export type SchemaKind = 'rule-file' | 'config'

/**
 * Checks a parsed rule file or config against its schema and returns each problem at its position,
 * in the words a person fixing the YAML needs: what is missing, unknown (with the allowed keys) or
 * of the wrong kind.
 */
export function structureProblems(kind: SchemaKind, src: SourceDocument, file: string): LoadProblem[] {
  const schema = kind === 'rule-file' ? ruleFileSchema : configSchema
  const validate = validatorOf(schema, kind === 'rule-file' ? './rule-file.validate.cjs' : './config.validate.cjs')
  if (validate(src.value)) return []
  const problems: LoadProblem[] = []
  const seen = new Set<string>()
  const unknownAt = new Map<string, number>()
  const add = (path: DocPath, message: string, key = false) => {
    const r = src.rangeOf(path, {key})
    const id = `${r.line}:${r.column}:${message}`
    if (seen.has(id)) return
    seen.add(id)
    problems.push({file, line: r.line, column: r.column, message})
  }
  const errors = validate.errors ?? []
  for (const e of errors) {
    const path = pointerToPath(e.instancePath)
    const p = e.params as Record<string, unknown>
    // The node that raised the error (its keyword is the last part of schemaPath).
    const node = nodeAt(schema, e.schemaPath, 1)
    const resolved = node
    const title = (resolved?.title as string | undefined) ?? (path.length === 0 ? 'the file' : `\`${path.join('.')}\``)
    switch (e.keyword) {
      case 'if':
        break
      case 'additionalProperties': {
        const at = e.instancePath
        const n = (unknownAt.get(at) ?? 0) + 1
        unknownAt.set(at, n)
        const allowed = Object.keys((resolved?.properties as object | undefined) ?? {})
        const key = String(p.additionalProperty)
        if (n <= MAX_UNKNOWN_KEYS_REPORTED) add([...path, key], `Unknown key \`${key}\` in ${mid(title)}; allowed: ${allowed.join(', ')}.`, true)
        break
      }
      case 'required':
        add([...path, String(p.missingProperty)], `Missing ${mid(titleFor(resolved, String(p.missingProperty)) ?? `\`${String(p.missingProperty)}\``)}.`)
        break
      case 'type': {
        const types = String(p.type).split(',')
        const wanted = types.includes('object')
          ? 'a mapping'
          : types.includes('array')
            ? 'a list'
            : types.length === 1 && types[0] === 'boolean'
              ? 'true or false'
              : `a ${types.length === 1 ? types[0] : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`}`
        add(path, `${start(title)} must be ${wanted}.`)
        break
      }
      case 'enum':
        add(path, `${start(title)} must be one of ${oneOf(p.allowedValues as unknown[])}${resolved?.description ? ` (${String(resolved.description)})` : ''}.`)
        break
      case 'pattern': {
        const what = String(resolved?.description ?? `text matching ${String(p.pattern)}`)
        if (e.propertyName !== undefined) add([...path, e.propertyName], `${start(title)} \`${e.propertyName}\` must be ${what}.`, true)
        else if (what === 'a non-empty string') add(path, `${start(title)} must be a non-empty string.`)
        else add(path, `${start(title)} \`${String(valueAt(src.value, path))}\` must be ${what}.`)
        break
      }
      case 'propertyNames':
        break
      default:
        add(path, `${start(title)} ${e.message ?? 'is invalid'}.`)
    }
  }
  for (const [at, n] of unknownAt) {
    if (n > MAX_UNKNOWN_KEYS_REPORTED) {
      const path = pointerToPath(at)
      add(path, `…and ${n - MAX_UNKNOWN_KEYS_REPORTED} more unknown keys in ${path.length === 0 ? 'the file' : `\`${path.join('.')}\``}.`)
    }
  }
  // In the order of the file, as a compiler lists them (the sort is stable for one position).
  return problems.sort((a, b) => a.line - b.line || a.column - b.column)
}
