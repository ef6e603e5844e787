// CEL plumbing: one shared environment, expressions compiled once at load, message templates with
// `{{ expr }}` interpolation, and the list of fact/profile/option paths an expression reads (for the trace).
import {Environment} from '@marcbachmann/cel-js'
import {RE2JS} from 're2js'

/** Variables visible to rule expressions. */
export const CEL_VARIABLES = ['profile', 'facts', 'options', 'item'] as const

let env: Environment | undefined
function environment(): Environment {
  if (env) return env
  env = new Environment({homogeneousAggregateLiterals: false, limits: {maxAstNodes: 5000, maxDepth: 64, maxListElements: 500, maxMapEntries: 500, maxCallArguments: 16}})
    .registerVariable('profile', 'map')
    .registerVariable('facts', 'map')
    .registerVariable('options', 'map')
    .registerVariable('item', 'dyn')
  guardEvaluator(env)
  return env
}

// ---- run-time guard: every evaluation is bounded in steps, time and the size of its values ----
//
// The load-time budget below estimates work, but estimates can be beaten (cel.bind doubling a list,
// string functions on long values), and V8 does not throw on every huge allocation: some abort the
// process. cel-js evaluates every node through its evaluator's `run(node, ctx)`, so the guard wraps
// that one method: it counts nodes, checks the clock now and then, and refuses any value (list,
// map, string) larger than a rule could need before it can double into something fatal.

/** At most this many AST node evaluations per evaluation of one expression. */
export const MAX_EVALUATION_STEPS = 2_000_000
/** Wall-clock bound of one evaluation, a backstop behind the step count. */
export const MAX_EVALUATION_MS = 1000
/** Largest list or map (entries) or string (characters) an evaluation may produce. */
export const MAX_VALUE_SIZE = 100_000

/** An evaluation stopped by the guard. The rule that hit it is not evaluated again in this process. */
export class CelLimitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CelLimitError'
  }
}

interface Guard {
  steps: number
  deadline: number
}
let guard: Guard | undefined

function sizeOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length
  if (value instanceof Map || value instanceof Set) return value.size
  return 0
}

function guardEvaluator(environment: Environment): void {
  // The evaluator is private to the environment; it is handed to each node's evaluate(), so a probe
  // expression whose root node records it gives us the instance to wrap.
  const probe = environment.parse('true') as unknown as {ast: {evaluate: (ev: unknown, ast: unknown, ctx: unknown) => unknown}}
  let evaluator: {run: (node: unknown, ctx: unknown) => unknown} | undefined
  probe.ast.evaluate = (ev: unknown) => {
    evaluator = ev as typeof evaluator
    return true
  }
  ;(probe as unknown as () => unknown)()
  if (!evaluator || typeof evaluator.run !== 'function') throw new Error('cel-js changed: cannot install the evaluation guard')
  evaluator.run = function run(node: unknown, ctx: unknown): unknown {
    const n = node as {evaluate: (ev: unknown, node: unknown, ctx: unknown) => unknown}
    const g = guard
    if (g === undefined) return n.evaluate(this, n, ctx)
    if (++g.steps > MAX_EVALUATION_STEPS) throw new CelLimitError(`evaluation took more than ${MAX_EVALUATION_STEPS.toLocaleString('en-US')} steps`)
    if ((g.steps & 0x3ff) === 0 && performance.now() > g.deadline) throw new CelLimitError(`evaluation ran longer than ${MAX_EVALUATION_MS} ms`)
    const value = n.evaluate(this, n, ctx)
    if (sizeOf(value) > MAX_VALUE_SIZE) throw new CelLimitError(`a value grew past ${MAX_VALUE_SIZE.toLocaleString('en-US')} elements or characters`)
    return value
  }
}

/** Runs one evaluation under the guard (nested calls share the outer one's budget). */
function guarded<T>(f: () => T): T {
  if (guard) return f()
  guard = {steps: 0, deadline: performance.now() + MAX_EVALUATION_MS}
  try {
    return f()
  } catch (error) {
    // V8's own limits (a string too long, the stack) end the evaluation the same way.
    if (error instanceof RangeError) throw new CelLimitError(`evaluation hit a limit: ${error.message}`)
    throw error
  } finally {
    guard = undefined
  }
}

// ---- regular expressions: CEL's `matches` uses RE2 syntax; RE2JS runs it in linear time ----

const regexCache = new Map<string, RE2JS>()

function re2(pattern: string): RE2JS {
  let re = regexCache.get(pattern)
  if (!re) {
    re = RE2JS.compile(pattern)
    if (regexCache.size >= 256) regexCache.clear()
    regexCache.set(pattern, re)
  }
  return re
}

function regexError(error: unknown): string {
  return String((error as Error)?.message ?? error).replace(/^error parsing regexp: /, '')
}

type EvalNode = {op: string; args: unknown; start?: number; evaluate: (ev: {run(n: unknown, c: unknown): unknown}, node: unknown, ctx: unknown) => unknown}

/**
 * Replaces the evaluation of every `s.matches(re)` by RE2JS (linear time, no
 * backtracking), and checks literal patterns now so a bad one is a load error at its position.
 */
function useLinearRegex(node: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) useLinearRegex(x)
    return
  }
  if (!isNode(node)) return
  const n = node as unknown as EvalNode
  let subject: unknown
  let pattern: unknown
  if (n.op === 'rcall' && Array.isArray(n.args) && n.args[0] === 'matches' && Array.isArray(n.args[2]) && n.args[2].length === 1) {
    subject = n.args[1]
    pattern = n.args[2][0]
  }
  if (subject !== undefined && pattern !== undefined) {
    if (isNode(pattern) && pattern.op === 'value' && typeof pattern.args === 'string') {
      try {
        re2(pattern.args)
      } catch (error) {
        throw new CelCompileError(`Invalid regular expression (fuseplan uses RE2 syntax, which runs in linear time: no backreferences or lookaround): ${regexError(error)}`, nodeStart(pattern))
      }
    }
    const s = subject
    const p = pattern
    n.evaluate = (ev, _node, ctx) => {
      const text = ev.run(s, ctx)
      const re = ev.run(p, ctx)
      if (typeof text !== 'string' || typeof re !== 'string') throw new Error('matches() needs two strings')
      let compiled: RE2JS
      try {
        compiled = re2(re)
      } catch (error) {
        throw new Error(`invalid regular expression: ${regexError(error)}`)
      }
      return compiled.matcher(text).find()
    }
  }
  useLinearRegex(n.args)
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
  constructor(
    message: string,
    readonly offset: number,
  ) {
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

/** `cel.bind(var, value, body)`: not a loop, but each bind can double a value (`cel.bind(x, x + x, ...)`). */
function isBind(node: Node): boolean {
  if (node.op !== 'rcall' || !Array.isArray(node.args) || node.args[0] !== 'bind') return false
  const receiver = node.args[1]
  return isNode(receiver) && receiver.op === 'id' && receiver.args === 'cel'
}
/** A comprehension may sit inside at most this many other comprehensions' bodies, minus one (2 = one level of nesting). */
export const MAX_COMPREHENSION_DEPTH = 2
/** At most this many macros (comprehensions and `cel.bind`) in one expression. */
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
  if (isBind(node)) {
    const at = nodeStart(node)
    if (++count.n > MAX_COMPREHENSIONS) throw new CelCompileError(tooManyMacros(), at)
    const inner = budgetOf((node.args as unknown[])[2], count)
    return {depth: inner.depth, steps: inner.steps + 1, at}
  }
  if (node.op === 'rcall' && Array.isArray(node.args) && MACROS.has(node.args[0] as string)) {
    const [, receiver, body] = node.args as [string, unknown, unknown[]]
    const at = nodeStart(node)
    count.n++
    if (count.n > MAX_COMPREHENSIONS) throw new CelCompileError(tooManyMacros(), at)
    const r = budgetOf(receiver, count)
    const b = budgetOf(body, count)
    const depth = Math.max(r.depth, b.depth + 1)
    if (depth > MAX_COMPREHENSION_DEPTH) {
      throw new CelCompileError(
        `Comprehensions nested ${depth} deep; fuseplan allows at most ${MAX_COMPREHENSION_DEPTH} (a map/filter/all/exists inside another one, no deeper), to bound evaluation time. Compute the inner part as a fact or split the rule.`,
        at,
      )
    }
    const length = isNode(receiver) && receiver.op === 'list' && Array.isArray(receiver.args) ? receiver.args.length : ASSUMED_DATA_LENGTH
    const steps = r.steps + length * (1 + b.steps)
    if (steps > MAX_ESTIMATED_STEPS) {
      throw new CelCompileError(
        `Expression may take about ${steps.toLocaleString('en-US')} evaluation steps; fuseplan allows ${MAX_ESTIMATED_STEPS.toLocaleString('en-US')} (list literals count their length, data lists ${ASSUMED_DATA_LENGTH}). Use shorter lists or less nesting.`,
        at,
      )
    }
    return {depth, steps, at}
  }
  const inner = budgetOf(node.args, count)
  return {depth: inner.depth, steps: inner.steps + 1, at: 0}
}

function tooManyMacros(): string {
  return `Too many macros (more than ${MAX_COMPREHENSIONS} map/filter/all/exists/cel.bind calls in one expression); split the rule.`
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
  const ast = (parsed as unknown as {ast: unknown}).ast
  checkBudget(ast)
  useLinearRegex(ast)
  const reads = new Set<string>()
  collectReads(ast, reads)
  // An expression that hit the guard once would hit it on every profile: fail fast after that.
  let exhausted: CelLimitError | undefined
  return {
    source,
    reads: [...reads].sort(),
    run: (ctx) => {
      if (exhausted) throw exhausted
      try {
        return toPlain(guarded(() => parsed(ctx as unknown as Record<string, unknown>)))
      } catch (error) {
        if (error instanceof CelLimitError) exhausted = error
        throw error
      }
    },
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
  const rounded = Number(x.toFixed(digits))
  // A value too small for `digits` decimals is not zero: show two significant digits instead
  // (a 1e-300 ms budget is not a "0 ms" one).
  if (rounded === 0 && x !== 0) return String(Number(x.toPrecision(2)))
  return String(rounded)
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
