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
  const bar = (fraction: number, size: number) => {
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * size)
    const body = '█'.repeat(filled) + '░'.repeat(size - filled)
    return opts.color ? `\u001B[36m${body}\u001B[39m` : body
  }
  const draw = (fraction: number, text: string) => {
    const cols = stream.columns ?? 80
    const line = `${bar(fraction, 24)} ${Math.round(fraction * 100)
      .toString()
      .padStart(3)}% ${text}`
    stream.write(`\r\u001B[2K${line.slice(0, cols - 1 + (line.length - visible(line).length))}`)
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
        if (tty) draw(e.index / e.total, `${e.index + 1}/${e.total} ${label} · epoch 0/${e.epochs}`)
        else stream.write(`evaluate: training ${e.index + 1}/${e.total} ${e.label} (${e.epochs} epochs)\n`)
        break
      case 'epoch':
        if (tty) draw((e.index + e.epoch / e.epochs) / e.total, `${e.index + 1}/${e.total} ${label} · epoch ${e.epoch}/${e.epochs}`)
        break
      case 'evaluating':
        if (tty) draw((e.index + 1) / e.total, `${e.index + 1}/${e.total} ${label} · measuring`)
        break
      case 'done':
        if (!tty) stream.write(`evaluate: done ${e.index + 1}/${e.total} ${label}\n`)
        break
    }
  }
  return {onProgress, finish: () => (tty ? clear() : undefined)}
}

function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001B\[[0-9;]*m/g, '')
}
