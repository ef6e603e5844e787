// Parse YAML while keeping source positions, so every problem can point at file:line:column.
// The `yaml` package's safety limits are on: unique keys, a cap on alias expansion, no custom tags.
import {isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node} from 'yaml'
import {deepestRange, FILE_START, offsetRange} from './path-range.js'
import {readPlainYaml} from './plain-yaml.js'
import type {DocPath, Finding, Range} from '../findings.js'

/** Files larger than this are refused before parsing: profiles are small, and YAML parsing is superlinear. */
export const MAX_SOURCE_BYTES = 1024 * 1024
/** Bounds alias expansion ("billion laughs"): no real profile needs more. */
export const MAX_ALIAS_COUNT = 100
/**
 * Bounds nesting. The YAML parser recurses per level; thousands of levels exhaust the stack, and V8
 * can die outright (out of memory compiling a regular expression) instead of throwing. Real profiles
 * nest about five levels deep.
 */
export const MAX_NESTING = 64

export interface SourceDocument {
  filePath: string
  text: string
  /** Plain JS value of the document, or undefined when it could not be parsed. */
  value: unknown
  /** Position of the node at `path`; for a path that does not exist, its nearest existing ancestor. */
  rangeOf(path: DocPath, options?: {key?: boolean}): Range
  /** Findings from the parser itself: syntax errors, duplicate keys, too many aliases. */
  syntaxFindings: Finding[]
}

function finding(ruleId: string, message: string, range: Range, path: DocPath = []): Finding {
  return {ruleId, severity: 'error', message, path, ...range}
}

export function parseSource(filePath: string, input: string | Buffer): SourceDocument {
  const size = typeof input === 'string' ? Buffer.byteLength(input) : input.length
  const empty = (message: string, ruleId = 'yaml-syntax'): SourceDocument => ({
    filePath,
    text: '',
    value: undefined,
    rangeOf: () => FILE_START,
    syntaxFindings: [finding(ruleId, message, FILE_START)],
  })
  if (size > MAX_SOURCE_BYTES) {
    return empty(`File is ${size} bytes; fuseplan reads YAML files up to ${MAX_SOURCE_BYTES} bytes. Split it or check that it is the right file.`, 'file-too-large')
  }
  if (typeof input !== 'string') {
    if (input.includes(0)) return empty('File looks binary (it contains NUL bytes); expected a YAML text file.', 'not-yaml')
    input = input.toString('utf8')
  }
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input
  if (text.trim() === '') return empty('File is empty; expected a YAML document with `apiVersion` and `kind`.', 'empty-file')

  const tooDeep = nestingProblem(text)
  if (tooDeep) {
    const at = {line: tooDeep.line, column: 1, endLine: tooDeep.line, endColumn: 1}
    const message = `Nesting deeper than ${MAX_NESTING} levels; fuseplan documents nest a few levels. Flatten the structure.`
    return {filePath, text, value: undefined, rangeOf: () => at, syntaxFindings: [finding('yaml-syntax', message, at)]}
  }

  // Most profiles are plain block YAML, which a reader several times faster than `yaml` reads to the
  // same value and positions (ADR 0018); anything else goes to `yaml`.
  const plain = readPlainYaml(text)
  if (plain) return {filePath, text, value: plain.value, syntaxFindings: [], rangeOf: plain.rangeOf}
  return parseWithYaml(filePath, text)
}

/** Parses with the `yaml` package: the value, every syntax finding, and positions (exported for the equivalence test). */
export function parseWithYaml(filePath: string, text: string): SourceDocument {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {
    lineCounter,
    // Duplicate keys are found below in one pass: the parser's own check compares each key with
    // every earlier one, which is quadratic in the number of keys.
    uniqueKeys: false,
    prettyErrors: false,
    strict: true,
    customTags: [],
    // Parse as YAML 1.2 core: no `<<` merge keys, no implicit timestamps or octal surprises.
    version: '1.2',
    schema: 'core',
    // Problems become findings below; nothing goes to stderr on its own.
    logLevel: 'error',
  })

  const toRange = offsetRange(lineCounter)

  const syntaxFindings: Finding[] = []
  const seen = new Set<string>()
  let lines: string[] | undefined
  // One problem, one message: a tab or a key out of line makes the parser misread the rest of its
  // block, and each misread line used to be reported too (13 errors for one tab). As a compiler
  // reports its first syntax error, the first error of each top-level block is reported and the
  // parser's follow-on complaints in the rest of that block are dropped; fixing it shows the next.
  let cascadeEnd = 0
  const cascades: {from: number; to: number}[] = []
  const inCascade = (line: number) => cascades.some((c) => line >= c.from && line <= c.to)
  const parseErrors = [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])
  for (const err of [...parseErrors, ...doc.warnings]) {
    const [start, end] = err.pos
    let range = toRange(start, end)
    let message = humaniseYamlError(err.code, err.message)
    const reported = range.line
    lines ??= text.split('\n')
    if (err.code === 'BLOCK_AS_IMPLICIT_KEY' || err.code === 'MULTILINE_IMPLICIT_KEY') {
      // The parser blames the value before an over-indented key; point at the key's own line.
      const over = overIndentedLine(lines, range.line)
      if (over) {
        range = {line: over.line, column: over.column, endLine: over.line, endColumn: lines[over.line - 1].length + 1}
        message = `This line is indented more than line ${over.line - 1} above it, so YAML reads it as part of that line's value. Indent it like the keys around it.`
      }
    } else if (err.code === 'BAD_INDENT' || err.code === 'MISSING_CHAR') {
      message = misalignedMessage(lines, range.line) ?? message
    }
    if (doc.errors.includes(err as never)) {
      if (range.line <= cascadeEnd) continue
      cascadeEnd = blockEnd(lines, range.line)
      cascades.push({from: Math.min(reported, range.line), to: cascadeEnd})
    }
    const key = `${range.line}:${range.column}:${message}`
    if (seen.has(key)) continue
    seen.add(key)
    syntaxFindings.push({...finding(err.code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax', message, range), severity: doc.errors.includes(err as never) ? 'error' : 'warning'})
  }
  const {duplicates, complex} = checkKeys(doc.contents)
  for (const key of duplicates) {
    const [start, end] = key.range ?? [0, 0]
    const range = toRange(start, end)
    // A key read twice because the lines above it were misread is part of that error, not a second one.
    if (inCascade(range.line)) continue
    syntaxFindings.push(finding('duplicate-key', humaniseYamlError('DUPLICATE_KEY', ''), range))
  }
  for (const key of complex) {
    const [start, end] = key.range ?? [0, 0]
    const range = toRange(start, end)
    // A "complex key" inside a cascade is the parser's misreading of the lines above, not the user's.
    if (inCascade(range.line)) continue
    syntaxFindings.push(finding('yaml-syntax', 'A key must be a plain word, not a list or mapping (`? [a] : 1`): fuseplan documents have no such keys.', range))
  }
  // YAML takes a lone carriage return for a space, so a file saved with old Mac line endings is one
  // long line (a leading comment then swallows it all): say so instead of "empty" or a stray error.
  const crOnly = !text.includes('\n') && /\r(?!$)/.test(text.trimEnd())
  if (crOnly) {
    syntaxFindings.unshift(finding('yaml-syntax', 'Lines end with a carriage return alone, so YAML reads the whole file as one line. Save it with LF (or CRLF) line endings.', FILE_START))
  }
  if (doc.errors.length === 0 && doc.contents === null && !crOnly) {
    syntaxFindings.push(finding('empty-file', 'Document is empty; expected a YAML mapping with `apiVersion` and `kind`.', FILE_START))
  }

  let value: unknown
  if (doc.errors.length === 0 && duplicates.length === 0 && complex.length === 0) {
    try {
      value = doc.toJS({maxAliasCount: MAX_ALIAS_COUNT})
    } catch (error) {
      const message =
        error instanceof Error && /alias/i.test(error.message)
          ? `Too many YAML aliases: expanding them would exceed ${MAX_ALIAS_COUNT} nodes (an alias bomb?). Write the values out instead.`
          : `Could not read the YAML document: ${error instanceof Error ? error.message : String(error)}`
      syntaxFindings.push(finding('yaml-syntax', message, FILE_START))
    }
  }

  return {
    filePath,
    text,
    value,
    syntaxFindings,
    rangeOf: (path, options) => rangeOfPath(doc, path, options?.key === true, toRange),
  }
}

/**
 * Finds the first place where flow collections (`[`, `{`) or block indentation nest deeper than
 * MAX_NESTING, without parsing. Quoted strings and comments are skipped so brackets inside them
 * do not count; the scan is linear in the text.
 */
export function nestingProblem(text: string): {line: number} | undefined {
  let depth = 0
  let line = 1
  let lineStart = true
  let indent = 0
  // `- - - x` nests one sequence per dash on a single line.
  let dashes = 0
  const indents: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '\n') {
      line++
      lineStart = true
      indent = 0
      dashes = 0
      continue
    }
    if (lineStart) {
      if (c === ' ' || c === '-') {
        indent++
        if (c === '-' && ++dashes > MAX_NESTING) return {line}
        continue
      }
      lineStart = false
      if (c !== '#' && c !== '\r' && depth === 0) {
        while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop()
        indents.push(indent)
        if (indents.length > MAX_NESTING) return {line}
      }
    }
    if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n' || text[i - 1] === '-')) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++
    } else if (c === '"' || c === "'") {
      // Skip a quoted scalar (a stray quote inside a plain scalar only shortens the scan, never lengthens it).
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++) if (c === '"' && text[i] === '\\') i++
      if (text[i] === '\n') i--
    } else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return {line}
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--
    }
  }
  return undefined
}

/** The line after `line` (1-based) when it is a `key:` indented deeper than `line`: the usual cause of "implicit key" errors. */
const indentOf = (line: string): number => /^ */.exec(line)![0].length

/** Lines that hold content (not blank, not only a comment). */
const isContent = (line: string | undefined): boolean => line !== undefined && /^\s*[^\s#]/.test(line)

/** The last line of the top-level block holding `line` (1-based): the line before the next top-level key. */
function blockEnd(lines: string[], line: number): number {
  for (let i = line; i < lines.length; i++) if (isContent(lines[i]) && indentOf(lines[i]) === 0 && !/^-\s/.test(lines[i])) return i
  return lines.length
}

/**
 * For a line the parser could not place (BAD_INDENT, MISSING_CHAR): when its indentation matches no
 * level open above it (the keys of an enclosing mapping, or the `-` of an enclosing list for a list
 * item), a message that says which columns; otherwise undefined (the line itself is in line).
 */
function misalignedMessage(lines: string[], line: number): string | undefined {
  const here = lines[line - 1]
  if (!isContent(here)) return undefined
  const isItem = (l: string) => /^\s*-(\s|$)/.test(l)
  const keyColumn = (l: string) => (isItem(l) ? /^\s*-\s*/.exec(l)![0].length : indentOf(l))
  const keyColumns = new Set<number>()
  const dashColumns = new Set<number>()
  let above: number | undefined
  let limit = Infinity
  for (let i = line - 2; i >= 0 && limit > 0; i--) {
    const l = lines[i]
    if (!isContent(l) || indentOf(l) > limit) continue
    // A list item at the level reached so far: its `-` column is open too (`- name: a` above `  type: x`).
    if (indentOf(l) === limit) {
      if (isItem(l)) dashColumns.add(limit)
      continue
    }
    above ??= i
    keyColumns.add(keyColumn(l))
    if (isItem(l)) dashColumns.add(indentOf(l))
    limit = indentOf(l)
  }
  if (above === undefined) return undefined
  const n = indentOf(here)
  if ((isItem(here) ? dashColumns : keyColumns).has(n) || n > keyColumn(lines[above])) return undefined
  const spaces = (k: number) => `${k} space${k === 1 ? '' : 's'}`
  return `This line is indented ${spaces(n)}, the keys of line ${above + 1} above it ${spaces(keyColumn(lines[above]))}, so YAML cannot tell which mapping it belongs to. Indent it like the keys around it.`
}

function overIndentedLine(lines: string[], line: number): {line: number; column: number} | undefined {
  const above = lines[line - 1]
  const below = lines[line]
  if (above === undefined || below === undefined) return undefined
  if (indentOf(below) > indentOf(above) && /^\s*[^\s#][^:#]*:(\s|$)/.test(below)) return {line: line + 1, column: indentOf(below) + 1}
  return undefined
}

/** Keys that repeat an earlier scalar key of the same mapping, and keys that are collections, in one linear walk. */
function checkKeys(root: unknown): {duplicates: Node[]; complex: Node[]} {
  const out: Node[] = []
  const complex: Node[] = []
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()
    if (isMap(node)) {
      const seen = new Set<unknown>()
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const k = pair.key.value
          if (seen.has(k)) out.push(pair.key)
          else seen.add(k)
        } else if (isMap(pair.key) || isSeq(pair.key)) complex.push(pair.key)
        stack.push(pair.key, pair.value)
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item)
    }
  }
  const byStart = (a: Node, b: Node) => (a.range?.[0] ?? 0) - (b.range?.[0] ?? 0)
  return {duplicates: out.sort(byStart), complex: complex.sort(byStart)}
}

/** Per mapping, its pairs by key (first occurrence), built on first use: lookups stay O(1) with many keys. */
const keyIndex = new WeakMap<object, Map<string, unknown>>()

function pairByKey(map: {items: unknown[]}, key: string): unknown {
  let index = keyIndex.get(map)
  if (!index) {
    index = new Map()
    for (const p of map.items) {
      if (isPair(p) && isScalar(p.key)) {
        const k = String(p.key.value)
        if (!index.has(k)) index.set(k, p)
      }
    }
    keyIndex.set(map, index)
  }
  return index.get(key)
}

function nodeRange(node: Node | null | undefined, toRange: (s: number, e: number) => Range): Range | undefined {
  if (!node || !node.range) return undefined
  const [start, valueEnd] = node.range
  return toRange(start, valueEnd)
}

function rangeOfPath(doc: Document, path: DocPath, wantKey: boolean, toRange: (s: number, e: number) => Range): Range {
  return deepestRange<unknown>(
    doc.contents,
    path,
    wantKey,
    (n) => nodeRange(n as Node, toRange),
    (node, part) => {
      if (isMap(node)) {
        const pair = pairByKey(node, String(part)) as {key: unknown; value: unknown} | undefined
        // A key whose value is null (`key:`) has no value node: point at the key.
        return pair && {key: pair.key, value: pair.value ?? pair.key}
      }
      if (isSeq(node) && typeof part === 'number') {
        const item = node.items[part]
        return item === undefined ? undefined : {value: item}
      }
      return undefined
    },
  )
}

function humaniseYamlError(code: string, message: string): string {
  // The yaml package's messages end with a source excerpt when prettyErrors is on; we keep them terse.
  const first = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
  if (/call stack/i.test(first)) return `Nesting too deep for fuseplan to read (more than ${MAX_NESTING} levels); flatten the structure.`
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Duplicate key: each key may appear only once in a mapping. Remove or rename the second one.'
    case 'TAB_AS_INDENT':
      return 'Tab used for indentation; YAML indents with spaces only. Replace the tab with spaces.'
    default:
      return `Invalid YAML: ${first}`
  }
}
