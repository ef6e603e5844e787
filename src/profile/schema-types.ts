// The JSON Schemas are the contract; the TypeScript types the code reads are written by hand beside
// them because they read better (names, doc comments): Profile in ./types.ts, TrainingConfig in
// templates/project/src/config.ts (the generated project imports nothing from fuseplan). Here
// json-schema-to-ts derives each type from its schema's literal type, and the build (tsc) fails when
// a hand type and its derived type stop being assignable both ways: a field added, dropped, made
// optional or given another type in one place only. test/profile/schema-types.test.ts shows the
// check catches such drift.
import type {FromSchema} from 'json-schema-to-ts'
import type {TrainingConfig} from '../../templates/project/src/config.js'
import type {profileSchema} from './schema.js'
import type {trainingConfigSchema} from './training-config-schema.js'
import type {Profile} from './types.js'

/** A DeploymentProfile as its JSON Schema describes it. */
export type ProfileFromSchema = FromSchema<typeof profileSchema>
/** A TrainingConfig as its JSON Schema describes it. */
export type TrainingConfigFromSchema = FromSchema<typeof trainingConfigSchema>

/** `true` exactly when A and B are assignable to each other. */
export type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

export const PROFILE_TYPE_FOLLOWS_SCHEMA: MutuallyAssignable<Profile, ProfileFromSchema> = true
export const TRAINING_CONFIG_TYPE_FOLLOWS_SCHEMA: MutuallyAssignable<TrainingConfig, TrainingConfigFromSchema> = true
