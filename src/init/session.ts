// init's conversation, apart from the command (which parses flags, checks paths and writes files):
// what a data file says (label column, guessed mapping), then the questions, the summary and the
// decision, asked again until the user confirms a valid profile or quits. Problems are thrown as
// InitInputError with the exit code they mean (2: unusable answers, 1: the user quit).
import {existsSync} from 'node:fs'
import {basename, dirname, join} from 'node:path'
import {parse as parseYaml} from 'yaml'
import {pathToString} from '../findings.js'
import {schemaRefFrom} from '../profile/shipped-schema.js'
import type {Profile} from '../profile/types.js'
import {profileToYaml} from '../profile/write.js'
import {readBoundedFile} from '../util/read.js'
import {displayPath, writeFileAtomic} from '../util/fs.js'
import {measureData, parseMapSpec, readMappingFile, type ColumnMapping, type Measurement} from './data.js'
import {InitInputError} from './fields.js'
import {collectProfile, type PromptFns} from './flow.js'
import {guessMapping, isIdColumn, labelCandidates, mappedColumns, mappingAsFlags} from './guess.js'
import {looksLikeImagePaths} from './images.js'
import {answerChoices, recordingPrompts, type AskedQuestion} from './replay.js'
import {decisionLine, lintProfileText, summarise} from './summary.js'
import {readSmallText, type Supplied} from './supplied.js'

type Say = (line: string) => void

/** What --from-data measures: the label column and the modalities' columns decided (asked when unclear), then one measuring pass. */
export async function measureFromData(
  data: {file: string; format?: 'csv' | 'jsonl'; mappingFile?: string; mapSpecs: readonly string[]; label?: string},
  interactive: boolean,
  prompts: PromptFns,
  say: Say,
): Promise<Measurement> {
  const mappings: ColumnMapping[] = []
  if (data.mappingFile) mappings.push(...readMappingFile(data.mappingFile, readSmallText(data.mappingFile)))
  for (const spec of data.mapSpecs) mappings.push(parseMapSpec(spec))
  // One pass with every column in one group lists the columns and what they hold (and reports
  // a malformed file at its place); the label and the guessed mapping are decided from it.
  const survey = await measureData(data.file, [{modality: 'all', columns: ['*'], where: '--from-data'}], {format: data.format})
  const label = await labelColumn(survey, data.label, mappings, interactive, prompts, say)
  if (mappings.length === 0) mappings.push(...(await guessedMapping(data.file, survey, label, interactive, prompts, say)))
  return measureData(data.file, mappings, {label, format: data.format})
}

export interface Conversation {
  supplied: Supplied
  measurement: Measurement | undefined
  interactive: boolean
  /** --json: the summary is not printed (stdout holds the JSON). */
  json: boolean
  prompts: PromptFns
  say: Say
  /** The profile file to write, and whether it exists already. */
  out: string
  outExists: boolean
}

/**
 * Asks (or takes from flags and answers) until the profile is valid and, when interactive, the user
 * confirms writing it; a declined or invalid pass keeps every answer in a draft beside the profile and
 * offers to change one answer, go through all, or quit. Returns the profile and its YAML text.
 */
export async function converse(c: Conversation): Promise<{profile: Profile; text: string}> {
  const {supplied, measurement, interactive, json, prompts, say, out, outExists} = c
  // Answers of an unfinished run (declined at "Write ...?") can be resumed: they become the defaults.
  const draft = draftPath(out)
  let previous: Partial<Profile> | undefined
  if (interactive && existsSync(draft)) {
    const saved = readDraft(draft)
    if (saved && (await prompts.confirm({message: `Resume from the answers you left in ${displayPath(draft)} (they become the defaults)?`, default: true}))) previous = saved
  }
  let profile: Profile
  let text: string
  // The questions of the last pass, and the one the user chose to change (only it is asked again).
  let asked: AskedQuestion[] | undefined
  let target: string | undefined
  for (;;) {
    const recording = interactive ? recordingPrompts(prompts, asked && target ? {asked, target} : undefined) : undefined
    // Replaying the other answers prints no section introductions: the user sees only the question they chose.
    profile = await collectProfile({supplied, measurement, interactive, prompts: recording?.prompts ?? prompts, say: target ? () => {} : say, previous})
    asked = recording?.asked

    // The modeline names the schema shipped with this fuseplan, relative to the profile: editors resolve it offline.
    text = profileToYaml(profile, {schema: schemaRefFrom(dirname(out), 'deployment-profile')})
    const check = await lintProfileText(out, text)
    const errors = check.findings.filter((f) => f.severity === 'error')
    if (!check.profile || errors.length > 0) {
      // The file was not written, so point at profile keys rather than at lines of a file that does not exist.
      const lines = errors.map((f) => `  ${pathToString(f.path) || 'profile'}: ${f.message} (${f.ruleId})`)
      if (!interactive) throw new InitInputError(`The answers do not make a valid profile, so nothing was written:\n${lines.join('\n')}`)
      say(`The answers do not make a valid profile yet:\n${lines.join('\n')}`)
    } else {
      if (!json) {
        say('')
        for (const line of summarise(profile)) say(line)
        say(await decisionLine(profile))
        for (const f of check.findings.filter((x) => x.severity !== 'error')) say(`  ${f.severity}: ${f.message} (${f.ruleId})`)
        say('')
      }
      if (!interactive) break
      const go = await prompts.confirm({
        message: outExists ? `Overwrite the existing ${displayPath(out)}?` : `Write ${displayPath(out)}?`,
        default: !outExists,
      })
      if (go) break
    }
    // Declined (or invalid): keep every answer, and offer to go back rather than start over.
    writeFileAtomic(draft, draftText(profile))
    const next = await prompts.select<'change' | 'all' | 'quit'>({
      message: 'What now?',
      choices: [
        // Answers given by flags were not asked, so there may be none to pick from.
        ...(asked && asked.length > 0 ? [{value: 'change' as const, name: 'Change an answer', description: 'Pick one answer from the list; only that question is asked again.'}] : []),
        {value: 'all', name: 'Go through every question', description: 'Each of your answers is the default, so Enter keeps it.'},
        {value: 'quit', name: 'Quit without writing', description: `Your answers stay in ${displayPath(draft)}; running the same init again offers to resume from them.`},
      ],
      default: asked && asked.length > 0 ? 'change' : 'all',
    })
    if (next === 'quit') throw new InitInputError(`Nothing written. Your answers are in ${displayPath(draft)}: run the same \`init\` again to resume from them.`, 1)
    target = next === 'change' && asked && asked.length > 0 ? await prompts.select({message: 'Which answer do you want to change?', choices: answerChoices(asked)}) : undefined
    previous = profile
  }
  return {profile, text}
}

/**
 * The label column: --label (`none`: the data has none, every row is labelled); else the one column
 * named like an outcome; asked when several are, or when none is and the columns are guessed (a
 * label left among them would become a feature). Said either way, never silently picked.
 */
async function labelColumn(
  survey: Measurement,
  given: string | undefined,
  mappings: ColumnMapping[],
  interactive: boolean,
  prompts: PromptFns,
  say: (line: string) => void,
): Promise<string | undefined> {
  if (given === 'none' && !survey.columnStats.some((c) => c.name === 'none')) {
    say('No label column (--label none): every row counts as a labelled sample.')
    return undefined
  }
  if (given !== undefined) return given
  const columns = survey.columnStats.map((c) => c.name)
  const mapped = mappedColumns(columns, mappings)
  const candidates = labelCandidates(columns.filter((c) => !mapped.has(c)))
  if (candidates.length === 1) {
    say(`Label column: ${candidates[0]} (from its name; pass --label COLUMN for another, --label none if the data has none).`)
    return candidates[0]
  }
  const guessing = mappings.length === 0
  if (candidates.length === 0 && !guessing) {
    say('No column is named like a label: every row counts as a labelled sample (pass --label COLUMN to count the rows that have one).')
    return undefined
  }
  const choices = candidates.length > 0 ? candidates : columns.filter((c) => !mapped.has(c) && !isIdColumn(c))
  const why = candidates.length > 1 ? `several columns are named like a label (${candidates.join(', ')})` : 'no column is named like a label (label, target, outcome, y...)'
  if (!interactive) {
    throw new InitInputError(
      `--from-data ${displayPath(survey.file)}: ${why}, so the label column cannot be told apart from the features. Pass --label COLUMN, or --label none if the data has no labels.`,
    )
  }
  const picked = await prompts.select<string>({
    message: `Which column is the label? (${why})`,
    choices: [
      ...choices.map((c) => ({value: c, description: `Present in ${survey.columnStats.find((x) => x.name === c)?.presentRows ?? 0} of ${survey.rows} rows.`})),
      {value: '\u0000none', name: '(no label column)', description: 'Every row counts as a labelled sample.'},
    ],
  })
  return picked === '\u0000none' ? undefined : picked
}

/** No --map: guess the modalities from the column names (and image-path values), show the guess, and have it confirmed. */
async function guessedMapping(file: string, survey: Measurement, label: string | undefined, interactive: boolean, prompts: PromptFns, say: (line: string) => void): Promise<ColumnMapping[]> {
  const images = new Set(survey.columnStats.filter((c) => looksLikeImagePaths(c.samples)).map((c) => c.name))
  const guess = guessMapping(survey.modalities[0].columns, label, images)
  if (guess.length === 0) {
    throw new InitInputError(`--from-data needs to know which columns belong to which modality, and no column name suggests one: pass --map "ehr=age,hr,bp_*" (once per modality) or --mapping FILE.`)
  }
  say(`No --map given; the modalities guessed from the columns of ${file}:`)
  for (const m of guess) say(`  ${m.modality}: ${m.columns.join(', ')}${m.columns.length === 1 && images.has(m.columns[0]) ? ' (image file paths)' : ''}`)
  say(`  (as flags: ${mappingAsFlags(guess)})`)
  if (interactive && !(await prompts.confirm({message: 'Use this mapping?', default: true}))) {
    throw new InitInputError(`Nothing written. Pass the mapping you want with --map, one per modality; the guess above as flags is a start: ${mappingAsFlags(guess)}`)
  }
  return guess
}

/** Where the answers of a run declined at "Write ...?" wait to be resumed: hidden, beside the profile. */
export function draftPath(out: string): string {
  return join(dirname(out), `.${basename(out)}.draft`)
}

function draftText(profile: Profile): string {
  return profileToYaml(profile, {kind: 'InitAnswers', bare: true, noModeline: true, header: ['Answers of an unfinished `fuseplan init`: the next run offers to resume from them. Safe to delete.']})
}

/** The answers of a draft, or undefined when the file is not one (it is only ever a source of defaults). */
function readDraft(file: string): Partial<Profile> | undefined {
  try {
    const value = parseYaml(readBoundedFile(file, 1 << 20).toString('utf8'), {maxAliasCount: 10}) as unknown
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Partial<Profile>) : undefined
  } catch {
    return undefined
  }
}
