// The model's math on the backend in use (FUSEPLAN_BACKEND=tensorflow|wasm|cpu picks one; add
// FUSEPLAN_BACKEND_STRICT=1 to fail instead of falling back): the custom layers' gradients against
// finite differences, and one training step of the configured network without the kernels whose
// results differ between backends.
import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {initBackend, loadTf} from '../src/backend.js'
import {loadTrainingConfig} from '../src/config.js'
import {AVOIDED_KERNELS, GRADIENT_TOLERANCE, gradientChecks, networkKernels} from '../src/model/checks.js'

const backend = await initBackend({quiet: true})
const tf = await loadTf()

describe(`model math on the ${backend} backend`, () => {
  it('runs on the backend initBackend chose', (t) => {
    t.diagnostic(`backend: ${tf.getBackend()}`)
    assert.equal(tf.getBackend(), backend)
  })

  for (const check of gradientChecks(tf)) {
    it(`${check.name}: gradient matches`, () => {
      assert.ok(check.maxError <= GRADIENT_TOLERANCE, `largest error ${check.maxError} (tolerance ${GRADIENT_TOLERANCE})`)
    })
  }

  it('one training step of the configured network avoids the kernels that differ between backends', async () => {
    const config = loadTrainingConfig('fuseplan.training.yaml')
    const {kernels, nonFinite, zeroGradient} = await networkKernels(tf, config)
    assert.ok(kernels.includes('MatMul') || kernels.includes('_FusedMatMul'), `the step ran: ${kernels.join(', ')}`)
    for (const k of kernels) assert.ok(!(k in AVOIDED_KERNELS), `${k}: ${AVOIDED_KERNELS[k]}`)
    assert.deepEqual(nonFinite, [])
    // Every encoder weight learns (token tables included: their gradient is the layer's own).
    assert.deepEqual(
      zeroGradient.filter((w) => w.startsWith('enc_')),
      [],
    )
  })
})
