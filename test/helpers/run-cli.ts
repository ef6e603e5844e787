// Runs the real, built CLI (bin/run.js → dist/) the way a user would, capturing everything.
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..', '..')
export const BIN = join(ROOT, 'bin', 'run.js')

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

export function runCli(args: string[], options: {cwd?: string; env?: Record<string, string>; input?: string} = {}): CliResult {
  const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', ...options.env}
  // FORCE_COLOR from a parent (vitest sets it) would override NO_COLOR and make node warn.
  if (options.env?.FORCE_COLOR === undefined) delete env.FORCE_COLOR
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 120_000,
  })
  return {status: result.status, stdout: result.stdout, stderr: result.stderr}
}

export function tempDir(prefix = 'fuseplan-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** The bundled example most tests start from, and its text. */
export const EXAMPLE = join(ROOT, 'examples', 'icu-deterioration.yaml')
export const EXAMPLE_TEXT = readFileSync(EXAMPLE, 'utf8')

/** A fresh folder holding the example as p.yaml. */
export function exampleProject(): string {
  const dir = tempDir('fuseplan-')
  writeFileSync(join(dir, 'p.yaml'), EXAMPLE_TEXT)
  return dir
}

/** A fresh folder per run of a property, so leftovers of one run cannot hide in another. */
export function runDirs(prefix: string): () => string {
  const root = tempDir(prefix)
  let n = 0
  return () => {
    const dir = join(root, String(n++))
    mkdirSync(dir)
    return dir
  }
}
