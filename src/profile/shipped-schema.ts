// The JSON Schemas shipped in the package (`schemas/`), for the yaml-language-server modeline fuseplan
// writes: a relative path to a file the user has resolves in every editor, a web address only if
// someone hosts it. The build writes them (scripts/compile-schemas.js) from the source `fuseplan schema` prints.
import {existsSync} from 'node:fs'
import {dirname, join, relative, resolve, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

export const SCHEMA_FILES = {
  'deployment-profile': 'deployment-profile.schema.json',
  'training-config': 'training-config.schema.json',
} as const

/** Absolute path of a shipped schema, found from this module (src/ under vitest, dist/src/ when built). */
export function shippedSchemaPath(kind: keyof typeof SCHEMA_FILES): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'schemas', SCHEMA_FILES[kind]))) return join(dir, 'schemas', SCHEMA_FILES[kind])
    dir = dirname(dir)
  }
  throw new Error(`cannot find schemas/${SCHEMA_FILES[kind]} in the fuseplan package`)
}

/**
 * The modeline target for a YAML file in `folder`. When the project has fuseplan as a dependency
 * (`node_modules/fuseplan` in the folder or above it), the path to its schema relative to the file:
 * the same on every machine that installs the project. Otherwise (a checkout, npx) the absolute path
 * of the schema shipped with the running fuseplan, which resolves on this machine; the README says
 * how to keep a copy in the repository instead.
 */
export function schemaRefFrom(folder: string, kind: keyof typeof SCHEMA_FILES): string {
  for (let dir = resolve(folder); ; dir = dirname(dir)) {
    const installed = join(dir, 'node_modules', 'fuseplan', 'schemas', SCHEMA_FILES[kind])
    if (existsSync(installed)) {
      const rel = relative(resolve(folder), installed).split(sep).join('/')
      return rel.startsWith('.') ? rel : `./${rel}`
    }
    if (dirname(dir) === dir) break
  }
  return shippedSchemaPath(kind).split(sep).join('/')
}
