// The ADR's sentence on what each strategy does with an absent input (src/decision/strategies.ts,
// STRATEGY_INFO.absentInputs) against the network the generated project builds for it.
import {beforeAll, describe, expect, it} from 'vitest'
import {initBackend, loadTf} from '../../dist/templates/project/src/backend.js'
import {buildNetwork} from '../../dist/templates/project/src/model/networks.js'
import {STRATEGY_INFO} from '../../src/decision/strategies.js'
import {STRATEGIES} from '../../src/profile/strategies.js'
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
    const names = net.layers.map((l) => l.name)
    const classes = net.layers.map((l) => l.getClassName())
    const text = STRATEGY_INFO[strategy].absentInputs(bits)
    const placeholders = names.filter((n) => n.startsWith('placeholder_')).length
    // A placeholder per modality exactly when the text speaks of one.
    expect(/learned placeholder/.test(text)).toBe(placeholders === config.modalities.length)
    if (/no placeholder/i.test(text)) expect(placeholders).toBe(0)
    // Presence bits reach the fusion layer (a concatenation fed by the presence inputs) exactly when the text says so.
    const fusionInputs = net.layers.filter((l) => l.name === 'fusion_concat' || l.name === 'early_concat').flatMap((l) => l.inboundNodes.flatMap((n) => n.inboundLayers.map((x) => x.name)))
    const readsPresence = fusionInputs.includes('presence')
    expect(readsPresence).toBe(/presence (bits are fed|indicator)/.test(text))
    if (strategy === 'attention') expect(classes).toEqual(expect.arrayContaining(['FuseplanMaskedAttention', 'FuseplanMaskedMeanPool']))
    if (strategy === 'late') expect(text).toContain('skipped')
    net.dispose()
  })
})
