// The interactive prompt flow, driven keystroke by keystroke through @inquirer/testing's fake terminal.
import {screen} from '@inquirer/testing/vitest'
import {checkbox, confirm, input, select} from '@inquirer/prompts'
import {describe, expect, it} from 'vitest'
import {collectProfile, type PromptFns} from '../../src/init/flow.js'
import {emptySupplied, parseModalitySpec} from '../../src/init/supplied.js'
import {loadProfileText} from '../../src/profile/load.js'
import {profileToYaml} from '../../src/profile/write.js'

const prompts: PromptFns = {input, select, confirm, checkbox}

/** Given answers resolve through awaits, so the first prompt may not be on screen synchronously. */
async function firstPrompt(): Promise<void> {
  if (screen.getScreen() === '') await screen.next()
}

async function answer(text: string | null, expectOnScreen?: string): Promise<void> {
  if (expectOnScreen) expect(screen.getScreen()).toContain(expectOnScreen)
  if (text) screen.type(text)
  screen.keypress('enter')
  await screen.next()
}

describe('init prompt flow', () => {
  it('walks a new user from an empty start to a profile that lints clean', async () => {
    const said: string[] = []
    const run = collectProfile({supplied: emptySupplied(), interactive: true, prompts, say: (l) => said.push(l)})

    await answer('icu-deterioration', 'Profile name')
    await answer('Deterioration risk', 'One-line description')
    await answer(null, 'Task type') // binary
    await answer(null, 'Metric') // auroc
    await answer(null, 'interactions') // unknown
    // modality 1: tabular ehr, 120 features, always there, required
    expect(screen.getScreen()).toContain('a table of numbers')
    await answer(null, 'Type of the next modality')
    await answer('ehr', 'Name')
    await answer('120', 'Number of input features of ehr')
    await answer(null, 'Availability of ehr') // default 1
    await answer(null, 'How does ehr arrive') // static
    screen.type('y')
    await answer(null, 'rejected upstream')
    await answer(null, 'encoder latency of ehr')
    await answer(null, 'Add another modality?') // default yes after the first
    // modality 2: image cxr
    screen.keypress('down')
    await answer(null, 'Type of the next modality')
    await answer('cxr', 'Name')
    await answer('224x224x1', 'Input shape of cxr')
    await answer('22%', 'Availability of cxr')
    screen.keypress('down')
    await answer(null, 'Why is cxr missing')
    screen.keypress('down')
    await answer(null, 'How does cxr arrive')
    await answer('35', 'encoder latency of cxr')
    screen.type('n')
    await answer(null, 'Add another modality?')
    // one cohort carrying both
    await answer(null, 'Describe a training cohort?')
    await answer('icu', 'Cohort name')
    await answer('16500', 'Number of samples in icu')
    await answer(null, 'carry labels')
    expect(screen.getScreen()).toContain('◉ cxr')
    await answer(null, 'Which modalities does icu carry?')
    await answer(null, 'Share of icu samples that have ehr')
    await answer('0.26', 'Share of icu samples that have cxr')
    screen.type('n')
    await answer(null, 'Add another cohort?')
    expect(screen.getScreen()).toContain('(16500)')
    await answer(null, 'Labelled training samples')
    await answer('200', 'Latency budget')
    await answer(null, 'Percentile')
    expect(screen.getScreen()).toContain('Inference hardware')
    screen.keypress('enter')

    const profile = await run
    expect(profile).toEqual({
      apiVersion: 'fuseplan/v1',
      kind: 'DeploymentProfile',
      name: 'icu-deterioration',
      description: 'Deterioration risk',
      task: {type: 'binary', metric: 'auroc', labelledSamples: 16500, interactions: 'unknown'},
      modalities: [
        {name: 'ehr', type: 'tabular', features: 120, availability: 1, timing: 'static', required: true},
        {name: 'cxr', type: 'image', shape: [224, 224, 1], availability: 0.22, missingness: 'informative', timing: 'episodic', encoderLatencyMs: 35},
      ],
      cohorts: [{name: 'icu', size: 16500, labelled: true, modalities: ['ehr', 'cxr'], availability: {cxr: 0.26}}],
      latency: {budgetMs: 200, percentile: 99, hardware: 'cpu'},
    })
    expect(said.join('\n')).toContain('availability = share of inference requests')
    const check = loadProfileText('p.yaml', profileToYaml(profile))
    expect(check.findings).toEqual([])
  })

  it('shows why an answer is refused and takes the corrected one', async () => {
    const supplied = emptySupplied()
    supplied.name = {raw: 'x', where: '--name'}
    supplied.description = {raw: '', where: '--description'}
    supplied.task = {type: {raw: 'binary', where: 'f'}, metric: {raw: 'auroc', where: 'f'}, interactions: {raw: 'weak', where: 'f'}, labelledSamples: {raw: '100', where: 'f'}}
    supplied.modalities = [
      parseModalitySpec('name=ehr,type=tabular,features=3,timing=static,required=false,latency=1'),
      parseModalitySpec('name=cxr,type=image,shape=8x8,timing=episodic,missingness=random,latency=1'),
    ]
    supplied.cohorts = []
    supplied.noLatency = {raw: null, where: 'f'}
    const run = collectProfile({supplied, interactive: true, prompts})
    await firstPrompt()

    await answer('1', 'Availability of ehr')
    screen.type('30')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('The availability of cxr is a share and must be between 0 and 1; got 30. Did you mean 30%? Write 0.3 or 30%.')
    for (let i = 0; i < 2; i++) screen.keypress('backspace')
    screen.type('0.3')
    screen.keypress('enter')
    const profile = await run
    expect(profile.modalities.map((m) => m.availability)).toEqual([1, 0.3])
    expect(profile.latency).toBeUndefined()
    expect(profile.cohorts).toBeUndefined()
  })

  it('refuses a duplicate modality name with an actionable message', async () => {
    const supplied = emptySupplied()
    supplied.name = {raw: 'x', where: 'f'}
    supplied.description = {raw: '', where: 'f'}
    supplied.task = {type: {raw: 'regression', where: 'f'}, metric: {raw: 'mae', where: 'f'}, interactions: {raw: 'weak', where: 'f'}}
    const run = collectProfile({supplied, interactive: true, prompts})
    await firstPrompt()
    await answer(null, 'Type of the next modality')
    await answer('vitals', 'Name')
    await answer(null, 'features of vitals')
    await answer(null, 'Availability of vitals')
    await answer(null, 'arrive')
    await answer(null, 'rejected upstream')
    await answer(null, 'encoder latency')
    await answer(null, 'Add another modality?')
    await answer(null, 'Type of the next modality')
    screen.type('vitals')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('There is already a modality called `vitals`; modality names must be unique.')
    // Ctrl-C from here: the flow rejects with inquirer's ExitPromptError, which the command turns into exit 130.
    screen.keypress({name: 'c', ctrl: true})
    await expect(run).rejects.toMatchObject({name: 'ExitPromptError'})
  })

  it('after a Yes to "Add another modality?", the type list ends in "no more modalities"', async () => {
    const supplied = emptySupplied()
    supplied.name = {raw: 'x', where: 'f'}
    supplied.description = {raw: '', where: 'f'}
    supplied.task = {type: {raw: 'regression', where: 'f'}, metric: {raw: 'mae', where: 'f'}, interactions: {raw: 'weak', where: 'f'}, labelledSamples: {raw: 10, where: 'f'}}
    supplied.cohorts = []
    supplied.noLatency = {raw: null, where: 'f'}
    const run = collectProfile({supplied, interactive: true, prompts})
    await firstPrompt()
    expect(screen.getScreen()).not.toContain('no more modalities')
    await answer(null, 'Type of the next modality')
    await answer('vitals', 'Name')
    for (const prompt of ['features of vitals', 'Availability of vitals', 'arrive', 'rejected upstream', 'encoder latency', 'Add another modality?']) await answer(null, prompt)
    expect(screen.getScreen()).toContain('Type of the next modality')
    screen.keypress('up') // the list wraps: up from the first choice is the last
    expect(screen.getScreen()).toContain('no more modalities')
    expect(screen.getScreen()).toContain('Keep vitals and go on to the training cohorts.')
    screen.keypress('enter')
    const profile = await run
    expect(profile.modalities.map((m) => m.name)).toEqual(['vitals'])
  })

  it('asks which modality every request carries when none is always present', async () => {
    const supplied = emptySupplied()
    supplied.name = {raw: 'x', where: 'f'}
    supplied.description = {raw: '', where: 'f'}
    supplied.task = {type: {raw: 'binary', where: 'f'}, metric: {raw: 'auroc', where: 'f'}, interactions: {raw: 'weak', where: 'f'}, labelledSamples: {raw: 10, where: 'f'}}
    supplied.modalities = [
      parseModalitySpec('name=a,type=tabular,features=3,availability=0.9,missingness=random,timing=static,latency=1'),
      parseModalitySpec('name=b,type=tabular,features=3,availability=0.5,missingness=random,timing=static,latency=1'),
    ]
    supplied.cohorts = []
    supplied.noLatency = {raw: null, where: 'f'}
    const run = collectProfile({supplied, interactive: true, prompts})
    await firstPrompt()
    expect(screen.getScreen()).toContain('Which modality does every request carry?')
    screen.keypress('enter') // the most available one, a
    const profile = await run
    expect(profile.modalities[0]).toMatchObject({name: 'a', availability: 1})
    expect(profile.modalities[0].missingness).toBeUndefined()
    expect(loadProfileText('p.yaml', profileToYaml(profile)).findings).toEqual([])
  })
})

describe('init prompt flow from data', () => {
  async function measured() {
    const {measureData, parseMapSpec} = await import('../../src/init/data.js')
    const {join} = await import('node:path')
    const {ROOT} = await import('../helpers/run-cli.js')
    return measureData(join(ROOT, 'test', 'fixtures', 'init', 'icu-sample.csv'), [parseMapSpec('ehr=age,hr,bp_*'), parseMapSpec('cxr=cxr_path')], {label: 'label', display: 'sample.csv'})
  }

  function fixedRest() {
    const supplied = emptySupplied()
    supplied.description = {raw: '', where: 'f'}
    supplied.task = {type: {raw: 'binary', where: 'f'}, metric: {raw: 'auroc', where: 'f'}, interactions: {raw: 'unknown', where: 'f'}}
    supplied.noLatency = {raw: null, where: 'f'}
    return supplied
  }

  it('offers the measured numbers as defaults and keeps the measured patterns', async () => {
    const said: string[] = []
    const run = collectProfile({supplied: fixedRest(), measurement: await measured(), interactive: true, prompts, say: (l) => said.push(l)})
    await firstPrompt()
    await answer(null, 'Profile name (sample)')
    await answer(null, 'Type of ehr')
    await answer(null, 'Number of input features of ehr (4)')
    await answer(null, 'Availability of ehr: share of inference requests where it is present (0.7)')
    await answer(null, 'Why is ehr missing')
    await answer(null, 'How does ehr arrive')
    await answer(null, 'encoder latency of ehr')
    expect(screen.getScreen()).toContain('❯ image') // guessed from the name cxr
    await answer(null, 'Type of cxr')
    await answer(null, 'Input shape of cxr')
    await answer(null, 'Availability of cxr: share of inference requests where it is present (0.4)')
    await answer(null, 'Why is cxr missing')
    await answer(null, 'How does cxr arrive')
    await answer(null, 'encoder latency of cxr')
    await answer(null, 'Number of samples in sample (9)') // the labelled rows
    await answer(null, 'carry labels')
    // Among the 9 labelled rows (row 5 has no label).
    await answer(null, 'Share of sample samples that have ehr (0.6667)')
    await answer(null, 'Share of sample samples that have cxr (0.3333)')
    await answer(null, 'Labelled training samples (all cohorts together) (9)')
    expect(screen.getScreen()).toContain('Record the 3 measured presence patterns')
    screen.keypress('enter')
    const profile = await run
    expect(said).toContain('  ehr: 4 columns, 4 features, present in 7 rows (70%)')
    expect(said).toContain('  2 rows have none of the mapped modalities.')
    expect(profile.modalities.map((m) => [m.name, m.availability])).toEqual([
      ['ehr', 0.7],
      ['cxr', 0.4],
    ])
    expect(profile.cohorts).toEqual([{name: 'sample', size: 9, labelled: true, modalities: ['ehr', 'cxr'], availability: {ehr: 0.6667, cxr: 0.3333}}])
    expect(profile.task.labelledSamples).toBe(9)
    expect(profile.patterns).toEqual([
      {present: ['ehr'], share: 0.4},
      {present: ['ehr', 'cxr'], share: 0.3},
      {present: ['cxr'], share: 0.1},
    ])
    expect(loadProfileText('p.yaml', profileToYaml(profile)).findings).toEqual([])
  })

  it('drops the measured patterns, saying why, when an availability is edited', async () => {
    const supplied = fixedRest()
    supplied.name = {raw: 'x', where: 'f'}
    supplied.modalities = [
      parseModalitySpec('name=ehr,type=tabular,availability=1,timing=static,required=false,latency=1'),
      parseModalitySpec('name=cxr,type=image,shape=8x8,timing=static,missingness=random,latency=1'),
    ]
    supplied.cohorts = []
    supplied.task.labelledSamples = {raw: 9, where: 'f'}
    const said: string[] = []
    const run = collectProfile({supplied, measurement: await measured(), interactive: true, prompts, say: (l) => said.push(l)})
    await firstPrompt()
    await answer(null, 'Number of input features of ehr (4)')
    expect(screen.getScreen()).toContain('Availability of cxr')
    screen.keypress('enter') // the last prompt: nothing follows to wait for
    const profile = await run
    expect(profile.patterns).toBeUndefined()
    expect(said).toContain('Measured presence patterns left out: the availabilities were changed, so they no longer match.')
    expect(profile.modalities[0]).toMatchObject({availability: 1, features: 4})
  })
})
