// The ADR's sentence on what each strategy does with an absent input (src/decision/strategies.ts,
// STRATEGY_DEFINITIONS[s].absentInputs) against what the generated network does: a learned placeholder is
// named only where changing it changes the prediction for an absent modality, presence bits only
// where they reach the fusion layer.
import type * as TF from '@tensorflow/tfjs'
import {beforeAll, describe, expect, it} from 'vitest'
import {initBackend, loadTf} from '../../dist/templates/project/src/backend.js'
import {buildNetwork} from '../../dist/templates/project/src/model/networks.js'
import {modelShape} from '../../dist/templates/project/src/config.js'
import {STRATEGIES, STRATEGY_DEFINITIONS} from '../../src/strategies/index.js'
import {tinyConfig} from './fixtures.js'

beforeAll(async () => {
  await initBackend({quiet: true, prefer: 'cpu'})
})

describe.each(STRATEGIES)('%s fusion: the ADR says what the network does', (strategy) => {
  it.each([true, false])('with presence bits %s', async (bits) => {
    const tf = await loadTf()
    const base = tinyConfig(strategy)
    const config = {...base, masking: {...base.masking, presenceBits: bits}}
    const net = buildNetwork(tf, config, {strategy, presenceInputs: true, seed: 1})
    const text = STRATEGY_DEFINITIONS[strategy].absentInputs(bits)
    // Predictions for 4 rows with modality 1 absent, before and after moving its placeholder.
    const n = 4
    const K = config.modalities.length
    const inputs: TF.Tensor[] = config.modalities.map((m) => tf.randomNormal([n, ...modelShape(m)], 0, 1, 'float32', 7))
    const presence = config.modalities.map((_, j) =>
      tf.tensor2d(
        Array.from({length: n}, () => (j === 1 ? 0 : 1)),
        [n, 1],
      ),
    )
    const stepMasks = net.inputs.slice(2 * K).map((x) => tf.ones([n, ...(x.shape.slice(1) as number[])]))
    const predict = () => net.predict([...inputs, ...presence, ...stepMasks]) as TF.Tensor | TF.Tensor[]
    const first = (o: TF.Tensor | TF.Tensor[]) => (Array.isArray(o) ? o[0] : o).dataSync().slice()
    const before = first(predict())
    const gate = net.layers.find((l) => l.name === 'placeholder_1')
    if (gate) gate.setWeights(gate.getWeights().map((w) => tf.add(w, 5)))
    const after = first(predict())
    const placeholderMatters = before.some((v, i) => Math.abs(v - after[i]) > 1e-6)
    expect(/learned placeholder/.test(text)).toBe(placeholderMatters)
    // Presence bits reach the fusion layer exactly when the text says so.
    const fusionInputs = net.layers.filter((l) => l.name === 'fusion_concat' || l.name === 'early_concat').flatMap((l) => l.inboundNodes.flatMap((node) => node.inboundLayers.map((x) => x.name)))
    expect(fusionInputs.includes('presence')).toBe(/presence (bits are fed|indicator)/.test(text))
    if (strategy === 'late') expect(text).toContain('skipped')
    net.dispose()
  })
})
