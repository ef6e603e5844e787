// The oclif command in-process with a fake terminal: Ctrl-C mid-way leaves no file and exits 130;
// declining the final confirmation writes nothing.
import {screen} from '@inquirer/testing/vitest'
import {existsSync, readdirSync, writeFileSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import Init from '../../src/commands/init.js'
import {ROOT} from '../helpers/run-cli.js'
import {exitCodeOf, useFakeTerminal} from './fake-terminal.js'

const term = useFakeTerminal('fuseplan-init-cmd-')

describe('fuseplan init (in-process, fake terminal)', () => {
  it('Ctrl-C part-way: exit 130, one line on stderr, nothing written', async () => {
    const out = join(term.dir, 'profile.yaml')
    const run = Init.run(['--out', out, '--save-answers', join(term.dir, 'answers.yaml')], ROOT)
    await screen.next()
    expect(screen.getScreen()).toContain('Profile name')
    screen.type('icu')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('One-line description')
    screen.keypress({name: 'c', ctrl: true})
    expect(await exitCodeOf(run)).toBe(130)
    expect(term.stderr.join('').trim()).toBe('Cancelled; nothing written.')
    expect(readdirSync(term.dir)).toEqual([])
  })

  it('declining to overwrite an existing file keeps it byte for byte', async () => {
    const out = join(term.dir, 'profile.yaml')
    writeFileSync(out, 'keep me\n')
    const run = Init.run(
      [
        '--out',
        out,
        '--name',
        'x',
        '--description',
        '',
        '--task-type',
        'binary',
        '--metric',
        'auroc',
        '--interactions',
        'weak',
        '--labelled-samples',
        '10',
        '--modality',
        'name=a,type=tabular,features=2,availability=1,timing=static,required=false,latency=1',
        '--no-cohorts',
        '--latency-budget',
        'none',
      ],
      ROOT,
    )
    await screen.next()
    expect(screen.getScreen()).toContain(`Overwrite the existing`)
    screen.keypress('enter') // default: no
    await screen.next()
    expect(screen.getScreen()).toContain('What now?')
    screen.keypress('down')
    screen.keypress('enter') // quit without writing
    expect(await exitCodeOf(run)).toBe(1)
    expect(readFileSync(out, 'utf8')).toBe('keep me\n')
    expect(term.stderr.join('')).toContain('Nothing written. Your answers are in')
    expect(existsSync(join(term.dir, 'answers.yaml'))).toBe(false)
    // --no-cohorts asks nothing about cohorts, so it does not introduce them either.
    expect(term.stdout.join('')).toContain('About the model.')
    expect(term.stdout.join('')).not.toContain('Training cohorts')
  })

  it('with --answers on a terminal, asks only what the answers file leaves open', async () => {
    const answers = join(term.dir, 'answers.yaml')
    writeFileSync(
      answers,
      'name: replayed\ndescription: ""\ntask: {type: binary, metric: auroc, labelledSamples: 50, interactions: weak}\nmodalities:\n  - {name: ehr, type: tabular, features: 3, availability: 1, timing: static, required: false, encoderLatencyMs: 1}\ncohorts: []\n',
    )
    const out = join(term.dir, 'profile.yaml')
    const run = Init.run(['--answers', answers, '--out', out], ROOT)
    await screen.next()
    expect(screen.getScreen()).toContain('Latency budget per request in ms')
    screen.type('80')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('Percentile')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('Inference hardware')
    screen.keypress('enter')
    await screen.next()
    expect(screen.getScreen()).toContain('Write ')
    screen.keypress('enter')
    expect(await exitCodeOf(run)).toBe(0)
    const text = readFileSync(out, 'utf8')
    expect(text).toContain('name: replayed')
    expect(text).toContain('latency:\n  budgetMs: 80\n  percentile: 99\n  hardware: cpu\n')
    expect(readdirSync(term.dir).sort()).toEqual(['answers.yaml', 'profile.yaml'])
  })
})
