// The transfer plan the ADR states is the one the generated project runs: the same cohorts, the same
// share of the learning rate, the same frozen epochs (templates/project/src/model/transfer.ts), and
// freezing really keeps the encoders still.
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {formatAdr} from '../../src/formatters/decision/adr.js'
import {buildTrainingConfig} from '../../src/scaffold/training-config.js'
import {initBackend} from '../../dist/templates/project/src/backend.js'
import {createWorld} from '../../dist/templates/project/src/data/synthetic.js'
import {createModel} from '../../dist/templates/project/src/model/index.js'
import {transferStages} from '../../dist/templates/project/src/model/transfer.js'
import type {Profile} from '../../src/profile/types.js'
import {tinyConfig} from '../templates/fixtures.js'

const profile: Profile = {
  apiVersion: 'fuseplan/v1',
  kind: 'DeploymentProfile',
  name: 'two-cohorts',
  task: {type: 'binary', metric: 'auroc', labelledSamples: 41500},
  modalities: [
    {name: 'ehr', type: 'tabular', features: 40, availability: 1, required: true},
    {name: 'cxr', type: 'image', shape: [32, 32, 1], availability: 0.2},
    {name: 'notes', type: 'tabular', features: 64, availability: 0.7},
  ],
  cohorts: [
    {name: 'enrolled', size: 1500, modalities: ['ehr', 'cxr', 'notes']},
    {name: 'general', size: 40000, modalities: ['ehr', 'notes'], availability: {notes: 0.6}},
  ],
}

describe('transfer plan: ADR and generated project agree', () => {
  it('the ADR, the training config and the stages the project runs carry the same plan', () => {
    const d = decide(profile)
    expect(d.transfer?.finetune).toEqual({learningRateScale: 0.33, freezeEncoderEpochs: 3})
    const adr = formatAdr(d, {date: '2026-01-01'})
    expect(adr).toContain('Pre-train every layer on `enrolled`; fine-tune on `general` at 0.33 of the learning rate, the encoders frozen for the first 3 epochs')
    expect(adr).toContain('2. Fine-tune on the other cohorts with the same masking plan at 0.33 of the learning rate, the encoders frozen for the first 3 epochs')
    const config = buildTrainingConfig(profile, d)
    expect(config.transfer).toMatchObject({pretrainCohort: 'enrolled', finetuneCohorts: ['general'], learningRateScale: 0.33, freezeEncoderEpochs: 3})
    const data = {n: 6, labels: new Float32Array(6), modalities: {}, cohort: ['enrolled', 'general', 'general', 'enrolled', 'general', 'other']}
    const {stages, why} = transferStages(config as never, data as never)
    expect(stages.map((s) => [s.label, Array.from(s.rows), s.learningRate, s.freezeEncoders])).toEqual([
      ['pre-train on enrolled', [0, 3], config.training.learningRate, 0],
      ['fine-tune on general', [1, 2, 4], config.training.learningRate * 0.33, 3],
    ])
    expect(why).toContain('at 0.33 of it with the encoders frozen for the first 3 epochs')
  })

  it('without cohorts on the samples, one stage on every sample, and train says why', () => {
    const config = buildTrainingConfig(profile, decide(profile))
    const {stages, why} = transferStages(config as never, {n: 3, labels: new Float32Array(3), modalities: {}} as never)
    expect(stages).toHaveLength(1)
    expect(why).toContain('needs a `cohort` on each sample')
  })

  it('frozen encoders do not move; the fusion layers do', async () => {
    await initBackend({quiet: true, prefer: 'cpu'})
    const config = tinyConfig('intermediate')
    const model = await createModel(config, {seed: 1})
    const net = (model as unknown as {net: {layers: {name: string; getWeights(): {dataSync(): Float32Array}[]}[]}}).net
    const snapshot = () => net.layers.map((l) => ({name: l.name, w: l.getWeights().map((t) => Array.from(t.dataSync()))}))
    const before = snapshot()
    await model.fit(createWorld(config, 1).sample(120, {population: 'training', seed: 2}), {epochs: 1, batchSize: 32, seed: 3, freezeEncoders: 1})
    const after = snapshot()
    const moved = (name: string) => JSON.stringify(before.find((b) => b.name === name)?.w) !== JSON.stringify(after.find((a) => a.name === name)?.w)
    const encoders = before.filter((b) => b.name.startsWith('enc_') && b.w.length > 0).map((b) => b.name)
    expect(encoders.length).toBeGreaterThan(0)
    for (const e of encoders) expect(moved(e), e).toBe(false)
    expect(moved('fusion_dense')).toBe(true)
    model.dispose()
  })
})
