// The in-process `init` tests' terminal: stdin claims to be a TTY (so init asks its questions through
// @inquirer/testing's screen), stderr and stdout (init's own lines) are captured, not shown; a fresh folder per test.
import {afterEach, beforeEach, vi} from 'vitest'
import {tempDir} from '../helpers/run-cli.js'

export interface FakeTerminal {
  /** This test's folder. */
  dir: string
  /** What the command wrote to stderr, chunk by chunk. */
  stderr: string[]
  /** What the command wrote to stdout, chunk by chunk (init's introductions and summary). */
  stdout: string[]
}

/** Installs the fake terminal around every test of the calling file. */
export function useFakeTerminal(prefix: string): FakeTerminal {
  const term: FakeTerminal = {dir: '', stderr: [], stdout: []}
  beforeEach(() => {
    term.dir = tempDir(prefix)
    term.stderr = []
    term.stdout = []
    Object.defineProperty(process.stdin, 'isTTY', {value: true, configurable: true})
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      term.stderr.push(String(chunk))
      return true
    })
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      term.stdout.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    vi.restoreAllMocks()
    Object.defineProperty(process.stdin, 'isTTY', {value: undefined, configurable: true})
  })
  return term
}

/** The exit code a command run ends with: 0, or the one its oclif error carries. */
export async function exitCodeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p
    return 0
  } catch (error) {
    return (error as {oclif?: {exit?: number}}).oclif?.exit
  }
}
