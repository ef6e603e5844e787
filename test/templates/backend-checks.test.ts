// The generated model's math on the cpu and wasm backends (CI's tfjs-node lane runs the same checks
// on tensorflow through the generated project's own tests): custom-layer gradients against finite
// differences, no kernel whose result differs between backends in a training step of any strategy
// with conv2d, conv1d and embedding1d encoders, and a strict backend request that fails loudly.
import {spawnSync} from 'node:child_process'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import type {ModalityConfig, TrainingConfig} from '../../templates/project/src/config.js'
import {initBackend, loadTf} from '../../dist/templates/project/src/backend.js'
import {AVOIDED_KERNELS, GRADIENT_TOLERANCE, gradientChecks, gradientError, networkKernels} from '../../dist/templates/project/src/model/checks.js'
import {buildNetwork} from '../../dist/templates/project/src/model/networks.js'
import {encoderFor} from '../../src/scaffold/training-config.js'
import {STRATEGIES} from '../../src/strategies/index.js'
import {tinyConfig} from './fixtures.js'

type Tf = Awaited<ReturnType<typeof loadTf>>
let tf: Tf
beforeAll(async () => {
  await initBackend({quiet: true}) // registers wasm
  tf = await loadTf()
})

const modality = (over: Partial<ModalityConfig> & Pick<ModalityConfig, 'name' | 'type' | 'inputShape'>): ModalityConfig => ({
  inputSize: over.inputShape.reduce((a, s) => a * s, 1),
  encoder: encoderFor({type: over.type, inputShape: over.inputShape}),
  availability: 0.6,
  trainingAvailability: 0.6,
  missingness: 'random',
  timing: 'static',
  required: false,
  ...over,
})

/** ehr (mlp), photo (conv2d), ecg (conv1d), notes (embedding1d): every encoder kind in one network. */
function everyEncoder(strategy: TrainingConfig['strategy']): TrainingConfig {
  const base = tinyConfig(strategy)
  const modalities = [
    modality({name: 'ehr', type: 'tabular', inputShape: [6], required: true, availability: 1, trainingAvailability: 1}),
    modality({name: 'photo', type: 'image', inputShape: [9, 9, 3], encoder: {...encoderFor({type: 'image', inputShape: [9, 9, 3]}), resize: [9, 9]}}),
    modality({name: 'ecg', type: 'timeseries', inputShape: [21, 2]}),
    modality({name: 'notes', type: 'text', inputShape: [15, 1], encoder: {kind: 'embedding1d', embedding: 8, vocabulary: 40, tokenEmbedding: 4, filters: [4]}}),
  ]
  const embedding = 8
  return {
    ...base,
    modalities: modalities.map((m) => ({...m, encoder: {...m.encoder, embedding}})),
    masking: {...base.masking, modalities: modalities.map((m) => ({name: m.name, dropProbability: m.required ? 0 : 0.2, effectiveMissingRate: m.required ? 0 : 0.5}))},
    evaluation: {...base.evaluation, robustnessSweep: {missingRates: [0, 1], modalities: ['photo']}},
  }
}

describe.each(['cpu', 'wasm'])('on the %s backend', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true)
  })

  it('every custom layer gradient matches finite differences (conv and pooling with a padded border, masked max pool, token embedding)', () => {
    const checks = gradientChecks(tf)
    expect(checks.map((c) => c.name)).toHaveLength(5)
    for (const c of checks) expect(c.maxError, c.name).toBeLessThanOrEqual(GRADIENT_TOLERANCE)
  })

  it("the check catches tf.avgPool's 'same'-padding gradient, which is why the encoders pad to whole windows and pool with 'valid'", () => {
    const x = tf.tensor(
      Float32Array.from({length: 50}, (_, i) => ((i * 37) % 100) / 100),
      [2, 5, 5, 1],
    )
    const r = tf.tensor(
      Float32Array.from({length: 18}, (_, i) => ((i * 7) % 11) / 11 - 0.5),
      [2, 3, 3, 1],
    )
    const same = gradientError(tf, (t) => tf.sum(tf.mul(tf.avgPool(t as never, 2, 2, 'same'), r)) as never, x)
    const valid = gradientError(tf, (t) => tf.sum(tf.avgPool(t as never, 2, 2, 'valid')) as never, x)
    expect(same).toBeGreaterThan(0.1)
    expect(valid).toBeLessThanOrEqual(GRADIENT_TOLERANCE)
    tf.dispose([x, r])
  })

  it('gatherND has no gradient of its own, which is why the token embedding brings one', () => {
    const index = tf.tensor2d([[0], [2]], [2, 1], 'int32')
    expect(() => tf.grad((t) => tf.sum(tf.gatherND(t, index)))(tf.ones([3, 2]))).toThrow(/GatherNd/)
    index.dispose()
  })

  it.each(STRATEGIES)('a %s training step with every encoder kind runs none of the avoided kernels, and every encoder weight gets a gradient', async (strategy) => {
    const {kernels, nonFinite, zeroGradient} = await networkKernels(tf, everyEncoder(strategy))
    expect(kernels).toEqual(expect.arrayContaining(['Conv2D', 'GatherNd', 'ScatterNd']))
    expect(kernels.filter((k) => k in AVOIDED_KERNELS)).toEqual([])
    expect(nonFinite).toEqual([])
    expect(zeroGradient.filter((w) => w.startsWith('enc_'))).toEqual([])
  })

  it("only a first conv block on the model's input skips its input gradient (the token embedding before embedding1d's blocks still learns)", () => {
    const config = everyEncoder('intermediate')
    const net = buildNetwork(tf, config, {strategy: 'intermediate', presenceInputs: true, seed: 1})
    const blocks = net.layers.filter((l) => l.getClassName() === 'FuseplanConvBlock').map((l) => [l.name, l.getConfig().inputGradient])
    net.dispose()
    expect(Object.fromEntries(blocks)).toEqual({enc_1_conv_0: false, enc_1_conv_1: true, enc_2_conv_0: false, enc_2_conv_1: true, enc_3_conv_0: true})
  })
})

describe('a strict backend request (FUSEPLAN_BACKEND_STRICT)', () => {
  const script = `import('./dist/templates/project/src/backend.js').then(async (b) => console.log(await b.initBackend({quiet: true}))).catch((e) => { console.error(e.message); process.exit(3) })`
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {...process.env, FUSEPLAN_BACKEND: '', FUSEPLAN_BACKEND_STRICT: '', ...env},
      encoding: 'utf8',
    })

  it('fails, saying why and how to fix it, when the backend is missing (tfjs-node is not installed here)', () => {
    const run = start({FUSEPLAN_BACKEND: 'tensorflow', FUSEPLAN_BACKEND_STRICT: '1'})
    expect(run.status).toBe(3)
    expect(run.stdout).toBe('')
    expect(run.stderr).toMatch(
      /^FUSEPLAN_BACKEND=tensorflow is required \(FUSEPLAN_BACKEND_STRICT is set\) but unavailable: @tensorflow\/tfjs-node could not be loaded: Cannot find package '@tensorflow\/tfjs-node'/,
    )
    expect(run.stderr).toContain('install @tensorflow/tfjs-node 4.22.0')
  })

  it('uses the named backend when it is available', () => {
    for (const name of ['wasm', 'cpu']) {
      const run = start({FUSEPLAN_BACKEND: name, FUSEPLAN_BACKEND_STRICT: 'true'})
      expect(run.status).toBe(0)
      expect(run.stdout.trim()).toBe(name)
    }
  })

  it('falls through without it, as before', () => {
    const run = start({FUSEPLAN_BACKEND: 'tensorflow', FUSEPLAN_BACKEND_STRICT: '0'})
    expect(run.stdout.trim()).toBe('wasm')
  })

  it('rejects a strict request that names no backend, and a backend name that does not exist', () => {
    const unnamed = start({FUSEPLAN_BACKEND_STRICT: '1'})
    expect(unnamed.status).toBe(3)
    expect(unnamed.stderr).toContain('FUSEPLAN_BACKEND_STRICT is set but FUSEPLAN_BACKEND is not')
    const typo = start({FUSEPLAN_BACKEND: 'tensorflw'})
    expect(typo.status).toBe(3)
    expect(typo.stderr).toContain('FUSEPLAN_BACKEND=tensorflw is not a backend: use tensorflow, wasm, cpu')
  })
})
