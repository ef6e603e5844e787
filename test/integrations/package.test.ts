// The package as a user installs it: `npm pack`, then `npm install <tarball>` into a new project.
// Light: no TensorFlow.js (an optional peer dependency, docs/adr/0010-*) and no devDependencies;
// lint, recommend and scaffold work, and evaluate says how to add TensorFlow.js and exits 2.
// How long the install takes with an empty cache is measured by `npm run bench` (install section).
import {spawnSync} from 'node:child_process'
import {readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {ROOT, tempDir} from '../helpers/run-cli.js'

const project = tempDir('fuseplan-consumer-')
let packed: {files: {path: string}[]; filename: string}

function run(command: string, args: string[], cwd = project) {
  return spawnSync(command, args, {cwd, encoding: 'utf8', env: {...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false'}, timeout: 300_000})
}

/** Bytes under `dir`, links not followed (what `du` would count, roughly). */
function size(dir: string): number {
  let total = 0
  for (const entry of readdirSync(dir, {withFileTypes: true, recursive: true})) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size
  }
  return total
}

beforeAll(() => {
  // dist/ is built by `npm test`; --ignore-scripts keeps pack from rebuilding it under running tests.
  const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], ROOT)
  expect(pack.status, pack.stderr).toBe(0)
  packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0]
  writeFileSync(join(project, 'package.json'), `${JSON.stringify({name: 'consumer', version: '1.0.0', private: true})}\n`)
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${packed.filename}`])
  expect(install.status, install.stderr).toBe(0)
}, 300_000)

describe('the published package', () => {
  it('ships what the CLI needs and a licence, and none of the sources of its tests or tools', () => {
    const files = packed.files.map((f) => f.path)
    for (const f of [
      'LICENSE',
      'README.md',
      'package.json',
      'bin/run.js',
      'oclif.manifest.json',
      'dist/src/commands/lint.js',
      'dist/rules.compiled.json',
      'schemas/deployment-profile.schema.json',
      'examples/icu-deterioration.yaml',
      'rules/strategy.yaml',
      'templates/project/package.json',
    ]) {
      expect(files).toContain(f)
    }
    expect(files.filter((f) => /^(test|bench|\.ci|scripts|src|docs)\//.test(f))).toEqual([])
  })

  it('package.json: MIT with its LICENSE, engines as the README says, no main/types pointing at nothing, TensorFlow.js an optional peer', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(pkg.license).toBe('MIT')
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/)
    const files = packed.files.map((f) => f.path)
    for (const key of ['main', 'types']) if (pkg[key] !== undefined) expect(files).toContain(String(pkg[key]).replace(/^\.\//, ''))
    expect(pkg.bin).toEqual({fuseplan: './bin/run.js'})
    const minimum = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1]
    expect(minimum).toBeDefined()
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`Node ${minimum} or newer`)
    for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) {
      expect(pkg.dependencies[name]).toBeUndefined()
      expect(pkg.peerDependencies[name]).toBe(pkg.devDependencies[name])
      expect(pkg.peerDependenciesMeta[name]).toEqual({optional: true})
    }
  })

  it('installs without TensorFlow.js and without devDependencies, in under 40 MB', () => {
    const modules = join(project, 'node_modules')
    expect(readdirSync(modules)).not.toContain('@tensorflow')
    for (const dev of ['typescript', 'vitest', 'eslint', '@microsoft']) expect(readdirSync(modules)).not.toContain(dev)
    expect(size(modules) / 2 ** 20).toBeLessThan(40)
  })

  it('npx fuseplan: --version, lint (clean and failing), recommend', () => {
    expect(run('npx', ['fuseplan', '--version']).stdout).toMatch(/^fuseplan\/\d+\.\d+\.\d+ /)
    writeFileSync(join(project, 'good.yaml'), readFileSync(join(ROOT, 'examples', 'retail-complete.yaml')))
    writeFileSync(join(project, 'bad.yaml'), 'apiVersion: fuseplan/v1\nkind: DeploymentProfile\nname: bad\n')
    const clean = run('npx', ['fuseplan', 'lint', 'good.yaml'])
    expect(clean.status, clean.stderr).toBe(0)
    expect(clean.stdout).toBe('✔ 1 file checked, no problems\n')
    const failing = run('npx', ['fuseplan', 'lint', 'bad.yaml'])
    expect(failing.status).toBe(1)
    expect(failing.stdout).toContain('missing the required key')
    const recommend = run('npx', ['fuseplan', 'recommend', 'good.yaml', '--format', 'json'])
    expect(recommend.status, recommend.stderr).toBe(0)
    expect((JSON.parse(recommend.stdout) as {strategy: string}).strategy).toBeTruthy()
  })

  it('npx fuseplan evaluate without TensorFlow.js says how to add it and exits 2, before reading anything', () => {
    const r = run('npx', ['fuseplan', 'evaluate', 'good.yaml'])
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      'fuseplan: evaluate trains models with TensorFlow.js, which is not installed (fuseplan leaves it out so that lint, recommend and scaffold install light). Add it where fuseplan is installed: `npm install --save-dev @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0` in your project, or `npm install -g @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0` beside a global fuseplan.\n',
    )
  })
})
