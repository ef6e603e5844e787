// A small, strict XML 1.0 well-formedness checker for the JUnit tests (no XML parser is a
// dependency). It parses the subset the formatter emits - declaration, elements, attributes, text,
// character and predefined entity references - and fails on anything else, returning the element
// tree with decoded attribute values and text so tests can compare them with the input data.

export interface XmlElement {
  name: string
  attrs: Record<string, string>
  children: XmlElement[]
  text: string
}

const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*/

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`raw '<' in ${where}`)
  return raw.replace(/&([^;]*);?/g, (all, ref: string) => {
    if (!all.endsWith(';')) throw new Error(`unterminated reference in ${where}: ${all}`)
    if (ref === 'amp') return '&'
    if (ref === 'lt') return '<'
    if (ref === 'gt') return '>'
    if (ref === 'quot') return '"'
    if (ref === 'apos') return "'"
    const m = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref)
    if (!m) throw new Error(`bad reference &${ref}; in ${where}`)
    const cp = m[1] ? Number.parseInt(m[1], 16) : Number(m[2])
    const ch = String.fromCodePoint(cp)
    if (INVALID_CHAR.test(ch)) throw new Error(`reference to a character XML forbids: &${ref};`)
    return ch
  })
}

/** Attribute-value normalisation (XML 1.0 3.3.3): literal whitespace becomes a space, references stay. */
function decodeAttr(raw: string, where: string): string {
  return decode(raw.replace(/[\t\n\r]/g, ' '), where)
}

/** Line-end normalisation (XML 1.0 2.11) of literal text, then references. */
function decodeText(raw: string, where: string): string {
  return decode(raw.replace(/\r\n?/g, '\n'), where)
}

export function parseXml(xml: string): XmlElement {
  const bad = INVALID_CHAR.exec(xml)
  if (bad) throw new Error(`character XML 1.0 forbids at ${bad.index}: U+${bad[0].charCodeAt(0).toString(16)}`)
  let i = 0
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml)
  if (!decl) throw new Error('missing XML declaration')
  i = decl[0].length

  const root: XmlElement = {name: '#document', attrs: {}, children: [], text: ''}
  const stack: XmlElement[] = [root]
  while (i < xml.length) {
    const lt = xml.indexOf('<', i)
    const textEnd = lt === -1 ? xml.length : lt
    const text = xml.slice(i, textEnd)
    if (text) {
      if (text.includes(']]>')) throw new Error("']]>' in text")
      const top = stack[stack.length - 1]
      if (top === root && text.trim()) throw new Error('text outside the root element')
      top.text += decodeText(text, `text of <${top.name}>`)
    }
    if (lt === -1) break
    i = lt + 1
    if (xml[i] === '/') {
      const m = NAME.exec(xml.slice(i + 1))
      if (!m || xml[i + 1 + m[0].length] !== '>') throw new Error(`bad end tag at ${lt}`)
      const open = stack.pop()!
      if (open.name !== m[0]) throw new Error(`</${m[0]}> closes <${open.name}>`)
      i += 2 + m[0].length
      continue
    }
    const m = NAME.exec(xml.slice(i))
    if (!m) throw new Error(`bad tag at ${lt}: ${JSON.stringify(xml.slice(lt, lt + 20))}`)
    const el: XmlElement = {name: m[0], attrs: {}, children: [], text: ''}
    i += m[0].length
    for (;;) {
      const ws = /^[ \t\n]*/.exec(xml.slice(i))![0]
      i += ws.length
      if (xml.startsWith('/>', i)) {
        i += 2
        stack[stack.length - 1].children.push(el)
        break
      }
      if (xml[i] === '>') {
        i += 1
        stack[stack.length - 1].children.push(el)
        stack.push(el)
        break
      }
      if (!ws) throw new Error(`missing space before attribute in <${el.name}>`)
      const a = /^([A-Za-z_][A-Za-z0-9_.-]*)="([^"]*)"/.exec(xml.slice(i))
      if (!a) throw new Error(`bad attribute in <${el.name}> at ${i}: ${JSON.stringify(xml.slice(i, i + 30))}`)
      if (a[1] in el.attrs) throw new Error(`duplicate attribute ${a[1]}`)
      el.attrs[a[1]] = decodeAttr(a[2], `${el.name}@${a[1]}`)
      i += a[0].length
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`)
  if (root.children.length !== 1) throw new Error('expected exactly one root element')
  return root.children[0]
}
