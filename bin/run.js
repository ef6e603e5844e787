#!/usr/bin/env node
// Start-up reads oclif.manifest.json (written by `npm run build`) instead of importing every command
// module to learn its flags. A manifest older than the compiled commands (say, after a bare `tsc`)
// would hide new commands, so it is only trusted while it is newer than every file it describes;
// otherwise oclif builds the command list from dist/ as if there were no manifest.
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {execute} from '@oclif/core'

const root = join(import.meta.dirname, '..')

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

if (manifestIsFresh()) {
  await execute({dir: import.meta.url})
} else {
  const {Plugin} = await import('@oclif/core')
  const plugin = new Plugin({root, isRoot: true, type: 'core', ignoreManifest: true})
  await plugin.load()
  await execute({loadOptions: {root, plugins: new Map([[plugin.name, plugin]])}})
}
