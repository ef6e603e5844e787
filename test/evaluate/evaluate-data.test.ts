// Scenario tests of `fuseplan evaluate --data` (the built CLI, real tfjs model code, tiny settings):
// what a team sees on stdout and stderr, the exit codes, the files written, and that shards, a
// merge and worker processes give the numbers of one plain run.
import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, runCli, tempDir} from '../helpers/run-cli.js'
import {badLines, writeFixture} from './data-fixture.js'

const TINY = ['--quick', '--epochs', '1', '--candidates', 'naive,late']

describe('fuseplan evaluate --data', () => {
  it('trains on the data file, holds out a stated stratified split, and scores it as it came and at the deployment mix', async () => {
    const dir = tempDir()
    writeFixture(dir, {n: 200})
    const r = await runInProcess(['evaluate', 'profile.yaml', '--data', 'data.jsonl', '--format', 'json', ...TINY], {cwd: dir})
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
    expect(r.status).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.data.split).toEqual({kind: 'stratified', testShare: 0.2, seed: 7, by: ['label', 'presence pattern'], trainingSamples: 160, testSamples: 40})
    expect(json.data.train).toMatchObject({file: 'data.jsonl', samples: 200, used: 200, skipped: 0, sha256: expect.stringMatching(/^[0-9a-f]{64}$/)})
    expect(json.simulation.truth).toBeNull()
    expect(json.simulation.description).toMatch(/^The team's data, not a simulation: 160 training samples from data\.jsonl, a test split of 40 samples/)
    expect(json.data.scoring.deployment.description).toMatch(/Removal can only add random missingness/)
    for (const s of json.strategies) {
      expect(Object.keys(s.metrics)).toEqual(['complete', 'deployment', 'asCollected'])
      expect(s.seeds.asCollected).toHaveLength(1)
      for (const p of s.patterns) expect(p.samples).toEqual(expect.any(Number))
    }
    // 40 test samples: the scan-less pattern has fewer than 30 and is not scored.
    expect(json.data.warnings.join('\n')).toMatch(/too rare to score/)
    expect(r.stderr).toContain('evaluate: preparing the data')
    const table = await runInProcess(['evaluate', 'profile.yaml', '--data', 'data.jsonl', ...TINY], {cwd: dir})
    expect(table.stdout).toMatch(/candidate +trained on +full +as data +deploy/)
    expect(table.stdout).toContain("Data: The team's data, not a simulation")
    expect(table.stdout).toContain('Warning: Presence pattern')
  })

  it('a corrupt image, a missing file, a malformed line and the rest: one positioned message each, a count, and exit 2 over 5%', async () => {
    const dir = tempDir()
    writeFixture(dir, {n: 60, extra: badLines(dir)})
    const report = join(dir, 'r.html')
    const r = await runInProcess(['evaluate', 'profile.yaml', '--data', 'data.jsonl', '--report', report, ...TINY], {cwd: dir})
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(existsSync(report)).toBe(false)
    const lines = r.stderr.trim().split('\n')
    for (const line of [61, 62, 63, 64, 65, 66]) expect(lines.filter((l) => l.startsWith(`data.jsonl:${line}: `))).toHaveLength(1)
    expect(r.stderr).toMatch(/data\.jsonl:61: .*corrupt\.png/)
    expect(r.stderr).toMatch(/data\.jsonl:62: .*missing\.png/)
    expect(r.stderr).toMatch(/data\.jsonl:63: not valid JSON/)
    expect(r.stderr).toContain('data.jsonl: skipped 6 of 66 samples (9.1%): ')
    expect(r.stderr).toMatch(/fuseplan: data\.jsonl: 6 of 66 samples skipped: more than 5% of the data could not be used, so nothing was evaluated\. .*--allow-skips/)
    expect(r.stderr).not.toContain('training 1/')

    const allowed = await runInProcess(['evaluate', 'profile.yaml', '--data', 'data.jsonl', '--allow-skips', '--format', 'json', ...TINY], {cwd: dir})
    expect(allowed.status).toBe(0)
    const json = JSON.parse(allowed.stdout)
    expect(json.data.train).toMatchObject({samples: 66, used: 60, skipped: 6})
    expect(json.data.train.reasons).toHaveLength(6)
    expect(json.data.split.trainingSamples + json.data.split.testSamples).toBe(60)
  })

  it('a few bad samples in many: printed, counted, and the run goes on with the rest', async () => {
    const dir = tempDir()
    writeFixture(dir, {n: 200, extra: badLines(dir).slice(0, 2)})
    const r = await runInProcess(['evaluate', 'profile.yaml', '--data', 'data.jsonl', '--format', 'json', ...TINY], {cwd: dir})
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(
      /data\.jsonl: skipped 2 of 202 samples \(1\.0%\): 1 (corrupt|truncated) image, 1 image not found\.|data\.jsonl: skipped 2 of 202 samples \(1\.0%\): 1 image not found, 1 (corrupt|truncated) image\./,
    )
    expect(JSON.parse(r.stdout).data.train.used).toBe(200)
  })

  it('refuses flags that only shape the simulation, and a data file that does not exist', async () => {
    const dir = tempDir()
    writeFixture(dir, {n: 30})
    const samples = await runInProcess(['evaluate', 'profile.yaml', '--data', 'data.jsonl', '--samples', '100'], {cwd: dir})
    expect(samples.status).toBe(2)
    expect(samples.stderr).toContain('fuseplan: --samples shapes the simulation, which --data replaces (to read fewer samples, use --max-samples).')
    const test = await runInProcess(['evaluate', 'profile.yaml', '--test', 'data.jsonl'], {cwd: dir})
    expect(test.status).toBe(2)
    expect(test.stderr).toMatch(/--data/)
    const missing = await runInProcess(['evaluate', 'profile.yaml', '--data', 'nope.jsonl'], {cwd: dir})
    expect(missing.status).toBe(2)
    expect(missing.stderr).toBe('fuseplan: nope.jsonl: no such file\n')
  })

  it('--shard 1/3, 2/3 (with --jobs 2), 3/3 in separate processes then --merge: the JSON of one unsharded run, byte for byte; --jobs 2 the same', () => {
    const dir = tempDir()
    writeFixture(dir, {n: 160})
    const args = ['evaluate', 'profile.yaml', '--data', 'data.jsonl', '--seeds', '2', '--epochs', '1', '--candidates', 'naive,intermediate,late', '--format', 'json']
    const whole = runCli(args, {cwd: dir})
    expect(whole.status).toBe(0)
    for (const k of [1, 2, 3]) {
      // The second shard trains in two worker processes of its own.
      const shard = runCli([...args, '--shard', `${k}/3`, '--shard-dir', 'shards', ...(k === 2 ? ['--jobs', '2'] : [])], {cwd: dir})
      expect(shard.status).toBe(0)
      expect(shard.stdout).toBe('')
      expect(shard.stderr).toContain(`Shard ${k}/3: 2 of 6 jobs trained; results in shards/shard-${k}-of-3.json.`)
    }
    expect(readdirSync(join(dir, 'shards')).sort()).toEqual(['shard-1-of-3.json', 'shard-2-of-3.json', 'shard-3-of-3.json'])
    const merged = runCli(['evaluate', '--merge', 'shards', '--format', 'json'], {cwd: dir})
    expect(merged.status).toBe(0)
    expect(merged.stderr).toContain('Merging 3 shards from shards.')
    expect(merged.stdout).toBe(whole.stdout)
    const parallel = runCli([...args, '--jobs', '2'], {cwd: dir})
    expect(parallel.status).toBe(0)
    expect(parallel.stdout).toBe(whole.stdout)
    expect(parallel.stderr).toMatch(/done · [0-2] running|evaluate: done/)
    // The merged report as HTML too.
    const html = runCli(['evaluate', '--merge', 'shards', '--report', 'merged.html'], {cwd: dir})
    expect(html.status).toBe(0)
    expect(readFileSync(join(dir, 'merged.html'), 'utf8')).toContain('<h2>Data</h2>')
  })

  it('--merge: a missing shard or a profile argument is exit 2 with a message', async () => {
    const dir = tempDir()
    writeFixture(dir, {n: 60})
    const one = await runInProcess(['evaluate', 'profile.yaml', '--data', 'data.jsonl', ...TINY, '--shard', '1/2', '--shard-dir', 'sh'], {cwd: dir})
    expect(one.status).toBe(0)
    const merged = await runInProcess(['evaluate', '--merge', 'sh'], {cwd: dir})
    expect(merged.status).toBe(2)
    expect(merged.stderr).toBe('fuseplan: sh: shard 2 of 2 missing\n')
    const withProfile = await runInProcess(['evaluate', 'profile.yaml', '--merge', 'sh'], {cwd: dir})
    expect(withProfile.status).toBe(2)
    expect(withProfile.stderr).toContain('--merge makes the report from the shards alone')
    const bad = await runInProcess(['evaluate', 'profile.yaml', '--data', 'data.jsonl', '--shard', '4/3'], {cwd: dir})
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--shard 4/3: give K/N with 1 <= K <= N')
  })

  it('the GitHub Actions example: its shard step for every matrix entry, then its merge step, as written (tiny settings appended)', async () => {
    const workflow = parse(readFileSync(join(ROOT, 'docs', 'ci', 'fuseplan-evaluate-sharded.yml'), 'utf8')) as {
      env: Record<string, string>
      jobs: {shard: {strategy: {matrix: {shard: number[]}}; steps: {run?: string; with?: Record<string, unknown>}[]}; merge: {needs: string; steps: {run?: string; with?: Record<string, unknown>}[]}}
    }
    const {env} = workflow
    expect(workflow.jobs.shard.strategy.matrix.shard).toEqual(Array.from({length: Number(env.SHARDS)}, (_, i) => i + 1))
    expect(workflow.jobs.merge.needs).toBe('shard')
    const fill = (cmd: string, shard?: number) =>
      cmd
        .replace('npx fuseplan ', '')
        .replace(/\$\{\{ matrix\.shard \}\}/g, String(shard))
        .replace(/"?\$(\w+)"?/g, (_, name: string) => env[name])
        .split(/\s+/)
        .filter(Boolean)
    const dir = tempDir()
    mkdirSync(join(dir, 'deploy'))
    writeFixture(dir, {n: 120, file: 'train.jsonl'})
    writeFixture(dir, {n: 60, file: 'test.jsonl', seed: 2})
    mkdirSync(join(dir, 'data'))
    for (const f of ['train.jsonl', 'test.jsonl', 'img']) cpSync(join(dir, f), join(dir, 'data', f), {recursive: true})
    cpSync(join(dir, 'profile.yaml'), join(dir, 'deploy', 'profile.yaml'))
    const shardStep = workflow.jobs.shard.steps.find((st) => st.run?.startsWith('npx fuseplan evaluate'))!.run!
    for (const shard of workflow.jobs.shard.strategy.matrix.shard) {
      // Worker processes are tested above; here the shard runs in this process.
      const args = fill(shardStep, shard)
      args.splice(args.indexOf('--jobs'), 2)
      const r = await runInProcess([...args, ...TINY], {cwd: dir})
      expect(r.status).toBe(0)
    }
    // upload-artifact of shards/ per runner, download-artifact with merge-multiple into shards/: one folder.
    const mergeSteps = workflow.jobs.merge.steps
      .find((st) => st.run?.includes('--merge'))!
      .run!.trim()
      .split('\n')
    const report = await runInProcess(fill(mergeSteps[0]), {cwd: dir})
    expect(report.status).toBe(0)
    expect(readFileSync(join(dir, 'evaluate.html'), 'utf8')).toContain('<h2>Data</h2>')
    const json = await runInProcess(fill(mergeSteps[1].replace(/ > evaluate\.json$/, '')), {cwd: dir})
    expect(JSON.parse(json.stdout).data.test.file).toBe('data/test.jsonl')
  })
})
