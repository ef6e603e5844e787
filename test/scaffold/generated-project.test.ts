// A scaffolded project compiles with its own tsconfig and passes its own tests, run against the
// CLI's installed tfjs (the project is generated inside the repo's .tmp/ folder so Node resolves
// the repo's node_modules). This is `npm test` of the generated project without `npm install`.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ROOT, runCli} from '../helpers/run-cli.js'

const TMP = join(ROOT, '.tmp')
mkdirSync(TMP, {recursive: true})
const base = mkdtempSync(join(TMP, 'generated-'))
afterAll(() => rmSync(base, {recursive: true, force: true}))
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

function run(cwd: string, args: string[]) {
  return spawnSync(process.execPath, args, {cwd, encoding: 'utf8', timeout: 180_000, env: {...process.env, NO_COLOR: '1'}})
}

// One project keeps the suite fast: test/templates/models.test.ts covers every strategy's code, and
// each strategy's generated project was checked with a real `npm install && npm test` (see report).
describe.each([['attention', 'examples/wearable-afib.yaml', true]])('generated %s project from %s', (strategy, profile, scripts) => {
  const dir = join(base, strategy)

  it('compiles and passes its own tests (then trains and predicts with modalities absent)', {timeout: 240_000}, () => {
    expect(runCli(['scaffold', profile, '--out', dir, '--strategy', strategy]).status).toBe(0)
    const tsc = run(dir, [TSC, '-p', '.'])
    expect(tsc.stdout + tsc.stderr).toBe('')
    expect(tsc.status).toBe(0)
    const test = run(dir, ['--test', 'dist/test/backend.test.js', 'dist/test/data.test.js', 'dist/test/model.test.js'])
    expect(test.stdout).toMatch(/# fail 0/)
    expect(test.stdout).toMatch(/# pass [1-9]/)
    expect(test.stdout).toMatch(new RegExp(`^ok \\d+ - ${strategy} fusion model$`, 'm'))
    expect(test.stdout).toMatch(/^ok \d+ - model math on the wasm backend$/m)
    expect(test.status).toBe(0)
    if (!scripts) return

    // The scripts, as a user runs them: train briefly, then predict a request with only one modality.
    const train = run(dir, ['dist/src/scripts/train.js', '--epochs', '2', '--samples', '300'])
    expect(train.stderr).toContain('tfjs backend: wasm')
    expect(train.status).toBe(0)
    expect(existsSync(join(dir, 'model', 'model.json'))).toBe(true)
    const synth = run(dir, ['dist/src/scripts/synth.js', '--train', '2', '--test', '2'])
    expect(synth.status).toBe(0)
    const first = spawnSync('head', ['-n', '1', join(dir, 'data', 'test.jsonl')], {encoding: 'utf8'}).stdout
    const sample = JSON.parse(first) as {inputs: Record<string, unknown>}
    const [keep] = Object.keys(sample.inputs).filter((k) => sample.inputs[k] !== null)
    const request = JSON.stringify({inputs: {[keep]: sample.inputs[keep]}})
    const predict = spawnSync(process.execPath, ['dist/src/scripts/predict.js'], {cwd: dir, input: request, encoding: 'utf8'})
    expect(predict.status).toBe(0)
    const answer = JSON.parse(predict.stdout)
    expect(answer.modalitiesUsed).toEqual([keep])
    expect(Number.isFinite(answer.prediction ?? NaN)).toBe(true)
  })
})
