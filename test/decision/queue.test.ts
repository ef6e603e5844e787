// bench/evidence/queue.js: the bench's job queue. A profile's next job (its second stage) runs as soon
// as its previous one ends, before the rest of the queue, and no more than `jobs` run at once.
import {describe, expect, it} from 'vitest'
import {runQueue} from '../../bench/evidence/queue.js'

type Job = {name: string; ms: number; then?: Job}
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Runs the queue with fake jobs, recording starts, ends and the most running at once. */
async function trace(queue: Job[], jobs: number, fail?: string) {
  const events: string[] = []
  let running = 0
  let most = 0
  const run = async (job: Job) => {
    events.push(`start ${job.name}`)
    most = Math.max(most, ++running)
    await tick(job.ms)
    running--
    events.push(`end ${job.name}`)
    if (job.name === fail) throw new Error(`${job.name} failed`)
  }
  const error = await runQueue(queue, jobs, run, async (job: Job) => job.then ?? null).catch((e: Error) => e)
  return {events, most, error}
}

describe('runQueue', () => {
  it('runs every job once, at most `jobs` at a time', async () => {
    const {events, most, error} = await trace(
      Array.from({length: 7}, (_, i) => ({name: `p${i}`, ms: 5 + (i % 3) * 5})),
      3,
    )
    expect(error).toBeUndefined()
    expect(most).toBe(3)
    expect(events.filter((e) => e.startsWith('end')).sort()).toEqual(Array.from({length: 7}, (_, i) => `end p${i}`))
  })

  it("starts a profile's next job before the rest of the queue", async () => {
    const {events} = await trace(
      [
        {name: 'a', ms: 1, then: {name: 'a2', ms: 1, then: {name: 'a3', ms: 1}}},
        {name: 'b', ms: 1},
      ],
      1,
    )
    expect(events.filter((e) => e.startsWith('start'))).toEqual(['start a', 'start a2', 'start a3', 'start b'])
  })

  it('grows a profile while another is still running: no worker waits for a round to end', async () => {
    const {events, most} = await trace(
      [
        {name: 'slow', ms: 80},
        {name: 'a', ms: 5, then: {name: 'a2', ms: 5, then: {name: 'a3', ms: 5}}},
      ],
      2,
    )
    expect(most).toBe(2)
    expect(events.indexOf('end a3')).toBeLessThan(events.indexOf('end slow'))
  })

  it('starts nothing new once asked to stop, and lets the running jobs finish', async () => {
    const events: string[] = []
    let stop = false
    const run = async (job: Job) => {
      events.push(`start ${job.name}`)
      if (job.name === 'b') stop = true
      await tick(job.ms)
      events.push(`end ${job.name}`)
    }
    await runQueue(
      [
        {name: 'a', ms: 20},
        {name: 'b', ms: 5},
        {name: 'c', ms: 5},
        {name: 'd', ms: 5},
      ] as Job[],
      2,
      run,
      async () => null,
      () => stop,
    )
    expect(events).toEqual(['start a', 'start b', 'end b', 'end a'])
  })

  it('starts nothing new after a failure, lets the running job finish, then throws the error', async () => {
    const {events, error} = await trace(
      [
        {name: 'slow', ms: 40},
        {name: 'bad', ms: 5},
        {name: 'after', ms: 5},
      ],
      2,
      'bad',
    )
    expect(error).toBeInstanceOf(Error)
    expect((error as Error).message).toBe('bad failed')
    expect(events).toContain('end slow')
    expect(events).not.toContain('start after')
  })
})
