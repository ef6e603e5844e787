// Checks that are not rules of the engine but still carry stable ids in lint output: the parser's
// and the schema's. Listed so SARIF's rule table and `fuseplan rules` can document them.
import type {RuleMeta} from '../formatters/lint/types.js'

const doc = (id: string) => `https://fuseplan.dev/rules/${id}`

export const BUILTIN_RULES: RuleMeta[] = [
  {id: 'yaml-syntax', title: 'The file is valid YAML', severity: 'error', helpUri: doc('yaml-syntax'), description: 'The YAML parser could not read the file; the finding points at the first problem it met.'},
  {id: 'duplicate-key', title: 'No key appears twice in a mapping', severity: 'error', helpUri: doc('duplicate-key'), description: 'YAML parsers disagree on which duplicate wins, so fuseplan refuses them.'},
  {id: 'empty-file', title: 'The file holds a document', severity: 'error', helpUri: doc('empty-file'), description: 'An empty file cannot describe a deployment.'},
  {id: 'not-yaml', title: 'The file is text', severity: 'error', helpUri: doc('not-yaml'), description: 'Binary files (with NUL bytes) are not YAML.'},
  {id: 'file-too-large', title: 'The file is within the size limit', severity: 'error', helpUri: doc('file-too-large'), description: 'Files over 1 MiB are refused before parsing: profiles are small, and parsing cost grows with size.'},
  {id: 'file-unreadable', title: 'The file can be read', severity: 'error', helpUri: doc('file-unreadable'), description: 'The file could not be opened (missing, a directory, or no permission).'},
  {id: 'unknown-kind', title: 'The document is a fuseplan kind', severity: 'error', helpUri: doc('unknown-kind'), description: 'A file named on the command line must be a DeploymentProfile or a TrainingConfig.'},
  {id: 'schema', title: 'The document matches its JSON Schema', severity: 'error', helpUri: doc('schema'), description: 'Types, required keys, allowed values and ranges, as `fuseplan schema` prints them.'},
]
