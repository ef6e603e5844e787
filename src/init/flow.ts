// The question flow of `fuseplan init`. Every answer comes from one of, in order: a flag or an answers
// file (`Supplied`: used as given, never asked), a prompt (only when interactive), or a default (measured
// from data when `--from-data` was given, otherwise fuseplan's own). The prompt functions are injected so
// tests can drive the flow with @inquirer/testing; this module has no CLI code.
import type {Cohort, Hardware, Interactions, Latency, Missingness, Modality, ModalityType, Pattern, Profile, Task, Timing} from '../profile/types.js'
import type {Measurement} from './data.js'
import {
  checkBoolean,
  checkClasses,
  checkConstraints,
  checkCohortName,
  checkCohortSize,
  checkDescription,
  checkFeatures,
  checkHardware,
  checkInteractions,
  checkLabelledSamples,
  checkLatencyMs,
  checkMetric,
  checkMissingness,
  checkModalityName,
  checkModalityType,
  checkPercentile,
  checkProfileName,
  checkSequence,
  checkShape,
  checkShare,
  checkTaskType,
  checkTiming,
  checkBatch,
  defaultMetric,
  roundShare,
  InitInputError,
  metricsFor,
  type Checked,
} from './fields.js'
import type {Given, Supplied, SuppliedCohort, SuppliedModality} from './supplied.js'

/** The last choice of "Type of the next modality" after the first: stop adding modalities. */
const NO_MORE = '(no more)'

export interface Choice<V extends string> {
  value: V
  name?: string
  description?: string
  checked?: boolean
}

/** The subset of @inquirer/prompts the flow uses; pass the real ones, or wrapped ones in tests. */
export interface PromptFns {
  input(config: {message: string; default?: string; validate?: (value: string) => boolean | string}): Promise<string>
  select<V extends string>(config: {message: string; choices: Choice<V>[]; default?: V}): Promise<V>
  confirm(config: {message: string; default?: boolean}): Promise<boolean>
  checkbox<V extends string>(config: {message: string; choices: Choice<V>[]; validate?: (selected: readonly {value: V}[]) => boolean | string}): Promise<V[]>
}

export interface FlowOptions {
  supplied: Supplied
  measurement?: Measurement
  /** Prompts may be shown. False for --yes / --answers without a terminal: defaults fill the gaps. */
  interactive: boolean
  prompts?: PromptFns
  /** Where section introductions and notes go (the prompt's output stream). */
  say?: (line: string) => void
  /**
   * Answers of an earlier pass (going back from the summary, or a saved draft): they become the
   * defaults of the prompts, so Enter keeps each one. Never used without prompts.
   */
  previous?: Partial<Profile>
}

export const DEFAULT_NAME = 'my-model'
export const DEFAULT_LABELLED_SAMPLES = 5000
export const DEFAULT_LATENCY_BUDGET_MS = 100

const TYPE_DESCRIPTIONS: Record<ModalityType, string> = {
  tabular: 'a table of numbers and categories (EHR, transactions, clickstream features)',
  image: 'pixels: X-rays, photos, scans',
  text: 'documents or notes, as token or embedding vectors',
  timeseries: 'a sequence of readings over time (vitals, a wearable stream)',
  omics: 'a wide molecular panel (genomics, proteomics)',
  embedding: 'a precomputed embedding vector',
}

const DEFAULT_FEATURES: Record<ModalityType, number> = {tabular: 32, image: 0, text: 768, timeseries: 0, omics: 1000, embedding: 256}

type SizeKind = 'features' | 'shape' | 'sequence'
export function sizeKindFor(type: ModalityType): SizeKind {
  return type === 'image' ? 'shape' : type === 'timeseries' ? 'sequence' : 'features'
}

class Flow {
  private readonly say: (line: string) => void
  private readonly supplied: Supplied
  private readonly data?: Measurement
  private readonly prev: Partial<Profile>
  /** Modalities whose availability was confirmed unchanged from the measurement (patterns stay consistent). */
  private measuredAvailabilityKept = true

  constructor(private readonly o: FlowOptions) {
    this.say = o.say ?? (() => {})
    this.supplied = o.supplied
    this.data = o.measurement
    this.prev = o.interactive && o.previous && typeof o.previous === 'object' ? o.previous : {}
    if (o.interactive && !o.prompts) throw new Error('interactive flow needs prompt functions')
  }

  private get ask(): boolean {
    return this.o.interactive
  }

  // ---- the three ways an answer arrives ------------------------------------------------------

  private fromGiven<T>(given: Given, check: (raw: unknown) => Checked<T>): T {
    const r = check(given.raw)
    if (!r.ok) throw new InitInputError(`${given.where}: ${r.message}`)
    return r.value
  }

  private fromDefault<T>(check: (raw: unknown) => Checked<T>, raw: unknown, what: string): T {
    const r = check(raw)
    if (!r.ok) throw new InitInputError(`No usable default for ${what}: ${r.message}`)
    return r.value
  }

  private async text<T>(q: {given?: Given; check: (raw: unknown) => Checked<T>; message: string; default: string; ask?: boolean}): Promise<T> {
    if (q.given) return this.fromGiven(q.given, q.check)
    if (!this.ask || q.ask === false) return this.fromDefault(q.check, q.default, q.message)
    const raw = await this.o.prompts!.input({
      message: q.message,
      default: q.default === '' ? undefined : q.default,
      validate: (value) => {
        const r = q.check(value)
        return r.ok ? true : r.message
      },
    })
    return this.fromDefault(q.check, raw, q.message)
  }

  private async choose<V extends string>(q: {given?: Given; check: (raw: unknown) => Checked<V>; message: string; choices: Choice<V>[]; default: V}): Promise<V> {
    if (q.given) return this.fromGiven(q.given, q.check)
    if (!this.ask) return q.default
    return this.o.prompts!.select({message: q.message, choices: q.choices, default: q.default})
  }

  private async yesNo(q: {given?: Given; message: string; what: string; default: boolean; ask?: boolean}): Promise<boolean> {
    if (q.given) return this.fromGiven(q.given, (raw) => checkBoolean(raw, q.what))
    if (!this.ask || q.ask === false) return q.default
    return this.o.prompts!.confirm({message: q.message, default: q.default})
  }

  // ---- the profile ----------------------------------------------------------------------------

  async run(): Promise<Profile> {
    const s = this.supplied
    if (this.data) this.introduceData(this.data)
    if (this.ask) this.say('About the model. The name is a slug (lower-case letters, digits, dashes) used in file names and reports.')
    const p = this.prev
    const name = await this.text({given: s.name, check: checkProfileName, message: 'Profile name', default: str(p.name) ?? (this.data ? slugDefault(this.data.cohortName) : DEFAULT_NAME)})
    const description = await this.text({given: s.description, check: checkDescription, message: 'One-line description (optional)', default: str(p.description) ?? ''})
    const task = await this.task()
    const modalities = await this.modalities()
    const cohorts = await this.cohorts(modalities)
    task.labelledSamples = await this.labelledSamples(cohorts)
    const patterns = await this.patterns(modalities)
    if (patterns.length === 0) await this.everyRequestHasOne(modalities)
    const latency = await this.latency()

    const profile = {apiVersion: 'fuseplan/v1', kind: 'DeploymentProfile', name} as Profile
    if (description) profile.description = description
    profile.task = task
    profile.modalities = modalities
    if (cohorts.length > 0) profile.cohorts = cohorts
    if (patterns.length > 0) profile.patterns = patterns
    if (latency) profile.latency = latency
    if (s.constraints) {
      const constraints = this.fromGiven(s.constraints, checkConstraints)
      if (Object.keys(constraints).length > 0) profile.constraints = constraints
    }
    return profile
  }

  private introduceData(m: Measurement): void {
    this.say(`Measured ${m.file}: ${m.rows} rows (${m.format.toUpperCase()}).`)
    for (const mod of m.modalities) {
      const size = mod.type === 'image' ? `image file paths, ${mod.shapeNote}` : `${mod.features} feature${mod.features === 1 ? '' : 's'}`
      this.say(
        `  ${mod.name}: ${mod.columns.length} column${mod.columns.length === 1 ? '' : 's'}, ${size}, present in ${mod.presentRows} row${mod.presentRows === 1 ? '' : 's'} (${fmtShare(mod.availability)})`,
      )
    }
    if (m.label) {
      const unlabelled = m.rows - m.label.presentRows
      this.say(
        `  label ${m.label.column}: present in ${m.label.presentRows} row${m.label.presentRows === 1 ? '' : 's'}${unlabelled > 0 ? `; the ${unlabelled} without it are not labelled samples (the cohort counts the labelled rows)` : ''}`,
      )
    }
    // The most frequent patterns; with many modalities there can be thousands.
    for (const p of m.patterns.slice(0, SHOWN_PATTERNS)) this.say(`  pattern {${p.present.join(', ')}}: ${p.rows} row${p.rows === 1 ? '' : 's'} (${fmtShare(p.share)})`)
    const notShown = m.patterns.length - Math.min(m.patterns.length, SHOWN_PATTERNS)
    if (notShown > 0) this.say(`  …and ${notShown} more pattern${notShown === 1 ? '' : 's'} (all written to the profile).`)
    if (m.otherPatterns.count > 0) {
      this.say(
        `  ${m.otherPatterns.count} rarer pattern${m.otherPatterns.count === 1 ? '' : 's'} (${m.otherPatterns.rows} rows, ${fmtShare(m.otherPatterns.rows / m.rows)}) left out: a profile lists at most ${m.patterns.length}.`,
      )
    }
    if (m.rowsWithNone > 0) this.say(`  ${m.rowsWithNone} row${m.rowsWithNone === 1 ? ' has' : 's have'} none of the mapped modalities.`)
    if (m.unmappedColumns.length > 0) this.say(`  Not mapped to any modality: ${m.unmappedColumns.join(', ')}`)
    if (this.ask) this.say('These numbers are the defaults below; press Enter to keep one, or type a new value.')
  }

  private async task(): Promise<Task> {
    const g = this.supplied.task
    const pt: Partial<Task> = this.prev.task ?? {}
    if (this.ask) this.say('The task: what the model predicts.')
    const type = await this.choose({
      given: g.type,
      check: checkTaskType,
      message: 'Task type',
      default: pick(pt.type, ['binary', 'multiclass', 'regression'] as const) ?? 'binary',
      choices: [
        {value: 'binary', description: 'Two classes, e.g. deteriorates within 24 h or not.'},
        {value: 'multiclass', description: 'One of N classes.'},
        {value: 'regression', description: 'A number, e.g. length of stay.'},
      ],
    })
    let classes: number | undefined
    if (type === 'multiclass') classes = await this.text({given: g.classes, check: checkClasses, message: 'Number of classes', default: str(pt.classes) ?? '3'})
    else if (g.classes) throw new InitInputError(`${g.classes.where}: \`classes\` applies only to a multiclass task; this task is ${type}.`)
    const metric = await this.choose({
      given: g.metric,
      check: (raw) => checkMetric(raw, type),
      message: 'Metric to judge the model by',
      default: pick(pt.metric, metricsFor(type)) ?? defaultMetric(type),
      choices: metricsFor(type).map((value) => ({value, description: METRIC_DESCRIPTIONS[value]})),
    })
    const interactions = await this.choose<Interactions>({
      given: g.interactions,
      check: checkInteractions,
      message: 'Does the label depend on interactions between modalities?',
      default: pick(pt.interactions, ['unknown', 'weak', 'strong'] as const) ?? 'unknown',
      choices: [
        {value: 'unknown', description: 'Not known yet (the usual answer).'},
        {value: 'weak', description: 'Each modality is informative on its own; combining them adds little beyond the sum.'},
        {value: 'strong', description: 'The signal is in combinations, e.g. an image finding only matters with a lab value.'},
      ],
    })
    const task = {type} as Task
    if (classes !== undefined) task.classes = classes
    Object.assign(task, {metric, labelledSamples: 0, interactions})
    return task
  }

  /** Asked after the cohorts, so the default can be the labelled samples they hold. */
  private async labelledSamples(cohorts: Cohort[]): Promise<number> {
    return this.text({
      given: this.supplied.task.labelledSamples,
      check: checkLabelledSamples,
      message: 'Labelled training samples (all cohorts together)',
      default: this.previousLabelled(cohorts) ?? String(this.labelledDefault(cohorts)),
    })
  }

  /**
   * An earlier answer for the labelled samples, unless it was the total derived from the earlier
   * cohorts: then the total follows the cohorts as they are now (edited sizes, a cohort added).
   */
  private previousLabelled(cohorts: Cohort[]): string | undefined {
    const earlier = str(this.prev.task?.labelledSamples)
    if (earlier === undefined) return undefined
    const prevCohorts = Array.isArray(this.prev.cohorts) ? (this.prev.cohorts as Cohort[]).filter((c) => c && typeof c.size === 'number') : []
    const derived = String(this.labelledDefault(prevCohorts))
    return earlier === derived && derived !== String(this.labelledDefault(cohorts)) ? undefined : earlier
  }

  private labelledDefault(cohorts: Cohort[]): number {
    const inCohorts = cohorts.filter((c) => c.labelled !== false).reduce((sum, c) => sum + c.size, 0)
    if (this.data?.label) return Math.max(1, Math.min(this.data.label.presentRows, inCohorts || Infinity))
    if (inCohorts > 0) return inCohorts
    return this.data ? this.data.rows : DEFAULT_LABELLED_SAMPLES
  }

  // ---- modalities ---------------------------------------------------------------------------

  private async modalities(): Promise<Modality[]> {
    const out: Modality[] = []
    const fixed = this.fixedModalities()
    if (this.ask) {
      this.say('Modalities: one entry per input source (a table, an image, a stream...).')
      this.say('  availability = share of inference requests in production in which the modality is present (0..1, or a percentage).')
    }
    if (fixed.length > 0) {
      for (const m of fixed) out.push(await this.modality(m, out))
      return out
    }
    if (!this.ask) {
      out.push(await this.modality({name: 'tabular', where: 'defaults', fields: {}}, out))
      return out
    }
    const before = Array.isArray(this.prev.modalities) ? this.prev.modalities.length : 0
    for (;;) {
      // From the second round on, the type list ends in "no more": a Yes to "Add another?" by
      // mistake costs one keystroke, not a modality the user did not want.
      const next = await this.modality(undefined, out, out.length > 0)
      if (next === null) return out
      out.push(next)
      // One default for every round (Yes), so Enter never drops a modality; an earlier pass's count wins.
      const more = await this.o.prompts!.confirm({
        message: `Add another modality? (${out.length} so far: ${out.map((m) => m.name).join(', ')}; answer n when done)`,
        default: before > 0 ? out.length < before : true,
      })
      if (!more) return out
      if (out.length >= 32) {
        this.say('That is the most a profile can hold (32).')
        return out
      }
    }
  }

  /** Modalities fixed up front: from the data mapping, then the answers file and flags (merged by name). */
  private fixedModalities(): SuppliedModality[] {
    const list: SuppliedModality[] = (this.data?.modalities ?? []).map((m) => ({name: m.name, where: `--map ${m.name}`, fields: {}}))
    for (const m of this.supplied.modalities ?? []) {
      const existing = list.find((x) => x.name === m.name)
      if (existing) existing.fields = m.fields
      else list.push(m)
    }
    return list
  }

  private async modality(given: SuppliedModality | undefined, before: Modality[]): Promise<Modality>
  private async modality(given: undefined, before: Modality[], allowDone: boolean): Promise<Modality | null>
  private async modality(given: SuppliedModality | undefined, before: Modality[], allowDone = false): Promise<Modality | null> {
    const f = given?.fields ?? {}
    const taken = before.map((m) => m.name)
    const measured = given ? this.data?.modalities.find((m) => m.name === given.name) : undefined
    const label = given ? `\`${given.name}\`` : `modality ${before.length + 1}`
    // The same modality of an earlier pass (by position when asked one by one, else by name).
    const pm: Partial<Modality> = (given ? this.prev.modalities?.find((x) => x?.name === given.name) : this.prev.modalities?.[before.length]) ?? {}
    if (this.ask && given) this.say(`Modality ${given.name}:`)
    const done: Choice<typeof NO_MORE>[] = allowDone
      ? [{value: NO_MORE, name: 'no more modalities', description: `Keep ${before.map((m) => m.name).join(', ')} and go on to the training cohorts.`}]
      : []
    const type = await this.choose<ModalityType | typeof NO_MORE>({
      given: f.type,
      check: checkModalityType,
      message: given ? `Type of ${given.name}` : 'Type of the next modality',
      default: pick(pm.type, Object.keys(TYPE_DESCRIPTIONS) as ModalityType[]) ?? measuredType(measured) ?? defaultType(given?.name),
      choices: [...Object.entries(TYPE_DESCRIPTIONS).map(([value, description]) => ({value: value as ModalityType, description})), ...done],
    })
    if (type === NO_MORE) return null
    let name: string
    if (given) {
      const r = checkModalityName(given.name, taken)
      if (!r.ok) throw new InitInputError(`${given.fields.name?.where ?? given.where}: ${r.message}`)
      name = r.value
    } else {
      let suggestion: string = str(pm.name) && !taken.includes(pm.name as string) ? (pm.name as string) : type
      for (let i = 2; taken.includes(suggestion); i++) suggestion = `${type}_${i}`
      name = await this.text({check: (raw) => checkModalityName(raw, taken), message: 'Name (e.g. ehr, cxr, notes)', default: suggestion})
    }
    const m = {name, type} as Modality

    const sizeGiven = f.features ? 'features' : f.shape ? 'shape' : f.sequence ? 'sequence' : undefined
    // Measured columns give a feature count; a single column of an image or series type holds a
    // reference (a file path), so its size is asked in the type's own terms.
    const kind: SizeKind = sizeGiven ?? (measured && (sizeKindFor(type) === 'features' || measured.features > 1) ? 'features' : sizeKindFor(type))
    if (kind === 'features') {
      m.features = await this.text({
        given: f.features,
        check: checkFeatures,
        message: `Number of input features of ${name}`,
        default: str(pm.features) ?? String(measured?.features ?? (DEFAULT_FEATURES[type] || 32)),
      })
    } else if (kind === 'shape') {
      const shape = Array.isArray(pm.shape) ? pm.shape.join('x') : undefined
      m.shape = await this.text({
        given: f.shape,
        check: checkShape,
        message: `Input shape of ${name} (e.g. 224x224x1 for a grey-scale image)`,
        default: shape ?? measured?.shape?.join('x') ?? '224x224x3',
      })
    } else {
      const seq = pm.sequence && typeof pm.sequence === 'object' ? `${pm.sequence.length}x${pm.sequence.channels}` : undefined
      m.sequence = await this.text({given: f.sequence, check: checkSequence, message: `Size of ${name}: time steps x channels (e.g. 96x4)`, default: seq ?? '96x4'})
    }

    const availabilityDefault = measured ? measured.availability : before.length === 0 ? 1 : 0.5
    m.availability = await this.text({
      given: f.availability,
      check: (raw) => checkShare(raw, `The availability of ${name}`),
      message: `Availability of ${name}: share of inference requests where it is present`,
      default: str(pm.availability) ?? String(availabilityDefault),
    })
    if (measured && m.availability !== measured.availability) this.measuredAvailabilityKept = false
    if (f.trainingAvailability) m.trainingAvailability = this.fromGiven(f.trainingAvailability, (raw) => checkShare(raw, `The training availability of ${name}`))

    if (m.availability < 1 || f.missingness) {
      m.missingness = await this.choose<Missingness>({
        given: f.missingness,
        check: checkMissingness,
        message: `Why is ${name} missing when it is?`,
        default: pick(pm.missingness, ['random', 'informative', 'by-design'] as const) ?? 'random',
        choices: [
          {value: 'random', description: 'Unrelated to the outcome (a sensor dropped out, an upload failed).'},
          {value: 'informative', description: 'Its absence says something about the outcome (a test was not ordered because the patient looked well).'},
          {value: 'by-design', description: 'Only some populations ever get it (a research panel, a premium tier).'},
        ],
      })
    }
    m.timing = await this.choose<Timing>({
      given: f.timing,
      check: checkTiming,
      message: `How does ${name} arrive over time?`,
      default: pick(pm.timing, ['static', 'episodic', 'continuous'] as const) ?? (type === 'timeseries' ? 'continuous' : 'static'),
      choices: [
        {value: 'static', description: 'Once per request, fixed (demographics, a genotype).'},
        {value: 'episodic', description: 'Now and then (an imaging study, a lab panel).'},
        {value: 'continuous', description: 'A stream (vitals, a wearable).'},
      ],
    })
    if (m.availability >= 1 || f.required) {
      const required = await this.yesNo({
        given: f.required,
        what: `\`required\` of ${label}`,
        message: `Are requests without ${name} rejected upstream (required, so never dropped in training)?`,
        default: pm.required === true,
      })
      if (required) m.required = true
    }
    const latency = await this.text({
      given: f.encoderLatencyMs,
      check: (raw): Checked<number | undefined> => (raw === '' || raw === undefined || raw === null ? {ok: true, value: undefined} : checkLatencyMs(raw, `The encoder latency of ${name}`, true)),
      message: `Measured encoder latency of ${name} in ms (optional; Enter for fuseplan's estimate)`,
      default: str(pm.encoderLatencyMs) ?? '',
    })
    if (latency !== undefined) m.encoderLatencyMs = latency
    if (f.description) {
      const d = this.fromGiven(f.description, checkDescription)
      if (d) m.description = d
    }
    return m
  }

  /**
   * Under independent presence, some requests carry no modality unless one is always there (lint's
   * `request-without-modality` error). Ask which one that is rather than fail after every answer is in.
   */
  private async everyRequestHasOne(modalities: Modality[]): Promise<void> {
    if (!this.ask || modalities.some((m) => m.availability >= 1 || m.required)) return
    const none = modalities.reduce((p, m) => p * (1 - m.availability), 1)
    if (none <= 0) return
    this.say(`With these availabilities about ${fmtShare(none)} of requests would carry no modality at all, which no model can score.`)
    const pick = await this.o.prompts!.select<string>({
      message: 'Which modality does every request carry? (its availability becomes 1)',
      choices: [
        ...modalities.map((m) => ({value: m.name, description: `Now ${fmtShare(m.availability)}.`})),
        {value: '', name: '(none: keep as is; the profile will not pass lint)', description: 'Requests with no modality are rejected upstream? Mark that modality required instead.'},
      ],
      default: [...modalities].sort((a, b) => b.availability - a.availability)[0].name,
    })
    const m = modalities.find((x) => x.name === pick)
    if (m) {
      m.availability = 1
      delete m.missingness
    }
  }

  // ---- cohorts ------------------------------------------------------------------------------

  private async cohorts(modalities: Modality[]): Promise<Cohort[]> {
    const names = modalities.map((m) => m.name)
    const out: Cohort[] = []
    let fixed: SuppliedCohort[] | undefined = this.supplied.cohorts
    if (!fixed && this.data) fixed = [{name: this.data.cohortName, where: `--from-data ${this.data.file}`, fields: {}, shares: {}}]
    // `--no-cohorts` (an empty supplied list) asks nothing, so it introduces nothing either.
    if (this.ask && !(fixed && fixed.length === 0)) {
      this.say('Training cohorts: groups of training samples, each with its size and the modalities it carries')
      this.say('  (e.g. "icu": 16,500 stays with EHR and some X-rays; "enrolled": 1,500 with genomics too).')
    }
    if (fixed) {
      for (const c of fixed) out.push(await this.cohort(c, names, out))
      return out
    }
    if (!this.ask) return out
    const earlier = Array.isArray(this.prev.cohorts) ? this.prev.cohorts.length : undefined
    let more = await this.o.prompts!.confirm({message: 'Describe a training cohort?', default: earlier === undefined ? true : earlier > 0})
    while (more) {
      out.push(await this.cohort(undefined, names, out))
      if (out.length >= 64) break
      more = await this.o.prompts!.confirm({message: `Add another cohort? (${out.length} so far)`, default: earlier !== undefined && out.length < earlier})
    }
    return out
  }

  private async cohort(given: SuppliedCohort | undefined, modalityNames: string[], before: Cohort[]): Promise<Cohort> {
    const f = given?.fields ?? {}
    const taken = before.map((c) => c.name)
    const pc: Partial<Cohort> = (given ? this.prev.cohorts?.find((x) => x?.name === given.name) : this.prev.cohorts?.[before.length]) ?? {}
    const fromData = given && this.data && given.name === this.data.cohortName && !this.supplied.cohorts?.some((c) => c.name === given.name)
    let name: string
    if (given) {
      const r = checkCohortName(given.name, taken)
      if (!r.ok) throw new InitInputError(`${f.name?.where ?? given.where}: ${r.message}`)
      name = r.value
      if (this.ask) this.say(`Cohort ${name}:`)
    } else {
      const earlierName = str(pc.name) && !taken.includes(pc.name as string) ? pc.name : undefined
      name = await this.text({check: (raw) => checkCohortName(raw, taken), message: 'Cohort name', default: earlierName ?? (before.length === 0 ? 'main' : `cohort_${before.length + 1}`)})
    }
    // From data with a label column, the cohort is the labelled rows: unlabelled ones train nothing.
    const labelledRows = fromData && this.data!.label ? this.data!.label.presentRows : undefined
    const size = await this.text({
      given: f.size,
      check: checkCohortSize,
      message: `Number of samples in ${name}`,
      default: str(pc.size) ?? String(fromData ? (labelledRows ?? this.data!.rows) : 1000),
    })
    const labelled = await this.yesNo({given: f.labelled, what: `\`labelled\` of cohort ${name}`, message: `Do the samples of ${name} carry labels?`, default: pc.labelled !== false})

    let carried: string[]
    if (f.modalities) {
      const raw = f.modalities.raw
      const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[+,\s]+/).filter((x) => x !== '') : undefined
      if (!list || list.length === 0) throw new InitInputError(`${f.modalities.where}: list the modalities cohort ${name} carries, e.g. modalities=ehr+cxr.`)
      for (const m of list) {
        if (typeof m !== 'string' || !modalityNames.includes(m)) {
          throw new InitInputError(`${f.modalities.where}: cohort ${name} names unknown modality \`${String(m)}\`; the modalities are ${modalityNames.join(', ')}.`)
        }
      }
      carried = [...new Set(list as string[])]
    } else if (fromData) {
      carried = this.data!.modalities.filter((m) => m.presentRows > 0).map((m) => m.name)
      if (carried.length === 0) carried = [...modalityNames]
    } else if (this.ask) {
      carried = await this.o.prompts!.checkbox({
        message: `Which modalities does ${name} carry? (space to toggle, enter to confirm)`,
        choices: modalityNames.map((value) => ({value, checked: Array.isArray(pc.modalities) ? pc.modalities.includes(value) : true})),
        validate: (selected) => (selected.length > 0 ? true : 'Pick at least one modality: a cohort with no inputs cannot train anything.'),
      })
    } else {
      carried = [...modalityNames]
    }
    // Keep the profile's modality order so output does not depend on the order answers were given in.
    carried = modalityNames.filter((m) => carried.includes(m))

    for (const key of Object.keys(given?.shares ?? {})) {
      if (!carried.includes(key)) {
        throw new InitInputError(`${given!.shares[key].where}: cohort ${name} gives a share for \`${key}\`, which it does not carry; add it to modalities or drop the share.`)
      }
    }
    const availability: Record<string, number> = {}
    for (const m of carried) {
      const measured = fromData ? this.data!.modalities.find((x) => x.name === m) : undefined
      const measuredShare =
        measured && labelledRows !== undefined && labelledRows > 0 && measured.labelledPresentRows !== undefined ? roundShare(measured.labelledPresentRows / labelledRows) : measured?.availability
      const share = await this.text({
        given: given?.shares[m],
        check: (raw) => checkShare(raw, `The share of ${name} samples with ${m}`),
        message: `Share of ${name} samples that have ${m}`,
        default: str(pc.availability?.[m]) ?? String(measuredShare ?? 1),
      })
      if (share < 1) availability[m] = share
    }
    const cohort: Cohort = {name, size, labelled, modalities: carried}
    if (Object.keys(availability).length > 0) cohort.availability = availability
    if (f.description) {
      const d = this.fromGiven(f.description, checkDescription)
      if (d) cohort.description = d
    }
    return cohort
  }

  // ---- patterns -----------------------------------------------------------------------------

  private async patterns(modalities: Modality[]): Promise<Pattern[]> {
    const names = modalities.map((m) => m.name)
    if (this.supplied.patterns) {
      const out: Pattern[] = []
      let sum = 0
      for (const p of this.supplied.patterns) {
        for (const m of p.present) {
          if (!names.includes(m)) throw new InitInputError(`${p.where}: names unknown modality \`${m}\`; the modalities are ${names.join(', ')}.`)
        }
        const share = this.fromGiven(p.share, (raw) => checkShare(raw, 'A pattern share'))
        sum += share
        out.push({present: names.filter((n) => p.present.includes(n)), share})
      }
      if (sum > 1 + 1e-9) throw new InitInputError(`${this.supplied.patterns.at(-1)!.where}: pattern shares add up to ${roundTo(sum, 4)}; they cannot exceed 1.`)
      return out
    }
    const measured = this.data?.patterns ?? []
    if (measured.length === 0) return []
    const consistent = this.measuredAvailabilityKept && measured.every((p) => p.present.every((n) => names.includes(n)))
    if (!consistent) {
      if (this.ask) this.say('Measured presence patterns left out: the availabilities were changed, so they no longer match.')
      return []
    }
    const keep = this.ask
      ? await this.o.prompts!.confirm({
          message: `Record the ${measured.length} measured presence pattern${measured.length === 1 ? '' : 's'} (which modalities arrive together)?`,
          default: true,
        })
      : true
    return keep ? measured.map((p) => ({present: p.present, share: p.share})) : []
  }

  // ---- latency ------------------------------------------------------------------------------

  private async latency(): Promise<Latency | undefined> {
    const g = this.supplied.latency
    if (this.supplied.noLatency) {
      if (Object.keys(g).length > 0) throw new InitInputError(`${this.supplied.noLatency.where}: no latency budget, yet latency settings are given too.`)
      return undefined
    }
    if (this.ask) this.say('Latency: how fast one prediction must be. Strategies whose estimated latency exceeds the budget are ruled out.')
    const budget = await this.text({
      given: g.budgetMs,
      check: (raw): Checked<number | undefined> => (typeof raw === 'string' && /^\s*none\s*$/i.test(raw) ? {ok: true, value: undefined} : checkLatencyMs(raw, 'The latency budget', false)),
      message: 'Latency budget per request in ms (or "none")',
      default: this.prev.task && !this.prev.latency ? 'none' : (str(this.prev.latency?.budgetMs) ?? String(DEFAULT_LATENCY_BUDGET_MS)),
    })
    if (budget === undefined) return undefined
    const latency: Latency = {budgetMs: budget}
    latency.percentile = await this.text({given: g.percentile, check: checkPercentile, message: 'Percentile the budget applies to (99 = p99)', default: str(this.prev.latency?.percentile) ?? '99'})
    latency.hardware = await this.choose<Hardware>({
      given: g.hardware,
      check: checkHardware,
      message: 'Inference hardware',
      default: pick(this.prev.latency?.hardware, ['cpu', 'gpu'] as const) ?? 'cpu',
      choices: [
        {value: 'cpu', description: 'CPU serving.'},
        {value: 'gpu', description: 'GPU serving.'},
      ],
    })
    // Not asked: one request per call is the norm, and the schema's default.
    if (g.batch) latency.batch = this.fromGiven(g.batch, checkBatch)
    return latency
  }
}

const METRIC_DESCRIPTIONS: Record<string, string> = {
  auroc: 'Area under the ROC curve: ranking quality, insensitive to class balance.',
  auprc: 'Area under the precision-recall curve: better for rare positives.',
  accuracy: 'Share of correct predictions.',
  macro_f1: 'F1 averaged over classes: every class counts equally.',
  rmse: 'Root mean squared error.',
  mae: 'Mean absolute error.',
}

/** What the data says a measured modality is: an image column, or a table of several columns. */
function measuredType(measured: Measurement['modalities'][number] | undefined): ModalityType | undefined {
  if (!measured) return undefined
  if (measured.type === 'image') return 'image'
  // Several scalar columns are features of a table, whatever the name suggests ("vitals": hr, bp...).
  if (measured.columns.length > 1) return ['omics', 'embedding'].includes(defaultType(measured.name)) ? defaultType(measured.name) : 'tabular'
  return undefined
}

function defaultType(name: string | undefined): ModalityType {
  if (!name) return 'tabular'
  if (/x_?ray|cxr|ct|mri|image|img|photo|scan|derm|fundus/.test(name)) return 'image'
  if (/note|text|report|narrative/.test(name)) return 'text'
  if (/wear|ecg|ppg|vital|signal|stream|series|sensor|accel/.test(name)) return 'timeseries'
  if (/gen|omic|rna|dna|snp|protein|methyl/.test(name)) return 'omics'
  if (/emb|vector/.test(name)) return 'embedding'
  return 'tabular'
}

/** An earlier answer as prompt text, or undefined when there is none (drafts are read loosely). */
function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined
}

/** An earlier answer when it is one of the choices. */
function pick<V extends string>(value: unknown, choices: readonly V[]): V | undefined {
  return typeof value === 'string' && (choices as readonly string[]).includes(value) ? (value as V) : undefined
}

function slugDefault(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '')
  return slug || DEFAULT_NAME
}

/** Patterns listed one per line when data is measured. */
const SHOWN_PATTERNS = 20

export function fmtShare(share: number): string {
  const pct = share * 100
  // A small share that is not zero is shown as such (0.0002 is "0.02%", 1e-300 is not "0%").
  if (pct !== 0 && Number.isFinite(pct) && roundTo(pct, 2) === 0) return `${Number(pct.toPrecision(2))}%`
  return `${roundTo(pct, 2)}%`
}

function roundTo(n: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(n * f) / f
}

/** Runs the flow: asks what is not given (when interactive) and returns the assembled profile. */
export async function collectProfile(options: FlowOptions): Promise<Profile> {
  return new Flow(options).run()
}
