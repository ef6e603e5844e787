// Shared helpers of the project's scripts (train, evaluate, predict, bench, synth).
import {existsSync} from 'node:fs'
import {loadTrainingConfig, modelSize, type TrainingConfig} from '../config.js'
import type {Dataset} from '../dataset.js'
import {printable, readJsonl, type Loaded, type Tally} from '../data/loader.js'
import {createWorld, type Population} from '../data/synthetic.js'

export const CONFIG_FILE = 'fuseplan.training.yaml'
export const MODEL_DIR = 'model'

/**
 * FUSEPLAN_QUICK=1 turns every script into a smoke run (a few epochs, few samples): to check that
 * the commands work, in seconds, never to get a model worth using.
 */
export const QUICK = {epochs: 2, samples: 200, syntheticFiles: {train: 20, test: 10}, requests: 20}
export const quick = (): boolean => !['', '0', 'false', undefined].includes(process.env.FUSEPLAN_QUICK)

export function loadConfig(file = CONFIG_FILE): TrainingConfig {
  if (!existsSync(file)) fail(`${file} not found: run the script from the project folder, or pass --config FILE`)
  const config = loadTrainingConfig(file)
  if (quick()) {
    config.training.epochs = Math.min(config.training.epochs, QUICK.epochs)
    process.stderr.write(`FUSEPLAN_QUICK is set: a smoke run (${QUICK.epochs} epochs, ${QUICK.samples} synthetic samples), to check the commands work; not a model to use\n`)
  }
  return config
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** "lines 4, 17, 99 and 12 more" */
function lineList(lines: number[], count: number): string {
  return `${count === 1 ? 'line' : 'lines'} ${lines.join(', ')}${count > lines.length ? ` and ${count - lines.length} more` : ''}`
}

/** Prints, on stderr, the samples a data file lost and the images worth a look: each one positioned, then counts per reason. */
export function reportLoaded(loaded: Loaded, file: string, write: (line: string) => void = say): void {
  const out = (line: string) => write(printable(line))
  const show = 20
  const list = (tally: Tally, label: string) => {
    for (const p of tally.listed.slice(0, show)) out(`${p.where}: ${label}: ${p.text}`)
    if (tally.count > show) out(`... and ${tally.count - show} more`)
  }
  const {skipped, warnings, total} = loaded
  if (warnings.count > 0) {
    list(warnings, 'warning')
    out(`warning: ${plural(warnings.count, 'image')} in ${file} differ from their configured shape by more than resizing explains: check that they are what the model expects`)
  }
  if (skipped.count === 0) return
  list(skipped, 'skipped')
  out(`warning: skipped ${skipped.count} of ${plural(total, 'sample')} in ${file}; using the other ${loaded.data.n}:`)
  for (const [kind, k] of [...skipped.byKind].sort((a, b) => b[1].count - a[1].count)) out(`  ${k.count} ${kind} (${lineList(k.lines, k.count)})`)
  if (skipped.count > 0.1 * total && loaded.data.n > 0) out(`warning: that is ${Math.round((100 * skipped.count) / total)}% of ${file}: fix the data before trusting the result`)
}

/** Reads a data file, leaving out (and reporting) samples that cannot be used; fails when none can. */
export function loadDataFile(config: TrainingConfig, file: string): {data: Dataset; source: string} {
  const loaded = readJsonl(config, file, undefined, {skipBad: true})
  reportLoaded(loaded, file)
  if (loaded.data.n === 0) fail(`${file}: none of its ${plural(loaded.total, 'sample')} can be used (see above)`)
  const skipped = loaded.skipped.count > 0 ? `, ${loaded.skipped.count} of ${loaded.total} skipped` : ''
  return {data: loaded.data, source: `${file} (${plural(loaded.data.n, 'sample')}${skipped})`}
}

/**
 * Real data when `file` is given (or `fallback` exists), otherwise synthetic data from the world
 * seeded by `training.seed`, so train and evaluate see the same world.
 */
export function getData(config: TrainingConfig, opts: {file?: string; fallback: string; population: Population; n: number; seed: number}): {data: Dataset; source: string} {
  const file = opts.file ?? (existsSync(opts.fallback) ? opts.fallback : undefined)
  if (file) return loadDataFile(config, file)
  const world = createWorld(config, config.training.seed)
  return {
    data: world.sample(opts.n, {population: opts.population, seed: opts.seed, resolution: 'model'}),
    source: `synthetic ${opts.population} data (${opts.n} samples; put real data in ${opts.fallback})`,
  }
}

/**
 * Synthetic sample count: --samples, else `fallback` capped by the size the model reads per sample
 * (images at their resize), so that default training stays within a few minutes on 2 cores.
 */
export function syntheticSamples(config: TrainingConfig, given: string | undefined, fallback = 3000): number {
  if (given !== undefined) {
    const n = Number(given)
    if (!Number.isInteger(n) || n < 1) fail('--samples must be a positive integer')
    return n
  }
  if (quick()) return Math.min(fallback, QUICK.samples)
  const perSample = config.modalities.reduce((a, m) => a + modelSize(m), 0)
  return Math.max(300, Math.min(fallback, Math.floor(6e6 / perSample)))
}

/** One line on stderr, made printable (it may quote data files and paths). */
export function say(line: string): void {
  process.stderr.write(`${printable(line)}\n`)
}

export function fail(message: string): never {
  say(`error: ${message}`)
  process.exit(1)
}

/** Runs a script's main, printing errors as one line instead of a stack trace. */
export function run(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const e = error as Error
    say(`error: ${e.message}`)
    if (process.env.DEBUG) process.stderr.write(`${e.stack ?? ''}\n`)
    process.exit(1)
  })
}

export function fmt(v: number, digits = 3): string {
  return Number.isFinite(v) ? v.toFixed(digits) : 'n/a'
}

/** A plain-text table with aligned columns. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

/** Progress line on stderr: a bar on a terminal, one line per update otherwise. */
export function progress(label: string, done: number, total: number, extra = ''): void {
  if (process.stderr.isTTY) {
    const width = 24
    const filled = Math.round((done / total) * width)
    process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${extra}`)
    if (done === total) process.stderr.write('\n')
  } else {
    process.stderr.write(`${label} ${done}/${total} ${extra}\n`)
  }
}
