// Runs the built CLI inside the test process: the same oclif entry, commands, flags, error handling
// and exit codes as bin/run.js, without paying node + oclif start-up (about half a second) per run.
// Use it wherever the process boundary is not what a test is about; tests of start-up, signals,
// pipes and prompts on stdin keep spawning the real binary (run-cli.ts, fuzz-helpers.ts).
//
// The runner swaps process-wide state for the duration of a run (cwd, env, console, the standard
// streams' write, exitCode), so runs inside one test file must not overlap: vitest runs a file's
// tests one after another unless told otherwise, and the runner also queues its own calls.
import {format} from 'node:util'
import {Config, run} from '@oclif/core'
import {Exit, handle} from '@oclif/core/handle'
import {expect} from 'vitest'
import {ROOT} from './run-cli.js'

export interface InProcessResult {
  status: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  timedOut: boolean
}

export interface InProcessOptions {
  cwd?: string
  env?: Record<string, string>
  /** A run that has not settled after this long is reported as timedOut (only asynchronous hangs can be caught). */
  timeoutMs?: number
  /**
   * Run on a Config of its own, loaded for this run (as a new process would), instead of the one the
   * file's runs share: oclif's help of a topic changes the Config it runs on.
   */
  freshConfig?: boolean
}

// One Config per test file, as when each file had a process of its own: vitest runs files one after
// another in a worker without reloading modules (vitest.config.ts), and a run may change its Config.
const configs = new Map<string, Promise<Config>>()
let queue: Promise<unknown> = Promise.resolve()

/** Runs `fuseplan ...args` in process; resolves with what a spawned run would have produced. */
export function runInProcess(args: string[], options: InProcessOptions = {}): Promise<InProcessResult> {
  const next = queue.then(() => runOnce(args, options))
  queue = next.catch(() => undefined)
  return next
}

async function runOnce(args: string[], options: InProcessOptions): Promise<InProcessResult> {
  const file = expect.getState().testPath ?? ''
  if (!configs.has(file)) configs.set(file, Config.load(ROOT))
  const loaded = await (options.freshConfig ? Config.load(ROOT) : (configs.get(file) as Promise<Config>))
  const stdout: string[] = []
  const stderr: string[] = []
  const restore = captureProcess(options, stdout, stderr)
  let status: number | null = 0
  let timedOut = false
  let timer: NodeJS.Timeout | undefined
  try {
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 60_000)
    })
    const outcome = await Promise.race([
      run(args, loaded).then(
        () => ({error: undefined}),
        (error: unknown) => ({error}),
      ),
      timeout,
    ])
    if (outcome === 'timeout') {
      timedOut = true
      status = null
    } else if (outcome.error !== undefined) {
      // oclif's own handler prints the message the way bin/run.js does; only its exit is replaced.
      const exit = Exit.exit
      let code = 1
      Exit.exit = (c = 0) => {
        code = c
      }
      try {
        await handle(outcome.error as Error)
      } finally {
        Exit.exit = exit
      }
      status = code
    } else {
      status = typeof process.exitCode === 'number' ? process.exitCode : 0
    }
  } finally {
    clearTimeout(timer)
    restore()
  }
  return {status, signal: null, stdout: stdout.join(''), stderr: stderr.join(''), timedOut}
}

/** Points cwd, env, console and the standard streams at this run; returns how to undo it. */
function captureProcess(options: InProcessOptions, stdout: string[], stderr: string[]): () => void {
  const cwd = process.cwd()
  const env = {...process.env}
  const exitCode = process.exitCode
  const consoleMethods = {log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug}
  const writes = {out: process.stdout.write, err: process.stderr.write}
  const emitWarning = process.emitWarning

  const sink = (into: string[]) =>
    ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((e?: Error) => void), callback?: (e?: Error) => void) => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const done = typeof encoding === 'function' ? encoding : callback
      if (done) queueMicrotask(() => done())
      return true
    }) as typeof process.stdout.write
  const line =
    (into: string[]) =>
    (...parts: unknown[]) => {
      into.push(`${format(...parts)}\n`)
    }

  process.exitCode = undefined
  // What runCli gives a spawned run: no colour, no inherited debug switches.
  for (const key of ['FORCE_COLOR', 'DEBUG']) delete process.env[key]
  Object.assign(process.env, {NO_COLOR: '1'}, options.env)
  if (options.cwd) process.chdir(options.cwd)
  process.stdout.write = sink(stdout)
  process.stderr.write = sink(stderr)
  console.log = line(stdout)
  console.info = line(stdout)
  console.debug = line(stderr)
  console.warn = line(stderr)
  console.error = line(stderr)
  // A warning node would print on the command's stderr (a YAML key that is a collection, say).
  process.emitWarning = ((warning: string | Error) => {
    const text = typeof warning === 'string' ? warning : warning.message
    stderr.push(`(node:${process.pid}) Warning: ${text}\n`)
  }) as typeof process.emitWarning

  return () => {
    process.stdout.write = writes.out
    process.stderr.write = writes.err
    Object.assign(console, consoleMethods)
    process.emitWarning = emitWarning
    process.chdir(cwd)
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key]
    Object.assign(process.env, env)
    process.exitCode = exitCode
  }
}
