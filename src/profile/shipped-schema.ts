// The JSON Schemas shipped in the package (`schemas/`), for the yaml-language-server modeline fuseplan
// writes: a relative path to a file the user has resolves in every editor, a web address only if
// someone hosts it. `fuseplan schema` prints the same schemas (a test keeps the files in step).
import {existsSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
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

/** The modeline target for a YAML file in `folder`: the shipped schema, relative to that folder (POSIX). */
export function schemaRefFrom(folder: string, kind: keyof typeof SCHEMA_FILES): string {
  const rel = relative(folder, shippedSchemaPath(kind)).split(sep).join('/')
  return rel.startsWith('.') ? rel : `./${rel}`
}
