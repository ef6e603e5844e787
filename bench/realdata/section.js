// The real-data section of docs/decisions.md, computed from the committed results of
// `npm run bench:realdata` (bench/realdata/results/). Pure: the same results give the same text,
// which is how test/evaluate/realdata-doc.test.ts checks that the doc says what the results say.
// bench/evidence/report.js appends it to docs/decisions.md, which it writes in full.
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

export const START = '<!-- realdata:start -->'
export const END = '<!-- realdata:end -->'
export const SETS = ['digits', 'breast-cancer']
/** Gaps within this count as a tie when rankings are compared (evaluate's default equivalence margin). */
export const MARGIN = 0.01

const SHORT = {'early/complete-case': 'naive', 'early/indicators': 'early+ind', intermediate: 'intermediate', attention: 'attention', late: 'late'}

/**
 * The committed results: meta.json and, per set, its run on the data and its simulation. A set
 * without both files is listed in `missing` (not run yet), not an error.
 */
export function readResults(dir) {
  const read = (f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))
  const has = (name) => ['data', 'simulated'].every((kind) => existsSync(join(dir, `${name}.${kind}.json`)))
  return {
    meta: existsSync(join(dir, 'meta.json')) ? read('meta.json') : {jobs: null, seconds: {}},
    sets: SETS.filter(has).map((name) => ({name, data: read(`${name}.data.json`), simulated: read(`${name}.simulated.json`)})),
    missing: SETS.filter((name) => !has(name)),
  }
}

const f3 = (v) => (v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(3))
const sd = (xs) => {
  if (xs.length < 2) return 0
  const m = xs.reduce((a, v) => a + v, 0) / xs.length
  return Math.sqrt(xs.reduce((a, v) => a + (v - m) ** 2, 0) / (xs.length - 1))
}

/** Rank (1 = best) of each candidate by a metric, ties share the better rank. */
function ranks(strategies, value, higher) {
  const vals = strategies.map(value)
  return vals.map((v) => 1 + vals.filter((w) => (higher ? w > v : w < v)).length)
}

/**
 * Pairs of candidates compared between two runs: a pair is ordered in a run when its mean gap at
 * the deployment mix is larger than MARGIN; the runs agree on it when both order it the same way,
 * disagree when they order it opposite ways, and one of them ties it otherwise.
 */
export function pairAgreement(simulated, data) {
  const higher = data.metric.higherIsBetter
  const mean = (r, id) => r.strategies.find((s) => s.id === id)?.metrics.deployment
  const ids = data.strategies.map((s) => s.id).filter((id) => simulated.strategies.some((s) => s.id === id))
  const out = {agree: [], disagree: [], simTie: [], dataTie: []}
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      const a = ids[i]
      const b = ids[j]
      const gs = (higher ? 1 : -1) * (mean(simulated, a) - mean(simulated, b))
      const gd = (higher ? 1 : -1) * (mean(data, a) - mean(data, b))
      const os = Math.abs(gs) > MARGIN ? Math.sign(gs) : 0
      const od = Math.abs(gd) > MARGIN ? Math.sign(gd) : 0
      if (os === 0 && od === 0) continue
      // Gaps are the better one's advantage (positive where a run agrees with the order named).
      const dir = (od || os) > 0 ? 1 : -1
      const pair = {better: dir > 0 ? a : b, worse: dir > 0 ? b : a, sim: dir * gs, data: dir * gd}
      if (os !== 0 && od !== 0) (os === od ? out.agree : out.disagree).push(pair)
      else (os === 0 ? out.simTie : out.dataTie).push(pair)
    }
  }
  return out
}

function pairText(p) {
  return `${SHORT[p.better]} over ${SHORT[p.worse]} (simulated ${p.sim >= 0 ? '+' : ''}${p.sim.toFixed(3)}, data ${p.data >= 0 ? '+' : ''}${p.data.toFixed(3)})`
}

/** The one-minute load average a timing was taken at (before, after), as the results recorded it. */
function loadText(load) {
  return load ? `load average ${load[0].toFixed(1)} at start, ${load[1].toFixed(1)} at end` : 'machine load not recorded'
}

function setSection({name, data, simulated}, meta) {
  const lines = []
  const d = data.data
  const label = data.metric.label
  const higher = data.metric.higherIsBetter
  const simRank = ranks(simulated.strategies, (s) => s.metrics.deployment, higher)
  const dataRank = ranks(data.strategies, (s) => s.metrics.deployment, higher)
  lines.push(`### ${name}`)
  lines.push('')
  lines.push(
    `${data.profile.name}: ${d.split.trainingSamples} training and ${d.split.testSamples} test samples (${d.test ? `the set's own test file` : 'a stratified split'}; ${d.train.skipped + (d.test?.skipped ?? 0)} skipped), ` +
      `modalities ${data.simulation.modalities.map((m) => `${m.name} [${m.shape.join('x')}] at ${Math.round(m.availability * 100)}% deployment availability`).join(', ')}; ` +
      `recommended by the rules: **${data.recommended ?? 'none'}**. ${data.simulation.seeds.length} training seeds, the generated project's schedule (${data.simulation.schedule.epochs}-epoch budget, patience ${data.simulation.schedule.patience}), ${data.simulation.backend} backend` +
      (meta.seconds?.[name]
        ? `; ${Math.round(meta.seconds[name].data)} s on the data (${loadText(meta.seconds[name].dataLoad)}) and ${Math.round(meta.seconds[name].simulated)} s simulated (${loadText(meta.seconds[name].simulatedLoad)}), ${meta.jobs} worker process${meta.jobs === 1 ? '' : 'es'}.`
        : '.'),
  )
  lines.push('')
  lines.push(`| candidate | simulated: deployment | rank | data: deployment mix | rank | data: as it came | data: full data | epochs kept (data) |`)
  lines.push('|---|---:|---:|---:|---:|---:|---:|---|')
  data.strategies.forEach((s, i) => {
    const sim = simulated.strategies.find((x) => x.id === s.id)
    const si = simulated.strategies.indexOf(sim)
    const mark = (txt, rec) => (rec ? `**${txt}**` : txt)
    lines.push(
      `| ${mark(SHORT[s.id], s.recommended)} | ${sim ? `${f3(sim.metrics.deployment)} ± ${f3(sd(sim.seeds.deployment))}` : 'n/a'} | ${sim ? simRank[si] : ''} | ` +
        `${f3(s.metrics.deployment)} ± ${f3(sd(s.seeds.deployment))} | ${dataRank[i]} | ${f3(s.metrics.asCollected)} | ${f3(s.metrics.complete)} | ${s.epochs.map((e) => e.kept).join(', ')} |`,
    )
  })
  lines.push('')
  lines.push(`Verdict on the recommendation: simulated **${simulated.verdict.kind}**, on the data **${data.verdict.kind}** (${label}, margin ±${f3(data.verdict.equivalenceMargin)}).`)
  const worst = data.verdict.comparisons.filter((c) => c.interval).map((c) => (c.interval[1] - c.interval[0]) / 2)
  if (worst.length > 0) lines.push(`On the data the 90% intervals of the recommendation's gaps have half-widths ${f3(Math.min(...worst))} to ${f3(Math.max(...worst))}.`)
  const pa = pairAgreement(simulated, data)
  const n = pa.agree.length + pa.disagree.length
  lines.push('')
  lines.push(
    `Ranking (pairs whose mean gap at the deployment mix exceeds ${MARGIN} in a run): the simulation and the data order ${pa.agree.length} of the ${n} pairs both separate the same way` +
      (pa.disagree.length > 0 ? `, and **opposite ways** on ${pa.disagree.map(pairText).join('; ')}` : '') +
      '.' +
      (pa.dataTie.length > 0 ? ` Only the simulation separates ${pa.dataTie.map(pairText).join('; ')}.` : '') +
      (pa.simTie.length > 0 ? ` Only the data separate ${pa.simTie.map(pairText).join('; ')}.` : ''),
  )
  if (pa.agree.length > 0) lines.push(`Agreed: ${pa.agree.map(pairText).join('; ')}.`)
  lines.push('')
  return lines
}

/** The section between the markers (markers included). */
export function realdataSection(results) {
  const {meta, sets} = results
  const lines = [START, '## Real data beside the simulation', '']
  lines.push(
    'Written by `npm run bench:realdata` (bench/realdata/run.js) from the results committed in `bench/realdata/results/`; ' +
      'a test regenerates this section from them and fails when it differs. Two small real data sets that ship with ' +
      "scikit-learn, turned into the generated project's JSON Lines by `scripts/realdata/prepare.py` and committed under " +
      '`bench/realdata/` (each with its PROVENANCE.md: source, modality split, split seed). In both the missingness is ' +
      '**injected** at random (the sources are complete), so the deployment mix only thins out what is already random. ' +
      'Each set: `fuseplan evaluate profile.yaml --data train.jsonl --test test.jsonl` at its defaults beside the ' +
      'simulated `fuseplan evaluate profile.yaml` of the same profile. Cells: mean ± standard deviation over the training ' +
      'seeds; the recommended candidate in bold; "as it came" scores the test file with its own presence, "full data" the ' +
      'test samples that carry every modality.',
  )
  lines.push('')
  for (const set of sets) lines.push(...setSection(set, meta))
  const missing = results.missing ?? []
  if (missing.length > 0) {
    lines.push(
      `Not run yet: ${missing.join(', ')} (no committed results in \`bench/realdata/results/\`; \`npm run bench:realdata -- --only ${missing.join(',')}\` runs ${missing.length === 1 ? 'it' : 'them'}).`,
      '',
    )
  }
  lines.push(END)
  return lines.join('\n')
}

/** `doc` with its section replaced by `section` (appended when the markers are missing). */
export function withSection(doc, section) {
  const a = doc.indexOf(START)
  const b = doc.indexOf(END)
  if (a >= 0 && b > a) return doc.slice(0, a) + section + doc.slice(b + END.length)
  return doc.replace(/\s*$/, '\n\n') + section + '\n'
}

/** The section as it stands in `doc` (null without markers). */
export function sectionOf(doc) {
  const a = doc.indexOf(START)
  const b = doc.indexOf(END)
  return a >= 0 && b > a ? doc.slice(a, b + END.length) : null
}
