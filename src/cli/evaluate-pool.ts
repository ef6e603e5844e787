// `fuseplan evaluate --jobs N`: the run's jobs (src/evaluate/jobs.ts) spread over N worker
// processes on this machine. Each worker is the same command started with a hidden --worker flag:
// it prepares the same run from the same arguments, says which frame it got (the parent refuses a
// worker whose frame differs from its own), then trains whatever job it is sent and sends back the
// encoded result. The parent hands out jobs as workers become free and builds the report from the
// results exactly as a merge of shards does, so the numbers equal a serial run's.
import {fork, type ChildProcess} from 'node:child_process'
import {chooseRates, decode, encode, jobsOf, roundTrip, type Frame, type Job, type JobResult} from '../evaluate/jobs.js'
import {runJob, type ModelCode, type PreparedEvaluation} from '../evaluate/run.js'
import type {ProgressEvent} from '../evaluate/types.js'

type ToWorker = {type: 'job'; index: number; total: number; job: Job} | {type: 'stop'}
type FromWorker = {type: 'ready'; frame: string; backend: string} | {type: 'progress'; event: ProgressEvent} | {type: 'result'; index: number; result: unknown} | {type: 'error'; message: string}

export function frameText(frame: Frame): string {
  return JSON.stringify(encode(frame))
}

export class PoolError extends Error {
  override name = 'PoolError'
}

interface Worker {
  child: ChildProcess
  ready: boolean
  busy: boolean
  stderr: string
}

/**
 * Runs every job of the run in `workers` processes started as `node bin args`; resolves with the
 * results (in the order they finished). With a learning-rate grid the first seed's jobs run first and the rate
 * each candidate keeps is chosen from them before the other seeds are handed out.
 */
export async function runInWorkers(opts: {
  bin: string
  args: string[]
  workers: number
  frame: Frame
  onProgress: (e: ProgressEvent) => void
  /** Only these jobs (a shard's); they must not depend on each other (one learning rate). */
  only?: readonly Job[]
}): Promise<{results: JobResult[]; backend: string}> {
  const {frame} = opts
  const expected = frameText(frame)
  const all = opts.only ? [...opts.only] : jobsOf(frame)
  const total = all.length
  // With a learning-rate grid the other seeds wait for the rate chosen on the first.
  const staged = frame.grid.length > 1 && !opts.only
  const firstPhase = staged ? all.filter((j) => j.seed === frame.seeds[0]) : all
  const results: JobResult[] = []
  const count = Math.max(1, Math.min(opts.workers, total))
  const workers: Worker[] = []
  let failed: PoolError | null = null
  let backend: string | null = null

  let wake: () => void = () => {}
  const changed = () => wake()
  const fail = (message: string) => {
    failed ??= new PoolError(message)
    changed()
  }
  for (let i = 0; i < count; i++) {
    const child = fork(opts.bin, opts.args, {stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json'})
    const w: Worker = {child, ready: false, busy: false, stderr: ''}
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (s: string) => {
      // Keep the end of what a worker says: it explains a failure.
      w.stderr = (w.stderr + s).slice(-4000)
    })
    child.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        if (m.frame !== expected) fail(`worker ${i + 1} prepared a different run than this process (its data or options differ); nothing was evaluated`)
        if (backend !== null && m.backend !== backend) fail(`worker ${i + 1} runs on the ${m.backend} backend, another on ${backend}: numbers from different backends are not mixed`)
        backend ??= m.backend
        w.ready = true
      } else if (m.type === 'progress') {
        opts.onProgress(m.event)
        return
      } else if (m.type === 'result') {
        results.push(decode<JobResult>(m.result))
        w.busy = false
      } else if (m.type === 'error') {
        fail(`worker ${i + 1}: ${m.message}`)
      }
      changed()
    })
    child.on('exit', (code, signal) => {
      if (w.busy || !w.ready) fail(`worker ${i + 1} stopped (${signal ?? `exit ${code}`}) before its work was done${w.stderr.trim() ? `: ${w.stderr.trim().split('\n').at(-1)}` : ''}`)
      w.busy = false
      w.ready = false
      changed()
    })
    workers.push(w)
  }

  const send = (w: Worker, m: ToWorker) => w.child.send(m)
  let next = 0
  const runPhase = async (inOrder: readonly Job[]) => {
    // Handed out from the last candidate back: the list ends with the costliest to train (late
    // fusion trains a model per modality and often runs its whole budget), and one started last
    // would run on alone while the other workers idle. The numbers do not depend on the order.
    const queue = [...inOrder].reverse()
    let handed = 0
    const goal = results.length + queue.length
    while (results.length < goal) {
      if (failed) throw failed
      for (const w of workers) {
        if (w.ready && !w.busy && handed < queue.length) {
          w.busy = true
          send(w, {type: 'job', index: next++, total, job: queue[handed++]})
        }
      }
      await new Promise<void>((resolve) => (wake = resolve))
    }
  }
  try {
    await runPhase(firstPhase)
    if (staged) await runPhase(jobsOf(frame, chooseRates(frame, results)).filter((j) => j.seed !== frame.seeds[0]))
    if (failed) throw failed
  } finally {
    for (const w of workers) {
      if (w.child.connected) send(w, {type: 'stop'})
      if (w.child.exitCode === null) {
        const timer = setTimeout(() => w.child.kill(), 10_000)
        await new Promise<void>((resolve) => w.child.once('exit', () => resolve()))
        clearTimeout(timer)
      }
    }
  }
  return {results, backend: backend ?? 'unknown'}
}

/** The worker's side: announce the frame, then train each job sent until told to stop. */
export async function serveJobs(prepared: PreparedEvaluation, modelCode: ModelCode): Promise<void> {
  const send = (m: FromWorker) => process.send?.(m)
  send({type: 'ready', frame: frameText(prepared.frame), backend: modelCode.backend})
  await new Promise<void>((resolve) => {
    let chain = Promise.resolve()
    process.on('message', (m: ToWorker) => {
      if (m.type === 'stop') {
        chain = chain.then(() => {
          process.disconnect?.()
          resolve()
        })
        return
      }
      chain = chain.then(async () => {
        try {
          const result = await runJob(prepared, m.job, modelCode, (event) => send({type: 'progress', event}), m.index, m.total)
          send({type: 'result', index: m.index, result: encode(roundTrip(result))})
        } catch (error) {
          send({type: 'error', message: (error as Error).message})
        }
      })
    })
    process.on('disconnect', () => resolve())
  })
}
