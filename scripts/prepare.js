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
import {spawnNpm} from './npm.js'

const root = resolve(import.meta.dirname, '..')
const stdio = ['ignore', process.stderr, process.stderr]

let r
if (existsSync(join(root, 'node_modules', 'typescript'))) {
  r = spawnNpm(['run', 'build'], {cwd: root, stdio})
} else if (process.env.npm_config_global === 'true') {
  process.stderr.write('fuseplan prepare: global install from git: building with the runtime dependencies only (scripts/build-light.js)\n')
  r = spawnSync(process.execPath, [join(root, 'scripts', 'build-light.js')], {cwd: root, stdio})
} else {
  process.stderr.write('fuseplan prepare: TypeScript is not installed here; run `npm ci` (it installs the build tools) and `npm run build`.\n')
  process.exit(1)
}
if (r.error) throw r.error
process.exit(r.status ?? 1)
