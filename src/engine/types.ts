// Rule model: what a rule file (rules/*.yaml) holds once loaded and compiled.
import type {DocPath, Severity} from '../findings.js'
import type {Compiled, Template, NumberOrExpr} from './cel.js'
import type {BuiltinCheck} from '../profile/builtin-checks.js'

export type OptionValue = number | string | boolean

export interface RuleOption {
  default: OptionValue
  description: string
}

export interface Location {
  file: string
  line: number
  column: number
}

/** A profile patch for a rule example: dotted paths (`modalities[1].availability`) to values; null deletes. */
export type ProfilePatch = Record<string, unknown>

export interface ScoreEffect {
  strategy: Template
  delta: NumberOrExpr
  reason: Template
}

export interface ExcludeEffect {
  strategy: Template
  reason: Template
  /** A soft exclusion is lifted when every strategy is excluded; the decision then says it chose an excluded strategy and why. */
  soft?: boolean
}

export interface MaskingEffect {
  floor?: NumberOrExpr
  warmupEpochs?: NumberOrExpr
  rampEpochs?: NumberOrExpr
  mode?: 'independent' | 'patterns'
  presenceBits?: boolean
  note?: Template
}

export interface TransferEffect {
  reason: Template
  steps: Template[]
  validation: Template[]
  biasChecks: Template[]
  /** Fine-tuning learning rate as a share of the training one. */
  learningRateScale?: NumberOrExpr
  /** Epochs at the start of fine-tuning with the encoders frozen. */
  freezeEncoderEpochs?: NumberOrExpr
}

export interface FindingEffect {
  severity?: Severity
  message: Template
  path: Template
}

export interface RuleEffects {
  score: ScoreEffect[]
  exclude: ExcludeEffect[]
  masking?: MaskingEffect
  transfer?: TransferEffect
  findings: FindingEffect[]
  /** Raw YAML of the effects block, for documentation. */
  raw: unknown
}

export interface Rule {
  id: string
  title: string
  rationale: string
  source: string
  /** What the rule rests on: measured by the decision benchmark, an engineering preference, or the literature. */
  basis?: 'measured' | 'engineering' | 'literature'
  /** Why `fuseplan evaluate` cannot test what the rule reads ("not tested by evaluate"), when it cannot. */
  untested?: string
  /** Default severity of the rule's findings (lint rules). */
  severity?: Severity
  options: Record<string, RuleOption>
  when: Compiled
  forEach?: Compiled
  effects: RuleEffects
  examples: {fires: ProfilePatch; passes: ProfilePatch}
  /** Where `examples.fires` and `examples.passes` are written, for a failing example's file:line:col. */
  examplesAt?: {fires: Location; passes: Location}
  location: Location
  /**
   * What a finding of this rule is about: `profile` (the profile is wrong: recommend refuses it on an
   * error) or `decision` (it reports an outcome, e.g. nothing fits the budget). Default `profile`.
   */
  scope: 'profile' | 'decision'
  /** 'lint' when the rule emits findings, else 'decision'. */
  category: 'lint' | 'decision'
  /** Built-in rule (from the bundled rules/ folder) or from a user rule pack. */
  builtin: boolean
}

/** A rule as configured: the loaded rule plus config overrides applied. */
export interface ConfiguredRule {
  rule: Rule
  enabled: boolean
  severity?: Severity
  options: Record<string, OptionValue>
}

/** A built-in check (see builtin-checks.ts) as configured: on or off, and its severity. */
export interface ConfiguredCheck {
  check: BuiltinCheck
  enabled: boolean
  severity: Severity
}

export interface RuleSet {
  rules: ConfiguredRule[]
  /** The built-in checks, in the order of their table, with config overrides applied. */
  checks: ConfiguredCheck[]
  checksById: Map<string, ConfiguredCheck>
  /** Rule folders read, in order. */
  dirs: string[]
  /** Config file applied, if any. */
  configPath?: string
  /** Absolute globs of files lint skips (the config's `ignores`). */
  ignores: string[]
  byId: Map<string, ConfiguredRule>
}

export interface RuleMeta {
  id: string
  title: string
  severity: Severity
  helpUri: string
  description: string
}

export type {BuiltinCheck}

// What evaluating the rules produces; the decision carries these as they are.

export interface DecisionFinding {
  ruleId: string
  severity: Severity
  message: string
  /** Dotted path into the profile, e.g. "modalities[1].availability". */
  path: string
  docPath: DocPath
}

export interface ScoreReason {
  ruleId: string
  delta: number
  reason: string
}

export interface TraceEntry {
  ruleId: string
  fired: boolean
  /** Fact and profile values the rule's condition read, by name. */
  inputs: Record<string, unknown>
  effects: string[]
  error?: string
  /** True when the config turned the rule off: it was not evaluated. */
  disabled?: boolean
  /** True when the rule set's budget on this document ran out while this rule was evaluated. */
  budgetSpent?: boolean
  /** True when the rule was not evaluated because the rule set's budget on this document was spent. */
  budgetSkipped?: boolean
}
