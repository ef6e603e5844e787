import {confirm, checkbox, input, select} from '@inquirer/prompts'
import {Flags} from '@oclif/core'
import {existsSync, rmSync, statSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {invocation} from '../cli/invocation.js'
import {displayPath} from '../cli/load-profile.js'
import {pathToString} from '../findings.js'
import {FuseplanCommand} from '../cli/base-command.js'
import {measureData, parseMapSpec, readMappingFile, type ColumnMapping, type Measurement} from '../init/data.js'
import {InitInputError} from '../init/fields.js'
import {guessMapping, isIdColumn, labelCandidates, mappedColumns, mappingAsFlags} from '../init/guess.js'
import {looksLikeImagePaths} from '../init/images.js'
import {collectProfile, type PromptFns} from '../init/flow.js'
import {answerChoices, recordingPrompts, type AskedQuestion} from '../init/replay.js'
import {decisionLine, lintProfileText, summarise} from '../init/summary.js'
import {readSmallText, suppliedFromFlags} from '../init/supplied.js'
import type {Profile} from '../profile/types.js'
import {schemaRefFrom} from '../profile/shipped-schema.js'
import {profileToYaml} from '../profile/write.js'
import {parse as parseYaml} from 'yaml'
import {readBoundedFile} from '../util/read.js'
import {writeFileAtomic} from '../util/fs.js'
import {escapeControl} from '../util/text.js'

export default class Init extends FuseplanCommand {
  static override summary = 'Write a deployment profile by answering prompts, from flags, or from a data sample.'

  static override description = `Asks what you know about the deployment (the task, each modality and how often it is present at inference, the training cohorts, the latency budget), shows a summary and the decision it leads to, then writes a commented profile that \`fuseplan lint\` accepts.

Every prompt has a flag; flags and answers files are used as given and not asked again. --yes takes the defaults for the rest. With no terminal on stdin, pass --yes or --answers.

Spec syntax (values may be "double-quoted" to contain commas):
  --modality "name=cxr,type=image,shape=224x224x1,availability=0.22,missingness=informative,timing=episodic"
      keys: name type features shape (AxBxC) sequence (STEPSxCHANNELS) availability training missingness
            timing latency (encoder ms) required description; shares as 0.22 or 22%
  --cohort "name=icu,size=18000,modalities=ehr+cxr,cxr=0.26,labelled=true"
      a modality name as key gives its share within the cohort (default 1)
  --pattern "ehr+cxr=0.22"        modalities present together, share of requests
  --map "ehr=age,hr,bp_*"         with --from-data: the columns (globs allowed) of a modality`

  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --yes --out profile.yaml',
    '<%= config.bin %> init --yes --name icu --labelled-samples 18000 --modality "name=ehr,type=tabular,features=120,availability=1" --modality "name=cxr,type=image,shape=224x224x1,availability=0.22,missingness=informative,timing=episodic" --cohort "name=icu,size=18000,modalities=ehr+cxr,cxr=0.26"',
    '<%= config.bin %> init --from-data sample.csv --map "ehr=age,hr,bp_*" --map "cxr=cxr_path"',
    '<%= config.bin %> init --answers answers.yaml --out profile.yaml',
  ]

  static override enableJsonFlag = true

  static override flags = {
    out: Flags.string({char: 'o', description: 'Profile file to write.', default: 'fuseplan.profile.yaml', helpValue: 'FILE'}),
    // No short form: -f is --format in every other command.
    force: Flags.boolean({description: 'Overwrite the profile file (and the --save-answers file) if it exists.'}),
    yes: Flags.boolean({char: 'y', description: 'Take the defaults for everything not given by a flag or answers file; no prompts.'}),
    answers: Flags.string({description: 'Replay an answers file (from --save-answers, or an existing profile).', helpValue: 'FILE', helpGroup: 'ANSWERS'}),
    'save-answers': Flags.string({description: 'Also save the answers, to replay later with --answers.', helpValue: 'FILE', helpGroup: 'ANSWERS'}),
    name: Flags.string({description: 'Profile name (a slug, e.g. icu-deterioration).', helpGroup: 'PROFILE'}),
    description: Flags.string({description: 'One-line description.', helpGroup: 'PROFILE'}),
    'task-type': Flags.string({description: 'binary | multiclass | regression.', helpGroup: 'PROFILE'}),
    classes: Flags.string({description: 'Number of classes (multiclass).', helpGroup: 'PROFILE'}),
    metric: Flags.string({description: 'auroc | auprc | accuracy | macro_f1 | rmse | mae.', helpGroup: 'PROFILE'}),
    'labelled-samples': Flags.string({description: 'Labelled training samples across all cohorts.', helpGroup: 'PROFILE'}),
    interactions: Flags.string({description: 'Cross-modal interactions: unknown | weak | strong.', helpGroup: 'PROFILE'}),
    modality: Flags.string({description: 'A modality, as key=value pairs (repeat per modality; syntax under DESCRIPTION).', multiple: true, helpValue: 'SPEC', helpGroup: 'PROFILE'}),
    cohort: Flags.string({description: 'A training cohort, as key=value pairs (repeatable).', multiple: true, helpValue: 'SPEC', helpGroup: 'PROFILE'}),
    'no-cohorts': Flags.boolean({description: 'Write no cohorts section (do not ask).', exclusive: ['cohort'], helpGroup: 'PROFILE'}),
    'no-patterns': Flags.boolean({description: 'Write no presence patterns, even measured ones (do not ask).', exclusive: ['pattern'], helpGroup: 'PROFILE'}),
    pattern: Flags.string({description: 'A presence pattern at deployment, e.g. "ehr+cxr=0.22" (repeatable).', multiple: true, helpValue: 'SPEC', helpGroup: 'PROFILE'}),
    'latency-budget': Flags.string({description: 'Latency budget per request in ms, or "none".', helpValue: 'MS', helpGroup: 'PROFILE'}),
    'latency-percentile': Flags.string({description: 'Percentile the budget applies to (default 99).', helpGroup: 'PROFILE'}),
    hardware: Flags.string({description: 'Inference hardware: cpu | gpu.', helpGroup: 'PROFILE'}),
    batch: Flags.string({description: 'Requests served per inference call (default 1).', helpGroup: 'PROFILE'}),
    'from-data': Flags.string({description: 'Measure availability, features, presence patterns and size from a CSV or JSON Lines file.', helpValue: 'FILE', helpGroup: 'DATA'}),
    map: Flags.string({description: 'Columns of one modality in the data: "ehr=age,hr,bp_*" (globs; repeatable).', multiple: true, helpValue: 'SPEC', helpGroup: 'DATA'}),
    mapping: Flags.string({description: 'YAML file mapping each modality to its columns, e.g. `ehr: [age, "bp_*"]`.', helpValue: 'FILE', helpGroup: 'DATA'}),
    label: Flags.string({
      description:
        'Label column in the data: labelled samples = rows where it is present (`none`: no label column). Default: the one column named like a label; asked, or required with --yes, when that is ambiguous.',
      helpValue: 'COLUMN',
      helpGroup: 'DATA',
    }),
    'data-format': Flags.string({description: 'Data format when the extension does not tell.', options: ['csv', 'jsonl'], helpGroup: 'DATA'}),
  }

  async run(): Promise<Profile | undefined> {
    const {flags} = await this.parse(Init)
    const json = flags.json === true
    const promptOut = json ? process.stderr : process.stdout
    // Column names and answers come from files: no escape sequences reach the terminal.
    const say = (line: string) => promptOut.write(`${escapeControl(line)}\n`)
    // Problems in the answers or flags stop here (exit 2; 1 when the user chose to quit): see FuseplanCommand.fail.
    const fail = (message: string, code = 2): never => this.fail(message, code)

    // Decide at once whether prompts are possible: never wait on a stdin nobody types into.
    const tty = process.stdin.isTTY === true
    if (!tty && !flags.yes && !flags.answers) {
      return fail('init needs a terminal for its prompts; pass --yes (defaults plus any flags) or --answers FILE to run without one.')
    }
    const interactive = tty && !flags.yes

    const out = resolve(flags.out)
    const outExists = existsSync(out)
    if (outExists && statSync(out).isDirectory()) return fail(`${flags.out} is a directory; give a file name with --out.`)
    if (outExists && !flags.force && !interactive) return fail(`${displayPath(out)} already exists; pass --force to overwrite it, or choose another file with --out.`)
    if (flags['save-answers'] !== undefined) {
      const answers = resolve(flags['save-answers'])
      if (sameFile(answers, out)) return fail(`--save-answers and --out both name ${displayPath(out)}; the answers would replace the profile. Give the answers another file name.`)
      if (existsSync(answers) && statSync(answers).isDirectory()) return fail(`${flags['save-answers']} is a directory; give a file name with --save-answers.`)
      if (existsSync(answers) && !flags.force) return fail(`${displayPath(answers)} already exists; pass --force to overwrite it, or choose another file with --save-answers.`)
    }

    try {
      const supplied = suppliedFromFlags(flags)
      const context = {output: promptOut}
      const prompts: PromptFns = {
        input: (c) => input(c, context),
        select: (c) => select(c, context),
        confirm: (c) => confirm(c, context),
        checkbox: (c) => checkbox(c, context),
      }
      let measurement: Measurement | undefined
      if (flags['from-data']) {
        const file = flags['from-data']
        const format = flags['data-format'] as 'csv' | 'jsonl' | undefined
        const mappings: ColumnMapping[] = []
        if (flags.mapping) mappings.push(...readMappingFile(flags.mapping, readSmallText(flags.mapping)))
        for (const spec of flags.map ?? []) mappings.push(parseMapSpec(spec))
        // One pass with every column in one group lists the columns and what they hold (and reports
        // a malformed file at its place); the label and the guessed mapping are decided from it.
        const survey = await measureData(file, [{modality: 'all', columns: ['*'], where: '--from-data'}], {format})
        const label = await this.labelColumn(survey, flags.label, mappings, interactive, prompts, say)
        if (mappings.length === 0) mappings.push(...(await this.guessedMapping(file, survey, label, interactive, prompts, say)))
        measurement = await measureData(file, mappings, {label, format})
      } else if (flags.map || flags.mapping || flags.label) {
        return fail('--map, --mapping and --label describe a data file; pass it with --from-data FILE.')
      }
      if (interactive) {
        say('fuseplan init: describe where the model will be deployed. Press Enter to keep a default; Ctrl-C to stop (nothing is written).')
        if (outExists) say(`Note: ${displayPath(out)} exists; you will be asked before it is replaced.`)
      }

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
          if (!interactive) return fail(`The answers do not make a valid profile, so nothing was written:\n${lines.join('\n')}`)
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
        if (next === 'quit') return fail(`Nothing written. Your answers are in ${displayPath(draft)}: run the same \`init\` again to resume from them.`, 1)
        target = next === 'change' && asked && asked.length > 0 ? await prompts.select({message: 'Which answer do you want to change?', choices: answerChoices(asked)}) : undefined
        previous = profile
      }

      if (profile.modalities.length === 1) {
        process.stderr.write(
          `warning: ${escapeControl(displayPath(out))} has one modality; fusion combines two or more, so fuseplan has nothing to fuse yet. Add the others (${interactive ? 'answer Yes to "Add another modality?"' : '--modality "name=...,type=..."'}).\n`,
        )
      }
      writeFileAtomic(out, text)
      rmSync(draft, {force: true})
      if (flags['save-answers']) {
        writeFileAtomic(
          resolve(flags['save-answers']),
          profileToYaml(profile, {
            kind: 'InitAnswers',
            explicitEmpty: true,
            bare: true,
            noModeline: true,
            header: ['Answers for `fuseplan init`: replay with `fuseplan init --answers FILE`.'],
          }),
        )
      }
      if (!json) {
        say(`Wrote ${displayPath(out)}${flags['save-answers'] ? ` and answers to ${displayPath(resolve(flags['save-answers']))}` : ''}.`)
        const bin = invocation(this.config.root)
        say(`Next: ${bin} lint ${displayPath(out)}   ${bin} recommend ${displayPath(out)}`)
      }
      return profile
    } catch (error) {
      if (error instanceof InitInputError) return fail(error.message, error.exitCode)
      if (error instanceof Error && error.name === 'ExitPromptError') {
        process.stderr.write('\n')
        process.stderr.write('Cancelled; nothing written.\n')
        return this.exitWith(130)
      }
      throw error
    }
  }

  /**
   * The label column: --label (`none`: the data has none, every row is labelled); else the one column
   * named like an outcome; asked when several are, or when none is and the columns are guessed (a
   * label left among them would become a feature). Said either way, never silently picked.
   */
  private async labelColumn(
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
  private async guessedMapping(file: string, survey: Measurement, label: string | undefined, interactive: boolean, prompts: PromptFns, say: (line: string) => void): Promise<ColumnMapping[]> {
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
}

/** The same path, or two names of one existing file (a link). */
function sameFile(a: string, b: string): boolean {
  if (a === b) return true
  try {
    const sa = statSync(a)
    const sb = statSync(b)
    return sa.dev === sb.dev && sa.ino === sb.ino
  } catch {
    return false
  }
}

/** Where the answers of a run declined at "Write ...?" wait to be resumed: hidden, beside the profile. */
function draftPath(out: string): string {
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
