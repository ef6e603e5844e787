// Scenario tests: a command never runs on something the user did not name. Without PROFILE it reads
// ./fuseplan.profile.yaml (what `init` writes), the bundled example only with --example, and with
// neither it stops with exit 2 having written nothing. `help` and `-h` work everywhere, and JSON is
// `--format json` on every command that prints it, with `--json` kept as its alias.
import {copyFileSync, mkdirSync, readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, runCli, tempDir} from '../helpers/run-cli.js'

const DATE = ['--date', '2026-01-15']
const WEARABLE = join(ROOT, 'examples', 'wearable-afib.yaml')

/** Every file below `dir`, relative to it. */
function tree(dir: string): string[] {
  return readdirSync(dir, {recursive: true}).map(String).sort()
}

describe('no profile argument', () => {
  it.each([
    ['recommend', ['--out', 'docs/adr']],
    ['evaluate', ['--report', 'report.html']],
    ['scaffold', ['--out', 'project']],
  ])('%s without a profile and without ./fuseplan.profile.yaml exits 2 and writes nothing', async (command, extra) => {
    const dir = tempDir()
    const r = await runInProcess([command, ...extra], {cwd: dir})
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('fuseplan.profile.yaml')
    if (command !== 'scaffold') expect(r.stderr).toContain(`\`fuseplan ${command} --example\``)
    expect(tree(dir)).toEqual([])
  })

  it('recommend reads ./fuseplan.profile.yaml when present, and says so on stderr', async () => {
    const dir = tempDir()
    copyFileSync(WEARABLE, join(dir, 'fuseplan.profile.yaml'))
    const r = await runInProcess(['recommend', '--out', 'docs/adr', ...DATE], {cwd: dir})
    expect(r.status).toBe(0)
    expect(r.stderr).toContain('fuseplan: no profile given: using ./fuseplan.profile.yaml\n')
    expect(tree(join(dir, 'docs', 'adr'))).toEqual(['0001-wearable-afib-attention-based-fusion-with-masking-and-transfer.md'])
  })

  it('scaffold reads ./fuseplan.profile.yaml when the project has no saved answers', async () => {
    const dir = tempDir()
    copyFileSync(WEARABLE, join(dir, 'fuseplan.profile.yaml'))
    const r = await runInProcess(['scaffold', '--out', 'project', '--dry-run', '--format', 'json'], {cwd: dir})
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({strategy: 'attention'})
  })

  it('--example runs the bundled example, says so, and cannot go with a profile', async () => {
    const dir = tempDir()
    const r = await runInProcess(['recommend', '--example', '--format', 'json', ...DATE], {cwd: dir})
    expect(r.status).toBe(0)
    expect((JSON.parse(r.stdout) as {profile: {name: string}}).profile.name).toBe('icu-deterioration')
    expect(r.stderr).toMatch(/^fuseplan: --example: running on the bundled example .*icu-deterioration\.yaml\n/)
    const both = await runInProcess(['recommend', WEARABLE, '--example'], {cwd: dir})
    expect(both.status).toBe(2)
    expect(both.stderr).toBe('fuseplan: give a profile or --example, not both.\n')
  })
})

// Help runs in process, each on a Config of its own (oclif's help of a topic changes the Config it
// runs on; a new process loads a new one); the root help is also spawned once, as a user runs it.
const help = (args: string[]) => runInProcess(args, {freshConfig: true})

describe('help and -h', () => {
  it('`help` and `-h` print the root help, in process as in a process of its own', async () => {
    const root = await help(['--help'])
    expect(root.status).toBe(0)
    const spawned = runCli(['--help'])
    expect(spawned.status).toBe(0)
    expect(spawned.stdout).toBe(root.stdout)
    for (const args of [['help'], ['-h']]) {
      const r = await help(args)
      expect(r.status).toBe(0)
      expect(r.stdout).toBe(root.stdout)
    }
    expect(root.stdout).toMatch(/\n {2}help +Show help for fuseplan/)
  })

  it.each(['lint', 'recommend', 'rules list', 'scaffold', 'completion'])('`help %s` prints what -h and --help print', async (id) => {
    const words = id.split(' ')
    const expected = await help([...words, '--help'])
    expect(expected.status).toBe(0)
    expect(expected.stdout).toMatch(/USAGE/)
    expect((await help([...words, '-h'])).stdout).toBe(expected.stdout)
    expect((await help(['help', ...words])).stdout).toBe(expected.stdout)
  })

  it('`help` of an unknown command names the nearest one (exit 2)', async () => {
    const r = await help(['help', 'recomend'])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('fuseplan: "recomend" is not a fuseplan command. Did you mean "recommend"? Run `fuseplan help` for the list.\n')
  })
})

describe('one JSON spelling: --format json, with --json as its alias', () => {
  const dir = tempDir()
  mkdirSync(join(dir, 'p'))
  copyFileSync(WEARABLE, join(dir, 'p', 'afib.yaml'))
  const profile = join(dir, 'p', 'afib.yaml')

  it.each([[['recommend', profile, ...DATE]], [['lint', profile]], [['rules', 'list']], [['rules', 'show', 'shifted-availability']], [['scaffold', profile, '--out', join(dir, 'proj'), '--dry-run']]])(
    '%j: --json prints what --format json prints',
    async (args) => {
      const canonical = await runInProcess([...args, '--format', 'json'])
      const alias = await runInProcess([...args, '--json'])
      expect(canonical.status, canonical.stderr).toBeLessThan(2)
      expect(() => JSON.parse(canonical.stdout) as unknown).not.toThrow()
      expect(alias.stdout).toBe(canonical.stdout)
      expect(alias.status).toBe(canonical.status)
    },
  )

  it('--json beside another --format is a usage error, not a silent pick', async () => {
    const r = await runInProcess(['recommend', profile, '--json', '--format', 'yaml'])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('fuseplan: --json is an alias of --format json; it cannot go with --format yaml.\n')
  })

  it('every command with a JSON output lists json among its --format options', async () => {
    for (const args of [['recommend'], ['evaluate'], ['lint'], ['rules', 'list'], ['rules', 'show'], ['scaffold']]) {
      const help = (await runInProcess([...args, '--help'], {freshConfig: true})).stdout
      expect(help, args.join(' ')).toMatch(/-f, --format=<option>[\s\S]*<options: [^>]*json/)
      expect(help, args.join(' ')).toMatch(/--json/)
    }
  })
})
