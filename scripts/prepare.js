#!/usr/bin/env node
// npm's `prepare`: builds dist/ whenever npm prepares fuseplan from source (`npm ci` in a checkout,
// `npm pack`, an install from git). The build log goes to stderr: stdout of `npm pack` is the
// tarball's name, which tools read (older pre-commit releases install a node hook from that output).
//
// npm 11 prepares a git dependency with the parent's configuration in the environment: under
// `npm install -g git+...` (how pre-commit 4 installs a node hook) `npm_config_global=true` reaches
// the inner `npm install`, which then installs nothing here, and the build finds no TypeScript
// (npm/cli#8440). In that case the light build (scripts/build-light.js) does it with the runtime
// dependencies only.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join, resolve} from 'node:path'

const root = resolve(import.meta.dirname, '..')
const stdio = ['ignore', process.stderr, process.stderr]

let r
if (existsSync(join(root, 'node_modules', 'typescript'))) {
  // npm_execpath is set by npm for its scripts; `npm` on PATH otherwise (a script run by hand).
  const npmCli = process.env.npm_execpath && /\.c?js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined
  r = npmCli ? spawnSync(process.execPath, [npmCli, 'run', 'build'], {cwd: root, stdio}) : spawnSync('npm', ['run', 'build'], {cwd: root, stdio, shell: process.platform === 'win32'})
} else if (process.env.npm_config_global === 'true') {
  process.stderr.write('fuseplan prepare: global install from git: building with the runtime dependencies only (scripts/build-light.js)\n')
  r = spawnSync(process.execPath, [join(root, 'scripts', 'build-light.js')], {cwd: root, stdio})
} else {
  process.stderr.write('fuseplan prepare: TypeScript is not installed here; run `npm ci` (it installs the build tools) and `npm run build`.\n')
  process.exit(1)
}
if (r.error) throw r.error
process.exit(r.status ?? 1)
