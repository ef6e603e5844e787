// The CI integrations shipped with the repository: the pre-commit hook and the GitHub Actions
// workflow example, whose lint step is run here exactly as written.
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {BIN, ROOT, tempDir} from '../helpers/run-cli.js'
import {cpSync} from 'node:fs'

describe('CI integration', () => {
  it('.pre-commit-hooks.yaml declares a node hook that runs `fuseplan lint`', () => {
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[]
    expect(hooks).toEqual([expect.objectContaining({id: 'fuseplan-lint', entry: 'fuseplan lint', language: 'node', language_version: 'system', files: '\\.ya?ml$', pass_filenames: false})])
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {bin: Record<string, string>}
    expect(pkg.bin.fuseplan).toBeDefined()
  })

  it('the npx workflow example lints with annotations, writes the SARIF it uploads, and skips the upload on exit 2', () => {
    const workflow = parse(readFileSync(join(ROOT, 'docs', 'ci', 'fuseplan-lint-npx.yml'), 'utf8')) as {
      permissions: Record<string, string>
      env: {DEPLOY_DIR: string}
      jobs: {lint: {steps: {id?: string; run?: string; uses?: string; if?: string; with?: {sarif_file: string}}[]}}
    }
    expect(workflow.permissions['security-events']).toBe('write')
    const steps = workflow.jobs.lint.steps
    const lint = steps.find((s) => s.run?.includes('npx fuseplan lint'))!
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!
    expect(lint.id).toBe('lint')
    // The upload runs after exit 0 or 1 only (a run that could not check everything must not close alerts).
    expect(upload.if).toContain("(steps.lint.outputs.exit-code == '0' || steps.lint.outputs.exit-code == '1')")

    // The step's script as written, run by bash as the runner would (`npx fuseplan` is this checkout's CLI).
    const runStep = (dir: string, env: Record<string, string> = {}): {status: number | null; stdout: string; exitCode: string} => {
      const output = join(dir, 'github-output')
      writeFileSync(output, '')
      const script = lint.run!.replaceAll('npx fuseplan', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`)
      const r = spawnSync('bash', ['-e', '-c', script], {cwd: dir, encoding: 'utf8', env: {...process.env, NO_COLOR: '1', DEPLOY_DIR: 'deploy/', GITHUB_OUTPUT: output, ...env}})
      return {status: r.status, stdout: r.stdout, exitCode: /exit-code=(\d+)/.exec(readFileSync(output, 'utf8'))?.[1] ?? ''}
    }
    const dir = tempDir()
    cpSync(join(ROOT, 'test', 'fixtures', 'lint', 'broken.yaml'), join(dir, 'deploy', 'broken.yaml'), {recursive: true})
    const r = runStep(dir)
    expect(r.status).toBe(1)
    expect(r.exitCode).toBe('1')
    expect(r.stdout).toMatch(/^::error file=deploy\/broken\.yaml,line=\d+/m)
    expect(r.stdout).toContain('✖')
    const sarif = JSON.parse(readFileSync(join(dir, upload.with!.sarif_file), 'utf8')) as {version: string; runs: {results: unknown[]}[]}
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].results.length).toBeGreaterThan(0)

    // A walk over its limit: exit 2, the step output says so, and no SARIF is left to upload.
    cpSync(join(ROOT, 'test', 'fixtures', 'lint', 'clean.yaml'), join(dir, 'deploy', 'clean.yaml'))
    const cut = runStep(dir, {FUSEPLAN_LINT_MAX_ENTRIES: '1'})
    expect(cut.status).toBe(2)
    expect(cut.exitCode).toBe('2')
    expect(existsSync(join(dir, upload.with!.sarif_file))).toBe(false)
  })
})
