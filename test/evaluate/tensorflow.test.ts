// TensorFlow.js is an optional peer dependency: evaluate finds out whether it is there and says how
// to add it. The repository's own tests need it: without it they fail (this file first), never skip.
import {describe, expect, it} from 'vitest'
import {installed, isTensorflowMissing, tensorflowMissingMessage, tensorflowSpecs} from '../../src/evaluate/tensorflow.js'

describe('TensorFlow.js, optional for users, required here', () => {
  it('is installed for the test suite (npm ci installs it from devDependencies); evaluate tests fail without it', () => {
    expect(installed('@tensorflow/tfjs'), 'npm ci installs @tensorflow/tfjs (a devDependency); the evaluate tests need it').toBe(true)
    expect(installed('@tensorflow/tfjs-backend-wasm')).toBe(true)
  })

  it('names the versions fuseplan is built against in the install command', () => {
    expect(tensorflowSpecs()).toEqual(['@tensorflow/tfjs@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0'])
    expect(tensorflowMissingMessage()).toContain('npm install --save-dev @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0')
    expect(installed('@tensorflow/no-such-package')).toBe(false)
  })

  it('tells a missing TensorFlow.js from an error inside it', () => {
    const missing = Object.assign(new Error("Cannot find package '@tensorflow/tfjs' imported from /x/backend.js"), {code: 'ERR_MODULE_NOT_FOUND'})
    expect(isTensorflowMissing(missing)).toBe(true)
    const inner = Object.assign(new Error("Cannot find package 'long' imported from /x/node_modules/@tensorflow/tfjs/dist/index.js"), {code: 'ERR_MODULE_NOT_FOUND'})
    expect(isTensorflowMissing(inner)).toBe(false)
    expect(isTensorflowMissing(new Error('WebAssembly failed'))).toBe(false)
    expect(isTensorflowMissing(undefined)).toBe(false)
  })
})
