// A fast reader for the common case: a small, plain YAML document that turns out to be clean.
// js-yaml reads such a file about eight times faster than the `yaml` package, but keeps no source
// positions. Lint uses it to confirm clean files quickly; any file with something to report is read
// again by the positional parser (./source.ts), so every finding still carries file:line:column.
import {CORE_SCHEMA, load} from 'js-yaml'
import {MAX_SOURCE_BYTES, nestingProblem} from './source.js'

/**
 * The document's value, or undefined when the fast path must not be trusted with this text: anchors,
 * aliases and tags (alias expansion is bounded only by the positional parser), deep nesting, binary
 * or oversized input, or anything js-yaml itself rejects.
 */
export function fastParse(bytes: Buffer): unknown {
  if (bytes.length > MAX_SOURCE_BYTES || bytes.includes(0)) return undefined
  let text = bytes.toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (/[&*!]/.test(text) || text.trim() === '' || nestingProblem(text)) return undefined
  try {
    // CORE_SCHEMA is YAML 1.2's core schema, as the positional parser uses: no merge keys, no timestamps.
    const value = load(text, {schema: CORE_SCHEMA, json: false})
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined
  } catch {
    return undefined
  }
}
