// A small labelled data set in the generated project's JSON Lines format for `evaluate --data`
// tests: a required tabular modality, an 8x8 grey scan (PNG files) present for about 60% of the
// samples, a binary label that depends on both. Seeded: the same call writes the same files.
import {mkdirSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {Rng} from '../../templates/project/src/random.js'

const require = createRequire(import.meta.url)
const {PNG} = require('pngjs') as {PNG: {sync: {write(p: {width: number; height: number; data: Buffer}): Buffer}}}

export const FIXTURE_PROFILE = `apiVersion: fuseplan/v1
kind: DeploymentProfile
name: tiny-scans
description: A tiny image + tabular data set for tests
task: {type: binary, metric: auroc, labelledSamples: 200, interactions: unknown}
modalities:
  - {name: vitals, type: tabular, features: 3, availability: 1.0, required: true}
  - {name: scan, type: image, shape: [8, 8, 1], availability: 0.6, missingness: random}
`

export function pngBytes(values: (x: number, y: number) => number, side = 8): Buffer {
  const rgba = Buffer.alloc(side * side * 4)
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = Math.max(0, Math.min(255, Math.round(values(x, y))))
      rgba.set([v, v, v, 255], (y * side + x) * 4)
    }
  }
  return PNG.sync.write({width: side, height: side, data: rgba})
}

export interface FixtureOptions {
  n?: number
  seed?: number
  /** Extra raw lines appended to the file (bad samples, say). */
  extra?: string[]
  /** Share of samples with the scan (default 0.6). */
  scanShare?: number
  cohorts?: string[]
  file?: string
}

/** Writes profile.yaml and a JSON Lines file (default data.jsonl) with images under img/; returns the file's path. */
export function writeFixture(dir: string, opts: FixtureOptions = {}): string {
  const n = opts.n ?? 200
  const rng = new Rng(opts.seed ?? 1)
  mkdirSync(join(dir, 'img'), {recursive: true})
  writeFileSync(join(dir, 'profile.yaml'), FIXTURE_PROFILE)
  const lines: string[] = []
  const prefix = (opts.file ?? 'data.jsonl').replace(/\.jsonl$/, '')
  for (let i = 0; i < n; i++) {
    const a = rng.normal()
    const b = rng.normal()
    const label = rng.next() < 1 / (1 + Math.exp(-2 * (a + b))) ? 1 : 0
    const vitals = [Math.round((60 + 10 * a + rng.normal()) * 100) / 100, Math.round(rng.normal() * 100) / 100, Math.round((1 + 0.5 * rng.normal()) * 100) / 100]
    let scan: string | null = null
    if (rng.next() < (opts.scanShare ?? 0.6)) {
      const name = `img/${prefix}-${i}.png`
      const bright = 120 + 40 * b
      const noise = Array.from({length: 64}, () => rng.normal() * 15)
      writeFileSync(
        join(dir, name),
        pngBytes((x, y) => (x > 1 && x < 6 && y > 1 && y < 6 ? bright : 80) + noise[y * 8 + x]),
      )
      scan = name
    }
    const sample: Record<string, unknown> = {label}
    if (opts.cohorts) sample.cohort = opts.cohorts[i % opts.cohorts.length]
    sample.inputs = {vitals, scan}
    lines.push(JSON.stringify(sample))
  }
  const file = join(dir, opts.file ?? 'data.jsonl')
  writeFileSync(file, [...lines, ...(opts.extra ?? [])].join('\n') + '\n')
  return file
}

/** One bad sample of each kind the issue names, each on its own line. */
export function badLines(dir: string): string[] {
  mkdirSync(join(dir, 'img'), {recursive: true})
  writeFileSync(join(dir, 'img', 'corrupt.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 1, 2, 3]))
  return [
    JSON.stringify({label: 1, inputs: {vitals: [60, 0, 1], scan: 'img/corrupt.png'}}),
    JSON.stringify({label: 0, inputs: {vitals: [61, 0, 1], scan: 'img/missing.png'}}),
    '{"label": 1, "inputs": {"vitals": [62, 0, 1]',
    JSON.stringify({label: 0, inputs: {vitals: [63, 0]}}),
    JSON.stringify({label: 'yes', inputs: {vitals: [64, 0, 1]}}),
    JSON.stringify({label: 1, inputs: {vitals: [65, 0, 1], ecg: [1, 2]}}),
  ]
}
