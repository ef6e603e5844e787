// The interactive `init` in-process with a fake terminal: Enter never drops a modality, declining
// "Write ...?" offers to go back with every answer as the default, and quitting keeps the answers for
// the next run to resume from.
import {screen} from '@inquirer/testing/vitest'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import Init from '../../src/commands/init.js'
import {ROOT} from '../helpers/run-cli.js'
import {exitCodeOf, useFakeTerminal} from './fake-terminal.js'

const term = useFakeTerminal('fuseplan-init-resume-')

/** Answers the prompt on screen (checking its text), with typed text or Enter for its default. */
async function answer(expectOnScreen: string, text?: string): Promise<void> {
  expect(screen.getScreen()).toContain(expectOnScreen)
  if (text) screen.type(text)
  screen.keypress('enter')
  await screen.next()
}

/** Enter on every prompt (keeping each default) until `stop` is on screen. */
async function enterUntil(stop: string, max = 40): Promise<number> {
  for (let i = 0; i < max; i++) {
    if (screen.getScreen().includes(stop)) return i
    screen.keypress('enter')
    await screen.next()
  }
  throw new Error(`never reached "${stop}"; screen:\n${screen.getScreen()}`)
}

// Everything but the modalities from flags, so the prompts are the modality loop and the final choice.
const FLAGS = [
  '--name',
  'clinic',
  '--description',
  '',
  '--task-type',
  'binary',
  '--metric',
  'auroc',
  '--interactions',
  'weak',
  '--labelled-samples',
  '6,000',
  '--no-cohorts',
  '--latency-percentile',
  '99',
  '--hardware',
  'cpu',
]

describe('fuseplan init: going back and resuming', () => {
  it('Enter adds the third modality; No at "Write" goes back with the answers as defaults; quitting keeps them for a resume', async () => {
    const out = join(term.dir, 'my.yaml')
    const run = Init.run(['--out', out, ...FLAGS], ROOT)
    await screen.next()
    await answer('Type of the next modality')
    await answer('Name', 'ehr')
    await answer('Number of input features of ehr')
    await answer('Availability of ehr')
    await answer('How does ehr arrive')
    await answer('rejected upstream')
    await answer('encoder latency of ehr')
    await answer('Add another modality? (1 so far: ehr; answer n when done)') // Enter: yes
    await answer('Type of the next modality')
    await answer('Name', 'labs')
    await answer('features of labs')
    await answer('Availability of labs', '40%')
    await answer('Why is labs missing')
    await answer('How does labs arrive')
    await answer('encoder latency of labs')
    await answer('Add another modality? (2 so far: ehr, labs; answer n when done)') // Enter: yes again, the same default
    await answer('Type of the next modality')
    await answer('Name', 'notes')
    await answer('features of notes')
    await answer('Availability of notes', '0.3')
    await answer('Why is notes missing')
    await answer('How does notes arrive')
    await answer('encoder latency of notes')
    await answer('Add another modality? (3 so far', 'n')
    await answer('Latency budget per request in ms', '300ms')
    expect(screen.getScreen()).toContain('my.yaml?')
    await answer('my.yaml?', 'n')
    // Go back through every question, each answer as its default.
    expect(screen.getScreen()).toContain('What now?')
    screen.keypress('down')
    await answer('Go through every question')
    expect(screen.getScreen()).toContain('Type of the next modality')
    await enterUntil('Availability of labs')
    expect(screen.getScreen()).toContain('(0.4)')
    await answer('Availability of labs', '0.5')
    expect(await enterUntil('my.yaml?')).toBeGreaterThan(5)
    await answer('my.yaml?', 'n')
    screen.keypress('down')
    screen.keypress('down')
    screen.keypress('enter') // quit without writing
    expect(await exitCodeOf(run)).toBe(1)
    expect(existsSync(out)).toBe(false)
    expect(term.stderr.join('')).toContain('Nothing written. Your answers are in')
    expect(readdirSync(term.dir)).toEqual(['.my.yaml.draft'])

    // A re-run offers to resume; Enter through keeps every answer, including the change.
    term.stderr = []
    const again = Init.run(['--out', out, ...FLAGS], ROOT)
    await screen.next()
    await answer('Resume from the answers you left in')
    await enterUntil('my.yaml?')
    screen.keypress('enter')
    expect(await exitCodeOf(again)).toBe(0)
    const profile = parse(readFileSync(out, 'utf8'))
    expect(profile.modalities.map((m: {name: string; availability: number}) => `${m.name}=${m.availability}`)).toEqual(['ehr=1', 'labs=0.5', 'notes=0.3'])
    expect(profile.latency).toEqual({budgetMs: 300, percentile: 99, hardware: 'cpu'})
    expect(profile.task.labelledSamples).toBe(6000)
    expect(readdirSync(term.dir)).toEqual(['my.yaml']) // the draft is gone once the profile is written
  })

  it('"Change an answer" lists the answers and asks only the one picked, then offers to write', async () => {
    const out = join(term.dir, 'jump.yaml')
    const run = Init.run(['--out', out, ...FLAGS], ROOT)
    await screen.next()
    await answer('Type of the next modality')
    await answer('Name', 'ehr')
    await answer('Number of input features of ehr')
    await answer('Availability of ehr')
    await answer('How does ehr arrive')
    await answer('rejected upstream')
    await answer('encoder latency of ehr')
    await answer('Add another modality? (1 so far: ehr; answer n when done)')
    await answer('Type of the next modality')
    await answer('Name', 'labs')
    await answer('features of labs')
    await answer('Availability of labs', '40%')
    await answer('Why is labs missing')
    await answer('How does labs arrive')
    await answer('encoder latency of labs')
    await answer('Add another modality? (2 so far', 'n')
    await answer('Latency budget per request in ms', '300')
    await answer('jump.yaml?', 'n')
    await answer('What now?') // Enter: change an answer
    expect(screen.getScreen()).toContain('Which answer do you want to change?')
    expect(screen.getScreen()).toContain('Type of the next modality: tabular')
    // The 12th answer: the availability of labs.
    for (let i = 0; i < 11; i++) screen.keypress('down')
    await answer('Availability of labs: 40%')
    await answer('Availability of labs', '0.6')
    // Straight back to the summary: no other question.
    expect(screen.getScreen()).toContain('jump.yaml?')
    screen.keypress('enter')
    expect(await exitCodeOf(run)).toBe(0)
    const profile = parse(readFileSync(out, 'utf8'))
    expect(profile.modalities.map((m: {name: string; availability: number}) => `${m.name}=${m.availability}`)).toEqual(['ehr=1', 'labs=0.6'])
    expect(profile.latency.budgetMs).toBe(300)
  })

  it('--from-data without --map asks to confirm the guessed mapping; No writes nothing and shows the flags to pass', async () => {
    const out = join(term.dir, 'p.yaml')
    const run = Init.run(['--out', out, '--from-data', join(ROOT, 'test', 'fixtures', 'init', 'derm-sample.csv'), '--label', 'label'], ROOT)
    await screen.next()
    expect(screen.getScreen()).toContain('Use this mapping?')
    screen.type('n')
    screen.keypress('enter')
    expect(await exitCodeOf(run)).toBe(2)
    expect(term.stderr.join('')).toContain(
      'Pass the mapping you want with --map, one per modality; the guess above as flags is a start: --map "ehr=ehr_age,ehr_bmi,ehr_smoker" --map "photo=photo_path"',
    )
    expect(readdirSync(term.dir)).toEqual([])
  })
})
