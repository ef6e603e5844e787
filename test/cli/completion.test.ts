// `fuseplan completion bash|zsh|fish`: each script is loaded into its shell and asked what it
// completes, as a user's TAB would: commands, subcommands, flags, the values of --format, and paths.
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {requireOrSkip} from '../helpers/requires.js'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'

const has = (shell: string): boolean => spawnSync(shell, ['-c', 'exit 0']).status === 0

async function script(shell: string): Promise<string> {
  const r = await runInProcess(['completion', shell])
  expect(r.status, r.stderr).toBe(0)
  const file = join(tempDir(), `completion.${shell}`)
  writeFileSync(file, r.stdout)
  return file
}

function shell(command: string, args: string[]): string {
  const r = spawnSync(command, args, {encoding: 'utf8', env: {PATH: process.env.PATH ?? '', HOME: tempDir()}})
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}

describe('fuseplan completion', () => {
  it('bash: commands, subcommands, flags, --format values; paths left to bash', async () => {
    const file = await script('bash')
    const ask = (...words: string[]): string[] =>
      shell('bash', [
        '-c',
        `source ${file}; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _fuseplan_completion; printf '%s\\n' "\${COMPREPLY[@]}"`,
        'bash',
        'fuseplan',
        ...words,
      ])
        .split('\n')
        .filter(Boolean)
    expect(ask('')).toEqual(['completion', 'evaluate', 'help', 'init', 'lint', 'recommend', 'rules', 'scaffold', 'schema'])
    expect(ask('rec')).toEqual(['recommend'])
    expect(ask('rules', '')).toEqual(['list', 'show', 'test'])
    expect(ask('lint', '--format', '')).toEqual(['stylish', 'json', 'sarif', 'github', 'junit'])
    expect(ask('lint', 'deploy/', '-f', 's')).toEqual(['stylish', 'sarif'])
    expect(ask('rules', 'list', '--f')).toEqual(['--facts', '--format'])
    expect(ask('recommend', 'p.yaml', '--ex')).toEqual(['--example', '--explain'])
    expect(ask('schema', '--kind', '')).toEqual(['deployment-profile', 'training-config', 'rule-file', 'config'])
    // A path argument and a flag that takes a file: nothing offered, so bash completes paths.
    expect(ask('recommend', '')).toEqual([])
    expect(ask('lint', '--output', '')).toEqual([])
    expect(shell('bash', ['-c', `source ${file}; complete -p fuseplan`])).toBe('complete -o default -F _fuseplan_completion fuseplan\n')
  })

  it('zsh: the same, with descriptions (compsys functions stubbed to print what they are given)', async (ctx) => {
    requireOrSkip(ctx, has('zsh') ? undefined : 'zsh is not installed (apt-get install zsh)')
    const file = await script('zsh')
    shell('zsh', ['-n', file])
    const ask = (...words: string[]): string =>
      shell('zsh', [
        '-f',
        '-c',
        `compdef() { :; }; _describe() { print -l -- "\${(@P)4}"; }; compadd() { shift; print -l -- "$@"; }; _files() { print FILES; }
source ${file}; words=(fuseplan "$@"); CURRENT=\${#words}; _fuseplan`,
        'zsh',
        ...words,
      ])
    expect(ask('')).toContain('lint:Lint deployment profiles and generated training configs\n')
    expect(ask('rules', '')).toMatch(/^list:.*\nshow:.*\ntest:.*\n$/)
    expect(ask('lint', '-f', '')).toBe('stylish\njson\nsarif\ngithub\njunit\n')
    expect(ask('recommend', '--e')).toContain('--example:Run on the bundled example (examples/icu-deterioration')
    expect(ask('recommend', '')).toBe('FILES\n')
  })

  it('fish: the same, through fish’s own `complete -C`', async (ctx) => {
    requireOrSkip(ctx, has('fish') ? undefined : 'fish is not installed (apt-get install fish)')
    const file = await script('fish')
    const ask = (line: string): string[] =>
      shell('fish', ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`])
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0])
    expect(ask('fuseplan ')).toEqual(expect.arrayContaining(['completion', 'evaluate', 'help', 'init', 'lint', 'recommend', 'rules', 'scaffold', 'schema']))
    expect(ask('fuseplan rules ')).toEqual(['list', 'show', 'test'])
    expect(ask('fuseplan lint --format ').sort()).toEqual(['github', 'json', 'junit', 'sarif', 'stylish'])
    expect(ask('fuseplan rules list --f')).toEqual(expect.arrayContaining(['--facts', '--format']))
  })

  it('an unknown shell is a usage error', async () => {
    const r = await runInProcess(['completion', 'powershell'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^fuseplan: Expected powershell to be one of: bash, zsh, fish/)
  })
})
