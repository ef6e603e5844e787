// One schema for the TrainingConfig: the generated project validates its config with Ajv standalone
// code compiled from the schema `fuseplan lint` uses (templates/project/src/config.validate.ts). This
// holds the committed file to the schema, checks it needs no Ajv at run time, and checks that it
// reaches the verdict of the schema compiled afresh on configs broken in every field.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import {loadProfile} from '../../src/profile/load.js'
import {trainingConfigSchema} from '../../src/scaffold/training-config-schema.js'
import type {Profile} from '../../src/profile/types.js'
import {AJV_OPTIONS, compileSchema} from '../../src/profile/validate.js'
import {buildTrainingConfig} from '../../src/scaffold/training-config.js'
import {validate as shipped} from '../../templates/project/src/config.validate.js'
import {consistencyProblems, validateTrainingConfig, type TrainingConfig} from '../../templates/project/src/config.js'
import {lintTrainingConfig} from '../../src/lint/training-config.js'
import {ROOT} from '../helpers/run-cli.js'
// @ts-expect-error: a build script in plain JavaScript, without type declarations.
import {trainingConfigValidatorSource} from '../../scripts/config-validator.js'

const FILE = join(ROOT, 'templates', 'project', 'src', 'config.validate.ts')

type Check = ((doc: unknown) => boolean) & {errors?: {instancePath: string; schemaPath: string; keyword: string}[] | null}
const generated = shipped as unknown as Check
const fresh = compileSchema(trainingConfigSchema) as unknown as Check

/** The config of every example profile, and a multiclass one (no example is). */
function configs() {
  const all = readdirSync(join(ROOT, 'examples')).map((file) => {
    const profile = loadProfile(join(ROOT, 'examples', file)).profile as Profile
    const decision = decide(profile)
    return buildTrainingConfig(profile, decision, {strategy: decision.strategy ?? 'late'})
  })
  return [...all, {...all[0], task: {type: 'multiclass' as const, classes: 3, metric: 'macro_f1' as const}}]
}

const errorsOf = (check: Check) => (check.errors ?? []).map((e) => `${e.instancePath} ${e.schemaPath} ${e.keyword}`).sort()

/** Every path to a value in a document, containers included. */
function paths(node: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at]
  if (Array.isArray(node)) node.forEach((v, i) => out.push(...paths(v, [...at, i])))
  else if (node !== null && typeof node === 'object') for (const [k, v] of Object.entries(node)) out.push(...paths(v, [...at, k]))
  return out
}

function setAt(doc: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value
  const copy = structuredClone(doc) as Record<string | number, unknown>
  let node = copy
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>
  if (value === undefined) delete node[path.at(-1)!]
  else node[path.at(-1)!] = value
  return copy
}

describe('the TrainingConfig validator of the generated project', () => {
  it('is the schema compiled by the build (regenerate it with `npm run build` and commit it)', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(trainingConfigValidatorSource(trainingConfigSchema, AJV_OPTIONS))
  })

  it('needs no module at run time, so the project does not depend on Ajv', () => {
    const code = readFileSync(FILE, 'utf8')
    expect(code).not.toMatch(/\brequire\(|^\s*import\b|\bimport\(/m)
    const pkg = JSON.parse(readFileSync(join(ROOT, 'templates', 'project', 'package.json'), 'utf8')) as {dependencies: Record<string, string>}
    expect(Object.keys(pkg.dependencies)).not.toContain('ajv')
  })

  it('accepts the configs scaffold writes', () => {
    const all = configs()
    expect(all.length).toBeGreaterThanOrEqual(6)
    for (const config of all) {
      expect(generated(config), JSON.stringify(generated.errors)).toBe(true)
      expect(() => validateTrainingConfig(structuredClone(config))).not.toThrow()
    }
  })

  it('reaches the same verdict and errors as the schema compiled afresh, on configs broken anywhere', () => {
    const bases = configs()
    const junk = fc.oneof(
      fc.constant(undefined),
      fc.constant(null),
      fc.boolean(),
      fc.integer({min: -5, max: 5000}),
      fc.double({min: -2, max: 2, noNaN: true}),
      fc.string({maxLength: 6}),
      fc.constantFrom('early', 'multiclass', 'conv2d', 'ehr', 'Bad Name', 'x'.repeat(70)),
      fc.array(fc.integer({min: 0, max: 3}), {maxLength: 3}),
      fc.constant({}),
    )
    fc.assert(
      fc.property(fc.nat(), fc.nat(), junk, (b, p, value) => {
        const base = bases[b % bases.length]
        const all = paths(base)
        const doc = setAt(base, all[p % all.length], value)
        const verdict = generated(doc)
        expect(fresh(doc)).toBe(verdict)
        expect(errorsOf(generated)).toEqual(errorsOf(fresh))
        // The project's loader throws exactly when the schema (or a rule across fields) rejects.
        if (!verdict) expect(() => validateTrainingConfig(doc)).toThrow(/^[\w.[\]]+: /)
      }),
      {numRuns: 400, seed: 13},
    )
  })

  it('checks what the schema cannot say with the same function as `fuseplan lint`, at the same paths', () => {
    const attention = configs().find((c) => c.strategy === 'attention')
    expect(attention).toBeDefined()
    const doc = structuredClone(attention) as TrainingConfig
    doc.modalities[1].encoder.embedding = doc.modalities[0].encoder.embedding + 1
    doc.fusion.heads = 5
    doc.modalities[0].inputSize += 1
    doc.masking.covers[0].name = 'nope'
    const problems = consistencyProblems(doc)
    expect(problems.map((p) => p.path)).toEqual([['modalities', 0, 'inputSize'], ['masking', 'covers', 0, 'name'], ['modalities'], ['fusion', 'heads']])
    expect(() => validateTrainingConfig(doc)).toThrow(
      /^modalities\[0\]\.inputSize: inputSize is \d+ but inputShape .*\nmasking\.covers\[0\]\.name: .*\nmodalities: Attention fusion stacks embeddings .*\nfusion\.heads: fusion\.heads \(5\) must divide/,
    )
    const findings = lintTrainingConfig(doc, {filePath: join(ROOT, 'x.yaml'), positionOf: () => ({line: 1, column: 1, endLine: 1, endColumn: 1})})
    expect(findings.filter((f) => f.ruleId === 'training-config-consistency').map((f) => [f.path, f.message])).toEqual(problems.map((p) => [p.path, `${p.message}.`]))
  })
})
