// The JSON Schemas are the contract; the TypeScript types the code reads are written by hand beside
// them because they read better (names, doc comments): Profile in ./types.ts (TrainingConfig's twin
// check is src/scaffold/training-config-types.ts). Here json-schema-to-ts derives the type from its
// schema's literal type, and the build (tsc) fails when the hand type and the derived type stop being
// assignable both ways: a field added, dropped, made optional or given another type in one place
// only. test/profile/schema-types.test.ts shows the check catches such drift.
import type {FromSchema} from 'json-schema-to-ts'
import type {profileSchema} from './schema.js'
import type {Profile} from './types.js'

/** A DeploymentProfile as its JSON Schema describes it. */
export type ProfileFromSchema = FromSchema<typeof profileSchema>

/** `true` exactly when A and B are assignable to each other. */
export type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

export const PROFILE_TYPE_FOLLOWS_SCHEMA: MutuallyAssignable<Profile, ProfileFromSchema> = true
