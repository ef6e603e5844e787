// Runs Microsoft's SARIF validator (`sarif-multitool validate`, a devDependency) on a file and
// returns what it found. The npm package ships a self-contained .NET binary per platform and makes
// it executable in a postinstall script; where scripts did not run, an executable copy is made in
// the temp folder instead of touching node_modules.
import {spawnSync} from 'node:child_process'
import {accessSync, chmodSync, constants, copyFileSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const CONFIG = fileURLToPath(new URL('../../fixtures/formatters/sarif-validator.xml', import.meta.url))

export interface ValidatorFinding {
  ruleId: string
  level: string
  text: string
}

export interface ValidatorRun {
  status: number | null
  stdout: string
  results: ValidatorFinding[]
  notifications: ValidatorFinding[]
}

/** The validator's binary, or a reason why it cannot run here. */
export function findValidator(): {bin: string} | {reason: string} {
  let bin: string
  try {
    bin = createRequire(import.meta.url)('@microsoft/sarif-multitool') as string
  } catch (error) {
    return {reason: `@microsoft/sarif-multitool has no binary for ${process.platform}/${process.arch}: ${(error as Error).message}`}
  }
  if (!existsSync(bin)) return {reason: `sarif-multitool binary missing at ${bin}`}
  try {
    accessSync(bin, constants.X_OK)
    return {bin}
  } catch {
    // postinstall (chmod u+x) did not run: use an executable copy.
    const size = statSync(bin).size
    const copy = path.join(tmpdir(), `fuseplan-sarif-multitool-${process.platform}-${process.arch}-${size}`)
    if (!existsSync(copy)) {
      const dir = mkdtempSync(path.join(tmpdir(), 'fuseplan-sarif-'))
      const staged = path.join(dir, 'Sarif.Multitool')
      copyFileSync(bin, staged)
      chmodSync(staged, 0o755)
      renameSync(staged, copy) // atomic: parallel test workers never see a half-written copy
      rmSync(dir, {recursive: true, force: true})
    }
    return {bin: copy}
  }
}

/**
 * Validate `file`; the log the validator writes is parsed for its results (rule violations in the
 * file) and tool notifications. The config disables SARIF2006, the one rule that fetches every URI
 * over the network (help pages, $schema), so the test stays offline.
 */
export function runValidator(bin: string, file: string): ValidatorRun {
  const out = path.join(path.dirname(file), 'validation.sarif')
  const res = spawnSync(bin, ['validate', file, '--config', CONFIG, '--output', out, '--log', 'ForceOverwrite', '--level', 'Error;Warning;Note'], {
    encoding: 'utf8',
    env: {...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1'},
    timeout: 120_000,
  })
  if (res.error) throw res.error
  if (!existsSync(out)) throw new Error(`validator wrote no log (exit ${res.status}):\n${res.stdout}\n${res.stderr}`)
  const log = JSON.parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, ''))
  const run = log.runs[0]
  const text = (m: {text?: string; arguments?: string[]; id?: string}) => m.text ?? `${m.id} ${(m.arguments ?? []).join(' | ')}`
  const results: ValidatorFinding[] = (run.results ?? []).map((r: {ruleId: string; level?: string; message: {text?: string; arguments?: string[]; id?: string}}) => ({
    ruleId: r.ruleId,
    level: r.level ?? 'warning',
    text: text(r.message),
  }))
  const notifications: ValidatorFinding[] = (run.invocations ?? []).flatMap((inv: {toolExecutionNotifications?: unknown[]; toolConfigurationNotifications?: unknown[]}) =>
    [...(inv.toolExecutionNotifications ?? []), ...(inv.toolConfigurationNotifications ?? [])].map((n) => {
      const note = n as {descriptor?: {id?: string}; level?: string; message: {text?: string}}
      return {ruleId: note.descriptor?.id ?? '', level: note.level ?? 'warning', text: note.message.text ?? ''}
    }),
  )
  return {status: res.status, stdout: res.stdout, results, notifications}
}
