// Running a rule set over one profile: evaluate each enabled rule's condition (and forEach), collect
// its effects, and record a trace entry for every rule, fired or not, with the values it read.
import type {DocPath, Severity} from '../findings.js'
import {isStrategy, STRATEGIES, type Strategy} from '../strategies/index.js'
import type {DecisionFinding, ScoreReason, TraceEntry} from './types.js'
import type {Profile} from '../profile/types.js'
import type {Facts} from '../facts/index.js'
import {CelLimitError, EvaluationBackstop, evalNumber, evaluationErrorMessage, metered, newRunMeter, previewValue, renderTemplate, type CelContext, type Template} from './cel.js'
import type {ConfiguredRule, RuleSet} from './types.js'

export interface MaskingSettings {
  floor?: number
  warmupEpochs?: number
  rampEpochs?: number
  mode?: 'independent' | 'patterns'
  presenceBits?: boolean
  notes: {ruleId: string; note: string}[]
  /** Which rule set each setting (last writer wins, in rule order). */
  sources: Record<string, string>
}

export interface TransferContribution {
  ruleIds: string[]
  reasons: string[]
  steps: string[]
  validation: string[]
  biasChecks: string[]
  /** Last writer wins, in rule order. */
  learningRateScale?: number
  freezeEncoderEpochs?: number
}

export interface Evaluation {
  trace: TraceEntry[]
  scores: Record<Strategy, ScoreReason[]>
  exclusions: Record<Strategy, {ruleId: string; reason: string; soft?: boolean}[]>
  masking: MaskingSettings
  transfer: TransferContribution | null
  findings: DecisionFinding[]
  /** Cost units used (docs/adr/0014-cel-cost-units.md): by the whole run, and by each rule evaluated. */
  cost: {run: number; byRule: Record<string, number>}
}

export interface EvaluateOptions {
  /** Evaluate only rules that emit findings (what lint needs). */
  lintOnly?: boolean
  /** Evaluate only rules that score, exclude or set the masking plan (what the choice of strategy needs). */
  strategyOnly?: boolean
  /** Record the values each condition read (skip for speed when nobody reads the trace). */
  traceInputs?: boolean
  /** The document evaluated, for the message of the wall-clock backstop. */
  document?: string
}

/** Parses "modalities[2].availability" into ['modalities', 2, 'availability']. */
export function parseDocPath(path: string): DocPath {
  const out: DocPath = []
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1])
  return out
}

function resolveRead(ctx: CelContext, path: string): unknown {
  let cur: unknown = ctx
  for (const part of parseDocPath(path)) {
    if (cur === null || cur === undefined) return undefined
    if (Array.isArray(cur) && typeof part === 'number') cur = cur[part]
    else if (typeof cur === 'object') cur = Object.hasOwn(cur as object, String(part)) ? (cur as Record<string, unknown>)[String(part)] : undefined
    else return undefined
  }
  return cur
}

function perStrategy<T>(make: () => T): Record<Strategy, T> {
  return Object.fromEntries(STRATEGIES.map((s) => [s, make()])) as Record<Strategy, T>
}

function asStrategy(value: string, ruleId: string): Strategy {
  if (isStrategy(value)) return value
  throw new Error(`rule ${ruleId} named unknown strategy "${value}"`)
}

export function evaluateRules(ruleSet: RuleSet, profile: Profile, facts: Facts, opts: EvaluateOptions = {}): Evaluation {
  const ev: Evaluation = {
    trace: [],
    scores: perStrategy(() => []),
    exclusions: perStrategy(() => []),
    masking: {notes: [], sources: {}},
    transfer: null,
    findings: [],
    cost: {run: 0, byRule: {}},
  }
  const run = newRunMeter()
  // Once the rule set's budget on this document is spent, the rules after are not evaluated.
  let spentBy: TraceEntry | undefined
  const skipped: string[] = []
  for (const cr of ruleSet.rules) {
    if (opts.lintOnly && (!cr.enabled || cr.rule.effects.findings.length === 0)) continue
    if (opts.strategyOnly && (!cr.enabled || (cr.rule.effects.score.length === 0 && cr.rule.effects.exclude.length === 0 && !cr.rule.effects.masking))) continue
    if (!cr.enabled) {
      ev.trace.push({ruleId: cr.rule.id, fired: false, inputs: {}, effects: [], disabled: true})
      continue
    }
    if (spentBy) {
      skipped.push(cr.rule.id)
      ev.trace.push({ruleId: cr.rule.id, fired: false, inputs: {}, effects: [], error: NOT_EVALUATED, budgetSkipped: true})
      continue
    }
    const what = `rule \`${cr.rule.id}\`${opts.document ? ` on ${opts.document}` : ''}`
    const {value: entry, cost} = metered(run, what, () => runRule(cr, profile, facts, ev, opts.traceInputs !== false))
    ev.cost.byRule[cr.rule.id] = cost
    ev.trace.push(entry)
    if (entry.budgetSpent) spentBy = entry
  }
  if (spentBy && skipped.length > 0) {
    const names = skipped.slice(0, 5).map((id) => `\`${id}\``)
    spentBy.error += `; ${skipped.length === 1 ? 'the rule after it was' : `the ${skipped.length} rules after it were`} not evaluated (${names.join(', ')}${skipped.length > 5 ? `, and ${skipped.length - 5} more` : ''})`
  }
  ev.cost.run = run.used
  return ev
}

/** The trace error of a rule skipped because the rule set's budget was spent on this document. */
export const NOT_EVALUATED = 'not evaluated: the rule set had used its whole budget on this document'

function runRule(cr: ConfiguredRule, profile: Profile, facts: Facts, ev: Evaluation, traceInputs: boolean): TraceEntry {
  const {rule} = cr
  const ctx: CelContext = {profile, facts, options: cr.options}
  const entry: TraceEntry = {ruleId: rule.id, fired: false, inputs: {}, effects: []}
  if (traceInputs) {
    for (const read of [...rule.when.reads, ...(rule.forEach?.reads ?? [])]) {
      if (read.startsWith('item')) continue
      const v = resolveRead(ctx, read)
      entry.inputs[read] = v === undefined ? null : v
    }
  }
  // Effects are collected first and committed only when the whole rule ran without error.
  const staged: (() => void)[] = []
  try {
    const cond = rule.when.run(ctx)
    if (typeof cond !== 'boolean') throw new Error(`condition gave ${previewValue(cond)}, expected true or false`)
    if (!cond) return entry
    let items: unknown[] = [undefined]
    if (rule.forEach) {
      const list = rule.forEach.run(ctx)
      if (!Array.isArray(list)) throw new Error(`forEach gave ${previewValue(list)}, expected a list`)
      items = list
      if (items.length === 0) return entry
    }
    for (const item of items) {
      const ictx: CelContext = rule.forEach ? {...ctx, item} : ctx
      const render = (t: Template): string => renderTemplate(t, ictx)
      for (const s of rule.effects.score) {
        const strategy = asStrategy(render(s.strategy), rule.id)
        const delta = evalNumber(s.delta, ictx)
        const reason = render(s.reason)
        entry.effects.push(`score ${strategy} ${delta >= 0 ? '+' : ''}${delta}: ${reason}`)
        staged.push(() => ev.scores[strategy].push({ruleId: rule.id, delta, reason}))
      }
      for (const x of rule.effects.exclude) {
        const strategy = asStrategy(render(x.strategy), rule.id)
        const reason = render(x.reason)
        entry.effects.push(`exclude ${strategy}${x.soft ? ' (soft)' : ''}: ${reason}`)
        staged.push(() => ev.exclusions[strategy].push({ruleId: rule.id, reason, ...(x.soft ? {soft: true} : {})}))
      }
      const mk = rule.effects.masking
      if (mk) {
        const set: Partial<MaskingSettings> = {}
        for (const k of ['floor', 'warmupEpochs', 'rampEpochs'] as const) if (mk[k] !== undefined) set[k] = evalNumber(mk[k]!, ictx)
        if (mk.mode) set.mode = mk.mode
        if (mk.presenceBits !== undefined) set.presenceBits = mk.presenceBits
        const note = mk.note ? render(mk.note) : undefined
        const desc = Object.entries(set).map(([k, v]) => `${k}=${v}`)
        entry.effects.push(`masking ${[...desc, ...(note ? [note] : [])].join('; ')}`)
        staged.push(() => {
          for (const [k, v] of Object.entries(set)) {
            ;(ev.masking as unknown as Record<string, unknown>)[k] = v
            ev.masking.sources[k] = rule.id
          }
          if (note) ev.masking.notes.push({ruleId: rule.id, note})
        })
      }
      const tr = rule.effects.transfer
      if (tr) {
        const reason = render(tr.reason)
        const steps = tr.steps.map(render)
        const validation = tr.validation.map(render)
        const biasChecks = tr.biasChecks.map(render)
        const learningRateScale = tr.learningRateScale !== undefined ? evalNumber(tr.learningRateScale, ictx) : undefined
        const freezeEncoderEpochs = tr.freezeEncoderEpochs !== undefined ? evalNumber(tr.freezeEncoderEpochs, ictx) : undefined
        entry.effects.push(`transfer: ${reason}`)
        staged.push(() => {
          ev.transfer ??= {ruleIds: [], reasons: [], steps: [], validation: [], biasChecks: []}
          const t = ev.transfer
          if (!t.ruleIds.includes(rule.id)) t.ruleIds.push(rule.id)
          const add = (list: string[], xs: string[]): void => {
            for (const x of xs) if (!list.includes(x)) list.push(x)
          }
          add(t.reasons, [reason])
          add(t.steps, steps)
          add(t.validation, validation)
          add(t.biasChecks, biasChecks)
          if (learningRateScale !== undefined) t.learningRateScale = learningRateScale
          if (freezeEncoderEpochs !== undefined) t.freezeEncoderEpochs = freezeEncoderEpochs
        })
      }
      for (const f of rule.effects.findings) {
        const severity: Severity = cr.severity ?? f.severity ?? rule.severity ?? 'warning'
        const message = render(f.message)
        const path = render(f.path)
        const docPath = parseDocPath(path)
        entry.effects.push(`${severity} at ${path || '(document)'}: ${message}`)
        staged.push(() => ev.findings.push({ruleId: rule.id, severity, message, path, docPath}))
      }
    }
    for (const commit of staged) commit()
    entry.fired = true
  } catch (error) {
    // The clock outran a budget that should have held: no verdict, the command stops (exit 2).
    if (error instanceof EvaluationBackstop) throw error
    entry.fired = false
    entry.effects = []
    entry.error = evaluationErrorMessage(error)
    if (error instanceof CelLimitError && error.budget === 'run') entry.budgetSpent = true
  }
  return entry
}
