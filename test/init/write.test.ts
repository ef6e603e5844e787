import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readAnswers} from '../../src/init/supplied.js'
import {loadProfileText} from '../../src/profile/load.js'
import {PROFILE_SCHEMA_ID} from '../../src/profile/schema.js'
import type {Profile} from '../../src/profile/types.js'
import {profileToYaml, yamlScalar} from '../../src/profile/write.js'
import {ROOT} from '../helpers/run-cli.js'

const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'))

describe('profileToYaml', () => {
  it.each(examples)('round-trips %s: same profile back, modeline first, lints clean', (name) => {
    const file = join(ROOT, 'examples', name)
    const {profile} = loadProfileText(file, readFileSync(file, 'utf8'))
    expect(profile).toBeDefined()
    const text = profileToYaml(profile!)
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${PROFILE_SCHEMA_ID}`)
    const again = loadProfileText('out.yaml', text)
    expect(again.findings).toEqual([])
    expect(again.profile).toEqual(profile)
    expect(profileToYaml(again.profile!)).toBe(text)
  })

  it('comments each section', () => {
    const file = join(ROOT, 'examples', 'icu-deterioration.yaml')
    const text = profileToYaml(loadProfileText(file, readFileSync(file, 'utf8')).profile!)
    for (const key of ['task:', 'modalities:', 'cohorts:', 'latency:']) {
      const lines = text.split('\n')
      const at = lines.indexOf(key)
      expect(at).toBeGreaterThan(0)
      expect(lines[at - 1]).toMatch(/^# /)
    }
  })

  it('quotes strings that YAML would otherwise misread, and keeps them on one line', () => {
    expect(yamlScalar('plain text')).toBe('plain text')
    expect(yamlScalar('a: b # c')).toBe('"a: b # c"')
    expect(yamlScalar('true')).toBe('"true"')
    expect(yamlScalar('0.5')).toBe('"0.5"')
    expect(yamlScalar('two\nlines')).toBe('"two\\nlines"')
    const profile: Profile = {
      apiVersion: 'fuseplan/v1',
      kind: 'DeploymentProfile',
      name: 'x',
      description: '- starts like a list item, has "quotes" and a\nnewline: #',
      task: {type: 'binary', labelledSamples: 1},
      modalities: [{name: 'a', type: 'tabular', features: 1, availability: 1}],
    }
    const back = loadProfileText('x.yaml', profileToYaml(profile))
    expect(back.findings).toEqual([])
    expect(back.profile).toEqual(profile)
  })

  it('writes answers files that read back as the same answers', () => {
    const file = join(ROOT, 'examples', 'wearable-afib.yaml')
    const profile = loadProfileText(file, readFileSync(file, 'utf8')).profile!
    const text = profileToYaml(profile, {kind: 'InitAnswers', explicitEmpty: true, bare: true, noModeline: true})
    expect(text).toContain('kind: InitAnswers')
    const s = readAnswers('answers.yaml', text)
    expect(s.modalities?.map((m) => m.name)).toEqual(profile.modalities.map((m) => m.name))
    expect(s.modalities?.[0].fields.availability?.raw).toBe(profile.modalities[0].availability)
    expect(s.modalities?.[0].fields.availability?.where).toMatch(/^answers\.yaml:\d+:\d+$/)
  })
})
