// `init --from-data` without `--map`: a first guess at which columns belong to which modality, from
// their names alone. The user sees it (as the --map flags it stands for) and confirms it; a guess is
// never used silently.
import picomatch from 'picomatch'
import {checkModalityName} from './fields.js'
import type {ColumnMapping} from './data.js'

/** Columns that identify a row or hold the outcome: not inputs. */
const ID_COLUMN = /^(id|.*_id|uuid|index|idx|row)$/i
const LABEL_COLUMN = /^(label|labels|y|target|outcome|class)$/i
/** Names that usually hold the outcome: `label_30d`, `target_los`, `mortality`... (a guess the user sees). */
const LABEL_LIKE = /^(label|target|outcome|y)_|_(label|target|outcome)$|^(mortality|death|died|survived|survival|readmitted|readmission|churn|churned|is_fraud|fraud|defaulted|diagnosis)$/i
/** A reference to a file (an image, a recording) named after its modality: `photo_path`, `cxr_file`. */
const REFERENCE_COLUMN = /^([a-z][a-z0-9]*)_(path|file|filename|url|uri|image|img)$/i
const TEXT_COLUMN = /^(note|notes|text|report|reports|narrative|summary|comment|comments)$/i

function modalityName(raw: string): string | undefined {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40)
  return checkModalityName(name).ok ? name : undefined
}

/**
 * Groups columns into modalities: file references by their prefix (`photo_path` → photo), free-text
 * columns as `notes`, columns sharing a prefix with another (`ehr_age`, `ehr_bmi` → ehr), and the
 * remaining plain columns as one `tabular` modality. Ids and outcome-like columns are left out.
 */
export function guessMapping(columns: readonly string[], label?: string, imageColumns: ReadonlySet<string> = new Set()): ColumnMapping[] {
  const where = 'the mapping guessed from the column names'
  const groups = new Map<string, string[]>()
  const add = (name: string, column: string) => groups.set(name, [...(groups.get(name) ?? []), column])
  const inputs = columns.filter((c) => c !== label && !ID_COLUMN.test(c) && !LABEL_COLUMN.test(c))
  const prefixOf = (c: string): string | undefined => /^([a-z][a-z0-9]*)_./i.exec(c)?.[1] ?? undefined
  const prefixCount = new Map<string, number>()
  for (const c of inputs) {
    const p = prefixOf(c)
    if (p && !REFERENCE_COLUMN.test(c) && !imageColumns.has(c)) prefixCount.set(p, (prefixCount.get(p) ?? 0) + 1)
  }
  const rest: string[] = []
  for (const c of inputs) {
    const ref = REFERENCE_COLUMN.exec(c)
    const p = prefixOf(c)
    // A column of image paths is an image of its own, whatever it is called (`scan`: img/1.png, ...).
    const image = imageColumns.has(c) ? modalityName(ref ? ref[1] : c.replace(/_(path|file|filename|url|uri)$/i, '')) : undefined
    const name = image ?? (ref ? modalityName(ref[1]) : TEXT_COLUMN.test(c) ? 'notes' : p && (prefixCount.get(p) ?? 0) >= 2 ? modalityName(p) : undefined)
    if (name) add(name, c)
    else rest.push(c)
  }
  if (rest.length > 0) groups.set(groups.has('tabular') ? 'tabular_2' : 'tabular', rest)
  const out: ColumnMapping[] = []
  for (const [name, cols] of groups) out.push({modality: name, columns: cols, where})
  return out
}

/** The guess as the flags that would give it, for the user to copy and edit. */
export function mappingAsFlags(mappings: readonly ColumnMapping[]): string {
  return mappings.map((m) => `--map "${m.modality}=${m.columns.join(',')}"`).join(' ')
}

/** Columns whose name says they hold the outcome (`label`, `target`, `outcome_30d`, `mortality`...). */
export function labelCandidates(columns: readonly string[]): string[] {
  return columns.filter((c) => LABEL_COLUMN.test(c) || LABEL_LIKE.test(c))
}

/** Columns an explicit mapping (`--map`, `--mapping`) gives to a modality. */
export function mappedColumns(columns: readonly string[], mappings: readonly ColumnMapping[]): Set<string> {
  const tests = mappings.flatMap((m) => m.columns.map((c) => (s: string) => s === c || picomatch(c, {dot: true})(s)))
  return new Set(columns.filter((c) => tests.some((t) => t(c))))
}

/** Columns that identify a row: never the label, never an input. */
export function isIdColumn(column: string): boolean {
  return ID_COLUMN.test(column)
}
