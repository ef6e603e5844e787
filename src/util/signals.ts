// Interruptions (Ctrl-C, kill, a closed terminal) must never land in the middle of a write.
//
// Without a listener, node dies on SIGINT/SIGTERM/SIGHUP at once, wherever it is: good for long
// computations (training, linting thousands of files), bad between "write the temp file" and "rename
// it". With a listener, node hands the signal to JavaScript only once the synchronous code running
// has finished. So a synchronous write section runs with listeners installed: a signal arriving
// meanwhile waits until the section is complete, then ends the process (128 + signal number).
// Outside sections the default, immediate behaviour is back.

const SIGNALS: [NodeJS.Signals, number][] = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
]

let depth = 0
const listeners = new Map<NodeJS.Signals, () => void>()

function install(): void {
  for (const [signal, code] of SIGNALS) {
    const listener = () => process.exit(code)
    listeners.set(signal, listener)
    process.on(signal, listener)
  }
}

function uninstall(): void {
  for (const [signal, listener] of listeners) process.removeListener(signal, listener)
  listeners.clear()
}

/**
 * Runs a synchronous write section (temp file + rename, a folder moved into place) so that no
 * signal can interrupt it. The listeners stay a turn of the event loop longer than the section:
 * a signal that arrived during it is delivered then, and exits, instead of being lost.
 */
export function withoutInterruption<T>(section: () => T): T {
  if (depth++ === 0 && listeners.size === 0) install()
  try {
    return section()
  } finally {
    // Two hops: whatever phase the section ran in, the event loop polls (and so delivers a pending
    // signal to the listener) at least once before the listeners go. The hops keep the process
    // alive, so a command with nothing left to do still hands a signal sent during its last write to
    // the listener (unless, on a loaded machine, the signal reaches node's signal pipe later still).
    if (--depth === 0) {
      setImmediate(() => {
        setImmediate(() => {
          if (depth === 0) uninstall()
        })
      })
    }
  }
}
