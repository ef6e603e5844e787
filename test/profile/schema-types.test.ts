// The hand-written Profile and TrainingConfig types must stay assignable both ways to the types
// json-schema-to-ts derives from the schemas (src/profile/schema-types.ts, checked by tsc in the
// build). This compiles that module with copies of the hand types that drifted from the schema, and
// expects the check to reject each one: a check that cannot fail would hold nothing equal.
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ROOT} from '../helpers/run-cli.js'

const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

describe('schema-derived types', () => {
  it('the hand types pass the check, and types that drifted from the schema fail it', {timeout: 120_000}, () => {
    mkdirSync(join(ROOT, '.tmp'), {recursive: true})
    const dir = mkdtempSync(join(ROOT, '.tmp', 'schema-types-'))
    const from = (p: string) => relative(dir, join(ROOT, p)).split('\\').join('/')
    const drifted = [
      // a field the schema does not have
      `TrainingConfig & {extra: number}`,
      // an optional field made required
      `Omit<TrainingConfig, 'patterns'> & {patterns: TrainingConfig['modalities']}`,
      // another type for a field
      `Omit<TrainingConfig, 'fusion'> & {fusion: {hidden: number; heads: string}}`,
      // a required field dropped
      `Omit<Profile, 'task'>`,
      // a looser type than the schema's (any metric name)
      `Omit<Profile, 'task'> & {task: Omit<Profile['task'], 'metric'> & {metric?: string}}`,
    ]
    writeFileSync(
      join(dir, 'check.ts'),
      [
        `import type {TrainingConfig} from '${from('templates/project/src/config.js')}'`,
        `import type {Profile} from '${from('src/profile/types.js')}'`,
        `import type {MutuallyAssignable, ProfileFromSchema} from '${from('src/profile/schema-types.js')}'`,
        `import type {TrainingConfigFromSchema} from '${from('src/scaffold/training-config-types.js')}'`,
        `export const same: [MutuallyAssignable<Profile, ProfileFromSchema>, MutuallyAssignable<TrainingConfig, TrainingConfigFromSchema>] = [true, true]`,
        ...drifted.map((t, i) => {
          const derived = t.includes('Profile') ? 'ProfileFromSchema' : 'TrainingConfigFromSchema'
          return `// @ts-expect-error drifted type ${i}\nexport const drift${i}: MutuallyAssignable<${t}, ${derived}> = true`
        }),
        '',
      ].join('\n'),
    )
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({extends: from('tsconfig.json'), compilerOptions: {noEmit: true, rootDir: from('.'), declaration: false, incremental: false}, include: ['check.ts']}),
    )
    const r = spawnSync(process.execPath, [TSC, '-p', dir], {encoding: 'utf8', cwd: ROOT})
    rmSync(dir, {recursive: true, force: true})
    // An unused @ts-expect-error is an error too: every drifted type must be rejected.
    expect(r.stdout + r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})
