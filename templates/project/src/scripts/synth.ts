// npm run synth -- [--train N] [--test N] [--out DIR]
// Writes synthetic data in the project's JSON Lines format (data/train.jsonl, data/test.jsonl)
// and a request for `npm run predict` (data/request.json: the first test sample without its
// label): an example of the format, and a stand-in until real data exists. Images are written as JPEG
// files under data/images/ at the profile's size and referenced from the JSONL; the default
// sample counts keep the whole folder within a few tens of MB.
import {mkdirSync, rmSync, writeFileSync, appendFileSync} from 'node:fs'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {createWorld, type Population} from '../data/synthetic.js'
import {jsonlLines} from '../data/loader.js'
import {deriveSeed} from '../random.js'
import {QUICK, fail, loadConfig, quick, run} from './common.js'

/** Bytes on disk per sample, roughly: a JPEG byte per 4 pixel values, 8 characters per other value. */
function bytesPerSample(config: ReturnType<typeof loadConfig>): number {
  return config.modalities.reduce((a, m) => a + (m.type === 'image' && m.inputShape.length >= 2 ? m.inputSize / 4 : m.inputSize * 8) * Math.max(0.05, m.trainingAvailability), 0)
}

function count(given: string | undefined, fallback: number): number {
  if (given === undefined) return fallback
  const n = Number(given)
  if (!Number.isInteger(n) || n < 1) fail('--train and --test must be positive integers')
  return n
}

run(async () => {
  const {values} = parseArgs({options: {config: {type: 'string'}, train: {type: 'string'}, test: {type: 'string'}, out: {type: 'string', default: 'data'}}})
  const config = loadConfig(values.config)
  const world = createWorld(config, config.training.seed)
  const seed = config.training.seed
  // About 40 MB by default: three quarters training data, a quarter deployment data.
  const budget = Math.floor(4e7 / bytesPerSample(config))
  const nTrain = count(values.train, quick() ? QUICK.syntheticFiles.train : Math.max(100, Math.min(3000, Math.floor(budget * 0.75))))
  const nTest = count(values.test, quick() ? QUICK.syntheticFiles.test : Math.max(50, Math.min(2000, Math.floor(budget * 0.25))))
  mkdirSync(values.out, {recursive: true})
  const imageDir = path.join(values.out, 'images')
  rmSync(imageDir, {recursive: true, force: true})
  const hasImages = config.modalities.some((m) => m.type === 'image' && m.inputShape.length >= 2)
  // Chunks keep memory small when samples are large (a 224x224x3 image is 150,528 values).
  const chunk = hasImages ? 50 : 5000
  const write = (name: 'train' | 'test', n: number, population: Population) => {
    const file = path.join(values.out, `${name}.jsonl`)
    let first = ''
    writeFileSync(file, '')
    for (let start = 0, k = 0; start < n; start += chunk, k++) {
      const data = world.sample(Math.min(chunk, n - start), {population, seed: deriveSeed(seed, `${name}:${k}`)})
      const lines = jsonlLines(config, data, hasImages ? {dir: imageDir, base: values.out, prefix: `${name}-${k}-`} : undefined)
      appendFileSync(file, lines.join('\n') + '\n')
      first ||= lines[0]
    }
    return first
  }
  write('train', nTrain, 'training')
  const first = JSON.parse(write('test', nTest, 'deployment')) as {inputs: unknown}
  // A request is a sample without its label; its image paths stay valid beside the test data.
  writeFileSync(path.join(values.out, 'request.json'), `${JSON.stringify({inputs: first.inputs})}\n`)
  console.log(
    `wrote ${nTrain} training and ${nTest} deployment samples to ${values.out}/${hasImages ? ` (images as JPEG files in ${imageDir}/)` : ''}, and a request to ${path.join(values.out, 'request.json')}`,
  )
})
