// Scenario tests: the real `fuseplan evaluate` (built CLI, real tfjs model code) at tiny settings.
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'

const TINY = ['--quick', '--samples', '240', '--test-samples', '200', '--epochs', '1', '--max-input-size', '8', '--candidates', 'early/complete-case,late']

describe('fuseplan evaluate', () => {
  it('simulates at most 800 training samples with --quick and lists the cap as a reduction', async () => {
    // ICU declares 18,000 labelled samples; the CLI's caps keep a run of every example within its time goal.
    const r = await runInProcess([
      'evaluate',
      'examples/icu-deterioration.yaml',
      '--format',
      'json',
      '--quick',
      '--test-samples',
      '200',
      '--epochs',
      '1',
      '--max-input-size',
      '8',
      '--candidates',
      'late',
      '--jobs',
      '1',
    ])
    expect(r.status, r.stderr).toBe(0)
    const json = JSON.parse(r.stdout)
    expect(json.simulation.trainingSamples).toBe(800)
    expect(json.simulation.reductions).toContainEqual({what: 'training samples', project: '18000', used: '800 (capped at 800 for time; --samples N simulates more)'})
  })

  it('prints the JSON contract on stdout, progress on stderr, and the same numbers for the same seed', async () => {
    const args = ['evaluate', 'examples/wearable-afib.yaml', '--format', 'json', '--seed', '3', ...TINY]
    const a = await runInProcess(args)
    expect(a.stderr).not.toMatch(/at .*\.js:\d+/) // no stack trace
    expect(a.status).toBe(0)
    const json = JSON.parse(a.stdout)
    expect(json.recommended).toBe('attention')
    expect(json.verdict.kind).toBe('not-evaluated') // attention is recommended, not among these candidates
    expect(json.verdict.equivalenceMargin).toBe(0.01)
    expect(json.empiricalBest).toMatchObject({strategy: expect.stringMatching(/^(early|late)$/), variant: expect.any(String)})
    expect(json.strategies).toHaveLength(2)
    // --quick sweeps the missing rate by quarters (the default by tenths).
    expect(json.sweep.missingRates).toEqual([0, 0.25, 0.5, 0.75, 1])
    for (const s of json.strategies) expect(s.sweep).toHaveLength(5)
    const naive = json.strategies.find((s: {strategy: string; variant: string}) => s.strategy === 'early' && s.variant === 'complete-case')
    expect(naive).toBeDefined()
    for (const s of json.strategies) {
      expect(s).toMatchObject({
        strategy: expect.any(String),
        variant: expect.any(String),
        metrics: {complete: expect.any(Number), deployment: expect.any(Number)},
        relativeRobustness: expect.any(Number),
      })
      expect('effectiveRobustness' in s).toBe(true)
      expect(s.patterns.length).toBeGreaterThan(0)
      for (const p of s.patterns) expect(p).toEqual({present: expect.any(Array), share: expect.any(Number), metric: expect.any(Number)})
    }
    expect(a.stderr).toContain('evaluate: training 1/2 early, complete cases (naive), seed 3 (1 epoch)')
    const b = await runInProcess(args)
    expect(b.stdout).toBe(a.stdout)
  })

  it('writes a self-contained HTML report and prints the table and chart', async () => {
    const dir = tempDir()
    const report = join(dir, 'out', 'report.html')
    const r = await runInProcess(['evaluate', 'examples/icu-deterioration.yaml', '--report', report, ...TINY])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('fuseplan evaluate: icu-deterioration')
    expect(r.stdout).toContain('Verdict: ')
    expect(r.stdout).toContain('AUROC vs missing rate')
    expect(r.stdout).not.toMatch(/\u001B\[/)
    const html = readFileSync(report, 'utf8')
    expect(html).toContain('Chart.js v4')
    expect(html).not.toMatch(/<script[^>]+src=/)
    expect(readdirSync(join(dir, 'out'))).toEqual(['report.html'])
    // Bar charts start at zero, and a modality that is never absent gets no zero-fill offset.
    expect(html).toContain('var floor = 0;')
    expect(html.match(/y: \{min: floor/g)).toHaveLength(2)
    expect(html).toMatch(/<tr><td>ehr<\/td>.*<td>never absent<\/td><\/tr>/)
    expect(html).toMatch(/<tr><td>cxr<\/td>.*<td>\d+(\.\d)?<\/td><\/tr>/)
  })

  it('reports a broken profile at file:line:col with exit 2 and writes nothing', async () => {
    const dir = tempDir()
    const bad = readFileSync(new URL('../../examples/icu-deterioration.yaml', import.meta.url), 'utf8').replace('availability: 0.22', 'availability: 2.2')
    writeFileSync(join(dir, 'p.yaml'), bad)
    const r = await runInProcess(['evaluate', 'p.yaml', '--report', 'r.html', ...TINY], {cwd: dir})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/p\.yaml:\d+:\d+/)
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
    expect(r.stdout).toBe('')
    expect(existsSync(join(dir, 'r.html'))).toBe(false)
  })

  it('rejects unknown candidates and non-HTML report names with exit 2', async () => {
    const r = await runInProcess(['evaluate', '--candidates', 'late,transformer'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('unknown candidate "transformer"')
    const s = await runInProcess(['evaluate', '--report', 'x.pdf'])
    expect(s.status).toBe(2)
    expect(s.stderr).toContain('.html')
    // A folder named like a report is refused before any training starts.
    const dir = tempDir()
    mkdirSync(join(dir, 'r.html'))
    const f = await runInProcess(['evaluate', '--report', 'r.html'], {cwd: dir})
    expect(f.status).toBe(2)
    expect(f.stderr).toContain('r.html is a folder')
    expect(f.stderr).not.toContain('training')
  })

  it('recommends with the same rules as recommend: fuseplan.config.yaml next to the profile applies', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'afib.yaml'), readFileSync(new URL('../../examples/wearable-afib.yaml', import.meta.url), 'utf8'))
    const plain = await runInProcess(['evaluate', 'afib.yaml', '--format', 'json', ...TINY], {cwd: dir})
    expect(plain.status).toBe(0)
    expect(JSON.parse(plain.stdout).recommended).toBe('attention')
    writeFileSync(join(dir, 'fuseplan.config.yaml'), 'overrides:\n  temporal-favours-attention:\n    options: {minLabelledSamples: 100000}\n')
    const configured = await runInProcess(['evaluate', 'afib.yaml', '--format', 'json', ...TINY], {cwd: dir})
    expect(configured.status).toBe(0)
    expect(JSON.parse(configured.stdout).recommended).toBe('intermediate')
  })
})
