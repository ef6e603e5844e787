// TrainingConfig's hand-written type lives in templates/project/src/config.ts (the generated project
// imports nothing from fuseplan). As for the profile (src/profile/schema-types.ts), json-schema-to-ts
// derives the type from the schema, and the build (tsc) fails when the two stop being assignable both
// ways. It sits with scaffold because the profile layer never reaches into templates/.
import type {FromSchema} from 'json-schema-to-ts'
import type {TrainingConfig} from '../../templates/project/src/config.js'
import type {MutuallyAssignable} from '../profile/schema-types.js'
import type {trainingConfigSchema} from './training-config-schema.js'

/** A TrainingConfig as its JSON Schema describes it. */
export type TrainingConfigFromSchema = FromSchema<typeof trainingConfigSchema>

export const TRAINING_CONFIG_TYPE_FOLLOWS_SCHEMA: MutuallyAssignable<TrainingConfig, TrainingConfigFromSchema> = true
