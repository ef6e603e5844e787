import {describe, expect, it} from 'vitest'
import {parseXml} from './xml-check.js'

const head = '<?xml version="1.0" encoding="UTF-8"?>\n'

// The checker guards the property tests, so it must itself reject what is not well-formed.
describe('xml-check (test helper)', () => {
  it('accepts and decodes well-formed input', () => {
    const el = parseXml(`${head}<a x="1 &amp; &lt;2&gt; &#10;&quot;"><b/>t&#13;&apos;</a>\n`)
    expect(el.attrs.x).toBe('1 & <2> \n"')
    expect(el.children[0].name).toBe('b')
    expect(el.text).toBe("t\r'")
  })

  it.each([
    ['raw < in text', '<a>1 < 2</a>'],
    ['raw & in text', '<a>R&D</a>'],
    ['raw < in attribute', '<a x="<"/>'],
    ['unknown entity', '<a>&nbsp;</a>'],
    ['control character', '<a>\u0001</a>'],
    ['forbidden reference', '<a>&#1;</a>'],
    ['unbalanced', '<a><b></a>'],
    ['unclosed', '<a>'],
    ['quote in attribute', '<a x="say "hi""/>'],
    ['lone surrogate', '<a>\uD800</a>'],
  ])('rejects %s', (_, body) => {
    expect(() => parseXml(head + body)).toThrow()
  })
})
