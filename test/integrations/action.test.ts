// The GitHub Action (action.yml) and its example workflows, tested the way a user meets them:
//  - action.yml and docs/ci/*.yml are read by GitHub's own workflow parser against the schemas
//    committed in test/fixtures/github-actions/ (what GitHub would refuse, this refuses);
//  - the action's shell steps run, in order, in a temporary git repository with the environment a
//    runner gives them (RUNNER_TEMP, GITHUB_PATH, GITHUB_OUTPUT, the inputs), from a copy of this
//    repository as the action's folder: fuseplan is built light, packed, installed without
//    TensorFlow.js, and lints a bad profile (annotations, SARIF, exit 1) and a clean one (exit 0).
//    The `uses:` steps (setup-node, upload-sarif) are GitHub's; they are checked by the parser only.
import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
// Only the parser's modules that do not import its own schema files (those need a bundler): the
// schemas read are the committed copies.
import {ACTION_ROOT} from '@actions/workflow-parser/actions/action-constants'
import {JSONObjectReader} from '@actions/workflow-parser/templates/json-object-reader'
import {TemplateSchema} from '@actions/workflow-parser/templates/schema/index'
import {TemplateContext, TemplateValidationErrors} from '@actions/workflow-parser/templates/template-context'
import {readTemplate} from '@actions/workflow-parser/templates/template-reader'
import {NoOperationTraceWriter} from '@actions/workflow-parser/templates/trace-writer'
import {WORKFLOW_ROOT} from '@actions/workflow-parser/workflows/workflow-constants'
import {YamlObjectReader} from '@actions/workflow-parser/workflows/yaml-object-reader'
import {beforeAll, describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {ROOT, tempDir} from '../helpers/run-cli.js'

const SCHEMAS = join(ROOT, 'test', 'fixtures', 'github-actions')

/** What GitHub's parser reports for a workflow or an action.yml (its parseWorkflow/parseAction, with the committed schema). */
function errorsOf(kind: 'workflow' | 'action', name: string, content: string): string[] {
  const schema = TemplateSchema.load(new JSONObjectReader(undefined, readFileSync(join(SCHEMAS, `${kind}-v1.0.json`), 'utf8')))
  const context = new TemplateContext(new TemplateValidationErrors(), schema, new NoOperationTraceWriter())
  const fileId = context.getFileId(name)
  const reader = new YamlObjectReader(fileId, content)
  if (reader.errors.length > 0) return reader.errors.map((e) => e.message)
  readTemplate(context, kind === 'workflow' ? WORKFLOW_ROOT : ACTION_ROOT, reader, fileId)
  return context.errors.getErrors().map((e) => e.message)
}

describe('GitHub validates them', () => {
  it('action.yml is valid action metadata', () => {
    expect(errorsOf('action', 'action.yml', readFileSync(join(ROOT, 'action.yml'), 'utf8'))).toEqual([])
  })

  it.each(['fuseplan-lint.yml', 'fuseplan-lint-npx.yml'])('docs/ci/%s is a valid workflow', (file) => {
    expect(errorsOf('workflow', file, readFileSync(join(ROOT, 'docs', 'ci', file), 'utf8'))).toEqual([])
  })

  it('the validator refuses a broken workflow and a broken action (so the checks above can fail)', () => {
    const workflow = readFileSync(join(ROOT, 'docs', 'ci', 'fuseplan-lint.yml'), 'utf8')
    expect(errorsOf('workflow', 'w.yml', workflow.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest')).join('\n')).toMatch(/runs_on/)
    const action = readFileSync(join(ROOT, 'action.yml'), 'utf8')
    expect(errorsOf('action', 'action.yml', action.replace('using: composite', 'using: compsite')).length).toBeGreaterThan(0)
    expect(errorsOf('action', 'action.yml', action.replace('      shell: bash\n', '      shelll: bash\n')).join('\n')).toMatch(/shelll/)
  })

  it('the example workflow uses this action with inputs it declares', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {inputs: Record<string, unknown>}
    const workflow = parse(readFileSync(join(ROOT, 'docs', 'ci', 'fuseplan-lint.yml'), 'utf8')) as {jobs: Record<string, {steps: {uses?: string; with?: Record<string, unknown>}[]}>}
    const step = workflow.jobs.lint.steps.find((s) => s.uses?.includes('/fuseplan@'))
    expect(step).toBeDefined()
    for (const key of Object.keys(step?.with ?? {})) expect(Object.keys(action.inputs)).toContain(key)
  })
})

interface ActionStep {
  name: string
  id?: string
  if?: string
  uses?: string
  run?: string
  shell?: string
  env?: Record<string, string>
}

/** `${{ inputs.NAME }}` and `${{ github.action_path }}`: the only expressions the run steps' env may use. */
function expand(value: string, vars: {inputs: Record<string, string>; actionPath: string}): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    if (expr === 'github.action_path') return vars.actionPath
    const input = /^inputs\.([\w-]+)$/.exec(expr)
    if (input && input[1] in vars.inputs) return vars.inputs[input[1]]
    throw new Error(`action.yml: a run step's env uses \${{ ${expr} }}; keep to inputs.* and github.action_path`)
  })
}

describe('the action’s shell steps, run in a temporary repository', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {inputs: Record<string, {default?: string}>; runs: {using: string; steps: ActionStep[]}}
  const work = tempDir('fuseplan-action-')
  const actionPath = join(work, 'action')
  const runnerTemp = join(work, 'runner-temp')
  const repo = join(work, 'repo')
  const githubPath = join(work, 'github-path')
  const githubOutput = join(work, 'github-output')

  function runSteps(inputs: Record<string, string>, only?: string): {status: number | null; stdout: string; stderr: string; step: string}[] {
    const values = {...Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? ''])), ...inputs}
    const results = []
    let path = process.env.PATH ?? ''
    for (const step of action.runs.steps) {
      if (!step.run || (only !== undefined && step.id !== only)) continue
      expect(step.shell).toBe('bash')
      if (existsSync(githubPath)) path = [...readFileSync(githubPath, 'utf8').split('\n').filter(Boolean).reverse(), path].join(':')
      const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, {inputs: values, actionPath})]))
      // bash --noprofile --norc -eo pipefail {0}: how a runner runs a `shell: bash` step.
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
        cwd: repo,
        encoding: 'utf8',
        env: {...process.env, PATH: path, RUNNER_TEMP: runnerTemp, GITHUB_PATH: githubPath, GITHUB_OUTPUT: githubOutput, GITHUB_WORKSPACE: repo, GITHUB_ACTION_PATH: actionPath, NO_COLOR: '1', ...env},
        timeout: 600_000,
      })
      results.push({status: r.status, stdout: r.stdout, stderr: r.stderr, step: step.name})
      if (r.status !== 0) break
    }
    return results
  }

  beforeAll(() => {
    // The action's folder: this repository's files as a checkout has them (no node_modules, no dist).
    const files = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {cwd: ROOT, encoding: 'utf8'}).stdout.split('\0').filter(Boolean)
    for (const f of files) {
      if (!existsSync(join(ROOT, f))) continue
      mkdirSync(dirname(join(actionPath, f)), {recursive: true})
      cpSync(join(ROOT, f), join(actionPath, f))
    }
    mkdirSync(runnerTemp)
    mkdirSync(join(repo, 'deploy'), {recursive: true})
    spawnSync('git', ['init', '-q'], {cwd: repo})
    writeFileSync(join(repo, 'deploy', 'bad.yaml'), 'apiVersion: fuseplan/v1\nkind: DeploymentProfile\nname: bad\n')
  })

  it('installs fuseplan light, then lints: annotations, SARIF and exit 1 on a bad profile, exit 0 once it is fixed', () => {
    expect(action.runs.using).toBe('composite')
    const bad = runSteps({paths: 'deploy/', 'sarif-file': 'reports/fuseplan.sarif'})
    expect(bad.map((s) => s.step)).toEqual(['Install fuseplan (light, without TensorFlow.js)', 'Lint deployment profiles'])
    const [install, lint] = bad
    expect(install.status, install.stderr.slice(-3000)).toBe(0)
    expect(install.stdout).toMatch(/^fuseplan\/\d+\.\d+\.\d+ /m)
    // Light: no TensorFlow.js, no devDependencies.
    const installed = join(runnerTemp, 'fuseplan', 'lib', 'node_modules')
    expect(existsSync(join(installed, 'fuseplan', 'dist', 'src', 'commands', 'lint.js'))).toBe(true)
    expect(existsSync(join(installed, '@tensorflow'))).toBe(false)
    expect(existsSync(join(installed, 'fuseplan', 'node_modules', '@tensorflow'))).toBe(false)
    expect(existsSync(join(installed, 'fuseplan', 'node_modules', 'typescript'))).toBe(false)

    expect(lint.status).toBe(1)
    expect(lint.stdout).toContain('::error file=deploy/bad.yaml,line=1,col=1')
    const sarif = JSON.parse(readFileSync(join(repo, 'reports', 'fuseplan.sarif'), 'utf8')) as {version: string; runs: {results: unknown[]}[]}
    expect(sarif.version).toBe('2.1.0')
    expect(sarif.runs[0].results.length).toBeGreaterThan(0)
    expect(readFileSync(githubOutput, 'utf8')).toContain('sarif-file=reports/fuseplan.sarif\n')

    cpSync(join(ROOT, 'examples', 'retail-complete.yaml'), join(repo, 'deploy', 'bad.yaml'))
    // Fixed: the lint step again (fuseplan stays installed on the runner's PATH).
    const clean = runSteps({paths: 'deploy/'}, 'lint')
    expect(clean.map((s) => s.status)).toEqual([0])
    expect(clean[0].stdout).toMatch(/✔ 1 file checked, no problems/)
  }, 900_000)
})
