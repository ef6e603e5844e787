// TensorFlow.js is an optional peer dependency (docs/adr/0010-tensorflow-js-an-optional-peer-dependency.md):
// lint, recommend and scaffold never load it, so CI installs stay light, and only `evaluate` needs it.
// Resolving the packages reads no module; evaluate checks before any work and says how to add them.
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)

/** The TensorFlow.js packages evaluate uses: tfjs itself (required) and its wasm backend (faster). */
export const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'] as const

/** True when `name` can be imported from fuseplan's install location. */
export function installed(name: string): boolean {
  try {
    require.resolve(name)
    return true
  } catch {
    return false
  }
}

/** The versions fuseplan is built against (its peerDependencies), as `name@version` install specs. */
export function tensorflowSpecs(): string[] {
  let peers: Record<string, string> = {}
  // fuseplan's package.json: three folders up from dist/src/evaluate, two from src/evaluate (tests).
  for (const path of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = require(path) as {name?: string; peerDependencies?: Record<string, string>}
      if (pkg.name === 'fuseplan') {
        peers = pkg.peerDependencies ?? {}
        break
      }
    } catch {
      // not there: the other place, or install specs without versions
    }
  }
  return TENSORFLOW_PACKAGES.map((p) => (peers[p] ? `${p}@${peers[p]}` : p))
}

/** Thrown when TensorFlow.js cannot be imported; its message says how to add it. */
export class TensorflowMissingError extends Error {
  constructor() {
    super(tensorflowMissingMessage())
    this.name = 'TensorflowMissingError'
  }
}

export function tensorflowMissingMessage(): string {
  const specs = tensorflowSpecs().join(' ')
  return (
    'evaluate trains models with TensorFlow.js, which is not installed (fuseplan leaves it out so that lint, recommend and scaffold install light). ' +
    `Add it where fuseplan is installed: \`npm install --save-dev ${specs}\` in your project, or \`npm install -g ${specs}\` beside a global fuseplan.`
  )
}

/** An import failure that means TensorFlow.js itself is missing (not one that failed inside it). */
export function isTensorflowMissing(error: unknown): boolean {
  const e = error as {code?: string; message?: string} | undefined
  return (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && /Cannot find (?:package|module) '@tensorflow\/tfjs'/.test(e.message ?? '')
}
