// A small streaming CSV parser (RFC 4180: comma-separated, fields optionally in double quotes, `""` is
// a quote inside a quoted field, quoted fields may span lines, CRLF or LF line ends). It keeps the
// line and column where every record and field starts, so a malformed file is reported at the exact
// spot. Feed it chunks with push(); it calls onRecord for each complete record.

export class DataFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message)
    this.name = 'DataFormatError'
  }
}

export interface CsvRecord {
  fields: string[]
  /** Line (1-based) where the record starts. */
  line: number
  /** Column (1-based) where each field starts... */
  columns: number[]
  /** ...on this line (differs from `line` after a quoted line break). */
  lines: number[]
  /** Line and column just after the record's last character (for "too few fields"). */
  endLine: number
  endColumn: number
}

/** No real data cell is this long; a field that grows past it is almost always an unclosed quote. */
export const MAX_FIELD_CHARS = 1 << 20
/** Columns per record: wide omics tables have tens of thousands; more is not a table to map. */
export const MAX_FIELDS = 100_000
/** Characters per record (the header line included): bounds memory whatever the line holds. */
export const MAX_RECORD_CHARS = 8 << 20

/** Characters that end a run of field text: quote, CR, LF, and (outside quotes) the comma. */
function isSpecial(code: number, quoted: boolean): boolean {
  return code === 0x22 || code === 0x0a || code === 0x0d || (!quoted && code === 0x2c)
}

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  AfterQuote,
}

export class CsvParser {
  private state = State.FieldStart
  private field = ''
  private fields: string[] = []
  private columns: number[] = []
  private lines: number[] = []
  private line = 1
  private column = 1
  private recordLine = 1
  private fieldLine = 1
  private fieldColumn = 1
  /** True right after a CR ended a record: a following LF belongs to it. */
  private skipLf = false
  private started = false
  /** Characters of the record read so far. */
  private recordChars = 0

  constructor(private readonly onRecord: (record: CsvRecord) => void) {}

  push(chunk: string): void {
    let i = 0
    if (!this.started) {
      this.started = true
      if (chunk.charCodeAt(0) === 0xfeff) i = 1
    }
    for (; i < chunk.length; i++) {
      const ch = chunk[i]
      if (this.skipLf) {
        this.skipLf = false
        if (ch === '\n') continue
      }
      if (++this.recordChars > MAX_RECORD_CHARS) this.tooLong()
      // A run of ordinary characters inside a field is taken as one slice, not one string per character.
      if ((this.state === State.Unquoted || this.state === State.Quoted) && !isSpecial(chunk.charCodeAt(i), this.state === State.Quoted)) {
        const quoted = this.state === State.Quoted
        let j = i + 1
        while (j < chunk.length && !isSpecial(chunk.charCodeAt(j), quoted)) j++
        this.recordChars += j - i - 1
        if (this.recordChars > MAX_RECORD_CHARS) this.tooLong()
        this.append(chunk.slice(i, j))
        this.column += j - i
        i = j - 1
        continue
      }
      switch (this.state) {
        case State.FieldStart:
          this.fieldLine = this.line
          this.fieldColumn = this.column
          if (this.fields.length === 0) this.recordLine = this.line
          if (ch === '"') {
            this.state = State.Quoted
          } else if (ch === ',') {
            this.endField()
          } else if (ch === '\n' || ch === '\r') {
            this.endRecord(ch)
            continue
          } else {
            this.field += ch
            this.state = State.Unquoted
          }
          break
        case State.Unquoted:
          if (ch === ',') this.endField()
          else if (ch === '\n' || ch === '\r') {
            this.endRecord(ch)
            continue
          } else if (ch === '"') {
            throw new DataFormatError('a double quote inside an unquoted field; quote the whole field and write the quote as "" (RFC 4180)', this.line, this.column)
          } else this.append(ch)
          break
        case State.Quoted:
          if (ch === '"') this.state = State.AfterQuote
          else if (ch === '\n' || ch === '\r') {
            // A line break inside quotes is data; count lines so later positions stay right.
            if (ch === '\r' && chunk[i + 1] === '\n') {
              this.append('\r\n')
              i++
            } else {
              this.append(ch)
              // A CR at the very end of a chunk: its LF (if any) arrives with the next chunk.
              if (ch === '\r' && i + 1 === chunk.length) this.skipLf = true
            }
            this.line++
            this.column = 1
            continue
          } else this.append(ch)
          break
        case State.AfterQuote:
          if (ch === '"') {
            this.append('"')
            this.state = State.Quoted
          } else if (ch === ',') this.endField()
          else if (ch === '\n' || ch === '\r') {
            this.endRecord(ch)
            continue
          } else {
            throw new DataFormatError(`unexpected ${JSON.stringify(ch)} after a closing quote; a quoted field must end at a comma or the end of the line`, this.line, this.column)
          }
          break
      }
      this.column++
    }
  }

  /** Call once after the last chunk. */
  end(): void {
    if (this.state === State.Quoted) {
      throw new DataFormatError('a quoted field is never closed (missing closing double quote)', this.fieldLine, this.fieldColumn)
    }
    if (this.state !== State.FieldStart || this.fields.length > 0) this.finishRecord()
  }

  private tooLong(): never {
    throw new DataFormatError(`a record longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters starts here; is this a CSV file with one row per line?`, this.recordLine, 1)
  }

  private append(ch: string): void {
    this.field += ch
    if (this.field.length > MAX_FIELD_CHARS) {
      throw new DataFormatError(`a field longer than ${MAX_FIELD_CHARS} characters starts here; is a closing quote missing?`, this.fieldLine, this.fieldColumn)
    }
  }

  private endField(): void {
    if (this.fields.length + 1 >= MAX_FIELDS) {
      throw new DataFormatError(`a record with more than ${MAX_FIELDS.toLocaleString('en-US')} fields; fuseplan maps at most ${MAX_FIELDS.toLocaleString('en-US')} columns`, this.line, this.column)
    }
    this.fields.push(this.field)
    this.columns.push(this.fieldColumn)
    this.lines.push(this.fieldLine)
    this.field = ''
    this.state = State.FieldStart
    // The next field starts after the comma.
    this.fieldLine = this.line
    this.fieldColumn = this.column + 1
  }

  private endRecord(ch: string): void {
    this.finishRecord()
    if (ch === '\r') this.skipLf = true
    this.line++
    this.column = 1
  }

  private finishRecord(): void {
    const endLine = this.line
    const endColumn = this.column
    // A trailing comma leaves an empty last field; state FieldStart after a comma means one more field.
    this.fields.push(this.field)
    this.columns.push(this.fieldColumn)
    this.lines.push(this.fieldLine)
    const record: CsvRecord = {fields: this.fields, columns: this.columns, lines: this.lines, line: this.recordLine, endLine, endColumn}
    this.fields = []
    this.columns = []
    this.lines = []
    this.field = ''
    this.state = State.FieldStart
    this.recordChars = 0
    // A blank line is not a record.
    if (record.fields.length === 1 && record.fields[0] === '' && record.endColumn === 1) return
    this.onRecord(record)
  }
}

/** Parses a whole CSV text (for tests and small inputs). */
export function parseCsv(text: string): CsvRecord[] {
  const out: CsvRecord[] = []
  const p = new CsvParser((r) => out.push(r))
  p.push(text)
  p.end()
  return out
}
