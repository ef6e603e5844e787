// `fuseplan lint` for `kind: TrainingConfig` (a scaffolded project's fuseplan.training.yaml):
//   1. the JSON Schema;
//   2. internal consistency (input sizes, encoder kind vs input shape, modality names, attention widths);
//   3. consistency with the profile it came from (`source.profile`, resolved relative to the config):
//      missing profile, changed hash (warning: re-run scaffold), modalities added or removed;
//   4. drift: a modality whose availability in the profile now lies outside the range the masking
//      plan covers (error: the model was not trained for that deployment - retrain).
import {dirname, resolve} from 'node:path'
import type {ValidateFunction} from 'ajv/dist/2020.js'
import type {DocPath, Finding, Range, Severity} from '../findings.js'
import {profileChecker} from '../engine/index.js'
import {loadProfile, type ProfileChecker} from '../profile/load.js'
import {compileSchema, schemaFindings} from '../profile/validate.js'
import type {Profile} from '../profile/types.js'
import {profileHash} from '../decision/decide.js'
import {trainingConfigSchema} from '../scaffold/training-config-schema.js'
import {consistencyProblems, type TrainingConfig} from '../../templates/project/src/config.js'

export interface TrainingConfigLintContext {
  filePath: string
  positionOf: (path: DocPath) => Range
  /** The checks that apply to the source profile (its folder's config); default: the bundled ones. */
  checkProfileFor?: (profilePath: string) => ProfileChecker
}

export const TRAINING_CONFIG_RULES = {
  schema: 'training-config-schema',
  consistency: 'training-config-consistency',
  profileMissing: 'training-config-profile-missing',
  profileInvalid: 'training-config-profile-invalid',
  profileChanged: 'training-config-profile-changed',
  modalities: 'training-config-modalities',
  drift: 'training-config-drift',
} as const

/** Availabilities within this distance of a covered bound count as inside (rounding in the YAML). */
export const DRIFT_TOLERANCE = 1e-6

let validator: ValidateFunction | undefined

type Obj = Record<string, unknown>

export function lintTrainingConfig(doc: unknown, ctx: TrainingConfigLintContext): Finding[] {
  validator ??= compileSchema(trainingConfigSchema)
  const source = {filePath: ctx.filePath, text: '', value: doc, rangeOf: (p: DocPath) => ctx.positionOf(p), syntaxFindings: []}
  const schema = schemaFindings(validator, source, TRAINING_CONFIG_RULES.schema)
  if (schema.length > 0) return schema
  const config = doc as Obj
  const findings: Finding[] = []
  const add = (ruleId: string, severity: Severity, message: string, path: DocPath) => findings.push({ruleId, severity, message, path, ...ctx.positionOf(path)})

  // Internal consistency: the generated project's own check, so both accept the same configs.
  for (const p of consistencyProblems(doc as TrainingConfig)) add(TRAINING_CONFIG_RULES.consistency, 'error', `${p.message}.`, p.path)
  const modalities = config.modalities as Obj[]
  const names = modalities.map((m) => m.name as string)
  const masking = config.masking as Obj

  // The profile it came from.
  const src = config.source as Obj
  const profilePath = resolve(dirname(ctx.filePath), src.profile as string)
  // The folder's config when lint supplies it, else the bundled rules.
  const loaded = loadProfile(profilePath, ctx.checkProfileFor?.(profilePath) ?? profileChecker())
  if (loaded.findings.some((f) => f.ruleId === 'file-unreadable')) {
    add(TRAINING_CONFIG_RULES.profileMissing, 'warning', `The source profile ${src.profile as string} cannot be read, so drift cannot be checked. Fix source.profile (a path relative to this file).`, [
      'source',
      'profile',
    ])
    return findings
  }
  if (!loaded.profile || loaded.findings.some((f) => f.severity === 'error')) {
    add(TRAINING_CONFIG_RULES.profileInvalid, 'error', `The source profile ${src.profile as string} has errors; lint it and fix them first.`, ['source', 'profile'])
    return findings
  }
  const profile: Profile = loaded.profile
  if (profileHash(profile) !== src.profileHash) {
    add(TRAINING_CONFIG_RULES.profileChanged, 'warning', 'profile changed since generation: re-run scaffold (`fuseplan scaffold --out <project>`) to regenerate this config.', [
      'source',
      'profileHash',
    ])
  }
  const profileNames = profile.modalities.map((m) => m.name)
  for (const n of profileNames.filter((n) => !names.includes(n))) {
    add(TRAINING_CONFIG_RULES.modalities, 'error', `The profile has modality \`${n}\`, which this training config does not: re-run scaffold and retrain.`, ['modalities'])
  }
  modalities.forEach((m, i) => {
    if (!profileNames.includes(m.name as string))
      add(TRAINING_CONFIG_RULES.modalities, 'error', `Modality \`${m.name as string}\` is no longer in the profile: re-run scaffold and retrain.`, ['modalities', i, 'name'])
  })

  // Drift: deployment availability outside the range the masking plan covers.
  ;(masking.covers as Obj[]).forEach((c, i) => {
    const pm = profile.modalities.find((m) => m.name === c.name)
    if (!pm) return
    const a = pm.availability
    const lo = c.minAvailability as number
    const hi = c.maxAvailability as number
    if (a < lo - DRIFT_TOLERANCE || a > hi + DRIFT_TOLERANCE) {
      const why = a < lo ? `lower than the ${lo} the model was trained to cope with` : `higher than the ${hi} seen in training (masking cannot simulate more presence)`
      add(
        TRAINING_CONFIG_RULES.drift,
        'error',
        `Deployment drift: \`${pm.name}\` availability in the profile is now ${a}, ${why}; the masking plan covers ${lo}..${hi}. Retrain: re-run \`fuseplan scaffold\` to update the plan, then \`npm run train\`.`,
        ['masking', 'covers', i],
      )
    }
  })
  return findings
}
