// npm run synth -- [--train N] [--test N] [--out DIR]
// Writes synthetic data in the project's JSON Lines format (data/train.jsonl, data/test.jsonl):
// an example of the format, and a stand-in until real data exists.
import {mkdirSync} from 'node:fs'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {createWorld} from '../data/synthetic.js'
import {writeJsonl} from '../data/loader.js'
import {deriveSeed} from '../random.js'
import {loadConfig, run, syntheticSamples} from './common.js'

run(async () => {
  const {values} = parseArgs({options: {config: {type: 'string'}, train: {type: 'string'}, test: {type: 'string'}, out: {type: 'string', default: 'data'}}})
  const config = loadConfig(values.config)
  const world = createWorld(config, config.training.seed)
  mkdirSync(values.out, {recursive: true})
  const seed = config.training.seed
  const nTrain = syntheticSamples(config, values.train, 3000)
  const nTest = syntheticSamples(config, values.test, 2000)
  writeJsonl(config, world.sample(nTrain, {population: 'training', seed: deriveSeed(seed, 'train')}), path.join(values.out, 'train.jsonl'))
  writeJsonl(config, world.sample(nTest, {population: 'deployment', seed: deriveSeed(seed, 'test')}), path.join(values.out, 'test.jsonl'))
  console.log(`wrote ${nTrain} training and ${nTest} deployment samples to ${values.out}/`)
})
