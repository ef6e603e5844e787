// Checks written in code rather than as rule files: the parser's, the schema's, the document kind's,
// the training config's, and the suppression comments'. They share the rule registry with the rule
// files (`fuseplan rules list`, `rules show`, SARIF's rule table, config overrides), and this table is
// their one description.
//
// `configurable: false` marks the checks every command applies the same way: a profile that fails
// one of them cannot be used by recommend, scaffold or evaluate, so lint may not let it pass either.
import type {Severity} from '../findings.js'

export interface BuiltinCheck {
  id: string
  title: string
  severity: Severity
  description: string
  /** Whether `fuseplan.config.yaml` may turn it off or change its severity, and a comment suppress it. */
  configurable: boolean
  /** The document kind it applies to (`any`: every file lint reads). */
  appliesTo: 'any' | 'DeploymentProfile' | 'TrainingConfig'
}

const FIXED = 'Every command refuses such a file, so it cannot be turned off or suppressed.'

export const BUILTIN_CHECKS: readonly BuiltinCheck[] = [
  {
    id: 'yaml-syntax',
    appliesTo: 'any',
    configurable: false,
    severity: 'error',
    title: 'The file is valid YAML',
    description: `The YAML parser could not read the file; the finding points at the line of the first problem it met. ${FIXED}`,
  },
  {
    id: 'duplicate-key',
    appliesTo: 'any',
    configurable: false,
    severity: 'error',
    title: 'No key appears twice in a mapping',
    description: `YAML parsers disagree on which duplicate wins, so fuseplan refuses them. ${FIXED}`,
  },
  {id: 'empty-file', appliesTo: 'any', configurable: false, severity: 'error', title: 'The file holds a document', description: `An empty file cannot describe a deployment. ${FIXED}`},
  {id: 'not-yaml', appliesTo: 'any', configurable: false, severity: 'error', title: 'The file is text', description: `Binary files (with NUL bytes) are not YAML. ${FIXED}`},
  {
    id: 'file-too-large',
    appliesTo: 'any',
    configurable: false,
    severity: 'error',
    title: 'The file is within the size limit',
    description: `Files over 1 MiB are refused before parsing: profiles are small, and parsing cost grows with size. ${FIXED}`,
  },
  {
    id: 'file-unreadable',
    appliesTo: 'any',
    configurable: false,
    severity: 'error',
    title: 'The file can be read',
    description: `The file could not be opened (missing, a directory, or no permission). ${FIXED}`,
  },
  {
    id: 'schema',
    appliesTo: 'DeploymentProfile',
    configurable: false,
    severity: 'error',
    title: 'The document matches its JSON Schema',
    description: `Types, required keys, allowed values and ranges, as \`fuseplan schema\` prints them; a mistyped key is reported once, with the key it probably meant. ${FIXED}`,
  },
  {
    id: 'unknown-kind',
    appliesTo: 'any',
    configurable: true,
    severity: 'error',
    title: 'The document is a fuseplan kind',
    description:
      "A file named on the command line, or a file found in a folder that looks like a fuseplan document (a fuseplan `apiVersion`, a `kind` one typo away, a profile's keys), must be a DeploymentProfile or a TrainingConfig.",
  },
  {
    id: 'training-config-schema',
    appliesTo: 'TrainingConfig',
    configurable: false,
    severity: 'error',
    title: 'A TrainingConfig matches its JSON Schema',
    description: `The generated fuseplan.training.yaml must keep the shape the generated model code reads. ${FIXED}`,
  },
  {
    id: 'training-config-consistency',
    appliesTo: 'TrainingConfig',
    configurable: false,
    severity: 'error',
    title: 'A TrainingConfig is consistent with itself',
    description: `Input sizes match shapes, the masking plan names only known modalities, attention widths divide by the head count. The generated model code refuses such a config too, so this cannot be turned off.`,
  },
  {
    id: 'training-config-profile-missing',
    appliesTo: 'TrainingConfig',
    configurable: true,
    severity: 'warning',
    title: 'The profile a TrainingConfig came from can be read',
    description: 'Without its source profile, drift cannot be checked.',
  },
  {
    id: 'training-config-profile-invalid',
    appliesTo: 'TrainingConfig',
    configurable: true,
    severity: 'error',
    title: 'The profile a TrainingConfig came from is valid',
    description: 'The source profile has errors under the config of its own folder (the one `fuseplan lint` applies to it): lint the profile and fix them first.',
  },
  {
    id: 'training-config-profile-changed',
    appliesTo: 'TrainingConfig',
    configurable: true,
    severity: 'warning',
    title: 'The profile has not changed since generation',
    description: 'The profile hash differs from the one recorded at scaffold time: re-run scaffold to see what changes.',
  },
  {
    id: 'training-config-modalities',
    appliesTo: 'TrainingConfig',
    configurable: true,
    severity: 'error',
    title: 'A TrainingConfig has the same modalities as its profile',
    description: 'Modalities added to or removed from the profile need a regenerated project and a new model.',
  },
  {
    id: 'training-config-drift',
    appliesTo: 'TrainingConfig',
    configurable: true,
    severity: 'error',
    title: 'Deployment availability is inside the range the masking plan covers',
    description: 'Robustness to missing inputs holds only up to the missing rates seen in training; when the deployment drifts outside the covered range, retrain.',
  },
  {
    id: 'unused-disable-directive',
    appliesTo: 'any',
    configurable: true,
    severity: 'warning',
    title: 'Every suppression comment still suppresses something',
    description: 'A `# fuseplan-disable...` comment that matched no finding: the problem was fixed or the rule id is wrong. Remove the comment.',
  },
  {
    id: 'too-many-findings',
    appliesTo: 'any',
    configurable: false,
    severity: 'error',
    title: 'A file has at most 1,000 findings to show',
    description:
      'Lint shows the first 1,000 findings of a file (in file order) and ends with one line counting the rest, by severity, at the first one left out; its severity is the highest among them, so the exit code is what it would be with all of them shown.',
  },
  {
    id: 'invalid-disable-directive',
    appliesTo: 'any',
    configurable: false,
    severity: 'error',
    title: 'Suppression comments name rules that can be suppressed',
    description: 'A `# fuseplan-disable...` comment with no rule id, an unknown rule id, or a check that cannot be suppressed (the file would pass lint and still be refused by recommend).',
  },
]

const byId = new Map(BUILTIN_CHECKS.map((c) => [c.id, c]))

export function builtinCheck(id: string): BuiltinCheck | undefined {
  return byId.get(id)
}
