// Picks the fastest TensorFlow.js backend that works on this machine, once per process:
//   1. `tensorflow`: @tensorflow/tfjs-node (native libtensorflow) when it is installed;
//   2. `wasm`: @tensorflow/tfjs-backend-wasm (no native download; several times faster than cpu);
//   3. `cpu`: plain JavaScript.
// TensorFlow.js is imported lazily so that code which does not train or predict stays fast to load.
// Set FUSEPLAN_BACKEND=tensorflow|wasm|cpu to force one (it falls through when unavailable).
import {createRequire} from 'node:module'
import path from 'node:path'
import type * as TF from '@tensorflow/tfjs'

export type Tf = typeof TF
export type BackendName = 'tensorflow' | 'wasm' | 'cpu'
export const BACKENDS: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu']

let tfModule: Tf | undefined
let chosen: Promise<BackendName> | undefined

/** The @tensorflow/tfjs module, imported on first use. */
export async function loadTf(): Promise<Tf> {
  // require, not import(): importing this CommonJS bundle as ESM makes Node scan it and every
  // package it re-exports for export names first (0.7 s against 0.3 s on a busy 2-core machine).
  tfModule ??= createRequire(import.meta.url)('@tensorflow/tfjs') as Tf
  return tfModule
}

async function tryTensorflow(tf: Tf): Promise<boolean> {
  // A variable specifier keeps TypeScript from requiring the optional package at compile time.
  const nodeBackend = '@tensorflow/tfjs-node'
  try {
    await import(nodeBackend)
    return await tf.setBackend('tensorflow')
  } catch {
    return false
  }
}

/** Folder holding the .wasm binaries of @tensorflow/tfjs-backend-wasm, with a trailing separator. */
export function wasmDir(): string {
  const require = createRequire(import.meta.url)
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep
}

async function tryWasm(tf: Tf): Promise<boolean> {
  try {
    const wasm = createRequire(import.meta.url)('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm') // see loadTf
    wasm.setWasmPaths(wasmDir())
    return await tf.setBackend('wasm')
  } catch {
    return false
  }
}

function order(prefer: string | undefined): BackendName[] {
  const p = BACKENDS.find((b) => b === prefer)
  return p ? [p, ...BACKENDS.filter((b) => b !== p && BACKENDS.indexOf(b) > BACKENDS.indexOf(p))] : [...BACKENDS]
}

/**
 * Initialises the backend (once per process) and returns its name. Logs the choice to stderr
 * once unless `quiet`. `prefer` (or FUSEPLAN_BACKEND) starts the search at that backend.
 */
export async function initBackend(opts: {quiet?: boolean; prefer?: BackendName} = {}): Promise<BackendName> {
  chosen ??= (async () => {
    const tf = await loadTf()
    let name: BackendName = 'cpu'
    for (const candidate of order(opts.prefer ?? process.env.FUSEPLAN_BACKEND)) {
      if (candidate === 'tensorflow' && (await tryTensorflow(tf))) {
        name = candidate
        break
      }
      if (candidate === 'wasm' && (await tryWasm(tf))) {
        name = candidate
        break
      }
      if (candidate === 'cpu' && (await tf.setBackend('cpu'))) {
        name = candidate
        break
      }
    }
    await tf.ready()
    if (!opts.quiet) {
      const hint = name === 'tensorflow' ? '' : ' (install @tensorflow/tfjs-node for the native backend, see README)'
      process.stderr.write(`tfjs backend: ${name}${hint}\n`)
    }
    return name
  })()
  return chosen
}
