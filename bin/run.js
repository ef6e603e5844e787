#!/usr/bin/env node
// Start-up reads oclif.manifest.json (written by `npm run build`) instead of importing every command
// module to learn its flags. A manifest older than the compiled commands (say, after a bare `tsc`)
// would hide new commands, so it is only trusted while it is newer than every file it describes;
// otherwise oclif builds the command list from dist/ as if there were no manifest.
import {readdirSync, statSync} from 'node:fs'
import module from 'node:module'
import {join} from 'node:path'

const root = join(import.meta.dirname, '..')

// `fuseplan --version` alone answers before loading oclif (most of start-up), with the line oclif
// prints: name/version platform-arch node-version (test/cli/startup.test.ts compares the two).
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const {readFileSync} = await import('node:fs')
  const {arch, platform} = await import('node:os')
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const wsl = platform() === 'linux' && /microsoft/i.test((await import('node:os')).release())
  // Exit once the line is handed to the OS (a pipe may take it later on some platforms).
  process.stdout.write(`${pkg.name}/${pkg.version} ${wsl ? 'wsl' : platform()}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}\n`, () => process.exit(0))
  await new Promise(() => {})
}

// Node 22.1+ can keep V8's compiled code of the modules below between runs (most of start-up is
// compiling @oclif/core); on Node 20 this function does not exist and nothing changes.
module.enableCompileCache?.()
const {handle, run, settings} = await import('@oclif/core')
// The binary always runs the compiled dist/: without this, oclif looks for TypeScript sources to
// transpile whenever NODE_ENV is "development" or "test", and warns in an installed package, which has none.
settings.enableAutoTranspile = false

function manifestIsFresh() {
  const manifest = statSync(join(root, 'oclif.manifest.json'), {throwIfNoEntry: false})
  if (!manifest) return true // nothing to trust or distrust: oclif scans dist/ itself
  const commands = join(root, 'dist', 'src', 'commands')
  let entries
  try {
    entries = readdirSync(commands, {recursive: true})
  } catch {
    return true
  }
  for (const entry of entries) {
    if (!String(entry).endsWith('.js')) continue
    if (statSync(join(commands, String(entry))).mtimeMs > manifest.mtimeMs) return false
  }
  return true
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
const flushed = (stream) => new Promise((resolve) => stream.write('', () => resolve()))

async function loadOptions() {
  if (manifestIsFresh()) return import.meta.url
  const {Plugin} = await import('@oclif/core')
  const plugin = new Plugin({root, isRoot: true, type: 'core', ignoreManifest: true})
  await plugin.load()
  return {root, plugins: new Map([[plugin.name, plugin]])}
}

// What oclif's execute() does, except that a command ending with an exit code (this.exit(1) after
// printing a report) gets its output flushed first: process.exit() drops whatever a pipe has not
// taken yet, which truncated `fuseplan lint --format json | jq` at 64 KiB.
try {
  await run(process.argv.slice(2), await loadOptions())
  await Promise.all([flushed(process.stdout), flushed(process.stderr)])
} catch (error) {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)])
  await handle(error)
}
