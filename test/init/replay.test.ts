// "Change an answer": after the summary only the chosen question is asked again; every other
// question takes its default (the earlier answer), and totals derived from other answers follow them.
import {describe, expect, it} from 'vitest'
import {collectProfile, type PromptFns} from '../../src/init/flow.js'
import {answerChoices, recordingPrompts} from '../../src/init/replay.js'
import {emptySupplied} from '../../src/init/supplied.js'
import type {Profile} from '../../src/profile/types.js'

/** Prompts that take every default, except the answers given by message (first match of a substring). */
function scripted(answers: Record<string, string | boolean> = {}, shown: string[] = []): PromptFns {
  const find = (message: string) => Object.entries(answers).find(([k]) => message.includes(k))?.[1]
  return {
    async input(c) {
      shown.push(c.message)
      const a = find(c.message)
      return typeof a === 'string' ? a : (c.default ?? '')
    },
    async select(c) {
      shown.push(c.message)
      const a = find(c.message)
      return (typeof a === 'string' ? a : (c.default ?? c.choices[0].value)) as never
    },
    async confirm(c) {
      shown.push(c.message)
      const a = find(c.message)
      return typeof a === 'boolean' ? a : (c.default ?? false)
    },
    async checkbox(c) {
      shown.push(c.message)
      return c.choices.filter((x) => x.checked).map((x) => x.value)
    },
  }
}

const FIRST = {'Profile name': 'clinic', 'Name (e.g.': 'ehr', 'Add another modality?': false, 'Number of samples in main': '800'}

async function firstPass(extra: Record<string, string | boolean> = {}) {
  const recording = recordingPrompts(scripted({...FIRST, ...extra}))
  const profile = await collectProfile({supplied: emptySupplied(), interactive: true, prompts: recording.prompts})
  return {profile, asked: recording.asked}
}

async function change(previous: Profile, asked: ReturnType<typeof recordingPrompts>['asked'], question: string, value: string) {
  const target = asked.find((q) => q.message.includes(question))!.key
  const shown: string[] = []
  const recording = recordingPrompts(scripted({[question]: value}, shown), {asked, target})
  const profile = await collectProfile({supplied: emptySupplied(), interactive: true, prompts: recording.prompts, previous})
  return {profile, shown}
}

describe('change an answer', () => {
  it('asks only the chosen question, keeps every other answer', async () => {
    const {profile, asked} = await firstPass()
    expect(profile.cohorts?.[0].size).toBe(800)
    const {profile: after, shown} = await change(profile, asked, 'Latency budget', '250')
    expect(shown).toEqual(['Latency budget per request in ms (or "none")'])
    expect(after).toEqual({...profile, latency: {...profile.latency, budgetMs: 250}})
  })

  it('a total derived from the cohorts follows an edited cohort size; a total typed by hand is kept', async () => {
    const derived = await firstPass()
    expect(derived.profile.task.labelledSamples).toBe(800)
    const edited = await change(derived.profile, derived.asked, 'Number of samples in main', '1200')
    expect(edited.shown).toEqual(['Number of samples in main'])
    expect(edited.profile.cohorts?.[0].size).toBe(1200)
    expect(edited.profile.task.labelledSamples).toBe(1200)

    const typed = await firstPass({'Labelled training samples': '500'})
    expect(typed.profile.task.labelledSamples).toBe(500)
    const kept = await change(typed.profile, typed.asked, 'Number of samples in main', '1200')
    expect(kept.profile.task.labelledSamples).toBe(500)
  })

  it('a change that raises a new question asks it too (a modality that becomes an image asks for its shape)', async () => {
    const {profile, asked} = await firstPass()
    const target = asked.find((q) => q.message === 'Type of the next modality')!.key
    const shown: string[] = []
    const recording = recordingPrompts(scripted({'Type of the next modality': 'image', 'Input shape': '64x64x1'}, shown), {asked, target})
    const after = await collectProfile({supplied: emptySupplied(), interactive: true, prompts: recording.prompts, previous: profile})
    expect(shown).toEqual(['Type of the next modality', 'Input shape of ehr (e.g. 224x224x1 for a grey-scale image)'])
    expect(after.modalities[0]).toMatchObject({name: 'ehr', type: 'image', shape: [64, 64, 1]})
  })

  it('lists every question with its answer to choose from', async () => {
    const {asked} = await firstPass()
    const choices = answerChoices(asked)
    expect(choices.length).toBe(asked.length)
    expect(choices.map((c) => c.name)).toContain('Profile name: clinic')
    expect(choices.map((c) => c.name)).toContain('Number of samples in main: 800')
    expect(new Set(choices.map((c) => c.value)).size).toBe(choices.length)
  })
})
