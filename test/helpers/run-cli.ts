// Runs the real, built CLI (bin/run.js → dist/) the way a user would, capturing everything.
import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
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
