// The decision as an Architecture Decision Record in MADR 4 form.
//
// Format choices:
// - YAML front matter carries MADR's `status` and `date`, plus `profile`, `profile-hash`,
//   `decision-hash` and `decision-key`: `recommend --out` reads them back to find the ADR a profile
//   last produced. The key covers only the decision (strategy, masking plan, transfer plan): a new ADR
//   is written when it changes, not when a sample count does. The hash covers the body (never the date).
// - A fresh recommendation is `proposed`: people accept it in review, the tool does not.
// - Sections follow MADR 4: Context and Problem Statement, Decision Drivers, Considered Options,
//   Decision Outcome (Consequences, Confirmation), Pros and Cons of the Options, More Information.
//   fuseplan's specifics (masking plan, transfer plan, evaluation plan, latency, findings, the rules
//   that decided it) go under More Information, so a MADR reader finds the usual shape first.
// - Only the date varies from day to day; `--date` pins it. Everything else is a pure function of the
//   Decision, so identical input gives byte-identical output.
import {createHash} from 'node:crypto'
import {masksModalities, STRATEGY_DEFINITIONS} from '../../strategies/index.js'
import type {AdrRendering} from '../../decision/records.js'
import type {Decision, Strategy, StrategyOption} from '../../decision/types.js'
import {latencyText} from '../../facts/latency.js'
import type {RuleSet} from '../../engine/types.js'
import {codeSpan, escapeMarkdown as md} from '../../util/text.js'
import {cell, label, num, pct, showValue} from './util.js'

export interface AdrOptions {
  date: string
  status?: string
  /** The ADR this one supersedes, e.g. {file: '0003-use-late-fusion.md', number: 3}. */
  supersedes?: {file: string; number: number}
  ruleSet?: RuleSet
}

export function adrTitle(decision: Decision): string {
  if (!decision.strategy) return `No fusion strategy fits ${decision.profile.name}`
  const s = decision.strategy
  const withMasking = masksModalities(s) ? ' with modality masking' : ''
  const withTransfer = decision.transfer ? ' and transfer from a data-rich cohort' : ''
  return `Use ${label(s).toLowerCase()}${withMasking}${withTransfer} for ${decision.profile.name}`
}

/**
 * File name after the number: the profile first (profiles share an ADR folder, and the title's tail
 * used to be cut off, leaving names that differed only by number), then the decision in short.
 */
export function adrSlug(decision: Decision): string {
  const words = (text: string): string =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
  const profile = words(decision.profile.name).slice(0, 48).replace(/-+$/, '') || 'profile'
  if (!decision.strategy) return `${profile}-no-strategy-fits`
  const masking = masksModalities(decision.strategy) ? '-with-masking' : ''
  const transfer = decision.transfer ? '-and-transfer' : ''
  return `${profile}-${words(label(decision.strategy))}${masking}${transfer}`
}

/** Hash of the ADR body: tells `--out` whether an ADR says exactly the same. */
export function decisionHash(body: string): string {
  return `sha256:${createHash('sha256').update(body).digest('hex').slice(0, 16)}`
}

/**
 * Hash of what was decided: the strategy, the masking plan and the transfer plan, with numbers at the
 * precision the ADR prints. `--out` writes a new ADR (superseding the old) only when this changes.
 */
export function decisionKey(d: Decision): string {
  const r = (x: number): number => Math.round(x * 1000) / 1000
  const mk = d.masking
  const key = {
    strategy: d.strategy,
    masking: {
      mode: mk.mode,
      floor: r(mk.floor),
      warmupEpochs: mk.warmupEpochs,
      rampEpochs: mk.rampEpochs,
      presenceBits: mk.presenceBits,
      modalities: mk.modalities.map((m) => [m.name, r(m.dropProbability), m.required]),
      patterns: (mk.patterns ?? []).map((p) => [p.present, r(p.share)]),
    },
    transfer: d.transfer ? {pretrain: d.transfer.pretrainCohort, finetune: d.transfer.finetuneCohorts, validate: d.transfer.validationCohorts} : null,
  }
  return `sha256:${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 16)}`
}

export function formatAdr(decision: Decision, options: AdrOptions): string {
  const body = adrBody(decision, options.ruleSet)
  const front = [
    '---',
    `status: ${options.status ?? 'proposed'}`,
    `date: ${options.date}`,
    `profile: ${decision.profile.name}`,
    `profile-hash: "${decision.profile.hash}"`,
    `decision-hash: "${decisionHash(body)}"`,
    `decision-key: "${decisionKey(decision)}"`,
    '---',
    '',
  ]
  const supersedes = options.supersedes ? `Supersedes [ADR-${String(options.supersedes.number).padStart(4, '0')}](${options.supersedes.file}).\n\n` : ''
  const [title, ...rest] = body.split('\n')
  return `${front.join('\n')}${title}\n\n${supersedes}${rest.join('\n').replace(/^\n+/, '')}`
}

function bullets(items: string[]): string[] {
  return items.map((i) => `* ${i}`)
}

type AdrFacts = Record<string, unknown> & {
  modalities: {name: string; type: string; size: number; availability: number; trainingAvailability: number; missingness: string; timing: string; required: boolean}[]
  completeCaseShare: number
  labelledSamples: number
  cohortCount: number
}

/** The ADR's Markdown body, one function per MADR section, in MADR's order. */
export function adrBody(d: Decision, ruleSet?: RuleSet): string {
  const chosen = d.strategy ? d.options.find((o) => o.strategy === d.strategy) : undefined
  return [
    `# ${adrTitle(d)}`,
    '',
    ...contextSection(d),
    ...driversSection(d, ruleSet),
    ...optionsSection(d),
    ...outcomeSection(d, chosen),
    ...sensitivitySection(d),
    ...consequencesSection(d, chosen),
    ...confirmationSection(d),
    ...prosAndConsSection(d),
    ...maskingSection(d),
    ...transferSection(d),
    ...evaluationLatencyAndRulesSection(d),
  ].join('\n')
}

/** Context and Problem Statement: the modalities, how often they are all present, the training data. */
function contextSection(d: Decision): string[] {
  const out: string[] = []
  const facts = d.facts as AdrFacts
  out.push('## Context and Problem Statement', '')
  if (d.profile.description) out.push(md(`${d.profile.description}.`.replace(/\.\.$/, '.')), '')
  const n = facts.modalities.length
  // "Not all present: about 100%" reads as a contradiction; say what the numbers mean instead.
  const presence =
    n === 1
      ? `Fusion combines two or more modalities: with one there is nothing to fuse, and the options below differ only in their encoders. Add the other inputs to the profile to get a meaningful decision. `
      : facts.completeCaseShare >= 1 - 1e-9
        ? 'In production every request carries all of them. '
        : pct(facts.completeCaseShare) === '100%'
          ? 'In production nearly every request (more than 99.9%) carries every modality. '
          : `In production they are not all present: about ${pct(facts.completeCaseShare)} of requests carry every modality${assumesIndependence(d) ? ' (if they go missing independently of each other: the profile gives no observed `patterns`)' : ''}. `
  out.push(
    `The model for \`${d.profile.name}\` reads ${n} modalit${n === 1 ? 'y' : 'ies'}. ` +
      presence +
      `Training has ${Number(facts.labelledSamples).toLocaleString('en-US')} labelled samples${facts.cohortCount > 0 ? ` from ${facts.cohortCount} cohort${facts.cohortCount === 1 ? '' : 's'}` : ''}.`,
    '',
  )
  out.push('| Modality | Type | Input size | Deployment availability | Training availability | Missingness | Timing |')
  out.push('|---|---|---:|---:|---:|---|---|')
  for (const m of facts.modalities) {
    out.push(
      `| ${m.name}${m.required ? ' (required)' : ''} | ${m.type} | ${m.size.toLocaleString('en-US')} | ${pct(m.availability)} | ${pct(m.trainingAvailability)} | ${m.required || m.availability >= 1 ? 'never missing' : m.missingness} | ${m.timing} |`,
    )
  }
  out.push('')
  out.push('Which fusion strategy, masking plan and transfer plan keep the model accurate when modalities are missing, within the latency budget?', '')

  return out
}

/** Decision Drivers: the rules that scored, excluded or planned a transfer, the budget, missingness. */
function driversSection(d: Decision, ruleSet?: RuleSet): string[] {
  const out: string[] = []
  const ruleTitle = (id: string): string => md(ruleSet?.byId.get(id)?.rule.title ?? id)
  out.push('## Decision Drivers', '')
  const drivers: string[] = []
  const seen = new Set<string>()
  for (const t of d.trace) {
    if (!t.fired) continue
    const rule = ruleSet?.byId.get(t.ruleId)?.rule
    const decisive = rule ? rule.effects.score.length > 0 || rule.effects.exclude.length > 0 || rule.effects.transfer !== undefined : true
    if (!decisive || seen.has(t.ruleId)) continue
    seen.add(t.ruleId)
    const basis = [rule?.basis, rule?.untested ? 'not tested by evaluate' : undefined].filter(Boolean).join('; ')
    drivers.push(`${ruleTitle(t.ruleId)} (\`${t.ruleId}\`${basis ? `; ${basis}` : ''})`)
  }
  if (d.latency.budgetMs !== null) drivers.push(`Latency budget: ${num(d.latency.budgetMs, 2)} ms at p${num(d.latency.percentile ?? 99, 1)}`)
  drivers.push('Missingness is the default, not an edge case: the model must degrade gracefully when inputs are absent')
  out.push(...bullets(drivers), '')

  return out
}

/** Considered Options: every strategy, in one line. */
function optionsSection(d: Decision): string[] {
  const out: string[] = []
  out.push('## Considered Options', '')
  out.push(...bullets(d.options.map((o) => `${label(o.strategy)}: ${STRATEGY_DEFINITIONS[o.strategy].summary}`)), '')

  return out
}

/** Decision Outcome: the choice, why, what was excluded, the confidence and the ranking. */
function outcomeSection(d: Decision, chosen: StrategyOption | undefined): string[] {
  const out: string[] = []
  out.push('## Decision Outcome', '')
  if (chosen) {
    const because = chosen.adjustments.filter((a) => a.delta > 0).map((a) => md(a.reason))
    const ranked = [...d.options].sort((a, b) => Number(a.excluded) - Number(b.excluded) || b.score - a.score)
    out.push(`Chosen option: "${label(chosen.strategy)}", because ${because.length > 0 ? because.join('; ') : 'it has the highest score among the options no rule excludes'}.`, '')
    const beaten = d.options.filter((o) => o.excluded && o.score >= chosen.score)
    if (beaten.length > 0) {
      out.push(
        `It is the best option that no rule excludes: ${beaten.map((o) => `${label(o.strategy).toLowerCase()} (score ${num(o.score)}) is excluded because ${o.exclusions.map((x) => md(x.reason)).join('; ')}`).join('; ')}.`,
        '',
      )
    }
    if (d.fallbackNote) out.push(md(d.fallbackNote), '')
    if (d.confidence) out.push(`**Confidence: ${d.confidence.level}.** ${md(d.confidence.note)}`, '')
    if (d.confidence?.heldOut) out.push(`**Against the best constant policy: ${d.confidence.heldOut.call}.** ${md(d.confidence.heldOut.note)}`, '')
    out.push(
      'Rule points below are a trace of which rules fired, not a confidence: the confidence above comes from measurements.',
      '',
      '| Option | Rule points | Estimated latency | Status |',
      '|---|---:|---:|---|',
    )
    for (const o of ranked)
      out.push(
        `| ${label(o.strategy)} | ${num(o.score)} | ${latencyOf(d, o.strategy)} | ${o.strategy === d.strategy ? 'chosen' : o.excluded ? (o.exclusions.every((x) => x.soft) ? 'excluded (soft)' : 'excluded') : 'not chosen'} |`,
      )
    out.push('')
  } else {
    out.push(`No option is chosen. ${md(d.noStrategyReason ?? '')}`.trim(), '')
  }

  return out
}

/** A value the sweep found, at the precision of its grid: counts whole, shares to 0.01, budgets to 3 significant digits. */
function sweepValue(fact: string, v: number): string {
  if (fact.startsWith('availability')) return v.toFixed(2)
  if (fact.startsWith('latency')) return `${Number(v.toPrecision(3))}`
  return Math.round(v).toLocaleString('en-US')
}

/** What would change this decision: the nearest value each way, per number the rules read. */
function sensitivitySection(d: Decision): string[] {
  if (!d.sensitivity || d.sensitivity.length === 0) return []
  const out: string[] = ['### What would change this decision', '']
  out.push(
    'For each number the rules read, the nearest value in each direction at which the rule engine chooses differently, with everything else as in the profile ' +
      '(counts in steps of 1 up to 1,000, then 1%; availability in steps of 0.01; the latency budget in steps of 1%; walked to a factor of 10 or the ends of [0, 1]).',
    '',
  )
  out.push('| Number | Now | Lower: at | Lower: choice | Higher: at | Higher: choice |', '|---|---:|---:|---|---:|---|')
  const choice = (s: string | null) => (s === null ? 'none fits' : label(s as Strategy).toLowerCase())
  for (const x of d.sensitivity) {
    const low = x.below ? [sweepValue(x.fact, x.below.value), choice(x.below.strategy)] : ['-', 'no change']
    const high = x.above ? [sweepValue(x.fact, x.above.value), choice(x.above.strategy)] : ['-', 'no change']
    out.push(`| ${md(x.fact)} | ${sweepValue(x.fact, x.current)} | ${low[0]} | ${low[1]} | ${high[0]} | ${high[1]} |`)
  }
  out.push('')
  return out
}

/** Consequences: the chosen strategy's pros and cons, masking and transfer included. */
function consequencesSection(d: Decision, chosen: StrategyOption | undefined): string[] {
  const out: string[] = []
  out.push('### Consequences', '')
  if (chosen) {
    const good = [...chosen.pros]
    const bad = [...chosen.cons]
    if (masksModalities(chosen.strategy)) {
      good.push(
        'the masking plan below trains every modality at a missing rate at least as high as in production, so robustness covers the deployment (up to the largest missing rate seen in training)',
      )
    }
    if (d.transfer) bad.push(`training takes two stages (pre-train on \`${d.transfer.pretrainCohort}\`, then fine-tune) and validation per cohort`)
    out.push(...good.map((g) => `* Good, because ${md(lowerFirst(g))}`), ...bad.map((b) => `* Bad, because ${md(lowerFirst(b))}`), '')
  } else {
    out.push('* Bad, because nothing can ship until the budget, the encoders or the modalities change', '')
  }

  return out
}

/** Confirmation: how to check the decision holds (patterns, ablations, sweep, latency, evaluate, lint). */
function confirmationSection(d: Decision): string[] {
  const out: string[] = []
  out.push('### Confirmation', '')
  const confirm: string[] = []
  if (d.evaluation.patterns.length > 0)
    confirm.push(
      `Report the metric on each presence pattern with share >= 1% (${d.evaluation.patterns.length} pattern${d.evaluation.patterns.length === 1 ? '' : 's'}, listed below), not only on complete cases.`,
    )
  if (d.evaluation.ablations.length > 0) confirm.push(`Run the leave-one-modality-out ablations (${d.evaluation.ablations.join(', ')}).`)
  confirm.push(`Sweep the missing rate (${d.evaluation.robustnessSweep.missingRates.map((r) => pct(r)).join(', ')}) and compare the robustness curve with late fusion's.`)
  if (d.latency.budgetMs !== null) confirm.push(`Benchmark p${num(d.latency.percentile ?? 99, 1)} latency against the ${num(d.latency.budgetMs, 2)} ms budget on the target hardware.`)
  confirm.push(`\`fuseplan evaluate\` trains the candidate strategies on synthetic data shaped like this profile and says whether the empirical winner matches this decision.`)
  confirm.push('`fuseplan lint` on later versions of the profile flags deployment availability outside the range the masking plan covers.')
  out.push(...bullets(confirm), '')

  return out
}

/** Pros and Cons of the Options. */
function prosAndConsSection(d: Decision): string[] {
  const out: string[] = []
  out.push('## Pros and Cons of the Options', '')
  for (const o of d.options) {
    out.push(`### ${label(o.strategy)}`, '')
    out.push(STRATEGY_DEFINITIONS[o.strategy].summary, '')
    // Rule packs write some pros and cons (score and exclusion reasons): escaped like all user text.
    out.push(...o.pros.map((p) => `* Good, because ${md(lowerFirst(p))}`))
    out.push(...o.cons.map((c) => `* Bad, because ${md(lowerFirst(c))}`))
    out.push(`* Neutral: rule points ${num(o.score)}, estimated ${latencyOf(d, o.strategy)} per request${o.excluded ? '; excluded' : ''}`)
    out.push('')
  }

  return out
}

/** More Information, the masking plan. */
function maskingSection(d: Decision): string[] {
  const out: string[] = []
  out.push('## More Information', '')
  out.push('### Masking plan', '')
  const mk = d.masking
  out.push(
    `Mode: ${mk.mode === 'patterns' ? 'sample a target presence pattern per training sample from the observed deployment patterns' : 'drop each modality independently'}. ` +
      `Warm-up: ${mk.warmupEpochs} epoch${mk.warmupEpochs === 1 ? '' : 's'} without masking, then a ${mk.rampEpochs}-epoch linear ramp to the drop probabilities below. ` +
      `Floor: ${num(mk.floor)} (required modalities are never dropped). A sample never loses all of its present modalities. ` +
      (d.strategy ? `With ${label(d.strategy).toLowerCase()}: ${lowerFirst(STRATEGY_DEFINITIONS[d.strategy].absentInputs(mk.presenceBits))}` : ''),
    '',
  )
  out.push('| Modality | Deployment a | Training t | Drop probability q | Effective missing rate 1 - t(1 - q) | Deployment missing rate 1 - a | Covers availability | Note |')
  out.push('|---|---:|---:|---:|---:|---:|---|---|')
  for (const m of mk.modalities) {
    const cov = mk.covers.find((c) => c.name === m.name)
    out.push(
      `| ${m.name} | ${num(m.deploymentAvailability)} | ${num(m.trainingAvailability)} | ${num(m.dropProbability)} | ${num(m.effectiveMissingRate)} | ${num(1 - m.deploymentAvailability)} | ${cov ? `${num(cov.minAvailability)} to ${num(cov.maxAvailability)}` : ''} | ${cell(m.note ?? '')} |`,
    )
  }
  out.push('')
  if (mk.patterns && mk.patterns.length > 0) {
    out.push('Target presence patterns:', '')
    out.push(...bullets(mk.patterns.map((p) => `{${p.present.join(', ')}}: ${pct(p.share)}`)), '')
  }

  return out
}

/** More Information, the transfer plan. */
function transferSection(d: Decision): string[] {
  const out: string[] = []
  out.push('### Transfer plan', '')
  if (d.transfer) {
    const t = d.transfer
    out.push(md(t.reason), '')
    out.push(
      `Pre-train every layer on \`${t.pretrainCohort}\`; fine-tune on ${t.finetuneCohorts.length > 0 ? t.finetuneCohorts.map((c) => `\`${c}\``).join(', ') : 'the remaining data'} at ${num(t.finetune.learningRateScale)} of the learning rate, ` +
        `the encoders frozen for the first ${t.finetune.freezeEncoderEpochs} epoch${t.finetune.freezeEncoderEpochs === 1 ? '' : 's'}; validate on each of ${t.validationCohorts.map((c) => `\`${c}\``).join(', ')} separately. ` +
        'The generated project runs exactly these stages (`src/model/transfer.ts`, numbers in `transfer` of fuseplan.training.yaml) when its samples carry a `cohort`.',
      '',
    )
    out.push(...t.steps.map((s, i) => `${i + 1}. ${md(upperFirst(s))}`), '')
    if (t.biasChecks.length > 0) out.push('Bias checks:', '', ...bullets(t.biasChecks.map(md)), '')
  } else {
    out.push('None: no rule called for one (see `transfer-from-data-rich-cohort` in the trace).', '')
  }

  return out
}

function uncertaintyOf(d: Decision, strategy: Strategy): number {
  return (d.facts.latencyUncertaintyMs as Partial<Record<Strategy, number>> | undefined)?.[strategy] ?? 0
}

/** Pattern shares derived from availabilities alone: more than one modality can be missing and no `patterns` are given. */
function assumesIndependence(d: Decision): boolean {
  const facts = d.facts as AdrFacts & {patternsGiven?: boolean}
  return facts.patternsGiven !== true && facts.modalities.filter((m) => !m.required && m.availability < 1).length >= 2
}

/** A strategy's latency estimate at the precision its uncertainty allows ("42 ± 4 ms"). */
function latencyOf(d: Decision, strategy: Strategy): string {
  return latencyText(d.latency.estimates[strategy], uncertaintyOf(d, strategy))
}

/** Fits, over budget, or uncertain: the budget compared with the estimate's whole range. */
function budgetFit(d: Decision, strategy: Strategy, budget: number): string {
  const ms = d.latency.estimates[strategy]
  const u = uncertaintyOf(d, strategy)
  if (ms - u > budget) return 'over budget'
  if (ms + u <= budget) return 'fits'
  return 'the budget is within its uncertainty: measure it'
}

/** More Information: the evaluation plan, latency, findings and the rules that fired. */
function evaluationLatencyAndRulesSection(d: Decision): string[] {
  const out: string[] = []
  out.push('### Evaluation plan', '')
  out.push('Presence patterns to validate on (share >= 1%):', '')
  if (assumesIndependence(d)) {
    out.push(
      'These shares are derived from the availabilities assuming each modality goes missing independently of the others, because the profile lists no observed `patterns`. Modalities that go missing together (two tests ordered on the same worry, two feeds from one device) make the real shares differ: add `patterns:` with the shares observed in production to use those instead.',
      '',
    )
  }
  out.push(...bullets(d.evaluation.patterns.map((p) => `{${p.present.join(', ') || 'nothing'}}: ${pct(p.share)}`)), '')

  out.push('### Latency', '')
  out.push(
    `Estimates per request, with how far off they may be (model in \`src/facts/latency.ts\`: measured \`encoderLatencyMs\` counts to within 10%, default encoder costs and the model's own constants to within 50%; set measured values to sharpen them)${d.latency.budgetMs !== null ? ` against a budget of ${num(d.latency.budgetMs, 2)} ms` : ''}:`,
    '',
  )
  out.push(...bullets(d.options.map((o) => `${label(o.strategy)}: ${latencyOf(d, o.strategy)}${d.latency.budgetMs !== null ? ` (${budgetFit(d, o.strategy, d.latency.budgetMs)})` : ''}`)), '')

  out.push('### Findings', '')
  if (d.findings.length === 0) out.push('None.', '')
  else out.push(...bullets(d.findings.map((f) => `${f.severity} \`${f.ruleId}\`${f.path ? ` at ${codeSpan(f.path)}` : ''}: ${md(f.message)}`)), '')

  out.push('### Rules that decided it', '')
  out.push(
    `${d.trace.filter((t) => t.fired).length} of ${d.trace.filter((t) => !t.disabled).length} rules fired. \`fuseplan recommend --explain\` prints the full trace; \`fuseplan rules show ID\` documents a rule.`,
    '',
  )
  out.push('| Rule | Fired | Values read | Effects |', '|---|---|---|---|')
  const ordered = [...d.trace.filter((t) => t.fired || t.error), ...d.trace.filter((t) => !t.fired && !t.error)]
  for (const t of ordered) {
    const read = Object.entries(t.inputs)
      .map(([k, v]) => `${k} = ${showValue(v, 60)}`)
      .join('; ')
    const effects = t.error ? `error: ${t.error}` : t.effects.join('; ')
    out.push(`| \`${t.ruleId}\` | ${t.disabled ? 'off (config)' : t.error ? 'error' : t.fired ? 'yes' : 'no'} | ${cell(read)} | ${cell(effects)} |`)
  }
  out.push('')
  return out
}

function lowerFirst(s: string): string {
  return /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s
}

function upperFirst(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s
}

/** What the ADR folder's record keeping needs to write this decision (decision/records.ts). */
export function adrRendering(decision: Decision, options: {date: string; ruleSet?: RuleSet}): AdrRendering {
  return {
    slug: adrSlug(decision),
    bodyHash: decisionHash(adrBody(decision, options.ruleSet)),
    decisionKey: decisionKey(decision),
    render: (supersedes) => formatAdr(decision, {date: options.date, ruleSet: options.ruleSet, supersedes}),
  }
}
