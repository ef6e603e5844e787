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

// ---- run-time budget: every evaluation is bounded in cost units, with a clock as a backstop ----
//
// The load-time budget below estimates work, but estimates can be beaten (cel.bind doubling a list,
// comparing two towers of shared lists, printing one), and V8 does not throw on every huge
// allocation: some abort the process. So evaluation is metered in cost units that follow what actually
// costs (docs/adr/0014-cel-cost-units.md): one per AST node evaluated, one per list or map element a
// comparison or a message visits, one per character of a string built or scanned by a function, and
// program size times text length for `matches`. cel-js evaluates every node through its evaluator's
// `run(node, ctx)`, and binary operators through each node's `handle`, so the meter sits there.
//
// Two budgets, as Kubernetes bounds CEL per expression and per object: one per rule evaluated on one
// document, one for all the rules on that document (a run). A clock checked every few thousand units is
// only a backstop for a cost the units miss: it ends the command (exit 2), not the rule.

/** Cost units one rule may use on one document (its condition, forEach, numbers and messages). */
export const RULE_BUDGET = 1_000_000
/** Cost units all the rules of a rule set may use together on one document. */
export const RUN_BUDGET = 10_000_000
/** Wall-clock backstop for one rule on one document; past it the command stops (exit 2). */
export const MAX_EVALUATION_MS = 3000
/** Largest list or map (entries) or string (characters) an evaluation may produce. */
export const MAX_VALUE_SIZE = 100_000

/** An evaluation stopped by its budget: a finding about the rule. */
export class CelLimitError extends Error {
  constructor(
    message: string,
    /** `rule`: the rule's own budget (it is not evaluated again); `run`: the rule set's budget on this document. */
    readonly budget: 'rule' | 'run' | 'value' = 'rule',
  ) {
    super(message)
    this.name = 'CelLimitError'
  }
}

/**
 * An evaluation that outran the clock while within its cost budget: the cost model missed something.
 * Not a finding (the verdict would depend on the machine's speed): the command stops with exit 2.
 */
export class EvaluationBackstop extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EvaluationBackstop'
  }
}

/** The budget of one run (all rules on one document). */
export interface RunMeter {
  used: number
  limit: number
}

export function newRunMeter(limit = RUN_BUDGET): RunMeter {
  return {used: 0, limit}
}

interface Meter {
  used: number
  limit: number
  run: RunMeter
  sinceClock: number
  deadline: number
  what: string
}
let meter: Meter | undefined
let backstopMs = MAX_EVALUATION_MS

/** For tests of the backstop only: the wall-clock limit of one rule evaluation. */
export function setEvaluationBackstopMs(ms: number): void {
  backstopMs = ms
}

/** Spends `units` of the current budgets; throws CelLimitError past one of them. */
export function charge(units: number): void {
  const m = meter
  if (m === undefined) return
  m.used += units
  m.run.used += units
  if (m.used > m.limit) throw new CelLimitError(`it used more than its budget of ${m.limit.toLocaleString('en-US')} cost units on this document`, 'rule')
  if (m.run.used > m.run.limit) throw new CelLimitError(`the rule set used its whole budget of ${m.run.limit.toLocaleString('en-US')} cost units on this document`, 'run')
  m.sinceClock += units
  if (m.sinceClock >= 4096) {
    m.sinceClock = 0
    if (performance.now() > m.deadline) {
      throw new EvaluationBackstop(
        `${m.what} ran for more than ${backstopMs.toLocaleString('en-US')} ms while within its cost budget; fuseplan stopped rather than give a verdict that depends on the machine's speed`,
      )
    }
  }
}

/** Units left before one of the current budgets runs out (Infinity outside a metered evaluation). */
function remaining(): number {
  const m = meter
  return m === undefined ? Infinity : Math.min(m.limit - m.used, m.run.limit - m.run.used)
}

export interface Metered<T> {
  value: T
  /** Cost units used. */
  cost: number
}

/**
 * Runs `f` as one rule's evaluation on one document: its own budget (RULE_BUDGET), counted against
 * `run` too. `what` names it in the backstop's message ("rule `id` on deploy/a.yaml").
 */
export function metered<T>(run: RunMeter, what: string, f: () => T, limit = RULE_BUDGET): Metered<T> {
  const outer = meter
  const m: Meter = {used: 0, limit, run, sinceClock: 0, deadline: performance.now() + backstopMs, what}
  meter = m
  try {
    return {value: f(), cost: m.used}
  } catch (error) {
    // V8's own limits (a string too long, the stack) end the evaluation the same way as a budget.
    if (error instanceof RangeError) throw new CelLimitError(`evaluation hit a limit: ${error.message}`, 'value')
    throw error
  } finally {
    meter = outer
  }
}

/** Inside a metered evaluation, `f` as it is; outside one (tests, examples), under a fresh budget. */
function withMeter<T>(f: () => T): T {
  if (meter) return f()
  return metered(newRunMeter(), 'an expression', f).value
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length
  if (value instanceof Map || value instanceof Set) return value.size
  return 0
}

const STOP = Symbol('over budget')

/**
 * The elements a structural comparison of `a` and `b` visits (as cel-js's equality walks them: same
 * objects are equal at once, lists element by element, maps entry by entry), counted up to `limit`.
 */
function comparisonCost(a: unknown, b: unknown, limit: number): number {
  let n = 0
  const visit = (x: unknown, y: unknown): void => {
    if (x === y || typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return
    if (++n > limit) throw STOP
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) return
      for (let i = 0; i < x.length; i++) {
        if (++n > limit) throw STOP
        visit(x[i], y[i])
      }
    } else if (x instanceof Map && y instanceof Map) {
      if (x.size !== y.size) return
      for (const [k, v] of x) {
        if (++n > limit) throw STOP
        visit(v, y.get(k))
      }
    } else if (x instanceof Set || y instanceof Set) {
      n += Math.max(sizeOf(x), sizeOf(y))
      if (n > limit) throw STOP
    } else if (!Array.isArray(x) && !Array.isArray(y)) {
      const xs = x as Record<string, unknown>
      const ys = y as Record<string, unknown>
      for (const k in xs) {
        if (++n > limit) throw STOP
        visit(xs[k], ys[k])
      }
    }
  }
  try {
    visit(a, b)
  } catch (error) {
    if (error === STOP) return limit + 1
    throw error
  }
  return n
}

/** Cost of `a op b` for the operators that walk their operands: comparisons and list membership. */
function operatorCost(op: string, a: unknown, b: unknown): number {
  const limit = Math.min(remaining(), Number.MAX_SAFE_INTEGER)
  if (op === 'in') {
    if (!Array.isArray(b) && !(b instanceof Set)) return 1
    let n = 1
    for (const item of b) {
      n += 1 + comparisonCost(a, item, limit - n)
      if (n > limit) return n
    }
    return n
  }
  if (op === '+') return 1 + sizeOf(a) + sizeOf(b)
  // Strings compare (and order) character by character.
  if (typeof a === 'string' && typeof b === 'string') return 1 + Math.min(a.length, b.length)
  return 1 + comparisonCost(a, b, limit)
}

const WALKING_OPERATORS = new Set(['==', '!=', 'in', '+', '<', '<=', '>', '>='])

type HandledNode = {op: string; args: unknown; handle?: (a: unknown, b: unknown, ast: unknown, ev: unknown) => unknown; chargeInput?: boolean}

/**
 * Meters a checked AST: binary operators that walk their operands are charged before they run, and
 * the values function calls read (receiver and arguments) are charged by their size when they are
 * produced, since string functions scan them.
 */
function meterAst(node: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) meterAst(x)
    return
  }
  if (!isNode(node)) return
  const n = node as HandledNode
  const handle = n.handle
  if (typeof handle === 'function' && WALKING_OPERATORS.has(n.op)) {
    const op = n.op
    n.handle = (a, b, ast, ev) => {
      charge(operatorCost(op, a, b))
      return handle(a, b, ast, ev)
    }
  }
  if ((n.op === 'call' || n.op === 'rcall') && Array.isArray(n.args)) {
    const inputs = n.op === 'rcall' ? [n.args[1], ...(Array.isArray(n.args[2]) ? n.args[2] : [])] : Array.isArray(n.args[1]) ? n.args[1] : []
    for (const input of inputs) if (isNode(input)) (input as HandledNode).chargeInput = true
  }
  meterAst(n.args)
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
    const n = node as {evaluate: (ev: unknown, node: unknown, ctx: unknown) => unknown; op: string; chargeInput?: boolean}
    if (meter === undefined) return n.evaluate(this, n, ctx)
    charge(1)
    const value = n.evaluate(this, n, ctx)
    const size = sizeOf(value)
    if (size > MAX_VALUE_SIZE) throw new CelLimitError(`a value grew past ${MAX_VALUE_SIZE.toLocaleString('en-US')} elements or characters`, 'value')
    // Strings and lists a function builds, or reads to scan them, cost their size.
    if (size > 0 && (n.chargeInput === true || n.op === 'call' || n.op === 'rcall' || n.op === 'list' || n.op === 'map')) charge(size)
    return value
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

/** Instructions in RE2JS's compiled program (the pattern's length if that internal is gone). */
function programSize(re: RE2JS, pattern: string): number {
  const prog = (re as unknown as {re2Input?: {prog?: {numInst?: () => number}}}).re2Input?.prog
  const n = typeof prog?.numInst === 'function' ? prog.numInst() : undefined
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : Math.max(1, pattern.length)
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
      // Compiling reads the pattern; matching costs at most the program's size per character.
      charge(re.length)
      try {
        compiled = re2(re)
      } catch (error) {
        throw new Error(`invalid regular expression: ${regexError(error)}`)
      }
      charge(programSize(compiled, re) * (text.length + 1))
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

/** Converts CEL results to plain JS: BigInt to number, Maps to objects. Each element costs a unit. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value)
  if (Array.isArray(value)) {
    charge(value.length)
    return value.map(toPlain)
  }
  if (value instanceof Map) {
    charge(value.size)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]))
  }
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
  meterAst(ast)
  const reads = new Set<string>()
  collectReads(ast, reads)
  // An expression that went over its own budget once would on every document: fail fast after that.
  // (Running out of the rule set's budget says nothing about this expression.)
  let exhausted: CelLimitError | undefined
  return {
    source,
    reads: [...reads].sort(),
    run: (ctx) => {
      if (exhausted) throw exhausted
      try {
        return withMeter(() => toPlain(parsed(ctx as unknown as Record<string, unknown>)))
      } catch (error) {
        if (error instanceof CelLimitError && error.budget !== 'run') exhausted = error
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
  if (source.length > MAX_VALUE_SIZE) {
    throw new CelCompileError(
      `Template is ${source.length.toLocaleString('en-US')} characters long; fuseplan allows ${MAX_VALUE_SIZE.toLocaleString('en-US')} (a message is one or a few sentences).`,
      0,
    )
  }
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

/** Text built under the budget: each character costs a unit, and it stops at MAX_VALUE_SIZE. */
class BoundedText {
  private parts: string[] = []
  private length = 0
  add(s: string): void {
    charge(s.length)
    this.length += s.length
    if (this.length > MAX_VALUE_SIZE) throw new CelLimitError(`a message grew past ${MAX_VALUE_SIZE.toLocaleString('en-US')} characters`, 'value')
    this.parts.push(s)
  }
  toString(): string {
    return this.parts.join('')
  }
}

/** A value in a message: numbers rounded, lists joined by commas, maps as JSON. Costs what it visits and builds. */
function writeValue(out: BoundedText, value: unknown, filter?: TemplateFilter): void {
  if (filter === 'percent' && typeof value === 'number') return out.add(`${formatNumber(value * 100, 1)}%`)
  if (filter === 'fixed2' && typeof value === 'number') return out.add(value.toFixed(2))
  if (filter === 'ms' && typeof value === 'number') return out.add(`${formatNumber(value, 2)} ms`)
  if (filter === 'count' && typeof value === 'number') return out.add(Math.round(value).toLocaleString('en-US'))
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      charge(1)
      if (i > 0) out.add(', ')
      writeValue(out, v)
    })
    return
  }
  if (typeof value === 'number') return out.add(formatNumber(value, 3))
  if (value === null || value === undefined) return out.add('none')
  if (typeof value === 'object') return writeJson(out, value)
  return out.add(String(value))
}

/** JSON.stringify's text, written piece by piece so a huge (or shared, exponentially large) value stops at the budget. */
function writeJson(out: BoundedText, value: unknown): void {
  if (value === null || value === undefined || typeof value === 'function' || typeof value === 'symbol') return out.add('null')
  if (typeof value === 'bigint') return out.add(String(value))
  if (typeof value !== 'object') return out.add(JSON.stringify(value))
  charge(1)
  if (Array.isArray(value)) {
    out.add('[')
    value.forEach((v, i) => {
      if (i > 0) out.add(',')
      writeJson(out, v)
    })
    return out.add(']')
  }
  const entries = value instanceof Map ? [...value].map(([k, v]) => [String(k), v] as const) : Object.entries(value)
  out.add('{')
  let first = true
  for (const [k, v] of entries) {
    if (v === undefined) continue
    if (!first) out.add(',')
    first = false
    out.add(`${JSON.stringify(k)}:`)
    writeJson(out, v)
  }
  out.add('}')
}

/** A short, one-line preview of any value for an error message (never the whole of a huge value). */
export function previewValue(value: unknown, max = 80): string {
  const text = new BoundedText()
  try {
    metered(newRunMeter(max * 4), 'a preview', () => writeJson(text, value), max * 4)
  } catch (error) {
    if (!(error instanceof CelLimitError)) throw error
    return `${text.toString().slice(0, max)}…`
  }
  const s = text.toString()
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
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
  const out = new BoundedText()
  withMeter(() => {
    for (const part of t.parts) {
      if (typeof part === 'string') out.add(part)
      else writeValue(out, part.expr.run(ctx), part.filter)
    }
  })
  return out.toString()
}

export type NumberOrExpr = number | Compiled

export function evalNumber(v: NumberOrExpr, ctx: CelContext): number {
  if (typeof v === 'number') return v
  const out = v.run(ctx)
  if (typeof out !== 'number' || !Number.isFinite(out)) throw new Error(`\`${v.source}\` gave ${previewValue(out)}, expected a number`)
  return out
}
