// Progress of `fuseplan evaluate` on stderr: a redrawn bar with candidate and epoch on a terminal,
// plain lines otherwise (CI logs, pipes). Never writes to stdout.
import type {ProgressEvent} from '../../evaluate/types.js'

export interface ProgressStream {
  write(s: string): unknown
  isTTY?: boolean
  columns?: number
}

export function createProgress(stream: ProgressStream, opts: {color: boolean}): {onProgress: (e: ProgressEvent) => void; finish: () => void} {
  const tty = stream.isTTY === true
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
        label = e.label
        if (tty) draw(e.index / e.total, `${e.index + 1}/${e.total} · epoch 0/${e.epochs} · ${label}`)
        else stream.write(`evaluate: training ${e.index + 1}/${e.total} ${e.label} (${e.epochs} epochs)\n`)
        break
      case 'epoch':
        if (tty) draw((e.index + e.epoch / e.epochs) / e.total, `${e.index + 1}/${e.total} · epoch ${e.epoch}/${e.epochs} · ${label}`)
        break
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
