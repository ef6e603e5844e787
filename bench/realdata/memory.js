#!/usr/bin/env node
// Peak memory of `fuseplan evaluate --data` on a large image data set: writes N samples (default
// 100,000), each with its own 32x32 grey PNG and four numbers, then runs evaluate on them with
// --max-samples (default 2,000) and reports the process's maximum resident set size
// (process.resourceUsage().maxRSS, read at exit by a preloaded module). The goal is under 1 GB:
// memory follows the samples kept, not the file.
//
//   node bench/realdata/memory.js [--samples 100000] [--max-samples 2000] [--dir DIR] [--keep]
//
// Not part of npm test (writing 100,000 images takes minutes).
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

const ROOT = resolve(import.meta.dirname, '..', '..')
const require = createRequire(import.meta.url)
const {PNG} = require('pngjs')
const args = process.argv.slice(2)
const value = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback)
const samples = Number(value('--samples', 100_000))
const maxSamples = Number(value('--max-samples', 2000))
const dir = resolve(value('--dir', join(tmpdir(), `fuseplan-memory-${samples}`)))
const extra = value('--args', '--quick --epochs 3').split(' ').filter(Boolean)

function write() {
  if (existsSync(join(dir, 'train.jsonl'))) return
  mkdirSync(join(dir, 'images'), {recursive: true})
  let state = 12345
  const rand = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32
  const lines = []
  const rgba = Buffer.alloc(32 * 32 * 4)
  for (let i = 0; i < samples; i++) {
    const label = rand() < 0.5 ? 1 : 0
    const bright = 90 + 60 * label + 30 * rand()
    for (let p = 0; p < 32 * 32; p++) {
      const x = p % 32
      const y = Math.floor(p / 32)
      const v = Math.round((x > 8 && x < 24 && y > 8 && y < 24 ? bright : 60) + 25 * rand())
      rgba.set([v, v, v, 255], p * 4)
    }
    const name = `images/${String(i).padStart(6, '0')}.png`
    writeFileSync(join(dir, name), PNG.sync.write({width: 32, height: 32, data: rgba, colorType: 0}))
    const summary = [label + rand(), rand(), rand(), rand()].map((v) => Math.round(v * 1e4) / 1e4)
    lines.push(JSON.stringify({label, inputs: {summary, scan: name}}))
    if ((i + 1) % 10000 === 0) process.stderr.write(`wrote ${i + 1} images\n`)
  }
  writeFileSync(join(dir, 'train.jsonl'), lines.join('\n') + '\n')
  writeFileSync(
    join(dir, 'profile.yaml'),
    `apiVersion: fuseplan/v1
kind: DeploymentProfile
name: memory-${samples}
description: Synthetic scans for a memory measurement
task: {type: binary, metric: auroc, labelledSamples: ${samples}, interactions: unknown}
modalities:
  - {name: summary, type: tabular, features: 4, availability: 1.0, required: true}
  - {name: scan, type: image, shape: [32, 32, 1], availability: 0.6, missingness: random}
`,
  )
}

write()
const rssFile = join(dir, 'maxrss.json')
rmSync(rssFile, {force: true})
const preload = join(dir, 'report-rss.mjs')
writeFileSync(preload, `import {writeFileSync} from 'node:fs'\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, JSON.stringify({maxRSSKiB: process.resourceUsage().maxRSS})))\n`)
const start = Date.now()
const r = spawnSync(
  process.execPath,
  ['--import', preload, join(ROOT, 'bin', 'run.js'), 'evaluate', 'profile.yaml', '--data', 'train.jsonl', '--max-samples', String(maxSamples), '--format', 'json', ...extra],
  {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  },
)
const seconds = (Date.now() - start) / 1000
if (r.status !== 0) {
  process.stderr.write(r.stderr)
  process.exit(1)
}
const {maxRSSKiB} = JSON.parse(readFileSync(rssFile, 'utf8'))
const json = JSON.parse(r.stdout)
console.log(
  JSON.stringify(
    {samples, maxSamples, args: extra, seconds, maxRSSMiB: Math.round(maxRSSKiB / 1024), goalMiB: 1024, trainingSamples: json.data.split.trainingSamples, testSamples: json.data.split.testSamples},
    null,
    2,
  ),
)
if (!args.includes('--keep')) rmSync(dir, {recursive: true, force: true})
