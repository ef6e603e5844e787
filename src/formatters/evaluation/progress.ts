// Progress of `fuseplan evaluate` on stderr: a redrawn bar with candidate and epoch on a terminal,
// plain lines otherwise (CI logs, pipes). Never writes to stdout.
import type {ProgressEvent} from '../../evaluate/types.js'

export interface ProgressStream {
  write(s: string): unknown
  isTTY?: boolean
  columns?: number
}

/** "1:05" style duration. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

export function createProgress(
  stream: ProgressStream,
  opts: {color: boolean; now?: () => number; /** Jobs run side by side (worker processes): the bar counts finished and running jobs. */ parallel?: boolean},
): {onProgress: (e: ProgressEvent) => void; finish: () => void} {
  if (opts.parallel) return parallelProgress(stream, opts)
  const tty = stream.isTTY === true
  const now = opts.now ?? Date.now
  const started = now()
  // Time left, from the pace so far (shown once a tenth of the work is done, when it means something).
  const eta = (fraction: number): string => {
    const elapsed = now() - started
    if (fraction < 0.1 || fraction >= 1 || elapsed < 1000) return ''
    return ` · ETA ${formatDuration((elapsed / fraction) * (1 - fraction))}`
  }
  let drawn = false
  const clear = () => {
    if (drawn) stream.write('\r\u001B[2K')
    drawn = false
  }
  const BAR = 24
  const draw = (fraction: number, text: string) => {
    const cols = stream.columns || 80
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR)
    const body = '█'.repeat(filled) + '░'.repeat(BAR - filled)
    const rest = ` ${Math.round(fraction * 100)
      .toString()
      .padStart(3)}% ${text}`
    const line = (body + rest).slice(0, Math.max(BAR, cols - 1))
    const painted = opts.color ? `\u001B[36m${line.slice(0, BAR)}\u001B[39m${line.slice(BAR)}` : line
    stream.write(`\r\u001B[2K${painted}`)
    drawn = true
  }
  let label = ''
  const onProgress = (e: ProgressEvent) => {
    switch (e.kind) {
      case 'setup':
        if (tty) draw(0, e.message)
        else stream.write(`evaluate: ${e.message}\n`)
        break
      case 'candidate':
        label = e.seed !== undefined ? `${e.label}, seed ${e.seed}` : e.label
        if (tty) draw(e.index / e.total, `${e.index + 1}/${e.total} · epoch 0/${e.epochs} · ${label}${eta(e.index / e.total)}`)
        else stream.write(`evaluate: training ${e.index + 1}/${e.total} ${label} (${e.epochs} epoch${e.epochs === 1 ? '' : 's'})${eta(e.index / e.total)}\n`)
        break
      case 'epoch': {
        const fraction = (e.index + e.epoch / e.epochs) / e.total
        if (tty) draw(fraction, `${e.index + 1}/${e.total} · epoch ${e.epoch}/${e.epochs} · ${label}${eta(fraction)}`)
        break
      }
      case 'evaluating':
        if (tty) draw((e.index + 1) / e.total, `${e.index + 1}/${e.total} · measuring · ${label}`)
        break
      case 'done':
        if (!tty) stream.write(`evaluate: done ${e.index + 1}/${e.total} ${label}\n`)
        break
    }
  }
  return {onProgress, finish: () => (tty ? clear() : undefined)}
}

/** Progress of jobs that run side by side: finished jobs plus the running ones' epochs, and how many run. */
function parallelProgress(stream: ProgressStream, opts: {color: boolean; now?: () => number}): {onProgress: (e: ProgressEvent) => void; finish: () => void} {
  const tty = stream.isTTY === true
  const now = opts.now ?? Date.now
  const started = now()
  const running = new Map<number, {label: string; part: number}>()
  let done = 0
  let total = 0
  let drawn = false
  const BAR = 24
  const fraction = () => (total === 0 ? 0 : (done + [...running.values()].reduce((a, r) => a + r.part, 0)) / total)
  const eta = (f: number): string => {
    const elapsed = now() - started
    if (f < 0.1 || f >= 1 || elapsed < 1000) return ''
    return ` · ETA ${formatDuration((elapsed / f) * (1 - f))}`
  }
  const draw = (text: string) => {
    const f = fraction()
    const cols = stream.columns || 80
    const filled = Math.round(Math.min(1, Math.max(0, f)) * BAR)
    const line = (
      '█'.repeat(filled) +
      '░'.repeat(BAR - filled) +
      ` ${Math.round(f * 100)
        .toString()
        .padStart(3)}% ${text}`
    ).slice(0, Math.max(BAR, cols - 1))
    stream.write(`\r\u001B[2K${opts.color ? `\u001B[36m${line.slice(0, BAR)}\u001B[39m${line.slice(BAR)}` : line}`)
    drawn = true
  }
  const status = () => `${done}/${total} done · ${running.size} running${eta(fraction())}`
  const onProgress = (e: ProgressEvent) => {
    if (e.kind === 'setup') {
      if (tty) draw(e.message)
      else stream.write(`evaluate: ${e.message}\n`)
      return
    }
    total = e.total
    if (e.kind === 'candidate') {
      const label = e.seed !== undefined ? `${e.label}, seed ${e.seed}` : e.label
      running.set(e.index, {label, part: 0})
      if (tty) draw(`${status()} · started ${label}`)
      else stream.write(`evaluate: training ${e.index + 1}/${e.total} ${label} (${e.epochs} epoch${e.epochs === 1 ? '' : 's'})${eta(fraction())}\n`)
    } else if (e.kind === 'epoch') {
      const r = running.get(e.index)
      if (r) r.part = e.epoch / e.epochs
      if (tty) draw(`${status()} · ${r?.label ?? ''} epoch ${e.epoch}/${e.epochs}`)
    } else if (e.kind === 'done') {
      const r = running.get(e.index)
      running.delete(e.index)
      done++
      if (tty) draw(status())
      else stream.write(`evaluate: done ${e.index + 1}/${e.total} ${r?.label ?? ''}\n`)
    }
  }
  return {
    onProgress,
    finish: () => {
      if (tty && drawn) stream.write('\r\u001B[2K')
    },
  }
}
