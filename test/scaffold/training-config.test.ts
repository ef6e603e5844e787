// buildTrainingConfig (profile + decision -> fuseplan.training.yaml) and its linter.
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {parse} from 'yaml'
import {afterAll, describe, expect, it} from 'vitest'
import {decide} from '../../src/decision/decide.js'
import type {Decision} from '../../src/decision/types.js'
import type {DocPath} from '../../src/findings.js'
import {parseSource} from '../../src/profile/source.js'
import {loadProfile} from '../../src/profile/load.js'
import type {Profile} from '../../src/profile/types.js'
import {renderTrainingConfig} from '../../src/scaffold/generate.js'
import {lintTrainingConfig} from '../../src/lint/training-config.js'
import {buildTrainingConfig} from '../../src/scaffold/training-config.js'
import {validateTrainingConfig} from '../../templates/project/src/config.js'

const ROOT = resolve(import.meta.dirname, '..', '..')
const ICU = join(ROOT, 'examples', 'icu-deterioration.yaml')
const tmp = mkdtempSync(join(tmpdir(), 'fuseplan-tc-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

function icu(): {profile: Profile; decision: Decision} {
  const profile = loadProfile(ICU).profile as Profile
  return {profile, decision: decide(profile)}
}

function lintFile(file: string) {
  const source = parseSource(file, readFileSync(file, 'utf8'))
  return lintTrainingConfig(source.value, {filePath: file, positionOf: (p: DocPath) => source.rangeOf(p)})
}

/** Writes a project-like folder: the profile copy and a generated training config pointing at it. */
function project(name: string, edit?: (profile: string) => string): {dir: string; config: string; profile: string} {
  const dir = join(tmp, name)
  mkdirSync(dir, {recursive: true})
  const profile = join(dir, 'profile.yaml')
  copyFileSync(ICU, profile)
  const {profile: p, decision} = icu()
  const config = join(dir, 'fuseplan.training.yaml')
  writeFileSync(config, renderTrainingConfig(buildTrainingConfig(p, decision, {profilePath: 'profile.yaml'})))
  if (edit) writeFileSync(profile, edit(readFileSync(profile, 'utf8')))
  return {dir, config, profile}
}

describe('buildTrainingConfig', () => {
  it('carries the strategy, masking plan, evaluation plan, latency and source of the ICU example', () => {
    const {profile, decision} = icu()
    const config = buildTrainingConfig(profile, decision, {profilePath: '../examples/icu-deterioration.yaml'})
    expect(config.strategy).toBe(decision.strategy)
    expect(config.task).toEqual({type: 'binary', metric: 'auroc'})
    expect(config.modalities.map((m) => [m.name, m.inputShape, m.inputSize, m.availability, m.required])).toEqual([
      ['ehr', [120], 120, 1, true],
      ['cxr', [224, 224, 1], 50176, 0.22, false],
      ['genomics', [2000], 2000, 0.05, false],
    ])
    expect(config.modalities[1].trainingAvailability).toBeCloseTo(0.271667, 5)
    expect(config.masking.modalities.map((m) => m.name)).toEqual(['ehr', 'cxr', 'genomics'])
    expect(config.masking.modalities[0].dropProbability).toBe(0)
    expect(config.masking.covers).toHaveLength(3)
    expect(config.latency).toEqual({budgetMs: 200, percentile: 99})
    expect(config.source).toEqual({profile: '../examples/icu-deterioration.yaml', profileHash: decision.profile.hash})
    expect(config.cohorts.map((c) => [c.name, c.size, c.availability])).toEqual([
      ['icu', 16500, {ehr: 1, cxr: 0.26}],
      ['enrolled', 1500, {ehr: 1, cxr: 0.4, genomics: 1}],
    ])
    expect(new Set(config.modalities.map((m) => m.encoder.embedding)).size).toBe(1)
    expect(() => validateTrainingConfig(config)).not.toThrow()
  })

  it('overrides the strategy and scales inputs for simulations', () => {
    const {profile, decision} = icu()
    const config = buildTrainingConfig(profile, decision, {strategy: 'attention', maxInputSize: 64})
    expect(config.strategy).toBe('attention')
    expect(config.modalities.map((m) => [m.inputShape, m.inputSize, m.scaledFrom])).toEqual([
      [[64], 64, 120],
      [[8, 8, 1], 64, 50176],
      [[64], 64, 2000],
    ])
  })

  it('is deterministic', () => {
    const {profile, decision} = icu()
    expect(renderTrainingConfig(buildTrainingConfig(profile, decision))).toBe(renderTrainingConfig(buildTrainingConfig(profile, decision)))
  })
})

describe('lintTrainingConfig', () => {
  it('a freshly generated config next to its profile is clean', () => {
    const {config} = project('clean')
    expect(lintFile(config)).toEqual([])
    expect(readFileSync(config, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./.fuseplan/training-config.schema.json')
  })

  it('schema errors point at the field', () => {
    const {config} = project('schema')
    writeFileSync(config, readFileSync(config, 'utf8').replace('strategy: ', 'strategy: quantum-'))
    const findings = lintFile(config)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({ruleId: 'training-config-schema', severity: 'error', path: ['strategy']})
    const line =
      readFileSync(config, 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('strategy:')) + 1
    expect(findings[0].line).toBe(line)
  })

  it('warns when the profile changed since generation', () => {
    const {config} = project('changed', (t) => t.replace('description: 24-hour deterioration risk for adult ICU stays', 'description: changed'))
    const findings = lintFile(config)
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['training-config-profile-changed', 'warning']])
    expect(findings[0].message).toContain('profile changed since generation: re-run scaffold')
  })

  it('reports drift as an error that says to retrain', () => {
    const {config} = project('drift', (t) => t.replace('availability: 0.22', 'availability: 0.08'))
    const findings = lintFile(config)
    const drift = findings.filter((f) => f.ruleId === 'training-config-drift')
    expect(drift).toHaveLength(1)
    expect(drift[0].severity).toBe('error')
    expect(drift[0].message).toMatch(/`cxr` availability in the profile is now 0\.08.*Retrain/)
    expect(drift[0].path).toEqual(['masking', 'covers', 1])
    expect(findings.some((f) => f.ruleId === 'training-config-profile-changed')).toBe(true)
  })

  it('reports more presence than training saw as drift too', () => {
    const {config} = project('drift-up', (t) => t.replace('availability: 0.22', 'availability: 0.5'))
    expect(lintFile(config).find((f) => f.ruleId === 'training-config-drift')?.message).toMatch(/higher than .* seen in training/)
  })

  it('warns when the profile is gone, and checks internal consistency', () => {
    const {config, profile} = project('missing')
    rmSync(profile)
    expect(lintFile(config).map((f) => f.ruleId)).toEqual(['training-config-profile-missing'])
    const doc = parse(readFileSync(config, 'utf8'))
    doc.modalities[0].inputSize = 7
    doc.masking.covers[0].name = 'nope'
    const findings = lintTrainingConfig(doc, {filePath: config, positionOf: () => ({line: 1, column: 1, endLine: 1, endColumn: 1})})
    expect(findings.filter((f) => f.ruleId === 'training-config-consistency').map((f) => f.path)).toEqual([
      ['modalities', 0, 'inputSize'],
      ['masking', 'covers', 0, 'name'],
    ])
  })
})
