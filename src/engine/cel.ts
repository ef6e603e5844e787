// CEL plumbing: one shared environment, expressions compiled once at load, message templates with
// `{{ expr }}` interpolation, and the list of fact/profile/option paths an expression reads (for the trace).
import {Environment} from '@marcbachmann/cel-js'

/** Variables visible to rule expressions. */
export const CEL_VARIABLES = ['profile', 'facts', 'options', 'item'] as const

let env: Environment | undefined
function environment(): Environment {
  env ??= new Environment({homogeneousAggregateLiterals: false, limits: {maxAstNodes: 5000, maxDepth: 64, maxListElements: 500, maxMapEntries: 500, maxCallArguments: 16}})
    .registerVariable('profile', 'map')
    .registerVariable('facts', 'map')
    .registerVariable('options', 'map')
    .registerVariable('item', 'dyn')
  return env
}

export interface CelContext {
  profile: unknown
  facts: unknown
  options: Record<string, unknown>
  item?: unknown
}

export interface Compiled {
  source: string
  /** Member paths rooted at facts/options/profile/item that the expression reads, e.g. "facts.minAvailability". */
  reads: string[]
  run(ctx: CelContext): unknown
}

export class CelCompileError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message)
  }
}

type Node = {op: string; args: unknown}

function isNode(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as Node).op === 'string'
}

/** The root variable and member path of a '.'/'[]' chain, or undefined when the chain is not rooted at a variable. */
function chainPath(node: Node): string | undefined {
  if (node.op === 'id') return typeof node.args === 'string' ? node.args : undefined
  if (node.op === '.' || node.op === '.?') {
    const [inner, name] = node.args as [Node, string]
    const base = isNode(inner) ? chainPath(inner) : undefined
    return base === undefined ? undefined : `${base}.${name}`
  }
  if (node.op === '[]' || node.op === '[?]') {
    const [inner, key] = node.args as [Node, Node]
    const base = isNode(inner) ? chainPath(inner) : undefined
    if (base === undefined || !isNode(key) || key.op !== 'value') return undefined
    const v = key.args
    return typeof v === 'string' ? `${base}.${v}` : typeof v === 'bigint' || typeof v === 'number' ? `${base}[${v}]` : undefined
  }
  return undefined
}

function collectReads(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const x of node) collectReads(x, out)
    return
  }
  if (!isNode(node)) return
  // A member chain rooted at one of our variables is one read; anything else (macro variables,
  // literals, calls) is walked for the chains inside it.
  const path = chainPath(node)
  if (path !== undefined && (CEL_VARIABLES as readonly string[]).includes(path.split(/[.[]/)[0])) {
    out.add(path)
    return
  }
  collectReads(node.args, out)
}

/** Converts CEL results to plain JS: BigInt to number, Maps to objects. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (Array.isArray(value)) return value.map(toPlain)
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]))
  return value
}

// ---- evaluation budget: cel-js has no step limit, so the work of an expression is bounded at load ----

/** Comprehension macros: each runs its body once per element of its receiver. */
const MACROS = new Set(['all', 'exists', 'exists_one', 'existsOne', 'map', 'filter', 'transformList', 'transformMap', 'transformMapEntry', 'sortBy'])
/** A comprehension may sit inside at most this many other comprehensions' bodies, minus one (2 = one level of nesting). */
export const MAX_COMPREHENSION_DEPTH = 2
/** At most this many comprehensions in one expression. */
export const MAX_COMPREHENSIONS = 20
/** Upper bound on estimated evaluation steps of one expression (per evaluation). */
export const MAX_ESTIMATED_STEPS = 1_000_000
/** Assumed length of a list that is not a literal (profile data, facts) when estimating steps. */
export const ASSUMED_DATA_LENGTH = 100

interface Budget {
  depth: number
  steps: number
  at: number
}

function nodeStart(n: Node): number {
  return typeof (n as {start?: unknown}).start === 'number' ? (n as unknown as {start: number}).start : 0
}

/** Depth of comprehension nesting and estimated steps of a node; throws CelCompileError past a limit. */
function budgetOf(node: unknown, count: {n: number}): Budget {
  if (Array.isArray(node)) {
    const out: Budget = {depth: 0, steps: 0, at: 0}
    for (const x of node) {
      const b = budgetOf(x, count)
      if (b.depth > out.depth) out.depth = b.depth
      out.steps += b.steps
    }
    return out
  }
  if (!isNode(node)) return {depth: 0, steps: 0, at: 0}
  if (node.op === 'rcall' && Array.isArray(node.args) && MACROS.has(node.args[0] as string)) {
    const [, receiver, body] = node.args as [string, unknown, unknown[]]
    const at = nodeStart(node)
    count.n++
    if (count.n > MAX_COMPREHENSIONS) throw new CelCompileError(`Too many comprehensions (more than ${MAX_COMPREHENSIONS} map/filter/all/exists calls in one expression); split the rule.`, at)
    const r = budgetOf(receiver, count)
    const b = budgetOf(body, count)
    const depth = Math.max(r.depth, b.depth + 1)
    if (depth > MAX_COMPREHENSION_DEPTH) {
      throw new CelCompileError(`Comprehensions nested ${depth} deep; fuseplan allows at most ${MAX_COMPREHENSION_DEPTH} (a map/filter/all/exists inside another one, no deeper), to bound evaluation time. Compute the inner part as a fact or split the rule.`, at)
    }
    const length = isNode(receiver) && receiver.op === 'list' && Array.isArray(receiver.args) ? receiver.args.length : ASSUMED_DATA_LENGTH
    const steps = r.steps + length * (1 + b.steps)
    if (steps > MAX_ESTIMATED_STEPS) {
      throw new CelCompileError(`Expression may take about ${steps.toLocaleString('en-US')} evaluation steps; fuseplan allows ${MAX_ESTIMATED_STEPS.toLocaleString('en-US')} (list literals count their length, data lists ${ASSUMED_DATA_LENGTH}). Use shorter lists or less nesting.`, at)
    }
    return {depth, steps, at}
  }
  const inner = budgetOf(node.args, count)
  return {depth: inner.depth, steps: inner.steps + 1, at: 0}
}

/** Throws CelCompileError (at the offending comprehension) when an AST exceeds the evaluation budget. */
export function checkBudget(ast: unknown): void {
  budgetOf(ast, {n: 0})
}

export function compile(source: string): Compiled {
  const e = environment()
  let parsed: ReturnType<Environment['parse']>
  try {
    parsed = e.parse(source)
  } catch (error) {
    throw toCompileError(error)
  }
  // Type-check the AST just parsed (Environment.check(source) would parse it a second time).
  const checked = (parsed as unknown as {check(): {valid: boolean; error?: unknown}}).check()
  if (!checked.valid) throw toCompileError(checked.error)
  checkBudget((parsed as unknown as {ast: unknown}).ast)
  const reads = new Set<string>()
  collectReads((parsed as unknown as {ast: unknown}).ast, reads)
  return {
    source,
    reads: [...reads].sort(),
    run: (ctx) => toPlain(parsed(ctx as unknown as Record<string, unknown>)),
  }
}

/**
 * An expression compiled on first use (`run` or `reads`). Only for expressions already known to
 * compile: the bundled rules, checked when `npm run build` wrote their snapshot. A failure here
 * would surface as an evaluation error of the rule, not as a load problem.
 */
export function compileLazy(source: string): Compiled {
  let real: Compiled | undefined
  const get = (): Compiled => (real ??= compile(source))
  return {
    source,
    get reads() {
      return get().reads
    },
    run: (ctx) => get().run(ctx),
  }
}

function toCompileError(error: unknown): CelCompileError {
  const err = error as {message?: string; range?: {start: number}; summary?: string}
  const first = String(err?.summary ?? err?.message ?? error).split('\n')[0]
  return new CelCompileError(first, err?.range?.start ?? 0)
}

/** Short one-line message for a runtime evaluation error. */
export function evaluationErrorMessage(error: unknown): string {
  const err = error as {message?: string; summary?: string}
  return String(err?.summary ?? err?.message ?? error).split('\n')[0]
}

// ---- templates: "text {{ expr }} text", with an optional filter: {{ expr | percent }} ----

export type TemplateFilter = 'percent' | 'fixed2' | 'ms' | 'list' | 'count'
const FILTERS: TemplateFilter[] = ['percent', 'fixed2', 'ms', 'list', 'count']

export interface Template {
  source: string
  parts: (string | {expr: Compiled; filter?: TemplateFilter; offset: number})[]
}

export function compileTemplate(source: string, lazy = false): Template {
  const parts: Template['parts'] = []
  let i = 0
  while (i < source.length) {
    const open = source.indexOf('{{', i)
    if (open < 0) {
      parts.push(source.slice(i))
      break
    }
    if (open > i) parts.push(source.slice(i, open))
    const close = source.indexOf('}}', open + 2)
    if (close < 0) throw new CelCompileError('Unclosed `{{` in template: add the matching `}}`.', open)
    let body = source.slice(open + 2, close)
    let filter: TemplateFilter | undefined
    const bar = body.lastIndexOf('|')
    if (bar >= 0 && body[bar - 1] !== '|' && body[bar + 1] !== '|') {
      const name = body.slice(bar + 1).trim()
      if (!(FILTERS as string[]).includes(name)) throw new CelCompileError(`Unknown template filter \`${name}\`; use one of ${FILTERS.join(', ')}.`, open + 2 + bar)
      filter = name as TemplateFilter
      body = body.slice(0, bar)
    }
    try {
      parts.push({expr: lazy ? compileLazy(body.trim()) : compile(body.trim()), filter, offset: open + 2})
    } catch (error) {
      if (error instanceof CelCompileError) throw new CelCompileError(error.message, open + 2 + error.offset)
      throw error
    }
    i = close + 2
  }
  return {source, parts}
}

export function formatValue(value: unknown, filter?: TemplateFilter): string {
  if (filter === 'percent' && typeof value === 'number') return `${formatNumber(value * 100, 1)}%`
  if (filter === 'fixed2' && typeof value === 'number') return value.toFixed(2)
  if (filter === 'ms' && typeof value === 'number') return `${formatNumber(value, 2)} ms`
  if (filter === 'count' && typeof value === 'number') return Math.round(value).toLocaleString('en-US')
  if (Array.isArray(value)) return value.map((v) => formatValue(v)).join(', ')
  if (typeof value === 'number') return formatNumber(value, 3)
  if (value === null || value === undefined) return 'none'
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** Up to `digits` decimals, trailing zeros dropped: 0.220 -> "0.22", 18000 -> "18000". */
export function formatNumber(x: number, digits: number): string {
  if (!Number.isFinite(x)) return String(x)
  return String(Number(x.toFixed(digits)))
}

export function renderTemplate(t: Template, ctx: CelContext): string {
  let out = ''
  for (const part of t.parts) out += typeof part === 'string' ? part : formatValue(part.expr.run(ctx), part.filter)
  return out
}

export type NumberOrExpr = number | Compiled

export function evalNumber(v: NumberOrExpr, ctx: CelContext): number {
  if (typeof v === 'number') return v
  const out = v.run(ctx)
  if (typeof out !== 'number' || !Number.isFinite(out)) throw new Error(`\`${v.source}\` gave ${JSON.stringify(out)}, expected a number`)
  return out
}

export function templateReads(t: Template): string[] {
  return t.parts.flatMap((p) => (typeof p === 'string' ? [] : p.expr.reads))
}
