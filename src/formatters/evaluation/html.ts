// `fuseplan evaluate --report FILE.html`: one self-contained page that opens offline. Chart.js's UMD
// build is inlined from node_modules (no CDN); the data travel as JSON in a script tag; charts: the
// robustness sweep (line), the metric per presence pattern (grouped bars), full data vs deployment
// (bars). Same result, same bytes.
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import type {CandidateId} from '../../evaluate/candidates.js'
import type {EvaluationResult} from '../../evaluate/types.js'
import {byCandidate, intervalText, num, patternName, reductionsText, scheduleText, signed, SHORT_NAMES} from './util.js'

const CANDIDATE_COLORS = byCandidate('htmlColor')

let chartJs: string | undefined

/** Chart.js's UMD bundle (node_modules/chart.js/dist/chart.umd.js), without its source-map comment. */
export function chartJsSource(): string {
  if (chartJs === undefined) {
    const require = createRequire(import.meta.url)
    const file = path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js')
    chartJs = readFileSync(file, 'utf8').replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n')
  }
  return chartJs
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c] as string)
}

/** JSON safe to embed in a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f6f7f9;margin:0}
main{max-width:1080px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px}
.sub{color:#5b6475;margin:0 0 16px}
.badges span{display:inline-block;margin:0 8px 8px 0;padding:3px 10px;border-radius:12px;background:#e8ebf0;font-size:13px}
.badges .yes{background:#dcf3e0;color:#14652a}.badges .no{background:#fdecd2;color:#8a4b00}
.verdict{background:#fff;border-left:4px solid #2f6fde;padding:12px 16px;margin:12px 0;border-radius:4px}
.verdict p{margin:6px 0}
table{border-collapse:collapse;background:#fff;width:100%;font-size:14px}
th,td{padding:6px 10px;border-bottom:1px solid #e3e6eb;text-align:right}
td{white-space:nowrap}
th:first-child,td:first-child{text-align:left}
th{background:#eef1f5;font-weight:600}
tr.best td{font-weight:600}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:middle}
.chart{background:#fff;border-radius:6px;padding:12px;margin:8px 0;position:relative;height:360px}
.chart.short{height:280px}
.note{color:#5b6475;font-size:13px}
code{background:#eef1f5;padding:1px 4px;border-radius:3px}
`

/** A self-contained HTML report: the verdict, then one section per measurement, then the charts' script. */
export function formatEvaluationHtml(result: EvaluationResult): string {
  const e = escapeHtml
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fuseplan evaluate: ${e(result.profile.name)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>Evaluation of the fusion recommendation: ${e(result.profile.name)}</h1>
<p class="sub">fuseplan evaluate · ${e(result.metric.label)} (${result.metric.higherIsBetter ? 'higher' : 'lower'} is better) · ${result.simulation.seeds.length === 1 ? `seed ${result.simulation.seeds[0]}` : `${result.simulation.seeds.length} training seeds`} · ${result.simulation.trainingSamples} training samples · ${e(scheduleText(result.simulation))} · ${e(result.simulation.backend)} backend</p>
${result.simulation.reductions.length > 0 ? `<p class="note">${e(reductionsText(result.simulation))}</p>` : ''}
<div class="badges"><span>recommended: <b>${e(result.recommended ?? 'none')}</b></span><span>best at deployment: <b>${e(result.empiricalBest.id)}</b> (${num(result.empiricalBest.deployment)})</span><span class="${result.verdict.kind === 'better' || result.verdict.kind === 'equivalent' ? 'yes' : 'no'}">verdict: ${e(result.verdict.kind)}</span></div>
<div class="verdict">
<p><b>Verdict.</b> ${e(result.verdict.text)}</p>
${comparisonsTable(result)}
<p class="note">${e(result.verdict.rule)}</p>
${result.verdict.baseline ? `<p><b>Naive baseline.</b> ${e(result.verdict.baseline)}</p>` : ''}
<p><b>Zero-fill.</b> ${e(result.verdict.zeroFill)}</p>
${result.verdict.presence ? `<p><b>Presence.</b> ${e(result.verdict.presence)}</p>` : ''}
${(result.data?.warnings ?? []).map((n) => `<p class="note"><b>Warning.</b> ${e(n)}</p>`).join('\n')}
${result.notes.map((n) => `<p class="note">${e(n)}</p>`).join('\n')}
</div>

${candidatesSection(result)}${sweepSection(result)}${patternsSection(result)}${deploymentSection()}${result.data ? dataSection(result) : simulationSection(result)}</main>
<script type="application/json" id="fuseplan-data">${scriptJson(chartData(result))}</script>
<script>
${chartJsSource()}
</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('fuseplan-data').textContent);
  // Bars start at zero: a cut axis makes small gaps look large.
  var floor = 0;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, sans-serif';
  new Chart(document.getElementById('sweep'), {
    type: 'line',
    data: {datasets: d.series.map(function (s) {
      return {label: s.legend + (s.recommended ? ' (recommended)' : ''), borderColor: s.color, backgroundColor: s.color,
        borderWidth: s.recommended ? 3 : 2, pointRadius: 3, tension: 0,
        data: d.rates.map(function (r, i) { return {x: r, y: s.sweep[i]}; })};
    })},
    options: {parsing: true, scales: {x: {type: 'linear', min: 0, max: 1, title: {display: true, text: 'missing rate of the optional modalities'}},
      y: {title: {display: true, text: d.metric}}}, plugins: {legend: {position: 'bottom'}}}
  });
  new Chart(document.getElementById('patterns'), {
    type: 'bar',
    data: {labels: d.patterns, datasets: d.series.map(function (s) {
      return {label: s.short, backgroundColor: s.color, data: s.patterns};
    })},
    options: {scales: {y: {min: floor, title: {display: true, text: d.metric}}}, plugins: {legend: {position: 'bottom'}}}
  });
  new Chart(document.getElementById('deployment'), {
    type: 'bar',
    data: {labels: d.series.map(function (s) { return s.short; }), datasets: [
      {label: 'full data', backgroundColor: '#9aa5b8', data: d.series.map(function (s) { return s.complete; })},
      {label: 'deployment', backgroundColor: d.series.map(function (s) { return s.color; }), data: d.series.map(function (s) { return s.deployment; })}
    ]},
    options: {scales: {y: {min: floor, title: {display: true, text: d.metric}}}, plugins: {legend: {display: false}}}
  });
})();
</script>
</body>
</html>
`
}

/** The recommendation against each candidate: gap, 90% interval, the word. */
function comparisonsTable(result: EvaluationResult): string {
  const cs = result.verdict.comparisons
  if (cs.length === 0) return ''
  const e = escapeHtml
  const rows = cs.map((c) => `<tr><td>${e(SHORT_NAMES[c.against as CandidateId] ?? c.against)}</td><td>${signed(c.gap)}</td><td>${e(intervalText(c))}</td><td><b>${e(c.kind)}</b></td></tr>`).join('\n')
  return `<table>
<thead><tr><th>recommendation against</th><th>gap (${e(result.metric.label)})</th><th>90% interval</th><th>word (margin ±${num(result.verdict.equivalenceMargin)})</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
}

function candidatesSection(result: EvaluationResult): string {
  const m = result.metric
  const e = escapeHtml
  const best = result.empiricalBest.id
  const sim = result.simulation
  const onData = result.data !== undefined
  const rows = result.strategies
    .map(
      (s) =>
        `<tr${s.id === best ? ' class="best"' : ''}><td><span class="swatch" style="background:${CANDIDATE_COLORS[s.id]}"></span>${e(s.label)}${s.recommended ? ' <em>(recommended)</em>' : ''}${s.id === best ? ' ★' : ''}</td>` +
        `<td>${s.trainingSamples}</td><td>${num(s.metrics.complete)}</td>${onData ? `<td>${num(s.metrics.asCollected)}</td>` : ''}<td>${num(s.metrics.deployment)}</td><td>${sim.seeds.length > 1 ? num(s.spread) : ''}</td><td>${num(s.relativeRobustness)}</td><td>${signed(s.effectiveRobustness)}</td></tr>`,
    )
    .join('\n')

  return `<h2>Candidates</h2>
<table>
<thead><tr><th>candidate</th><th>trained on</th><th>${e(m.label)}, full data</th>${onData ? `<th>${e(m.label)}, test split as it came</th>` : ''}<th>${e(m.label)}, deployment</th><th>± sd over seeds</th><th>relative robustness</th><th>effective robustness</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="note">Relative robustness: trapezoid area under the ${e(m.label)}-vs-missing-rate curve over [0, 1] (MultiBench). Effective robustness: area of the gap to the late-fusion curve shifted to the same full-data ${e(m.label)}; positive means it degrades less than late fusion.</p>

`
}

function sweepSection(result: EvaluationResult): string {
  const m = result.metric
  const e = escapeHtml
  return `<h2>${e(m.label)} vs missing rate</h2>
<div class="chart"><canvas id="sweep" aria-label="metric versus missing rate"></canvas></div>
<p class="note">${e(result.sweep.description)}${result.simulation.seeds.length > 1 ? ' Measured on the first training seed only; its rate 0 is that seed&#39;s full-data score.' : ''}</p>

`
}

function patternsSection(result: EvaluationResult): string {
  const m = result.metric
  const e = escapeHtml
  const pats = result.strategies[0]?.patterns ?? []

  const patternRows = pats
    .map(
      (p, i) =>
        `<tr><td>${e(patternName(p.present))}</td><td>${(p.share * 100).toFixed(1)}%</td>${result.data ? `<td>${p.samples ?? ''}</td>` : ''}${result.strategies.map((s) => `<td>${num(s.patterns[i]?.metric)}</td>`).join('')}</tr>`,
    )
    .join('\n')

  return `<h2>${e(m.label)} per presence pattern</h2>
<div class="chart"><canvas id="patterns" aria-label="metric per presence pattern"></canvas></div>
<table>
<thead><tr><th>pattern</th><th>deployment share</th>${result.data ? '<th>test samples</th>' : ''}${result.strategies.map((s) => `<th>${e(SHORT_NAMES[s.id])}</th>`).join('')}</tr></thead>
<tbody>
${patternRows}
</tbody>
</table>
<p class="note">${
    result.data
      ? 'Each pattern is measured on the test samples that came with exactly that pattern (the data’s own presence); a pattern with too few samples to score is n/a'
      : "Each pattern is measured on the full-data test set with only that pattern's modalities kept, so every pattern is scored on the same samples"
  }${result.simulation.seeds.length > 1 ? '; on the first training seed only, so the "all" row can differ from the mean full-data column of the candidates table' : ''}.</p>

`
}

function deploymentSection(): string {
  return `<h2>Full data (grey) vs deployment (colour)</h2>
<div class="chart short"><canvas id="deployment" aria-label="full data versus deployment"></canvas></div>

`
}

function simulationSection(result: EvaluationResult): string {
  const e = escapeHtml
  const sim = result.simulation
  const modalityRows = sim.modalities
    .map(
      (mo) =>
        `<tr><td>${e(mo.name)}</td><td>${mo.inputSize}${mo.scaledFrom !== null ? ` <span class="note">(from ${mo.scaledFrom})</span>` : ''}</td>` +
        `<td>${num(mo.trainingAvailability, 2)}</td><td>${num(mo.simulatedTrainingAvailability, 2)}</td><td>${num(mo.availability, 2)}</td><td>${num(mo.simulatedDeploymentAvailability, 2)}</td>` +
        // Zero-fill happens only to a modality that goes missing; for one that never does the offset means nothing.
        `<td>${mo.simulatedDeploymentAvailability < 1 ? num(sim.zeroFill.find((z) => z.name === mo.name)?.zeroOffsetSd, 1) : 'never absent'}</td></tr>`,
    )
    .join('\n')

  return `<h2>Simulation</h2>
<p class="note">${e(sim.description)}</p>
<table>
<thead><tr><th>modality</th><th>input size</th><th>training availability</th><th>simulated</th><th>deployment availability</th><th>simulated</th><th>zero lies (SD from mean)</th></tr></thead>
<tbody>
${modalityRows}
</tbody>
</table>
<p class="note">${sim.completeCaseTrainingSamples} of ${sim.trainingSamples} simulated training samples carry every modality${sim.seeds.length > 1 ? ', on average over the seeds' : ''} (the naive baseline trains on these).</p>
`
}

/** Where the samples came from on a run on the team's data: the files, what was skipped, how the test split was scored. */
function dataSection(result: EvaluationResult): string {
  const e = escapeHtml
  const data = result.data as NonNullable<EvaluationResult['data']>
  const sim = result.simulation
  const files = [data.train, data.test]
    .filter((f): f is NonNullable<typeof f> => f !== null)
    .map(
      (f) =>
        `<tr><td><code>${e(f.file)}</code></td><td>${f.samples}</td><td>${f.selected}</td><td>${f.used}</td><td>${f.skipped}${f.reasons.length > 0 ? ` <span class="note">(${e(f.reasons.map((r) => `${r.count} ${r.reason}`).join(', '))})</span>` : ''}</td><td><code>${e(f.sha256.slice(0, 12))}</code></td></tr>`,
    )
    .join('\n')
  const problems = [data.train, data.test].flatMap((f) => f?.problems ?? [])
  const modalityRows = sim.modalities
    .map(
      (mo) =>
        `<tr><td>${e(mo.name)}</td><td>${mo.inputSize}</td><td>${num(mo.simulatedTrainingAvailability, 2)}</td><td>${num(data.scoring.asCollected.availability[mo.name], 2)}</td><td>${num(mo.availability, 2)}</td><td>${num(mo.simulatedDeploymentAvailability, 2)}</td>` +
        `<td>${mo.simulatedDeploymentAvailability < 1 ? num(sim.zeroFill.find((z) => z.name === mo.name)?.zeroOffsetSd, 1) : 'never absent'}</td></tr>`,
    )
    .join('\n')
  return `<h2>Data</h2>
<p class="note">${e(sim.description)}</p>
<table>
<thead><tr><th>file</th><th>samples</th><th>selected</th><th>used</th><th>skipped</th><th>SHA-256</th></tr></thead>
<tbody>
${files}
</tbody>
</table>
${problems.length > 0 ? `<p class="note">First skipped samples:</p><ul>${problems.map((p) => `<li class="note"><code>${e(p.message)}</code></li>`).join('')}</ul>` : ''}
<p class="note">Each modality's presence in the training data, in the test split as it came, and in the deployment mix made from it.</p>
<table>
<thead><tr><th>modality</th><th>input size</th><th>present in training</th><th>in the test split</th><th>deployment availability</th><th>in the deployment mix</th><th>zero lies (SD from mean)</th></tr></thead>
<tbody>
${modalityRows}
</tbody>
</table>
<p class="note">${sim.completeCaseTrainingSamples} of ${sim.trainingSamples} training samples carry every modality (the naive baseline trains on these); ${data.scoring.complete.samples} test samples do (the full-data score and the sweep).</p>
`
}

/** What the charts draw, as JSON in the page. */
function chartData(result: EvaluationResult) {
  const m = result.metric
  const pats = result.strategies[0]?.patterns ?? []
  return {
    metric: m.label,
    higherIsBetter: m.higherIsBetter,
    rates: result.sweep.missingRates,
    series: result.strategies.map((s) => ({
      legend: s.label,
      short: SHORT_NAMES[s.id],
      color: CANDIDATE_COLORS[s.id],
      sweep: s.sweep,
      patterns: s.patterns.map((p) => p.metric),
      complete: s.metrics.complete,
      deployment: s.metrics.deployment,
      recommended: s.recommended,
    })),
    // Multi-line axis labels: one modality per line, then the deployment share.
    patterns: pats.map((p) => [...p.present.map((name, i) => (i === 0 ? name : `+${name}`)), `(${(p.share * 100).toFixed(1)}%)`]),
  }
}
