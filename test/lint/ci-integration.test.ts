// The CI integrations shipped with the repository: the pre-commit hook and the GitHub Actions
// workflow example, whose lint step is run here exactly as written.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {ROOT, runCli, tempDir} from '../helpers/run-cli.js'
import {cpSync} from 'node:fs'

describe('CI integration', () => {
  it('.pre-commit-hooks.yaml declares a node hook that runs `fuseplan lint`', () => {
    const hooks = parse(readFileSync(join(ROOT, '.pre-commit-hooks.yaml'), 'utf8')) as Record<string, unknown>[]
    expect(hooks).toEqual([expect.objectContaining({id: 'fuseplan-lint', entry: 'fuseplan lint', language: 'node', language_version: 'system', files: '\\.ya?ml$', pass_filenames: false})])
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {bin: Record<string, string>}
    expect(pkg.bin.fuseplan).toBeDefined()
  })

  it('the npx workflow example lints with annotations and writes the SARIF it uploads', () => {
    const workflow = parse(readFileSync(join(ROOT, 'docs', 'ci', 'fuseplan-lint-npx.yml'), 'utf8')) as {
      permissions: Record<string, string>
      env: {DEPLOY_DIR: string}
      jobs: {lint: {steps: {run?: string; uses?: string; with?: {sarif_file: string}}[]}}
    }
    expect(workflow.permissions['security-events']).toBe('write')
    const steps = workflow.jobs.lint.steps
    const lint = steps.find((s) => s.run?.startsWith('npx fuseplan lint'))!.run!
    const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))!
    // The step's arguments, with the folder variable filled in (the command has no other shell syntax).
    const args = lint.replace('npx fuseplan ', '').replace('"$DEPLOY_DIR"', 'deploy/').split(' ')
    const dir = tempDir()
    cpSync(join(ROOT, 'test', 'fixtures', 'lint', 'broken.yaml'), join(dir, 'deploy', 'broken.yaml'), {recursive: true})
    const r = runCli(args, {cwd: dir})
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/^::error file=deploy\/broken\.yaml,line=\d+/m)
    expect(r.stdout).toContain('✖')
    const sarif = JSON.parse(readFileSync(join(dir, upload.with!.sarif_file), 'utf8')) as {version: string; runs: {results: unknown[]}[]}
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].results.length).toBeGreaterThan(0)
  })
})
