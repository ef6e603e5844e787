// Loading rule files: YAML with positions, the structure checked against the rule-file JSON Schema
// (./schemas.ts: unknown keys, types, allowed values, required fields), then what a schema cannot
// say: every CEL expression and template compiled once, strategies named by templates exist, a rule
// has effects. Problems are collected, each at file:line:column, and thrown together.
import {createHash} from 'node:crypto'
import {lstatSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {displayPath} from '../util/fs.js'
import type {DocPath, Range} from '../findings.js'
import {MAX_SOURCE_BYTES, parseSource, type SourceDocument} from '../profile/source.js'
import {isStrategy, STRATEGIES} from '../strategies/index.js'
import {BoundedReadError, readBoundedFile} from '../util/read.js'
import {escapeControlLine} from '../util/text.js'
import {structureProblems} from './schemas.js'
import {CelCompileError, compile, compileLazy, compileTemplate, type Compiled, type NumberOrExpr, type Template} from './cel.js'
import type {ExcludeEffect, FindingEffect, MaskingEffect, Rule, RuleEffects, RuleOption, ScoreEffect, TransferEffect} from './types.js'

export interface LoadProblem {
  file: string
  line: number
  column: number
  message: string
}

export class RuleLoadError extends Error {
  constructor(readonly problems: LoadProblem[]) {
    super(problems.map(formatProblem).join('\n'))
    this.name = 'RuleLoadError'
  }
}

export function formatProblem(p: LoadProblem): string {
  // A file named `::error ...` must not start a line a CI runner reads as a workflow command.
  const file = /^\s*::/.test(p.file) ? `./${p.file.trimStart()}` : p.file
  return escapeControlLine(`${file}:${p.line}:${p.column}: ${p.message}`)
}

/**
 * Reads YAML with positions; shared with the config loader. The structure is checked by the
 * document's JSON Schema first, so the readers below (map, list, string, ...) only narrow types and
 * say nothing about a value of the wrong kind: the schema has reported it at its position.
 */
export class YamlFile {
  readonly problems: LoadProblem[] = []
  readonly src: SourceDocument
  /** Compile CEL on first use (a bundled rule file whose snapshot matched: its CEL was checked at build). */
  readonly lazyCel: boolean
  /** The text's lines, split once on first need (many problems in one file stay linear). */
  private lines?: string[]
  constructor(
    readonly file: string,
    text: string | SourceDocument,
    readonly displayPath: string,
  ) {
    this.src = typeof text === 'string' ? parseSource(displayPath, text) : text
    this.lazyCel = typeof text !== 'string'
    for (const f of this.src.syntaxFindings) if (f.severity === 'error') this.problems.push({file: displayPath, line: f.line, column: f.column, message: f.message})
  }

  get ok(): boolean {
    return this.problems.length === 0 && this.src.value !== undefined
  }

  error(path: DocPath, message: string, opts: {key?: boolean; offset?: number} = {}): void {
    const range = this.src.rangeOf(path, {key: opts.key})
    let column = range.column
    if (opts.offset !== undefined && opts.offset > 0) {
      // Point into a single-line expression: skip an opening quote if the scalar is quoted.
      this.lines ??= this.src.text.split('\n')
      const lineText = this.lines[range.line - 1] ?? ''
      const ch = lineText[range.column - 1]
      column = range.column + (ch === '"' || ch === "'" ? 1 : 0) + opts.offset
    }
    this.problems.push({file: this.displayPath, line: range.line, column, message})
  }

  isMap(v: unknown): v is Record<string, unknown> {
    return typeof v === 'object' && v !== null && !Array.isArray(v)
  }

  map(v: unknown): Record<string, unknown> | undefined {
    return this.isMap(v) ? v : undefined
  }

  string(v: unknown): string | undefined {
    return typeof v === 'string' && v.trim() !== '' ? v : undefined
  }

  expr(path: DocPath, v: unknown, what: string): Compiled | undefined {
    if (typeof v === 'boolean') v = String(v)
    const s = this.string(v)
    if (s === undefined) return undefined
    try {
      return this.lazyCel ? compileLazy(s) : compile(s)
    } catch (error) {
      if (!(error instanceof CelCompileError)) throw error
      this.error(path, `Invalid CEL in ${what}: ${error.message}`, {offset: s.includes('\n') ? undefined : error.offset})
      return undefined
    }
  }

  template(path: DocPath, v: unknown, what: string): Template | undefined {
    if (typeof v === 'number' || typeof v === 'boolean') v = String(v)
    const s = this.string(v)
    if (s === undefined) return undefined
    try {
      return compileTemplate(s, this.lazyCel)
    } catch (error) {
      if (!(error instanceof CelCompileError)) throw error
      this.error(path, `Invalid template in ${what}: ${error.message}`, {offset: s.includes('\n') ? undefined : error.offset})
      return undefined
    }
  }

  numberOrExpr(path: DocPath, v: unknown, what: string): NumberOrExpr | undefined {
    if (typeof v === 'number' && Number.isFinite(v)) return v
    if (typeof v === 'string') return this.expr(path, v, what)
    return undefined
  }

  list(v: unknown): unknown[] {
    return Array.isArray(v) ? v : []
  }
}

/** Rule folders are walked at most this deep below the folder named in the config or `--rules`. */
export const MAX_RULE_DIR_DEPTH = 8
/** At most this many rule files per rule folder. */
export const MAX_RULE_FILES = 1000
/** At most this many entries (files and folders) looked at per rule folder. */
export const MAX_RULE_DIR_ENTRIES = 10_000

/**
 * All rule files (*.yaml, *.yml) under a folder, recursively, in sorted order. Symbolic links to
 * folders are not followed (a link to a file is read); the walk is bounded in depth, files and
 * entries. Problems (unreadable folders, limits) are returned as load problems, never thrown.
 */
export function listRuleFilesChecked(dir: string): {files: string[]; problems: LoadProblem[]} {
  const files: string[] = []
  const problems: LoadProblem[] = []
  const shown = displayPath(dir)
  let entries = 0
  const problem = (message: string): void => {
    problems.push({file: shown, line: 1, column: 1, message})
  }
  const walk = (d: string, depth: number): boolean => {
    let names: string[]
    try {
      names = readdirSync(d).sort()
    } catch (error) {
      problem(`Cannot read rule folder ${displayPath(d)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`)
      return false
    }
    for (const name of names) {
      if (name.startsWith('.') || name.startsWith('_')) continue
      if (++entries > MAX_RULE_DIR_ENTRIES) {
        problem(`Rule folder has more than ${MAX_RULE_DIR_ENTRIES} entries; point \`rules\` at a folder that holds only rule files.`)
        return false
      }
      const p = join(d, name)
      let st
      try {
        st = lstatSync(p)
        if (st.isSymbolicLink()) {
          const target = statSync(p)
          // Linked folders are skipped: they can loop back or lead anywhere on the disk.
          if (target.isDirectory()) continue
          st = target
        }
      } catch {
        // A dangling link (or an entry that vanished): not a rule file.
        continue
      }
      if (st.isDirectory()) {
        if (depth >= MAX_RULE_DIR_DEPTH) {
          problem(`Rule folder nests deeper than ${MAX_RULE_DIR_DEPTH} levels (at ${displayPath(p)}); point \`rules\` at the folder that holds the rule files.`)
          return false
        }
        if (!walk(p, depth + 1)) return false
      } else if (st.isFile() && /\.ya?ml$/.test(name)) {
        if (files.length >= MAX_RULE_FILES) {
          problem(`Rule folder holds more than ${MAX_RULE_FILES} rule files; point \`rules\` at a smaller folder.`)
          return false
        }
        files.push(p)
      }
    }
    return true
  }
  walk(dir, 0)
  return {files, problems}
}

/** All rule files under a folder (see listRuleFilesChecked); throws RuleLoadError on a problem. */
export function listRuleFiles(dir: string): string[] {
  const {files, problems} = listRuleFilesChecked(dir)
  if (problems.length > 0) throw new RuleLoadError(problems)
  return files
}

// ---- snapshots of the bundled rule files (scripts/compile-rules.js -> dist/rules.compiled.json) ----

/** Bumped whenever the snapshot format or what it records changes: an older snapshot is then ignored. */
export const RULES_SNAPSHOT_VERSION = 1

type Quad = [number, number, number, number]

/** One rule file as the YAML parser saw it: its value and the position of every node and key. */
export interface RuleFileSnapshot {
  /** sha256 of the file's text; the snapshot is used only when the file still has exactly this text. */
  sha256: string
  value: unknown
  /** Position of the value at each path (key: path parts joined by U+0000). */
  ranges: Record<string, Quad>
  /** Position of the key of each mapping entry. */
  keyRanges: Record<string, Quad>
}

export interface RulesSnapshot {
  version: number
  /** By path relative to the rules folder, with `/` separators. */
  files: Record<string, RuleFileSnapshot>
}

export function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

const pathKey = (path: DocPath): string => path.map(String).join('\u0000')
const quad = (r: Range): Quad => [r.line, r.column, r.endLine, r.endColumn]
const range = (q: Quad): Range => ({line: q[0], column: q[1], endLine: q[2], endColumn: q[3]})

/** Records a parsed (problem-free) rule file so it can be rebuilt without the YAML parser. */
export function snapshotSource(src: SourceDocument, text: string): RuleFileSnapshot {
  const ranges: Record<string, Quad> = {}
  const keyRanges: Record<string, Quad> = {}
  const walk = (v: unknown, path: DocPath): void => {
    ranges[pathKey(path)] = quad(src.rangeOf(path))
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]))
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        keyRanges[pathKey([...path, k])] = quad(src.rangeOf([...path, k], {key: true}))
        walk(x, [...path, k])
      }
    }
  }
  walk(src.value, [])
  return {sha256: textHash(text), value: src.value, ranges, keyRanges}
}

/** A SourceDocument from a snapshot: same value and same rangeOf answers as parsing the text. */
export function sourceFromSnapshot(filePath: string, text: string, snap: RuleFileSnapshot): SourceDocument {
  return {
    filePath,
    text,
    value: snap.value,
    syntaxFindings: [],
    rangeOf(path, options) {
      // Like rangeOfPath in src/profile/source.ts: the deepest existing node on the path.
      let best = snap.ranges[''] ?? [1, 1, 1, 1]
      for (let i = 1; i <= path.length; i++) {
        const key = pathKey(path.slice(0, i))
        if (i === path.length && options?.key && snap.keyRanges[key]) return range(snap.keyRanges[key])
        const r = snap.ranges[key]
        if (!r) break
        best = r
      }
      return range(best)
    },
  }
}

/** Loads the rules of one file. A file holds one rule (top-level `id`) or several (`rules: [...]`). */
export function loadRuleFile(file: string, builtin: boolean, snapshot?: RuleFileSnapshot): {rules: Rule[]; problems: LoadProblem[]; idPaths: Map<Rule, DocPath>; y: YamlFile} {
  let text: string
  const shown = displayPath(file)
  try {
    text = readBoundedFile(file, MAX_SOURCE_BYTES).toString('utf8')
  } catch (error) {
    const y = new YamlFile(file, 'x: 1', shown)
    const reason = error instanceof BoundedReadError ? error.reason : (error as Error).message
    return {rules: [], problems: [{file: shown, line: 1, column: 1, message: `Cannot read rule file: ${reason}.`}], idPaths: new Map(), y}
  }
  // A snapshot is used only for the exact text it was made from; otherwise the YAML is parsed.
  const y = new YamlFile(file, snapshot && snapshot.sha256 === textHash(text) ? sourceFromSnapshot(shown, text, snapshot) : text, shown)
  const rules: Rule[] = []
  const idPaths = new Map<Rule, DocPath>()
  if (!y.ok) return {rules, problems: y.problems, idPaths, y}
  // A file that is not a rule file at all (a key file a link points at, some other YAML) is refused
  // without naming its keys or values: they are its content, and may be secrets (ADR 0006).
  const value = y.src.value
  if (!y.isMap(value) || !('id' in value || 'rules' in value)) {
    return {rules, problems: [{file: shown, line: 1, column: 1, message: 'Not a fuseplan rule file: expected a mapping with `id` (one rule) or `rules` (a list of rules).'}], idPaths, y}
  }
  // A snapshot was made of a bundled file that loaded without problems: its structure was checked then.
  if (!y.lazyCel) for (const p of structureProblems('rule-file', y.src, shown)) y.problems.push(p)
  const structureOk = y.problems.length === 0
  const top = y.map(y.src.value)
  if (!top) return {rules, problems: y.problems, idPaths, y}
  if ('rules' in top) {
    y.list(top.rules).forEach((raw, i) => {
      const rule = parseRule(y, ['rules', i], raw, builtin)
      if (rule) {
        rules.push(rule)
        idPaths.set(rule, ['rules', i, 'id'])
      }
    })
  } else {
    const rule = parseRule(y, [], top, builtin)
    if (rule) {
      rules.push(rule)
      idPaths.set(rule, ['id'])
    }
  }
  // The rules of a file with structure problems are still compiled (to report their CEL too), never used.
  if (!structureOk) return {rules: [], problems: y.problems, idPaths: new Map(), y}
  return {rules, problems: y.problems, idPaths, y}
}

function parseRule(y: YamlFile, path: DocPath, raw: unknown, builtin: boolean): Rule | undefined {
  const before = y.problems.length
  const m = y.map(raw)
  if (!m) return undefined
  const id = y.string(m.id)
  const title = y.string(m.title)
  if (title?.includes('\n')) y.error([...path, 'title'], 'Rule `title` must be one line; put the detail in `rationale`.')
  const rationale = y.string(m.rationale)
  const source = y.string(m.source)
  const basis = m.basis as Rule['basis']
  const untested = y.string(m.untested)
  // Severity, scope and option names and values are the schema's to check.
  const severity = m.severity as Rule['severity']
  const scope = (m.scope ?? 'profile') as Rule['scope']
  const options: Record<string, RuleOption> = {}
  for (const [name, def] of Object.entries(y.map(m.options) ?? {})) {
    const d = y.map(def)?.default
    if (typeof d !== 'number' && typeof d !== 'string' && typeof d !== 'boolean') continue
    options[name] = {default: d, description: y.string(y.map(def)?.description) ?? ''}
  }
  const when = y.expr([...path, 'when'], m.when, 'rule `when` condition')
  const forEach = m.forEach === undefined ? undefined : y.expr([...path, 'forEach'], m.forEach, 'rule `forEach`')
  const effects = parseEffects(y, [...path, 'effects'], m.effects)
  const examples = parseExamples(y, [...path, 'examples'], m.examples)
  if (effects && effects.findings.length > 0 && severity === undefined && !effects.findings.every((f) => f.severity)) {
    y.error([...path, 'id'], 'A rule that emits findings needs a `severity` (error, warning or info).')
  }
  if (effects && effects.findings.length === 0 && effects.score.length === 0 && effects.exclude.length === 0 && !effects.masking && !effects.transfer) {
    y.error([...path, 'effects'], 'Rule has no effects: give at least one of score, exclude, masking, transfer, finding.')
  }
  if (y.problems.length > before || !id || !title || !rationale || !source || !when || !effects || !examples) return undefined
  const range = path.length ? y.src.rangeOf(path) : y.src.rangeOf(['id'], {key: true})
  return {
    id,
    title,
    rationale: rationale.trim(),
    source: source.trim(),
    ...(basis ? {basis} : {}),
    ...(untested ? {untested: untested.trim()} : {}),
    severity,
    scope,
    options,
    when,
    forEach,
    effects,
    examples,
    examplesAt: Object.fromEntries(
      (['fires', 'passes'] as const).map((k) => {
        const r = y.src.rangeOf([...path, 'examples', k], {key: true})
        return [k, {file: y.displayPath, line: r.line, column: r.column}]
      }),
    ) as Rule['examplesAt'],
    location: {file: y.displayPath, line: range.line, column: range.column},
    category: effects.findings.length > 0 ? 'lint' : 'decision',
    builtin,
  }
}

function parseStrategy(y: YamlFile, path: DocPath, v: unknown): Template | undefined {
  const t = y.template(path, v, '`strategy`')
  if (t && t.parts.length === 1 && typeof t.parts[0] === 'string' && !isStrategy(t.parts[0])) {
    y.error(path, `Unknown strategy \`${t.parts[0]}\`; use one of ${STRATEGIES.join(', ')} (or a {{ }} template).`)
    return undefined
  }
  return t
}

function parseEffects(y: YamlFile, path: DocPath, raw: unknown): RuleEffects | undefined {
  const m = y.map(raw)
  if (!m) return undefined
  const score: ScoreEffect[] = []
  y.list(m.score).forEach((s, i) => {
    const p = [...path, 'score', i]
    const sm = y.map(s)
    if (!sm) return
    const strategy = parseStrategy(y, [...p, 'strategy'], sm.strategy)
    const delta = y.numberOrExpr([...p, 'delta'], sm.delta, '`delta`')
    const reason = y.template([...p, 'reason'], sm.reason, 'score `reason`')
    if (strategy && delta !== undefined && reason) score.push({strategy, delta, reason})
  })
  const exclude: ExcludeEffect[] = []
  y.list(m.exclude).forEach((s, i) => {
    const p = [...path, 'exclude', i]
    const sm = y.map(s)
    if (!sm) return
    const strategy = parseStrategy(y, [...p, 'strategy'], sm.strategy)
    const reason = y.template([...p, 'reason'], sm.reason, 'exclusion `reason`')
    if (strategy && reason) exclude.push({strategy, reason, ...(sm.soft === true ? {soft: true} : {})})
  })
  let masking: MaskingEffect | undefined
  if (m.masking !== undefined) {
    const p = [...path, 'masking']
    const mm = y.map(m.masking)
    if (mm) {
      masking = {}
      for (const k of ['floor', 'warmupEpochs', 'rampEpochs'] as const) if (mm[k] !== undefined) masking[k] = y.numberOrExpr([...p, k], mm[k], `masking \`${k}\``)
      if (mm.mode === 'independent' || mm.mode === 'patterns') masking.mode = mm.mode
      if (typeof mm.presenceBits === 'boolean') masking.presenceBits = mm.presenceBits
      if (mm.note !== undefined) masking.note = y.template([...p, 'note'], mm.note, 'masking `note`')
    }
  }
  let transfer: TransferEffect | undefined
  if (m.transfer !== undefined) {
    const p = [...path, 'transfer']
    const tm = y.map(m.transfer)
    if (tm) {
      const reason = y.template([...p, 'reason'], tm.reason, 'transfer `reason`')
      const lists = (k: 'steps' | 'validation' | 'biasChecks'): Template[] => y.list(tm[k]).flatMap((s, i) => y.template([...p, k, i], s, `transfer \`${k}\` entry`) ?? [])
      const numbers: Pick<TransferEffect, 'learningRateScale' | 'freezeEncoderEpochs'> = {}
      for (const k of ['learningRateScale', 'freezeEncoderEpochs'] as const) if (tm[k] !== undefined) numbers[k] = y.numberOrExpr([...p, k], tm[k], `transfer \`${k}\``)
      if (reason) transfer = {reason, steps: lists('steps'), validation: lists('validation'), biasChecks: lists('biasChecks'), ...numbers}
    }
  }
  const findings: FindingEffect[] = []
  const rawFindings: [DocPath, unknown][] = m.finding !== undefined ? [[[...path, 'finding'], m.finding]] : []
  y.list(m.findings).forEach((f, i) => rawFindings.push([[...path, 'findings', i], f]))
  for (const [p, f] of rawFindings) {
    const fm = y.map(f)
    if (!fm) continue
    const severity = fm.severity as FindingEffect['severity']
    const message = y.template([...p, 'message'], fm.message, 'finding `message`')
    const fpath = fm.path === undefined ? compileTemplate('') : y.template([...p, 'path'], fm.path, 'finding `path`')
    if (message && fpath) findings.push({severity, message, path: fpath})
  }
  return {score, exclude, masking, transfer, findings, raw}
}

function parseExamples(y: YamlFile, path: DocPath, raw: unknown): Rule['examples'] | undefined {
  const m = y.map(raw)
  const fires = y.map(m?.fires)
  const passes = y.map(m?.passes)
  if (!fires || !passes) return undefined
  for (const [which, patch] of [
    ['fires', fires],
    ['passes', passes],
  ] as const) {
    for (const key of Object.keys(patch)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/.test(key) || /(^|\.)(__proto__|constructor|prototype)(\.|\[|$)/.test(key)) {
        y.error([...path, which, key], `Example patch key \`${key}\` must be a profile path like \`modalities[1].availability\`.`, {key: true})
      }
    }
  }
  return {fires, passes}
}
