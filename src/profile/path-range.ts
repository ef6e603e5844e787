// Positions for both YAML readers (src/profile/source.ts with `yaml`, src/profile/plain-yaml.ts):
// offsets become line and column through yaml's LineCounter, and a document path resolves to the
// deepest node that exists on it, so the two readers answer every `rangeOf` the same way.
import type {LineCounter} from 'yaml'
import type {DocPath, Range} from '../findings.js'

export const FILE_START: Range = {line: 1, column: 1, endLine: 1, endColumn: 1}

/** Offsets [start, end) as a Range, read through the document's line starts. */
export function offsetRange(lineCounter: LineCounter): (start: number, end: number) => Range {
  return (start, end) => {
    const a = lineCounter.linePos(start)
    const b = lineCounter.linePos(Math.max(start, end))
    return {line: a.line, column: a.col, endLine: b.line, endColumn: b.col}
  }
}

/** One step down a path: for a mapping the key's node and its value (the key when the value is empty); for a sequence the item. */
export type PathStep<N> = (node: N, part: string | number) => {key?: N; value: N} | undefined

/**
 * The position of the node at `path` (of its key with `wantKey`), or of the deepest node that
 * exists on the path; FILE_START when the document has no positioned root.
 */
export function deepestRange<N>(root: N, path: DocPath, wantKey: boolean, rangeOf: (node: N) => Range | undefined, step: PathStep<N>): Range {
  let node = root
  let best = rangeOf(node) ?? FILE_START
  for (let i = 0; i < path.length; i++) {
    const next = step(node, path[i])
    if (!next) return best
    if (i === path.length - 1 && wantKey && next.key !== undefined) return rangeOf(next.key) ?? best
    node = next.value
    best = rangeOf(node) ?? best
  }
  return best
}
