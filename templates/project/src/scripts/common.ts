// Shared helpers of the project's scripts (train, evaluate, predict, bench, synth).
import {existsSync} from 'node:fs'
import {loadTrainingConfig, modelSize, type TrainingConfig} from '../config.js'
import type {Dataset} from '../dataset.js'
import {loadJsonl} from '../data/loader.js'
import {createWorld, type Population} from '../data/synthetic.js'

export const CONFIG_FILE = 'fuseplan.training.yaml'
export const MODEL_DIR = 'model'

export function loadConfig(file = CONFIG_FILE): TrainingConfig {
  if (!existsSync(file)) fail(`${file} not found: run the script from the project folder, or pass --config FILE`)
  return loadTrainingConfig(file)
}

/**
 * Real data when `file` is given (or `fallback` exists), otherwise synthetic data from the world
 * seeded by `training.seed`, so train and evaluate see the same world.
 */
export function getData(config: TrainingConfig, opts: {file?: string; fallback: string; population: Population; n: number; seed: number}): {data: Dataset; source: string} {
  const file = opts.file ?? (existsSync(opts.fallback) ? opts.fallback : undefined)
  if (file) return {data: loadJsonl(config, file), source: file}
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
  const perSample = config.modalities.reduce((a, m) => a + modelSize(m), 0)
  return Math.max(300, Math.min(fallback, Math.floor(6e6 / perSample)))
}

export function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`)
  process.exit(1)
}

/** Runs a script's main, printing errors as one line instead of a stack trace. */
export function run(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    const e = error as Error
    process.stderr.write(`error: ${e.message}\n`)
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
