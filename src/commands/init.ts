import {confirm, checkbox, input, select} from '@inquirer/prompts'
import {Flags} from '@oclif/core'
import {existsSync, rmSync, statSync} from 'node:fs'
import {resolve} from 'node:path'
import {invocation} from '../cli/invocation.js'
import {FuseplanCommand} from '../cli/base-command.js'
import type {Measurement} from '../init/data.js'
import {InitInputError} from '../init/fields.js'
import type {PromptFns} from '../init/flow.js'
import {converse, draftPath, measureFromData} from '../init/session.js'
import {suppliedFromFlags} from '../init/supplied.js'
import type {Profile} from '../profile/types.js'
import {profileToYaml} from '../profile/write.js'
import {displayPath, writeFileAtomic} from '../util/fs.js'
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
        measurement = await measureFromData(
          {file: flags['from-data'], format: flags['data-format'] as 'csv' | 'jsonl' | undefined, mappingFile: flags.mapping, mapSpecs: flags.map ?? [], label: flags.label},
          interactive,
          prompts,
          say,
        )
      } else if (flags.map || flags.mapping || flags.label) {
        return fail('--map, --mapping and --label describe a data file; pass it with --from-data FILE.')
      }
      if (interactive) {
        say('fuseplan init: describe where the model will be deployed. Press Enter to keep a default; Ctrl-C to stop (nothing is written).')
        if (outExists) say(`Note: ${displayPath(out)} exists; you will be asked before it is replaced.`)
      }

      const {profile, text} = await converse({supplied, measurement, interactive, json, prompts, say, out, outExists})

      if (profile.modalities.length === 1) {
        process.stderr.write(
          `warning: ${escapeControl(displayPath(out))} has one modality; fusion combines two or more, so fuseplan has nothing to fuse yet. Add the others (${interactive ? 'answer Yes to "Add another modality?"' : '--modality "name=...,type=..."'}).\n`,
        )
      }
      writeFileAtomic(out, text)
      rmSync(draftPath(out), {force: true})
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
