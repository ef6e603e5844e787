import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {CsvParser, DataFormatError, MAX_FIELD_CHARS, parseCsv, type CsvRecord} from '../../src/init/csv.js'

const fields = (text: string) => parseCsv(text).map((r) => r.fields)

function errorOf(text: string): {line: number; column: number; message: string} {
  try {
    parseCsv(text)
  } catch (error) {
    if (error instanceof DataFormatError) return {line: error.line, column: error.column, message: error.message}
    throw error
  }
  throw new Error('expected a DataFormatError')
}

describe('CSV parser (RFC 4180)', () => {
  it('reads plain, quoted, escaped and multi-line fields with CRLF or LF', () => {
    expect(fields('a,b,c\r\n1,"x, y","say ""hi"""\r\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
    ])
    expect(fields('a,b\n"line 1\nline 2",2\n3,\n')).toEqual([
      ['a', 'b'],
      ['line 1\nline 2', '2'],
      ['3', ''],
    ])
    expect(fields('\ufeffa\n\n1\n')).toEqual([['a'], ['1']]) // BOM dropped, blank line skipped
    expect(fields('a,b')).toEqual([['a', 'b']]) // no final newline
    expect(fields('""\n')).toEqual([['']]) // a quoted empty field is a record, not a blank line
  })

  it('keeps the line and column of each record and field, across quoted line breaks', () => {
    const records = parseCsv('a,bb,c\n"x\ny",2,3\n4,5,6\n')
    expect(records.map((r) => [r.line, r.lines, r.columns])).toEqual([
      [1, [1, 1, 1], [1, 3, 6]],
      [2, [2, 3, 3], [1, 4, 6]],
      [4, [4, 4, 4], [1, 3, 5]],
    ])
  })

  it('reports malformed input at the offending character', () => {
    expect(errorOf('a,b\n1,"open\n2,3\n')).toMatchObject({line: 2, column: 3, message: expect.stringContaining('never closed')})
    expect(errorOf('a,b\n1,x"y\n')).toMatchObject({line: 2, column: 4})
    expect(errorOf('a,b\n"x"y,1\n')).toMatchObject({line: 2, column: 4, message: expect.stringContaining('after a closing quote')})
  })

  it('stops a runaway field instead of buffering the rest of the file', () => {
    const e = errorOf(`a\n"${'x'.repeat(MAX_FIELD_CHARS + 1)}`)
    expect(e).toMatchObject({line: 2, column: 1, message: expect.stringContaining('closing quote missing')})
  })

  it('gives the same records however the input is split into chunks', () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'a', 'NaN', ' x ', '1.5'),
      fc.string({maxLength: 6}).map((s) => `"${s.replace(/"/g, '""')}"`),
    )
    const row = fc.array(cell, {minLength: 1, maxLength: 4}).map((cells) => cells.join(','))
    const doc = fc.tuple(fc.array(row, {minLength: 1, maxLength: 6}), fc.constantFrom('\n', '\r\n'))
    fc.assert(
      fc.property(doc, fc.array(fc.nat(), {maxLength: 5}), ([rows, eol], cuts) => {
        const text = rows.join(eol) + eol
        const whole: CsvRecord[] = []
        let wholeError: unknown
        try {
          const p = new CsvParser((r) => whole.push(r))
          p.push(text)
          p.end()
        } catch (error) {
          wholeError = error
        }
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
        const pieces: string[] = []
        let last = 0
        for (const p of points) {
          pieces.push(text.slice(last, p))
          last = p
        }
        pieces.push(text.slice(last))
        const split: CsvRecord[] = []
        let splitError: unknown
        try {
          const p = new CsvParser((r) => split.push(r))
          for (const piece of pieces) p.push(piece)
          p.end()
        } catch (error) {
          splitError = error
        }
        expect(split).toEqual(whole)
        expect(String(splitError)).toBe(String(wholeError))
        if (wholeError) expect((splitError as DataFormatError).line).toBe((wholeError as DataFormatError).line)
      }),
      {numRuns: 300, seed: 42},
    )
  })
})
