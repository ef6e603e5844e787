#!/usr/bin/env node
// npm's `prepare`: builds dist/ whenever npm prepares fuseplan from source (`npm ci` in a checkout,
// `npm pack`, an install from git). The build log goes to stderr: stdout of `npm pack` is the
// tarball's name, which tools read (older pre-commit releases install a node hook from that output).
//
// npm 11 prepares a git dependency with the parent's configuration in the environment: under
// `npm install -g git+...` (how pre-commit 4 installs a node hook) `npm_config_global=true` reaches
// the inner `npm install`, which then installs nothing here, and the build finds no TypeScript
// (npm/cli#8440). In that case the runtime dependencies are installed here and the sources are
// compiled by the TypeScript of package.json without type checking (`--noCheck`: the checks are
// CI's job, and the type packages include TensorFlow.js), so a global install from git stays light.
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join, resolve} from 'node:path'

const root = resolve(import.meta.dirname, '..')

function run(command, args, env = process.env) {
  const r = spawnSync(command, args, {cwd: root, env, stdio: ['ignore', process.stderr, process.stderr], shell: process.platform === 'win32' && command === 'npm'})
  if (r.error) throw r.error
  if (r.status !== 0) process.exit(r.status ?? 1)
}

// npm_execpath is set by npm for its scripts; `npm` on PATH otherwise (a script run by hand).
const npmCli = process.env.npm_execpath && /\.c?js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined
const npm = (args, env) => (npmCli ? run(process.execPath, [npmCli, ...args], env) : run('npm', args, env))

if (existsSync(join(root, 'node_modules', 'typescript'))) {
  npm(['run', 'build'])
} else if (process.env.npm_config_global === 'true') {
  process.stderr.write('fuseplan prepare: global install from git: installing the runtime dependencies here and compiling without type checks\n')
  const local = {...process.env, npm_config_global: 'false'}
  npm(['ci', '--omit=dev', '--omit=peer', '--ignore-scripts', '--no-audit', '--no-fund'], local)
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  npm(['exec', '--yes', `--package=typescript@${pkg.devDependencies.typescript}`, '--', 'tsc', '-p', 'tsconfig.json', '--noCheck'], local)
  for (const script of ['oclif-manifest.js', 'compile-schemas.js', 'compile-rules.js']) run(process.execPath, [join(root, 'scripts', script)])
} else {
  process.stderr.write('fuseplan prepare: TypeScript is not installed here; run `npm ci` (it installs the build tools) and `npm run build`.\n')
  process.exit(1)
}
