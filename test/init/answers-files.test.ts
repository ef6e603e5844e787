// init and its answers files: existing answers and profiles are not overwritten without --force, and
// a deeply nested answers file is a positioned input error.
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'
import {expectCleanExit} from '../helpers/fuzz.js'

describe('init does not overwrite answers or the profile', () => {
  const INIT = ['init', '--yes', '--name', 'x', '--labelled-samples', '100', '--modality', 'name=a,type=tabular,features=3,availability=1']
  it('--save-answers onto an existing file needs --force; onto the --out file it is refused', async () => {
    const dir = tempDir('fuseplan-init-')
    writeFileSync(join(dir, 'answers.yaml'), 'keep me\n')
    const r = await runInProcess([...INIT, '--out', 'p.yaml', '--save-answers', 'answers.yaml'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(r, [2], 'init --save-answers onto an existing file')
    expect(r.stderr).toMatch(/answers\.yaml already exists; pass --force/)
    expect(readFileSync(join(dir, 'answers.yaml'), 'utf8')).toBe('keep me\n')
    expect(existsSync(join(dir, 'p.yaml'))).toBe(false)
    const same = await runInProcess([...INIT, '--out', 'same.yaml', '--save-answers', 'same.yaml', '--force'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(same, [2], 'init --out and --save-answers the same file')
    expect(same.stderr).toMatch(/both name same\.yaml/)
    expect(existsSync(join(dir, 'same.yaml'))).toBe(false)
    const forced = await runInProcess([...INIT, '--out', 'p.yaml', '--save-answers', 'answers.yaml', '--force'], {cwd: dir, timeoutMs: 30_000})
    expectCleanExit(forced, [0], 'init --save-answers --force')
    expect(readFileSync(join(dir, 'answers.yaml'), 'utf8')).toMatch(/kind: InitAnswers/)
  }, 90_000)
})

describe('answers files', () => {
  it('deep nesting in an answers file is a positioned input error', async () => {
    const dir = tempDir('fuseplan-deep-')
    writeFileSync(join(dir, 'deep.yaml'), `kind: InitAnswers\nmodalities:\n  ${'- '.repeat(5000)}a\n`)
    const r = await runInProcess(['init', '--yes', '--answers', 'deep.yaml'], {cwd: dir, timeoutMs: 20_000})
    expectCleanExit(r, [2], 'deeply nested answers')
    expect(r.stderr).toMatch(/deep\.yaml:3:1: Nesting deeper than/)
    expect(r.stderr).not.toMatch(/Internal error/)
  }, 30_000)
})
