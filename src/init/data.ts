// `fuseplan init --from-data FILE`: measure a CSV or JSON Lines sample so the prompts can start from
// real numbers. Columns are assigned to modalities by a mapping (`--map "ehr=age,hr,bp_*"` or a YAML
// mapping file); a modality is present in a row when any of its columns is present (not empty, not
// NaN/null/NA). The file is streamed: memory grows with the number of distinct presence patterns,
// not with the number of rows.
import {createReadStream} from 'node:fs'
import {regularFileProblem} from '../util/read.js'
import {MAX_PATTERNS} from '../profile/schema.js'
import {basename, extname} from 'node:path'
import {StringDecoder} from 'node:string_decoder'
import picomatch from 'picomatch'
import {parseSource} from '../profile/source.js'
import {CsvParser, DataFormatError, type CsvRecord} from './csv.js'
import {looksLikeImagePaths, measureImageShape} from './images.js'
import {checkModalityName, InitInputError, roundShare} from './fields.js'

export interface ColumnMapping {
  modality: string
  /** Column names or globs (`bp_*`). */
  columns: string[]
  where: string
}

export interface MeasuredModality {
  name: string
  columns: string[]
  /** Input width: one per scalar column, the array length for array-valued (JSON Lines) columns. */
  features: number
  presentRows: number
  availability: number
  /** Rows with both this modality and a label (with --label): what the training cohort holds. */
  labelledPresentRows?: number
  /** `image` when the modality is one column of image file paths; `shape` read from the images. */
  type?: 'image'
  shape?: [number, number, number]
  /** How the shape was measured (or why it could not be), for the summary. */
  shapeNote?: string
}

/** Per column: rows where it is present, and the first present values (short, for guessing what it holds). */
export interface ColumnStat {
  name: string
  presentRows: number
  samples: string[]
}

export interface MeasuredPattern {
  present: string[]
  rows: number
  share: number
}

export interface Measurement {
  file: string
  format: 'csv' | 'jsonl'
  rows: number
  modalities: MeasuredModality[]
  /** Joint presence patterns, most frequent first; rows with no modality at all are not a pattern. */
  patterns: MeasuredPattern[]
  /** Rarer patterns left out to stay within the profile's limit on patterns. */
  otherPatterns: {count: number; rows: number}
  rowsWithNone: number
  unmappedColumns: string[]
  label?: {column: string; presentRows: number}
  /** Every column in the order first seen, with what it holds. */
  columnStats: ColumnStat[]
  /** A cohort name derived from the file name. */
  cohortName: string
}

/** Values kept per column for guessing its content, and their length. */
const SAMPLES_PER_COLUMN = 20
const SAMPLE_CHARS = 300

/** Cells that mean "absent" (compared case-insensitively after trimming). */
export const MISSING_TOKENS = ['', 'nan', 'null', 'na', 'n/a']

export function isPresent(value: unknown): boolean {
  if (value === null || value === undefined) return false
  if (typeof value === 'number') return Number.isFinite(value)
  if (typeof value === 'string') return !MISSING_TOKENS.includes(value.trim().toLowerCase())
  if (Array.isArray(value)) return value.length > 0
  return true
}

// ---- mapping ------------------------------------------------------------------------------------

/** `--map "ehr=age,hr,bp_*"` */
export function parseMapSpec(spec: string): ColumnMapping {
  const where = `--map ${JSON.stringify(spec)}`
  const eq = spec.indexOf('=')
  if (eq <= 0) throw new InitInputError(`${where}: write the modality, =, then its columns separated by commas (globs allowed), e.g. ehr=age,hr,bp_*.`)
  const modality = spec.slice(0, eq).trim()
  const columns = spec
    .slice(eq + 1)
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '')
  const name = checkModalityName(modality)
  if (!name.ok) throw new InitInputError(`${where}: ${name.message}`)
  if (columns.length === 0) throw new InitInputError(`${where}: no columns after \`=\`; list the columns of \`${modality}\`, e.g. ${modality}=col_a,col_b.`)
  return {modality, columns, where}
}

/** A mapping file: `ehr: [age, hr, "bp_*"]` per line (a list, or one comma-separated string). */
export function readMappingFile(display: string, text: string): ColumnMapping[] {
  const source = parseSource(display, text)
  const syntax = source.syntaxFindings.find((f) => f.severity === 'error')
  if (syntax) throw new InitInputError(`${display}:${syntax.line}:${syntax.column}: ${syntax.message}`)
  const at = (path: (string | number)[]) => {
    const r = source.rangeOf(path)
    return `${display}:${r.line}:${r.column}`
  }
  let root = source.value as Record<string, unknown>
  let prefix: string[] = []
  if (root && typeof root === 'object' && !Array.isArray(root) && 'modalities' in root && Object.keys(root).length === 1) {
    root = root.modalities as Record<string, unknown>
    prefix = ['modalities']
  }
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    throw new InitInputError(`${at([])}: a mapping file maps each modality to its columns, e.g.\n  ehr: [age, heart_rate, "bp_*"]\n  cxr: [cxr_path]`)
  }
  const out: ColumnMapping[] = []
  for (const [modality, value] of Object.entries(root)) {
    const where = at([...prefix, modality])
    const name = checkModalityName(modality)
    if (!name.ok) throw new InitInputError(`${where}: ${name.message}`)
    const columns =
      typeof value === 'string'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : value
    if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string' || c === '')) {
      throw new InitInputError(`${where}: \`${modality}\` needs a list of column names or globs, e.g. [age, "bp_*"].`)
    }
    out.push({modality, columns: columns as string[], where})
  }
  if (out.length === 0) throw new InitInputError(`${at([])}: the mapping file names no modality.`)
  return out
}

class ColumnAssigner {
  private readonly matchers: {mapping: ColumnMapping; column: string; test: (s: string) => boolean; used: boolean}[] = []
  private readonly cache = new Map<string, string | null>()

  constructor(private readonly mappings: ColumnMapping[]) {
    const seen = new Set<string>()
    for (const m of mappings) {
      if (seen.has(m.modality)) throw new InitInputError(`${m.where}: modality \`${m.modality}\` is mapped twice; list all its columns in one place.`)
      seen.add(m.modality)
      for (const column of m.columns) {
        const glob = picomatch(column, {dot: true})
        this.matchers.push({mapping: m, column, test: (s) => s === column || glob(s), used: false})
      }
    }
  }

  /** The modality a column belongs to, or null. */
  assign(column: string): string | null {
    const cached = this.cache.get(column)
    if (cached !== undefined) return cached
    const hits = this.matchers.filter((m) => m.test(column))
    const modalities = [...new Set(hits.map((h) => h.mapping.modality))]
    if (modalities.length > 1) {
      throw new InitInputError(`Column \`${column}\` matches the columns of ${modalities.map((m) => `\`${m}\``).join(' and ')}; a column belongs to one modality. Narrow the globs.`)
    }
    for (const h of hits) h.used = true
    const result = modalities[0] ?? null
    this.cache.set(column, result)
    return result
  }

  /** Throws for a column name or glob that matched nothing. */
  checkAllUsed(columns: string[]): void {
    const unused = this.matchers.find((m) => !m.used)
    if (!unused) return
    const list = columns.slice(0, 30).join(', ') + (columns.length > 30 ? `, … (${columns.length} in all)` : '')
    throw new InitInputError(`${unused.mapping.where}: \`${unused.column}\` matches no column of the data. The columns are: ${list}.`)
  }
}

// ---- measuring ----------------------------------------------------------------------------------

export interface MeasureOptions {
  format?: 'csv' | 'jsonl'
  label?: string
  /** How the file is named in messages (defaults to the path). */
  display?: string
}

export function dataFormatOf(file: string, explicit?: string): 'csv' | 'jsonl' {
  if (explicit === 'csv' || explicit === 'jsonl') return explicit
  const ext = extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return 'jsonl'
  throw new InitInputError(`${file}: cannot tell the data format from the extension \`${ext || '(none)'}\`; use .csv or .jsonl, or pass --data-format csv|jsonl.`)
}

class Tally {
  rows = 0
  rowsWithNone = 0
  labelPresent = 0
  readonly present: number[]
  readonly labelledPresent: number[]
  readonly width: number[]
  readonly patterns = new Map<string, number>()
  readonly columns = new Map<string, ColumnStat>()

  constructor(readonly names: string[]) {
    this.present = names.map(() => 0)
    this.labelledPresent = names.map(() => 0)
    this.width = names.map(() => 0)
  }

  /** A present cell of `column`: counted, and kept as a sample while there are few. */
  cell(column: string, value: unknown): void {
    let stat = this.columns.get(column)
    if (!stat) this.columns.set(column, (stat = {name: column, presentRows: 0, samples: []}))
    stat.presentRows++
    if (stat.samples.length < SAMPLES_PER_COLUMN) stat.samples.push((typeof value === 'string' ? value : JSON.stringify(value)).slice(0, SAMPLE_CHARS))
  }

  noteColumn(column: string): void {
    if (!this.columns.has(column)) this.columns.set(column, {name: column, presentRows: 0, samples: []})
  }

  row(presentIdx: Set<number>, labelled: boolean): void {
    this.rows++
    if (labelled) this.labelPresent++
    if (presentIdx.size === 0) {
      this.rowsWithNone++
      return
    }
    const key = [...presentIdx].sort((a, b) => a - b).join(',')
    for (const i of presentIdx) {
      this.present[i]++
      if (labelled) this.labelledPresent[i]++
    }
    this.patterns.set(key, (this.patterns.get(key) ?? 0) + 1)
  }
}

export async function measureData(file: string, mappings: ColumnMapping[], options: MeasureOptions = {}): Promise<Measurement> {
  const display = options.display ?? file
  if (mappings.length === 0) {
    throw new InitInputError(`--from-data needs to know which columns belong to which modality: pass --map "ehr=age,hr,bp_*" (once per modality) or --mapping FILE.`)
  }
  const format = dataFormatOf(display, options.format)
  const assigner = new ColumnAssigner(mappings)
  const names = mappings.map((m) => m.modality)
  const tally = new Tally(names)
  const columnsByModality = names.map(() => [] as string[])
  const allColumns: string[] = []
  const seenColumns = new Set<string>()
  const noteColumn = (column: string): number => {
    const modality = assigner.assign(column)
    if (!seenColumns.has(column)) {
      seenColumns.add(column)
      allColumns.push(column)
      if (modality !== null) columnsByModality[names.indexOf(modality)].push(column)
    }
    return modality === null ? -1 : names.indexOf(modality)
  }

  // Streamed, so no size limit; but a FIFO or a device (/dev/zero) would never end.
  const notAFile = regularFileProblem(file)
  if (notAFile && notAFile.kind !== 'missing' && notAFile.kind !== 'directory' && notAFile.kind !== 'permission') throw new InitInputError(`${display}: ${notAFile.reason}.`)
  try {
    if (format === 'csv') await measureCsv(file, tally, noteColumn, options.label)
    else await measureJsonl(file, tally, noteColumn, options.label)
  } catch (error) {
    if (error instanceof DataFormatError) throw new InitInputError(`${display}:${error.line}:${error.column}: ${error.message}`)
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new InitInputError(`${display}: no such file.`)
    if (code === 'EISDIR') throw new InitInputError(`${display}: is a directory, not a data file.`)
    if (code === 'EACCES') throw new InitInputError(`${display}: permission denied.`)
    throw error
  }
  if (tally.rows === 0) throw new InitInputError(`${display}: has no data rows${format === 'csv' ? ' below the header' : ''}.`)
  assigner.checkAllUsed(allColumns)
  if (options.label !== undefined && !seenColumns.has(options.label)) {
    throw new InitInputError(`--label ${options.label}: the data has no column \`${options.label}\`.`)
  }

  const columnStats = [...tally.columns.values()]
  const modalities: MeasuredModality[] = names.map((name, i) => {
    const m: MeasuredModality = {
      name,
      columns: columnsByModality[i],
      features: Math.max(1, tally.width[i]),
      presentRows: tally.present[i],
      availability: roundShare(tally.present[i] / tally.rows),
    }
    if (options.label !== undefined) m.labelledPresentRows = tally.labelledPresent[i]
    // One column of image file paths: an image modality, its shape read from a few of the images.
    const only = m.columns.length === 1 ? columnStats.find((c) => c.name === m.columns[0]) : undefined
    if (only && looksLikeImagePaths(only.samples)) {
      m.type = 'image'
      const measured = measureImageShape(file, only.samples)
      if (measured.shape) {
        m.shape = measured.shape
        m.shapeNote = `shape ${measured.shape.join('x')} read from ${measured.read} of its images${measured.differing > 0 ? ` (${measured.differing} of them differ: resize them to one shape)` : ''}`
      } else {
        m.shapeNote = `the ${measured.checked} images looked for were not found next to ${display} or here; give the shape`
      }
    }
    return m
  })
  const allPatterns = [...tally.patterns.entries()].map(([key, rows]) => ({key, rows})).sort((a, b) => b.rows - a.rows || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  // A profile lists at most MAX_PATTERNS patterns: keep the most frequent ones; the rest are left
  // out (their rows still count in each modality's availability), and the summary says how many.
  const kept = allPatterns.slice(0, MAX_PATTERNS)
  const rest = allPatterns.slice(MAX_PATTERNS)
  const otherPatterns = {count: rest.length, rows: rest.reduce((s, p) => s + p.rows, 0)}
  const patterns: MeasuredPattern[] = kept.map(({key, rows}) => ({present: key.split(',').map((i) => names[Number(i)]), rows, share: roundShare(rows / tally.rows)}))
  // Rounding each share can push the sum a hair over the true total; take the excess off the largest.
  const trueTotal = roundShare((tally.rows - tally.rowsWithNone - otherPatterns.rows) / tally.rows)
  const sum = patterns.reduce((s, p) => s + p.share, 0)
  // With hundreds of small patterns the excess can exceed the largest share: spread it, largest first.
  let excess = roundShare(sum - trueTotal)
  for (const p of patterns) {
    if (excess <= 1e-12) break
    const take = Math.min(p.share, excess)
    p.share = roundShare(p.share - take)
    excess = roundShare(excess - take)
  }
  const mapped = new Set(columnsByModality.flat())
  return {
    file: display,
    format,
    rows: tally.rows,
    modalities,
    patterns,
    otherPatterns,
    rowsWithNone: tally.rowsWithNone,
    unmappedColumns: allColumns.filter((c) => !mapped.has(c) && c !== options.label),
    label: options.label === undefined ? undefined : {column: options.label, presentRows: tally.labelPresent},
    columnStats,
    cohortName: cohortNameFor(display),
  }
}

export function cohortNameFor(file: string): string {
  const stem = basename(file).replace(/\.[^.]*$/, '')
  let name = stem
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^[^A-Za-z]+/, '')
    .slice(0, 64)
  if (name === '') name = 'data'
  return name
}

async function* chunks(file: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8')
  const stream = createReadStream(file, {highWaterMark: 1 << 16})
  for await (const buf of stream) {
    const text = decoder.write(buf as Buffer)
    if (text) yield text
  }
  const rest = decoder.end()
  if (rest) yield rest
}

async function measureCsv(file: string, tally: Tally, noteColumn: (c: string) => number, label: string | undefined): Promise<void> {
  let header: string[] | undefined
  let owner: number[] = []
  let labelIdx = -1
  const onRecord = (r: CsvRecord) => {
    if (!header) {
      header = r.fields.map((f) => f.trim())
      const seen = new Map<string, number>()
      header.forEach((name, i) => {
        if (name === '') throw new DataFormatError(`header column ${i + 1} has no name; every column needs one to be mapped`, r.lines[i], r.columns[i])
        if (seen.has(name)) throw new DataFormatError(`column name \`${name}\` appears twice in the header (columns ${seen.get(name)! + 1} and ${i + 1})`, r.lines[i], r.columns[i])
        seen.set(name, i)
      })
      owner = header.map((name) => noteColumn(name))
      for (const name of header) tally.noteColumn(name)
      for (const o of owner) if (o >= 0) tally.width[o] += 1
      labelIdx = label === undefined ? -1 : header.indexOf(label)
      return
    }
    if (r.fields.length !== header.length) {
      const more = r.fields.length > header.length
      throw new DataFormatError(
        `row has ${r.fields.length} fields but the header has ${header.length}${more ? '; the first extra field starts here' : '; the row ends here'}`,
        more ? r.lines[header.length] : r.endLine,
        more ? r.columns[header.length] : r.endColumn,
      )
    }
    const present = new Set<number>()
    for (let i = 0; i < r.fields.length; i++) {
      if (!isPresent(r.fields[i])) continue
      tally.cell(header[i], r.fields[i])
      if (owner[i] >= 0) present.add(owner[i])
    }
    tally.row(present, labelIdx >= 0 && isPresent(r.fields[labelIdx]))
  }
  const parser = new CsvParser(onRecord)
  for await (const text of chunks(file)) parser.push(text)
  parser.end()
  if (!header) throw new DataFormatError('the file is empty; expected a header row naming the columns', 1, 1)
}

/** One JSON line can be large (an embedded vector), but not unboundedly so. */
export const MAX_JSONL_LINE_CHARS = 16 << 20

async function measureJsonl(file: string, tally: Tally, noteColumn: (c: string) => number, label: string | undefined): Promise<void> {
  let pending = ''
  let lineNo = 0
  let first = true
  const widthSeen = new Map<string, number>()
  const handle = (rawLine: string) => {
    lineNo++
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine
    if (first) {
      first = false
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1)
    }
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      const pos = /position (\d+)/.exec(message)
      const column = pos ? Number(pos[1]) + 1 : line.length + 1
      const reason = message
        .replace(/^(Unexpected token|Expected)/, (m) => m.toLowerCase())
        .replace(/ in JSON at position \d+.*$/, '')
        .replace(/\s*\(line \d+ column \d+\)$/, '')
      throw new DataFormatError(`invalid JSON: ${reason}`, lineNo, column)
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new DataFormatError('each line must be a JSON object ({"column": value, ...})', lineNo, line.length - line.trimStart().length + 1)
    }
    const present = new Set<number>()
    for (const [column, cell] of Object.entries(value as Record<string, unknown>)) {
      const o = noteColumn(column)
      if (isPresent(cell)) tally.cell(column, cell)
      else tally.noteColumn(column)
      if (o >= 0) {
        if (isPresent(cell)) present.add(o)
        const width = Array.isArray(cell) ? cell.length : 1
        const before = widthSeen.get(column) ?? 0
        if (width > before) {
          tally.width[o] += width - before
          widthSeen.set(column, width)
        }
      }
    }
    tally.row(present, label !== undefined && isPresent((value as Record<string, unknown>)[label]))
  }
  for await (const text of chunks(file)) {
    pending += text
    let start = 0
    let nl: number
    while ((nl = pending.indexOf('\n', start)) !== -1) {
      handle(pending.slice(start, nl))
      start = nl + 1
    }
    pending = pending.slice(start)
    if (pending.length > MAX_JSONL_LINE_CHARS) {
      throw new DataFormatError(`line is longer than ${MAX_JSONL_LINE_CHARS} characters; JSON Lines needs one object per line`, lineNo + 1, 1)
    }
  }
  if (pending !== '') handle(pending)
}
