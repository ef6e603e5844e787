// A fast reader for the plain block YAML that deployment profiles are written in: block mappings with
// word keys, block sequences, one-line flow collections, one-line quoted and plain scalars, comments.
// It answers only when it is sure to read exactly what the `yaml` package reads with parseSource's
// options (YAML 1.2 core): the same value, the same node positions, and no error, warning or
// duplicate key. On anything else (anchors, tags, block scalars, multi-line scalars, escapes, unusual
// numbers, tabs, lone carriage returns, indented comments ...) it returns undefined and the caller
// parses with `yaml`. Lint spent half its time in that parser; test/profile/plain-yaml.test.ts checks
// this reader against it on generated documents (ADR 0018).
import {LineCounter} from 'yaml'
import type {DocPath, Range} from '../findings.js'
import {deepestRange, offsetRange} from './path-range.js'

/** A node's offsets, as `yaml` gives them: start, end of its value, end of the node (a trailing comment and line break included). */
/** A mapping entry: its key's node and its value's. */
type Pair = {k: Node; v: Node}
type Node = {s: number; e: number; ne: number} & ({kind: 'scalar'} | {kind: 'map'; pairs: Map<string, Pair>} | {kind: 'seq'; items: Node[]})

interface Line {
  indent: number
  /** Offset of the line's first character in the text. */
  start: number
  /** Offset just past the line's break (the next line's start), or the text's length. */
  end: number
  /** Offset of the line's end before its break (trailing spaces included). */
  contentEnd: number
  /** The line after its indentation, trailing spaces removed. */
  text: string
  /** A comment line comes between this line and the next content line. */
  commentAfter: boolean
  /** A comment line comes between the previous content line and this one. */
  commentBefore: boolean
}

export interface PlainDocument {
  value: unknown
  /** Same contract as SourceDocument.rangeOf. */
  rangeOf(path: DocPath, options?: {key?: boolean}): Range
}

/** Thrown to give up: the caller falls back to the full parser. */
const GIVE_UP = Symbol('give up')
const giveUp = (): never => {
  throw GIVE_UP
}

const KEY = /^([A-Za-z_][A-Za-z0-9_/-]*):(?: |$)/
const RESERVED_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__'])
// Characters the reader leaves to `yaml`: controls, DEL and C1 controls, the Unicode line and
// paragraph separators, a byte-order mark, surrogates (emoji and the like) and tabs.
const UNUSUAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ud800-\udfff\t]/
const FLOW_KEY = /([A-Za-z_][A-Za-z0-9_/-]*): +/y
const INT = /^-?(?:0|[1-9][0-9]{0,14})$/
const FLOAT = /^-?(?:0|[1-9][0-9]{0,14})\.[0-9]{1,15}$/
// A plain scalar may not start with these (or the reader does not try).
const PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/

/** The value and positions of `text` when it is in the plain subset, else undefined. */
export function readPlainYaml(text: string): PlainDocument | undefined {
  if (UNUSUAL.test(text)) return undefined
  const lines: Line[] = []
  const lineCounter = new LineCounter()
  lineCounter.addNewLine(0)
  let start = 0
  let commentSeen = false
  while (start < text.length) {
    const nl = text.indexOf('\n', start)
    const end = nl < 0 ? text.length : nl + 1
    if (nl >= 0) lineCounter.addNewLine(end)
    let line = text.slice(start, nl < 0 ? text.length : nl)
    if (line.endsWith('\r')) {
      // CRLF is a line end; a carriage return elsewhere is left to `yaml`.
      if (nl < 0) return undefined
      line = line.slice(0, -1)
    }
    if (line.includes('\r')) return undefined
    let indent = 0
    while (line.charCodeAt(indent) === 32) indent++
    const body = line.slice(indent)
    if (body.startsWith('#')) {
      // An indented comment may belong to the block around it, and `yaml` then counts it in that block's extent.
      if (indent > 0) return undefined
      if (lines.length > 0) lines[lines.length - 1].commentAfter = true
      commentSeen = true
    } else if (body !== '') {
      if (indent === 0 && (body.startsWith('---') || body.startsWith('...') || body.startsWith('%'))) return undefined
      lines.push({indent, start, end, contentEnd: start + line.length, text: body.trimEnd(), commentAfter: false, commentBefore: commentSeen})
      commentSeen = false
    }
    start = end
  }
  if (lines.length === 0 || lines[0].indent !== 0 || isItem(lines[0].text)) return undefined
  let root: {value: unknown; node: Node}
  try {
    const r = new Reader(lines)
    root = r.mapping(0, 0)
    if (r.next !== lines.length) return undefined
  } catch (e) {
    if (e === GIVE_UP) return undefined
    throw e
  }
  const range = offsetRange(lineCounter)
  return {value: root.value, rangeOf: (path, options) => rangeOfPath(root.node, path, options?.key === true, range)}
}

/** As source.ts walks `yaml`'s nodes: the node at `path`, or its deepest existing ancestor. */
function rangeOfPath(root: Node, path: DocPath, wantKey: boolean, range: (s: number, e: number) => Range): Range {
  return deepestRange(
    root,
    path,
    wantKey,
    (n) => range(n.s, n.e),
    (node, part) => {
      if (node.kind === 'map') {
        const pair = node.pairs.get(String(part))
        return pair && {key: pair.k, value: pair.v}
      }
      if (node.kind === 'seq' && typeof part === 'number') {
        const item = node.items[part]
        return item === undefined ? undefined : {value: item}
      }
      return undefined
    },
  )
}

/** A scalar node from `s` to `e` (keys, and values that end where they end). */
const scalarAt = (s: number, e: number): Node => ({kind: 'scalar', s, e, ne: e})

const isItem = (t: string) => t === '-' || t.startsWith('- ')
const spacesAt = (s: string, i: number) => {
  let j = i
  while (s.charCodeAt(j) === 32) j++
  return j - i
}

interface Read {
  value: unknown
  node: Node
}

class Reader {
  next = 0
  constructor(private readonly lines: Line[]) {}

  /** A block node starting at line i, at its indentation. */
  private block(i: number, indent: number): Read {
    return isItem(this.lines[i].text) ? this.sequence(i, indent) : this.mapping(i, indent)
  }

  /**
   * An empty value (`key:` or `-` with nothing after it): null, at the first character after the
   * indicator and its spaces. With a comment on its line or a comment line next to it, `yaml` may
   * stretch the enclosing block over the comment: left to it.
   */
  private empty(i: number, at: number, comment: boolean): Read {
    if (comment || this.lines[i].commentAfter || this.lines[i].commentBefore) giveUp()
    this.next = i + 1
    return {value: null, node: scalarAt(at, at)}
  }

  /** A value on the rest of line i: its node runs on to the line's end. */
  private inlineAt(i: number, rest: string, at: number): Read {
    const read = inline(rest, at)
    read.node.ne = this.lines[i].end
    this.next = i + 1
    return read
  }

  mapping(i: number, indent: number): Read {
    const value: Record<string, unknown> = {}
    const pairs = new Map<string, Pair>()
    const s = this.lines[i].start + this.lines[i].indent
    for (;;) {
      const line = this.lines[i]
      if (!line || line.indent < indent) break
      if (line.indent > indent) giveUp()
      if (isItem(line.text)) break
      const m = KEY.exec(line.text) ?? giveUp()
      const key = m[1]
      if (RESERVED_KEYS.has(key) || Object.hasOwn(value, key)) giveUp()
      const ks = line.start + line.indent
      const restAt = key.length + 1 + spacesAt(line.text, key.length + 1)
      const rest = line.text.slice(restAt)
      let read: Read
      if (rest === '' || rest.startsWith('#')) {
        const n = this.lines[i + 1]
        if (n && n.indent > indent) read = this.block(i + 1, n.indent)
        else if (n && n.indent === indent && isItem(n.text)) read = this.sequence(i + 1, indent)
        // Trailing spaces were trimmed from the text: `yaml` puts the empty value after them.
        else read = this.empty(i, rest === '' ? line.contentEnd : ks + restAt, rest !== '')
      } else {
        read = this.inlineAt(i, rest, ks + restAt)
        const n = this.lines[i + 1]
        // A deeper line after a value continues it (a multi-line scalar) or is an error: `yaml` decides.
        if (n && n.indent > indent) giveUp()
      }
      value[key] = read.value
      pairs.set(key, {k: scalarAt(ks, ks + key.length), v: read.node})
      i = this.next
    }
    this.next = i
    // A block ends where its last value's node does.
    const e = [...pairs.values()].at(-1)?.v.ne ?? s
    return {value, node: {kind: 'map', s, e, ne: e, pairs}}
  }

  sequence(i: number, indent: number): Read {
    const value: unknown[] = []
    const items: Node[] = []
    const s = this.lines[i].start + this.lines[i].indent
    for (;;) {
      const line = this.lines[i]
      if (!line || line.indent < indent) break
      if (line.indent > indent) giveUp()
      if (!isItem(line.text)) break
      const gap = spacesAt(line.text, 1)
      const rest = line.text.slice(1 + gap)
      const at = line.start + line.indent + 1 + gap
      let read: Read
      if (rest === '' || rest.startsWith('#')) {
        const n = this.lines[i + 1]
        if (n && n.indent > indent) read = this.block(i + 1, n.indent)
        else read = this.empty(i, rest === '' ? line.contentEnd : at, rest !== '')
      } else if (KEY.test(rest)) {
        // `- key: value`: a mapping whose keys line up with this first one.
        this.lines[i] = {...line, indent: indent + 1 + gap, text: rest}
        read = this.mapping(i, indent + 1 + gap)
      } else {
        if (isItem(rest)) giveUp()
        read = this.inlineAt(i, rest, at)
        const n = this.lines[i + 1]
        if (n && n.indent > indent) giveUp()
      }
      value.push(read.value)
      items.push(read.node)
      i = this.next
    }
    this.next = i
    const e = items.at(-1)?.ne ?? s
    return {value, node: {kind: 'seq', s, e, ne: e, items}}
  }
}

/** A value that fills the rest of its line in block context (from offset `at`), with an optional trailing comment. */
function inline(s: string, at: number): Read {
  const c = s[0]
  if (c === '[' || c === '{' || c === '"' || c === "'") {
    const [read, end] = c === '[' || c === '{' ? flow(s, 0, at) : quoted(s, 0, at)
    trailer(s, end)
    return read
  }
  if (PLAIN_START.test(s) && !/^-[0-9]/.test(s)) giveUp()
  const hash = s.indexOf(' #')
  const plain = (hash >= 0 ? s.slice(0, hash) : s).trimEnd()
  // `a: b` on one line is a nested mapping to `yaml` (an error); brackets and quotes stay with it too.
  if (plain.endsWith(':') || /: |[[\]{}"']/.test(plain)) giveUp()
  return {value: resolve(plain), node: scalarAt(at, at + plain.length)}
}

/** After a quoted or flow value: only spaces and a comment may follow. */
function trailer(s: string, end: number): void {
  let i = end
  while (s.charCodeAt(i) === 32) i++
  if (i < s.length && !(s[i] === '#' && i > end)) giveUp()
}

function quoted(s: string, start: number, base: number): [Read, number] {
  const q = s[start]
  let out = ''
  let i = start + 1
  for (;;) {
    const j = s.indexOf(q, i)
    if (j < 0) giveUp()
    const part = s.slice(i, j)
    if (q === '"' && part.includes('\\')) giveUp()
    out += part
    if (q === "'" && s[j + 1] === "'") {
      out += "'"
      i = j + 2
      continue
    }
    return [{value: out, node: scalarAt(base + start, base + j + 1)}, j + 1]
  }
}

/** A flow collection that closes on its line; `base` is the offset of s[0] in the text. */
function flow(s: string, start: number, base: number): [Read, number] {
  const close = s[start] === '[' ? ']' : '}'
  const seq: unknown[] = []
  const items: Node[] = []
  const map: Record<string, unknown> = {}
  const pairs = new Map<string, Pair>()
  const done = (end: number): [Read, number] => [
    close === ']' ? {value: seq, node: {kind: 'seq', s: base + start, e: base + end, ne: base + end, items}} : {value: map, node: {kind: 'map', s: base + start, e: base + end, ne: base + end, pairs}},
    end,
  ]
  let i = skip(s, start + 1)
  if (s[i] === close) return done(i + 1)
  for (;;) {
    if (close === '}') {
      // Sticky, so a long line is never copied per entry.
      FLOW_KEY.lastIndex = i
      const m = FLOW_KEY.exec(s) ?? giveUp()
      if (RESERVED_KEYS.has(m[1]) || Object.hasOwn(map, m[1])) giveUp()
      const ks = base + i
      i += m[0].length
      const [read, end] = flowItem(s, i, base)
      map[m[1]] = read.value
      pairs.set(m[1], {k: scalarAt(ks, ks + m[1].length), v: read.node})
      i = end
    } else {
      const [read, end] = flowItem(s, i, base)
      seq.push(read.value)
      items.push(read.node)
      i = end
    }
    i = skip(s, i)
    if (s[i] === close) return done(i + 1)
    if (s[i] !== ',') giveUp()
    i = skip(s, i + 1)
    // A trailing comma, an empty entry or a comment inside the brackets: leave it to `yaml`.
    if (s[i] === close || s[i] === ',' || s[i] === '#') giveUp()
  }
}

function flowItem(s: string, i: number, base: number): [Read, number] {
  const c = s[i]
  if (c === '[' || c === '{') return flow(s, i, base)
  if (c === '"' || c === "'") return quoted(s, i, base)
  if (c === undefined || (PLAIN_START.test(c) && !(c === '-' && /[0-9]/.test(s[i + 1] ?? '')))) giveUp()
  let j = i
  while (j < s.length && !',]}'.includes(s[j])) j++
  const plain = s.slice(i, j).trimEnd()
  if (/[:#[{"']/.test(plain)) giveUp()
  return [{value: resolve(plain), node: scalarAt(base + i, base + i + plain.length)}, j]
}

const skip = (s: string, i: number) => {
  while (s.charCodeAt(i) === 32) i++
  return i
}

/** A plain scalar's value under the YAML 1.2 core schema, or give up on anything unusual. */
function resolve(plain: string): unknown {
  if (plain === '' || plain === '~' || plain === 'null' || plain === 'Null' || plain === 'NULL') return null
  if (plain === 'true' || plain === 'True' || plain === 'TRUE') return true
  if (plain === 'false' || plain === 'False' || plain === 'FALSE') return false
  if (INT.test(plain) || FLOAT.test(plain)) {
    const n = Number(plain)
    // -0 and integers past 2^53 are read by `yaml` in its own way.
    if (Object.is(n, -0) || !Number.isSafeInteger(Math.trunc(n))) giveUp()
    return n
  }
  // Anything else that starts like a number (.5, +1, 0x1f, 1e3, 007, .inf) is left to `yaml`.
  if (/^[-+.0-9]/.test(plain)) giveUp()
  return plain
}
