// Terminal line chart of the robustness sweep (metric vs missing rate), drawn with asciichart.
// Points between the measured rates are linearly interpolated so the chart is wide enough to read.
import {createRequire} from 'node:module'
import type {EvaluationResult} from '../../evaluate/types.js'
import {byCandidate, num, paint, SHORT_NAMES} from './util.js'

interface AsciiChart {
  plot(series: number[] | number[][], cfg?: {height?: number; colors?: string[]; format?: (x: number) => string; min?: number; max?: number}): string
  [color: string]: unknown
}

const asciichart = createRequire(import.meta.url)('asciichart') as AsciiChart

/** Colour per candidate on a colour terminal (the HTML report uses the same hues). */
const SERIES_COLORS = byCandidate('chartColor')

export interface ChartOptions {
  color: boolean
  /** Plot columns between missing rate 0 and 1. */
  columns?: number
  height?: number
}

/** Resamples (rates, values) to `cols + 1` evenly spaced points over [0, 1] by linear interpolation. */
export function resample(rates: readonly number[], values: readonly number[], cols: number): number[] {
  const out: number[] = []
  for (let c = 0; c <= cols; c++) {
    const x = c / cols
    let k = 0
    while (k < rates.length - 2 && rates[k + 1] < x) k++
    const x0 = rates[k]
    const x1 = rates[k + 1] ?? x0
    const t = x1 > x0 ? Math.min(1, Math.max(0, (x - x0) / (x1 - x0))) : 0
    out.push(values[k] + t * ((values[k + 1] ?? values[k]) - values[k]))
  }
  return out
}

/** Marker per candidate when there is no colour: each series is drawn with its own character. */
const MARKERS = byCandidate('marker')

type PlotCfg = {height: number; min: number; max: number; format: (x: number) => string}

/**
 * Without colour, asciichart's lines look alike. Plot every series alone on the same frame (same
 * min, max, height) and overlay them, drawing each series' cells with its own marker.
 */
function monochrome(data: number[][], markers: string[], cfg: PlotCfg): string {
  const frame = asciichart.plot(data, cfg).split('\n')
  const axisAt = (line: string) => Math.max(line.indexOf('┤'), line.indexOf('┼'))
  const start = axisAt(frame.at(-1) ?? '') + 1
  const grid = frame.map((line) => [...line.slice(0, start)])
  const cells = frame.map((line) => Array.from({length: Math.max(0, [...line].length - start)}, () => ' '))
  data.forEach((series, i) => {
    const lines = asciichart.plot([series], cfg).split('\n')
    lines.forEach((line, row) => {
      const chars = [...line].slice(start)
      chars.forEach((ch, col) => {
        if (ch !== ' ' && cells[row] && col < cells[row].length && cells[row][col] === ' ') cells[row][col] = markers[i]
      })
    })
  })
  return grid.map((g, row) => (g.join('') + cells[row].join('')).replace(/\s+$/, '')).join('\n')
}

export function formatSweepChart(result: EvaluationResult, opts: ChartOptions): string {
  const p = paint(opts.color)
  const cols = opts.columns ?? 50
  const series = result.strategies.filter((s) => s.sweep.length > 1 && s.sweep.every((v) => Number.isFinite(v)))
  if (series.length === 0 || result.sweep.modalities.length === 0) return ''
  const colors = series.map((s) => asciichart[SERIES_COLORS[s.id]] as string)
  const data = series.map((s) => resample(result.sweep.missingRates, s.sweep, cols))
  let lo = Math.min(...data.flat())
  let hi = Math.max(...data.flat())
  if (hi - lo < 1e-9) {
    lo -= 0.01
    hi += 0.01
  }
  const cfg = {height: opts.height ?? 12, min: lo, max: hi, format: (x: number) => x.toFixed(3).padStart(8)}
  const chart = opts.color
    ? asciichart.plot(data, {...cfg, colors})
    : monochrome(
        data,
        series.map((s) => MARKERS[s.id]),
        cfg,
      )
  const lines = chart.split('\n')
  // The x axis: find the column where the plot starts (right after the y-axis glyph).

  const plain = (lines.at(-1) ?? '').replace(/\u001B\[[0-9;]*m/g, '')
  const axisAt = Math.max(plain.indexOf('┤'), plain.indexOf('┼'))
  const start = axisAt + 1
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]
  let axis = ' '.repeat(start)
  for (const t of ticks) {
    const col = start + Math.round(t * cols)
    const label = t.toFixed(1)
    const at = Math.min(col - Math.floor(label.length / 2), start + cols + 1 - label.length + 1)
    if (at > axis.length) axis += ' '.repeat(at - axis.length)
    axis += label
  }
  const title = p.bold(`${result.metric.label} vs missing rate`) + p.dim(` (each of ${result.sweep.modalities.join(', ')} absent with probability r)`)
  const legend = series.map((s, i) => {
    const mark = opts.color ? `${colors[i]}━━${asciichart.reset as string}` : MARKERS[s.id]
    return `${mark} ${SHORT_NAMES[s.id]} ${num(s.sweep[0])} → ${num(s.sweep.at(-1))}`
  })
  const out = [title, ...lines, axis, ' '.repeat(start) + p.dim('missing rate r'), '']
  out.push(...legend.map((l) => `  ${l}`))
  return out.join('\n') + '\n'
}
