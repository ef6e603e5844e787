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
  {id: 'training-config-schema', title: 'A TrainingConfig matches its JSON Schema', severity: 'error', helpUri: doc('training-config-schema'), description: 'The generated fuseplan.training.yaml must keep the shape the generated model code reads.'},
  {id: 'training-config-consistency', title: 'A TrainingConfig is consistent with itself', severity: 'error', helpUri: doc('training-config-consistency'), description: 'Input sizes match shapes, the masking plan names only known modalities, attention widths divide by the head count.'},
  {id: 'training-config-profile-missing', title: 'The profile a TrainingConfig came from can be read', severity: 'warning', helpUri: doc('training-config-profile-missing'), description: 'Without its source profile, drift cannot be checked.'},
  {id: 'training-config-profile-invalid', title: 'The profile a TrainingConfig came from is valid', severity: 'error', helpUri: doc('training-config-profile-invalid'), description: 'Lint the profile and fix it first.'},
  {id: 'training-config-profile-changed', title: 'The profile has not changed since generation', severity: 'warning', helpUri: doc('training-config-profile-changed'), description: 'The profile hash differs from the one recorded at scaffold time: re-run scaffold to see what changes.'},
  {id: 'training-config-modalities', title: 'A TrainingConfig has the same modalities as its profile', severity: 'error', helpUri: doc('training-config-modalities'), description: 'Modalities added to or removed from the profile need a regenerated project and a new model.'},
  {id: 'training-config-drift', title: 'Deployment availability is inside the range the masking plan covers', severity: 'error', helpUri: doc('training-config-drift'), description: 'Robustness to missing inputs holds only up to the missing rates seen in training; when the deployment drifts outside the covered range, retrain.'},
  {id: 'schema', title: 'The document matches its JSON Schema', severity: 'error', helpUri: doc('schema'), description: 'Types, required keys, allowed values and ranges, as `fuseplan schema` prints them.'},
]
