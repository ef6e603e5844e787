// One formatter type and registry for every command's outputs: the --format options are the names.
import {describe, expect, it} from 'vitest'
import Evaluate from '../../src/commands/evaluate.js'
import Lint from '../../src/commands/lint.js'
import Recommend from '../../src/commands/recommend.js'
import {decisionFormats} from '../../src/formatters/decision/index.js'
import {evaluationFormats} from '../../src/formatters/evaluation/index.js'
import {lintFormats} from '../../src/formatters/lint/index.js'
import {formatRegistry} from '../../src/formatters/registry.js'

describe('format registries', () => {
  it('give every command its --format options and default from the registry', () => {
    for (const [command, registry] of [
      [Recommend, decisionFormats],
      [Evaluate, evaluationFormats],
      [Lint, lintFormats],
    ] as const) {
      const flag = command.flags.format as {options?: string[]; default?: unknown}
      expect(flag.options).toEqual([...registry.names])
      const fallback = Array.isArray(flag.default) ? flag.default[0] : flag.default
      expect(fallback).toBe(registry.names[0])
      for (const name of registry.names) expect(typeof registry.pick(name)).toBe('function')
    }
  })

  it('looks names up without reaching into the prototype, and names the formats when one is unknown', () => {
    const r = formatRegistry<number, null, 'a' | 'b'>(['a', 'b'], {a: (v) => `a${v}`, b: (v) => `b${v}`})
    expect(r.pick('b')(1, null)).toBe('b1')
    expect(r.get('toString')).toBeUndefined()
    expect(r.has('constructor')).toBe(false)
    expect(() => r.pick('c')).toThrow('unknown format "c"; the formats are a, b')
  })
})
