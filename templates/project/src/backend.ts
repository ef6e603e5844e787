// Picks the fastest TensorFlow.js backend that works on this machine, once per process:
//   1. `tensorflow`: @tensorflow/tfjs-node (native libtensorflow) when it is installed;
//   2. `wasm`: @tensorflow/tfjs-backend-wasm (no native download; several times faster than cpu);
//   3. `cpu`: plain JavaScript.
// TensorFlow.js is imported lazily so that code which does not train or predict stays fast to load.
// Set FUSEPLAN_BACKEND=tensorflow|wasm|cpu to start there (it falls through when unavailable), and
// FUSEPLAN_BACKEND_STRICT=1 as well to make an unavailable backend an error instead (CI uses it to
// prove that code ran on tfjs-node, not on a silent fallback).
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

/** Why each backend that was tried could not be used (for the strict-mode error). */
const failures = new Map<BackendName, string>()

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}

async function tryTensorflow(tf: Tf): Promise<boolean> {
  // A variable specifier keeps TypeScript from requiring the optional package at compile time.
  const nodeBackend = '@tensorflow/tfjs-node'
  // TensorFlow's C++ start-up notes (oneDNN, CPU features) are noise on stderr; errors still show.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2'
  try {
    await import(nodeBackend)
  } catch (error) {
    failures.set('tensorflow', `@tensorflow/tfjs-node could not be loaded: ${reason(error)}`)
    return false
  }
  try {
    if (await tf.setBackend('tensorflow')) return true
  } catch (error) {
    failures.set(
      'tensorflow',
      `@tensorflow/tfjs-node loaded, but this project's tfjs cannot switch to it (${reason(error)}); is it a second copy of @tensorflow/tfjs-core? Install tfjs-node 4.22.0 into this project`,
    )
    return false
  }
  failures.set('tensorflow', 'the tensorflow backend failed to initialise')
  return false
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
    if (await tf.setBackend('wasm')) return true
    failures.set('wasm', 'tf.setBackend("wasm") failed')
  } catch (error) {
    failures.set('wasm', `@tensorflow/tfjs-backend-wasm could not be loaded: ${reason(error)}`)
  }
  return false
}

function order(prefer: BackendName | undefined, strict: boolean): BackendName[] {
  if (!prefer) return [...BACKENDS]
  return strict ? [prefer] : [prefer, ...BACKENDS.filter((b) => BACKENDS.indexOf(b) > BACKENDS.indexOf(prefer))]
}

/** The requested backend and strictness from the options or the environment; bad values are errors. */
function request(opts: {prefer?: BackendName; strict?: boolean}): {prefer: BackendName | undefined; strict: boolean} {
  const env = process.env.FUSEPLAN_BACKEND
  if (opts.prefer === undefined && env && !BACKENDS.includes(env as BackendName)) {
    throw new Error(`FUSEPLAN_BACKEND=${env} is not a backend: use ${BACKENDS.join(', ')} (or unset it to pick the fastest available)`)
  }
  const prefer = opts.prefer ?? (env ? (env as BackendName) : undefined)
  const flag = process.env.FUSEPLAN_BACKEND_STRICT
  const strict = opts.strict ?? (flag !== undefined && flag !== '' && flag !== '0' && flag !== 'false')
  if (strict && !prefer) throw new Error('FUSEPLAN_BACKEND_STRICT is set but FUSEPLAN_BACKEND is not: name the backend that must be used (tensorflow, wasm or cpu)')
  return {prefer, strict}
}

/**
 * Initialises the backend (once per process) and returns its name. Logs the choice to stderr
 * once unless `quiet`. `prefer` (or FUSEPLAN_BACKEND) starts the search at that backend; with
 * `strict` (or FUSEPLAN_BACKEND_STRICT=1) only that backend is tried, and failing to start it is an
 * error that says why, instead of a fall-through to a slower backend.
 */
export async function initBackend(opts: {quiet?: boolean; prefer?: BackendName; strict?: boolean} = {}): Promise<BackendName> {
  chosen ??= (async () => {
    const {prefer, strict} = request(opts)
    const tf = await loadTf()
    let name: BackendName | undefined
    for (const candidate of order(prefer, strict)) {
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
    if (!name) {
      const why = failures.get(prefer ?? 'cpu') ?? 'it could not be initialised'
      const fix = prefer === 'tensorflow' ? 'install @tensorflow/tfjs-node 4.22.0 (README, "Backends")' : `reinstall the dependencies (npm ci)`
      throw new Error(
        `FUSEPLAN_BACKEND=${prefer} is required (FUSEPLAN_BACKEND_STRICT is set) but unavailable: ${why}. To fix: ${fix}, or unset FUSEPLAN_BACKEND_STRICT to fall back to the next backend.`,
      )
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
