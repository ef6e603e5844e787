// Deterministic generator of realistic, varied deployment profiles for the benchmarks: 1 to 8
// modalities of every type, cohorts, presence patterns, latency budgets, comments; about one in
// six carries a mistake people make (a share above 1, a misspelt key, a duplicate modality name,
// a cohort naming an unknown modality, a missing required key, a tab in the indentation).
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'

/** Small, fast, seedable PRNG (mulberry32): the same seed gives the same corpus everywhere. */
export function rng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const TYPES = ['tabular', 'image', 'text', 'timeseries', 'omics', 'embedding']
const NAMES = ['ehr', 'cxr', 'ct', 'notes', 'genomics', 'wearable', 'ecg', 'labs', 'vitals', 'claims', 'device', 'audio', 'video', 'clickstream', 'transactions', 'geo']
const MISSINGNESS = ['random', 'informative', 'by-design']
const TIMING = ['static', 'episodic', 'continuous']
const DEFECTS = ['share-above-one', 'misspelt-key', 'duplicate-name', 'unknown-cohort-modality', 'missing-task', 'tab-indent', 'pattern-sum']

function shuffle(r, list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1))
    ;[list[i], list[j]] = [list[j], list[i]]
  }
  return list
}

const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits

function pick(r, list) {
  return list[Math.floor(r() * list.length)]
}

function sizeLines(r, type) {
  switch (type) {
    case 'image':
      return [`    shape: [${pick(r, [64, 128, 224, 256])}, ${pick(r, [64, 128, 224, 256])}, ${pick(r, [1, 3])}]`]
    case 'timeseries':
      return ['    sequence:', `      length: ${pick(r, [24, 96, 250, 1000])}`, `      channels: ${1 + Math.floor(r() * 12)}`]
    case 'text':
      return [`    features: ${pick(r, [384, 768, 1024])}`]
    case 'omics':
      return [`    features: ${pick(r, [500, 2000, 20000])}`]
    case 'embedding':
      return [`    features: ${pick(r, [64, 128, 512])}`]
    default:
      return [`    features: ${5 + Math.floor(r() * 300)}`]
  }
}

/** One profile as YAML text, and which defect (if any) it carries. */
export function generateProfile(index, seed = 20261126) {
  const r = rng(seed + index * 7919)
  const defect = r() < 0.16 ? pick(r, DEFECTS) : undefined
  const count = 1 + Math.floor(r() * 8)
  const names = shuffle(r, [...NAMES]).slice(0, count)
  const modalities = names.map((name, i) => ({
    name,
    type: i === 0 ? 'tabular' : pick(r, TYPES),
    availability: i === 0 ? 1 : round(0.05 + r() * 0.95),
    missingness: pick(r, MISSINGNESS),
    timing: pick(r, TIMING),
    latency: round(0.5 + r() * 40, 1),
  }))
  const labelled = pick(r, [800, 1500, 5000, 18000, 40000, 250000])
  const lines = [
    '# yaml-language-server: $schema=https://fuseplan.dev/schemas/v1/deployment-profile.json',
    `# Generated benchmark profile ${index}`,
    'apiVersion: fuseplan/v1',
    'kind: DeploymentProfile',
    `name: bench-${index}`,
    `description: Benchmark deployment ${index} with ${count} modalities`,
  ]
  if (defect !== 'missing-task') {
    const type = pick(r, ['binary', 'binary', 'multiclass', 'regression'])
    lines.push('task:', `  type: ${type}`)
    if (type === 'multiclass') lines.push(`  classes: ${2 + Math.floor(r() * 8)}`)
    lines.push(`  metric: ${type === 'regression' ? 'rmse' : type === 'multiclass' ? 'macro_f1' : 'auroc'}`, `  labelledSamples: ${labelled}`)
    lines.push(`  interactions: ${pick(r, ['unknown', 'weak', 'strong'])}`)
  }
  lines.push('modalities:')
  for (const [i, m] of modalities.entries()) {
    lines.push(`  - name: ${defect === 'duplicate-name' && i === 1 ? modalities[0].name : m.name}`)
    lines.push(`    type: ${m.type}`)
    lines.push(...sizeLines(r, m.type))
    lines.push(`    availability: ${defect === 'share-above-one' && i === count - 1 ? 1.3 : m.availability}`)
    lines.push(`    ${defect === 'misspelt-key' && i === 0 ? 'missingnes' : 'missingness'}: ${m.missingness}`)
    lines.push(`    timing: ${m.timing}`)
    if (r() < 0.7) lines.push(`    encoderLatencyMs: ${m.latency}`)
    if (i === 0 && r() < 0.5) lines.push('    required: true')
  }
  if (r() < 0.7) {
    const rich = Math.max(200, Math.floor(labelled * (0.05 + r() * 0.3)))
    lines.push('cohorts:')
    lines.push(
      '  - name: general',
      `    size: ${labelled - Math.min(rich, labelled - 1)}`,
      '    labelled: true',
      `    modalities: [${modalities
        .slice(0, Math.max(1, Math.ceil(count / 2)))
        .map((m) => m.name)
        .join(', ')}]`,
    )
    lines.push('  - name: enrolled', `    size: ${Math.min(rich, labelled - 1)}`, '    labelled: true')
    const carried = modalities.map((m) => m.name)
    if (defect === 'unknown-cohort-modality') carried.push('mri')
    lines.push(`    modalities: [${carried.join(', ')}]`)
  }
  if (count >= 2 && (r() < 0.4 || defect === 'pattern-sum')) {
    const first = round(0.3 + r() * 0.5)
    lines.push('patterns:', `  - present: [${modalities[0].name}]`, `    share: ${first}`)
    lines.push(`  - present: [${modalities.map((m) => m.name).join(', ')}]`, `    share: ${defect === 'pattern-sum' ? round(1.2 - first) : round(1 - first)}`)
  }
  lines.push('latency:', `  budgetMs: ${pick(r, [20, 50, 100, 200, 500])}`, '  percentile: 99', `  hardware: ${pick(r, ['cpu', 'cpu', 'gpu'])}`, '  batch: 1')
  let text = `${lines.join('\n')}\n`
  if (defect === 'tab-indent') text = text.replace('\n  type:', '\n\ttype:')
  return {text, defect}
}

/** Writes `count` profiles into `dir` (bench-0000.yaml ...); returns how many carry a defect. */
export function writeProfiles(dir, count, seed) {
  mkdirSync(dir, {recursive: true})
  let defective = 0
  for (let i = 0; i < count; i++) {
    const {text, defect} = generateProfile(i, seed)
    if (defect) defective++
    writeFileSync(join(dir, `bench-${String(i).padStart(4, '0')}.yaml`), text)
  }
  return {count, defective}
}
