#!/usr/bin/env node
// Writes oclif.manifest.json, as `oclif manifest` does but without the heavy `oclif` package: with it,
// start-up reads one JSON file instead of importing every command module. `npm run build` runs this
// right after tsc, so every build rewrites it; bin/run.js ignores a manifest older than dist/.
import {renameSync, rmSync, writeFileSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {Plugin} from '@oclif/core'

const root = resolve(import.meta.dirname, '..')
const target = join(root, 'oclif.manifest.json')

let manifest
try {
  const plugin = new Plugin({root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true})
  await plugin.load()
  manifest = plugin.manifest
} catch (error) {
  // A command that cannot be imported must not leave an older manifest pretending all is well.
  rmSync(target, {force: true})
  process.stderr.write(`oclif.manifest.json not written: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}

const ids = Object.keys(manifest.commands).sort()
// Commands in a fixed order: the same build gives the same bytes.
const sorted = {commands: Object.fromEntries(ids.map((id) => [id, manifest.commands[id]])), version: manifest.version}
const temp = `${target}.${process.pid}.tmp`
writeFileSync(temp, `${JSON.stringify(sorted, null, 2)}\n`)
renameSync(temp, target)
process.stdout.write(`oclif.manifest.json: ${ids.length} commands (${ids.join(', ')})\n`)
