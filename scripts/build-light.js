#!/usr/bin/env node
// Builds dist/ with only the runtime dependencies installed, for installs that must stay light: a
// global install from git (scripts/prepare.js) and the GitHub Action (action.yml). It runs
// `npm ci --omit=dev --omit=peer`, then the TypeScript version of package.json (through `npm exec`,
// no devDependencies) without type checking: the type checks are CI's job (`npm run check`), and
// the type packages include TensorFlow.js. Then the build's own steps, as `npm run build` runs them.
//
//   node scripts/build-light.js        (in a fuseplan checkout; all output on stderr)
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {spawnNpm} from './npm.js'

const root = resolve(import.meta.dirname, '..')

const options = (env) => ({cwd: root, env, stdio: ['ignore', process.stderr, process.stderr]})
function orExit(r) {
  if (r.error) throw r.error
  if (r.status !== 0) process.exit(r.status ?? 1)
}
const run = (command, args, env = process.env) => orExit(spawnSync(command, args, options(env)))
const npm = (args, env) => orExit(spawnNpm(args, options(env)))

// Installed here, whatever the caller's npm configuration says (npm_config_global under a global git install).
const local = {...process.env, npm_config_global: 'false'}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
npm(['ci', '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund'], local)
npm(['exec', '--yes', `--package=typescript@${pkg.devDependencies.typescript}`, '--', 'tsc', '-p', 'tsconfig.json', '--noCheck'], local)
for (const script of ['oclif-manifest.js', 'compile-schemas.js', 'compile-rules.js']) run(process.execPath, [join(root, 'scripts', script)])
