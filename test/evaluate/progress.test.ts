import {describe, expect, it} from 'vitest'
import {createProgress} from '../../src/formatters/evaluation/progress.js'

function sink(isTTY: boolean) {
  const chunks: string[] = []
  return {stream: {isTTY, columns: 100, write: (s: string) => chunks.push(s)}, chunks}
}

describe('progress', () => {
  it('on a terminal: one redrawn bar with candidate and epoch, cleared at the end', () => {
    const {stream, chunks} = sink(true)
    const p = createProgress(stream, {color: false})
    p.onProgress({kind: 'candidate', index: 1, total: 2, id: 'late', label: 'late', epochs: 4})
    p.onProgress({kind: 'epoch', index: 1, total: 2, id: 'late', epoch: 2, epochs: 4})
    p.finish()
    expect(chunks[1]).toBe('\r\u001B[2K██████████████████░░░░░░  75% 2/2 · epoch 2/4 · late')
    expect(chunks.at(-1)).toBe('\r\u001B[2K')
    expect(chunks.join('')).not.toContain('\n')
  })

  it('elsewhere: plain lines per candidate, no epochs, no escape codes', () => {
    const {stream, chunks} = sink(false)
    const p = createProgress(stream, {color: false})
    p.onProgress({kind: 'candidate', index: 0, total: 2, id: 'late', label: 'late', epochs: 4})
    p.onProgress({kind: 'epoch', index: 0, total: 2, id: 'late', epoch: 1, epochs: 4})
    p.onProgress({kind: 'done', index: 0, total: 2, id: 'late'})
    p.finish()
    expect(chunks).toEqual(['evaluate: training 1/2 late (4 epochs)\n', 'evaluate: done 1/2 late\n'])
  })

  it('shows the seed and an ETA from the pace so far', () => {
    const {stream, chunks} = sink(true)
    let t = 0
    const p = createProgress(stream, {color: false, now: () => t})
    t = 30_000
    p.onProgress({kind: 'candidate', index: 5, total: 20, id: 'late', label: 'late', epochs: 10, seed: 8})
    // a quarter done in 30 s: 90 s to go
    expect(chunks.at(-1)).toBe('\r\u001B[2K██████░░░░░░░░░░░░░░░░░░  25% 6/20 · epoch 0/10 · late, seed 8 · ETA 1:30')
    t = 40_000
    p.onProgress({kind: 'epoch', index: 5, total: 20, id: 'late', epoch: 5, epochs: 10})
    expect(chunks.at(-1)).toMatch(/ 28% 6\/20 · epoch 5\/10 · late, seed 8 · ETA 1:45$/)
  })

  it('jobs side by side (--jobs): finished plus running jobs, and how many run', () => {
    const {stream, chunks} = sink(true)
    let t = 0
    const p = createProgress(stream, {color: false, now: () => t, parallel: true})
    p.onProgress({kind: 'candidate', index: 0, total: 4, id: 'late', label: 'late', epochs: 10, seed: 7})
    p.onProgress({kind: 'candidate', index: 1, total: 4, id: 'intermediate', label: 'intermediate', epochs: 10, seed: 7})
    t = 20_000
    p.onProgress({kind: 'epoch', index: 1, total: 4, id: 'intermediate', epoch: 5, epochs: 10})
    expect(chunks.at(-1)).toBe('\r\u001B[2K███░░░░░░░░░░░░░░░░░░░░░  13% 0/4 done · 2 running · ETA 2:20 · intermediate, seed 7 epoch 5/10')
    p.onProgress({kind: 'done', index: 0, total: 4, id: 'late'})
    expect(chunks.at(-1)).toMatch(/ 38% 1\/4 done · 1 running · ETA 0:33$/)
    p.finish()
    expect(chunks.at(-1)).toBe('\r\u001B[2K')
  })
})
