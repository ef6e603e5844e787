// `evaluate --data` seed N trains what the generated project trains with `training.seed: N`: the
// same config, data, initial weights, batches and masks, so a team can rerun any seed of the report
// in its own project and get the same number.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {decide} from '../../dist/src/decision/decide.js'
import {buildTrainingConfig} from '../../dist/src/scaffold/training-config.js'
import {initBackend} from '../../dist/templates/project/src/backend.js'
import {readJsonl} from '../../dist/templates/project/src/data/loader.js'
import {score} from '../../dist/templates/project/src/metrics.js'
import {createModel} from '../../dist/templates/project/src/model/index.js'
import {STRATEGIES} from '../../src/strategies/index.js'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'
import {writeFixture} from './data-fixture.js'

const EPOCHS = 3
const SEED = 11

describe('evaluate --data seeds are the project’s training seeds', () => {
  it('each strategy’s score on a seed equals the generated project’s model code trained with that seed', async () => {
    const dir = tempDir()
    writeFixture(dir, {n: 160, file: 'train.jsonl'})
    writeFixture(dir, {n: 60, seed: 2, file: 'test.jsonl'})
    const r = await runInProcess(
      ['evaluate', 'profile.yaml', '--data', 'train.jsonl', '--test', 'test.jsonl', '--seeds', '1', '--seed', String(SEED), '--epochs', String(EPOCHS), '--format', 'json'],
      {cwd: dir},
    )
    expect(r.status).toBe(0)
    const report = JSON.parse(r.stdout) as {strategies: {id: string; strategy?: string; seeds: {asCollected: number[]}}[]}

    await initBackend()
    const profile = parse(readFileSync(join(dir, 'profile.yaml'), 'utf8'))
    for (const strategy of STRATEGIES) {
      // What `npm run train -- --epochs 3` does in a project scaffolded with this strategy and
      // `training.seed: 11` (the config keeps its epoch budget; the masking schedule is scaled to the run).
      const base = buildTrainingConfig(profile, decide(profile), {strategy})
      const config = {...base, training: {...base.training, seed: SEED}}
      const train = readJsonl(config, join(dir, 'train.jsonl'), undefined, {skipBad: true}).data
      const test = readJsonl(config, join(dir, 'test.jsonl'), undefined, {skipBad: true}).data
      const model = await createModel(config, {seed: SEED})
      await model.fit(train, {epochs: EPOCHS, batchSize: config.training.batchSize, learningRate: config.training.learningRate, seed: SEED, patience: config.training.patience})
      const byHand = score(config.task.metric, config.task.type, test.labels, await model.predict(test), 2)
      model.dispose()
      const candidate = report.strategies.find((s) => s.id === strategy || s.id === `${strategy}/indicators`)
      expect(candidate, strategy).toBeDefined()
      expect(candidate?.seeds.asCollected[0], strategy).toBe(Number(byHand.toFixed(4)))
    }
  }, 120_000)
})
