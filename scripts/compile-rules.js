#!/usr/bin/env node
// Snapshots the bundled rules at build time (dist/rules.compiled.json): for each rules/*.yaml file,
// the parsed value and the position of every node and key, so commands rebuild them with JSON.parse
// instead of the YAML parser on every start. Each entry carries the sha256 of the file's text;
// src/engine/loader.ts uses an entry only when the file still has that text and parses the YAML
// otherwise, so a rule edited without a rebuild still loads (and reports problems) as written.
// The bundled rules are first loaded in full (YAML parsed, every CEL expression compiled and checked):
// the runtime compiles snapshotted CEL lazily, so a rule set with problems gets no snapshot.
import {readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {join, relative, resolve, sep} from 'node:path'

const root = resolve(import.meta.dirname, '..')
const engine = await import(join(root, 'dist', 'src', 'engine', 'index.js'))
const loader = await import(join(root, 'dist', 'src', 'engine', 'loader.js'))
const {parseSource} = await import(join(root, 'dist', 'src', 'profile', 'source.js'))

const rulesDir = join(root, 'rules')
const target = engine.compiledRulesPath(rulesDir)
try {
  engine.loadRuleSet({precompiled: false})
} catch (error) {
  rmSync(target, {force: true})
  process.stderr.write(`rules.compiled.json not written: the bundled rules do not load:\n${error instanceof engine.RuleLoadError ? error.message : String(error)}\n`)
  process.exit(1)
}

const files = {}
for (const file of loader.listRuleFiles(rulesDir)) {
  const text = readFileSync(file, 'utf8')
  const rel = relative(rulesDir, file).split(sep).join('/')
  const src = parseSource(rel, text)
  files[rel] = loader.snapshotSource(src, text)
}
const json = `${JSON.stringify({version: loader.RULES_SNAPSHOT_VERSION, files})}\n`
const temp = `${target}.${process.pid}.tmp`
writeFileSync(temp, json)
renameSync(temp, target)
process.stdout.write(`rules.compiled.json: ${Object.keys(files).length} bundled rule files snapshotted (${json.length} bytes)\n`)
