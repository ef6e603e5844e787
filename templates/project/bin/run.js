// Runs the project's scripts from their compiled JavaScript in dist/, compiling only when a source
// changed since the last build (what the npm scripts call):
//   node bin/run.js train --epochs 5    the same as `npm run train -- --epochs 5`
//   node bin/run.js test                build if needed, then node --test
//   node bin/run.js build               compile now (`npm run build`; `npm install` runs it too)
// Compiling takes seconds and starting a script well under one, so a script never compiles
// when nothing changed; and an edited source is never run stale.
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const dist = path.join(root, 'dist')
const stamp = path.join(dist, '.build-stamp')
const SCRIPTS = ['train', 'evaluate', 'predict', 'bench', 'synth']
const SOURCES = ['src', 'test', 'tsconfig.json']

/** The newest source file, its modification time and how many source files there are. */
function sources() {
  let newest = {file: '', time: 0}
  let count = 0
  const visit = (p) => {
    let st
    try {
      st = statSync(p)
    } catch {
      return
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(path.join(p, name))
    else {
      count++
      if (st.mtimeMs > newest.time) newest = {file: p, time: st.mtimeMs}
    }
  }
  for (const s of SOURCES) visit(path.join(root, s))
  return {...newest, count}
}

/** Why dist/ needs a build, or undefined when it is up to date. */
function staleReason() {
  let time
  let count
  try {
    ;[time, count] = readFileSync(stamp, 'utf8').split(' ').map(Number)
  } catch {
    return existsSync(dist) ? 'dist/ was not built by `npm run build`' : 'first run'
  }
  const now = sources()
  if (now.time > time) return `${path.relative(root, now.file)} changed since the last build`
  if (now.count !== count) return 'files were added to or removed from src/ or test/'
  return undefined
}

/** Compiles with tsc; exits with its status when it fails. With `optional`, a missing TypeScript is a note, not an error. */
function build(optional = false) {
  let tsc
  try {
    tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc')
  } catch {
    const message = 'TypeScript is not installed, so dist/ cannot be built: run `npm install` (it installs the dev dependencies)'
    if (optional) {
      process.stderr.write(`note: ${message}\n`)
      return
    }
    process.stderr.write(`error: ${message}\n`)
    process.exit(1)
  }
  // The stamp holds the sources as they were when the build started: one saved during the build is newer.
  const before = sources()
  const result = spawnSync(process.execPath, [tsc, '-p', root], {stdio: 'inherit'})
  if (result.status !== 0) process.exit(result.status ?? 1)
  writeFileSync(stamp, `${before.time} ${before.count}`)
}

function buildIfStale() {
  const reason = staleReason()
  if (!reason) return
  process.stderr.write(`building the project (${reason})...\n`)
  build()
}

const [command, ...rest] = process.argv.slice(2)
if (command === 'build' || command === 'prepare') {
  build(command === 'prepare')
} else if (command === 'test') {
  buildIfStale()
  const dir = path.join(dist, 'test')
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => path.join(dir, f))
  const result = spawnSync(process.execPath, ['--test', ...rest, ...files], {stdio: 'inherit'})
  process.exit(result.status ?? 1)
} else if (SCRIPTS.includes(command)) {
  buildIfStale()
  const script = path.join(dist, 'src', 'scripts', `${command}.js`)
  // The script reads its flags from process.argv, as if node had started it directly.
  process.argv = [process.argv[0], script, ...rest]
  await import(pathToFileURL(script).href)
} else {
  process.stderr.write(`usage: node bin/run.js <${[...SCRIPTS, 'test', 'build'].join('|')}> [flags]\n`)
  process.exit(2)
}
