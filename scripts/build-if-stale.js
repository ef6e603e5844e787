#!/usr/bin/env node
// `npm test` builds first, but right after `npm ci` (whose `prepare` built dist/) or a build with no
// edit since, that build only re-reads 1,200 files to find nothing to do (about 8 s). This runs
// `npm run build` only when an input is newer than the last build's stamp, as make would.
//
//   node scripts/build-if-stale.js           build when stale (all output on stderr)
//   node scripts/build-if-stale.js --stamp   record a finished build (the last step of `npm run build`)
import {existsSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {spawnNpm} from './npm.js'

const root = resolve(import.meta.dirname, '..')
const STAMP = join(root, 'dist', '.build-stamp')
// What the build reads: the sources tsc compiles, the templates, the rules and schemas it snapshots,
// its own scripts, and the configuration and packages it runs with.
const INPUTS = ['src', 'templates', 'rules', 'scripts', 'bin', 'package.json', 'package-lock.json', 'tsconfig.json', 'node_modules/.package-lock.json']

if (process.argv.includes('--stamp')) {
  writeFileSync(STAMP, `${new Date().toISOString()}\n`)
  process.exit(0)
}

/** The newest modification time under `path` (a file or a folder, walked), or 0 when absent. */
function newest(path) {
  if (!existsSync(path)) return 0
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  let max = s.mtimeMs
  for (const e of readdirSync(path, {withFileTypes: true})) max = Math.max(max, newest(join(path, e.name)))
  return max
}

const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0
const stale = INPUTS.find((p) => newest(join(root, p)) > built)
if (stale === undefined) {
  process.stderr.write('fuseplan: dist/ is up to date with its sources (scripts/build-if-stale.js); not building\n')
  process.exit(0)
}
process.stderr.write(`fuseplan: building (${built === 0 ? 'no finished build recorded' : `${stale} changed since the last build`})\n`)
const r = spawnNpm(['run', 'build'], {cwd: root, stdio: ['ignore', process.stderr, process.stderr]})
if (r.error) throw r.error
process.exit(r.status ?? 1)
