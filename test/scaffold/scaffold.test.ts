// Scenario tests of `fuseplan scaffold`: the real CLI (bin/run.js) on the bundled examples.
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {parse} from 'yaml'
import {ROOT} from '../helpers/run-cli.js'

// Inside the repo (.tmp/ is git-ignored) so relative profile paths are the same in every run.
const TMP = join(ROOT, '.tmp')
mkdirSync(TMP, {recursive: true})
const base = mkdtempSync(join(TMP, 'scaffold-'))
afterAll(() => rmSync(base, {recursive: true, force: true}))
const ICU = 'examples/icu-deterioration.yaml'

const EXPECTED_FILES = [
  '.fuseplan/answers.yaml',
  '.fuseplan/manifest.json',
  '.fuseplan/training-config.schema.json',
  '.gitignore',
  'README.md',
  'bin/run.js',
  'fuseplan.training.yaml',
  'package.json',
  'src/backend.ts',
  'src/config.ts',
  'src/config.validate.ts',
  'src/data/errors.ts',
  'src/data/images.ts',
  'src/data/loader.ts',
  'src/data/ops.ts',
  'src/data/synthetic.ts',
  'src/dataset.ts',
  'src/diagnose.ts',
  'src/metrics.ts',
  'src/model/checks.ts',
  'src/model/encoders/conv.ts',
  'src/model/encoders/conv1d.ts',
  'src/model/encoders/conv2d.ts',
  'src/model/encoders/embedding1d.ts',
  'src/model/encoders/index.ts',
  'src/model/encoders/mlp.ts',
  'src/model/encoders/types.ts',
  'src/model/index.ts',
  'src/model/io.ts',
  'src/model/layers.ts',
  'src/model/layers/common.ts',
  'src/model/layers/conv-block.ts',
  'src/model/layers/global-pool.ts',
  'src/model/layers/masked-attention.ts',
  'src/model/layers/masked-mean-pool.ts',
  'src/model/layers/presence-gate.ts',
  'src/model/layers/presence-weighted-mean.ts',
  'src/model/layers/stack-tokens.ts',
  'src/model/layers/token-embedding.ts',
  'src/model/masking.ts',
  'src/model/networks.ts',
  'src/model/pipeline.ts',
  'src/model/strategies/attention.ts',
  'src/model/strategies/early.ts',
  'src/model/strategies/index.ts',
  'src/model/strategies/intermediate.ts',
  'src/model/strategies/late.ts',
  'src/model/strategies/types.ts',
  'src/model/transfer.ts',
  'src/random.ts',
  'src/scripts/bench.ts',
  'src/scripts/common.ts',
  'src/scripts/evaluate.ts',
  'src/scripts/predict.ts',
  'src/scripts/synth.ts',
  'src/scripts/train.ts',
  'src/strategies.ts',
  'test/backend.test.ts',
  'test/data.test.ts',
  'test/model.test.ts',
  'tsconfig.json',
]

function listFiles(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const e of readdirSync(d, {withFileTypes: true})) {
      if (e.isDirectory()) walk(join(d, e.name))
      else out.push(relative(dir, join(d, e.name)).split('\\').join('/'))
    }
  }
  walk(dir)
  return out.sort()
}

function treeHash(dir: string): string {
  const h = createHash('sha256')
  for (const f of listFiles(dir))
    h.update(f)
      .update('\0')
      .update(readFileSync(join(dir, f)))
      .update('\0')
  return h.digest('hex')
}

function out(name: string): string {
  return join(base, name, 'project')
}

describe('fuseplan scaffold', () => {
  it('writes the project, its training config, manifest and answers', async () => {
    const dir = out('fresh')
    const r = await runInProcess(['scaffold', ICU, '--out', dir])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    expect(listFiles(dir)).toEqual(EXPECTED_FILES)
    expect(r.stdout).toContain(`${EXPECTED_FILES.length} added`)
    expect(r.stdout).toMatch(/^intermediate fusion project in .*project\//)
    expect(r.stdout).toContain('Next: cd ')
    const config = parse(readFileSync(join(dir, 'fuseplan.training.yaml'), 'utf8'))
    expect(config).toMatchObject({apiVersion: 'fuseplan/v1', kind: 'TrainingConfig', name: 'icu-deterioration', strategy: 'intermediate'})
    expect(config.source.profile).toBe('../../../../examples/icu-deterioration.yaml')
    expect(config.modalities.map((m: {name: string}) => m.name)).toEqual(['ehr', 'cxr', 'genomics'])
    expect(parse(readFileSync(join(dir, '.fuseplan/answers.yaml'), 'utf8'))).toEqual({profile: '../../../../examples/icu-deterioration.yaml', strategy: null})
    const manifest = JSON.parse(readFileSync(join(dir, '.fuseplan/manifest.json'), 'utf8'))
    expect(Object.keys(manifest.files)).toEqual(EXPECTED_FILES.filter((f) => f !== '.fuseplan/answers.yaml' && f !== '.fuseplan/manifest.json'))
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(pkg.name).toBe('icu-deterioration')
    // jpeg-js and pngjs decode images in plain JavaScript: no native download at install.
    expect(pkg.dependencies).toEqual({'@tensorflow/tfjs': '4.22.0', '@tensorflow/tfjs-backend-wasm': '4.22.0', 'jpeg-js': '^0.4.4', pngjs: '^7.0.0', yaml: '^2.6.0'})
    // The template sources are copied verbatim: no profile value in code.
    expect(readFileSync(join(dir, 'src/model/index.ts'), 'utf8')).toBe(readFileSync(join(ROOT, 'templates/project/src/model/index.ts'), 'utf8'))
    const readme = readFileSync(join(dir, 'README.md'), 'utf8')
    expect(readme).toContain('| `cxr` | image | 224×224×1 | conv2d at 32×32 | 22% |')
    // fuseplan is not a dependency of the generated project: no command that assumes it is.
    expect(readme).not.toMatch(/npx fuseplan/)
    expect(readme).toContain('node path/to/fuseplan/bin/run.js lint fuseplan.training.yaml')
    // The config's modeline resolves to the schema written into the project: `fuseplan schema --kind training-config`.
    const configText = readFileSync(join(dir, 'fuseplan.training.yaml'), 'utf8')
    expect(configText.split('\n')[0]).toBe('# yaml-language-server: $schema=./.fuseplan/training-config.schema.json')
    expect(readFileSync(join(dir, '.fuseplan/training-config.schema.json'), 'utf8')).toBe((await runInProcess(['schema', '--kind', 'training-config'])).stdout)
    // Drop probabilities at the precision the ADR prints (the config keeps the exact value).
    const cxrDrop = parse(readFileSync(join(dir, 'fuseplan.training.yaml'), 'utf8')).masking.modalities.find((m: {name: string}) => m.name === 'cxr').dropProbability
    expect(String(cxrDrop).length).toBeGreaterThan(5)
    const shown = String(Number(cxrDrop.toFixed(3)))
    expect(readme).toMatch(new RegExp(`\\| \`cxr\` \\|[^\\n]*\\| ${shown.replace('.', '\\.')} \\| no \\|`))
    expect((await runInProcess(['recommend', ICU])).stdout).toMatch(new RegExp(`\\| cxr \\| [\\d.]+ \\| [\\d.]+ \\| ${shown.replace('.', '\\.')} \\|`))
    expect(readFileSync(join(dir, 'fuseplan.training.yaml'), 'utf8')).toMatch(/kind: conv2d\n\s+embedding: 16\n\s+filters: \[ 8, 16 \]\n\s+kernel: 3\n\s+resize: \[ 32, 32 \]/)
    // The generated config lints clean.
    const lint = await runInProcess(['lint', join(dir, 'fuseplan.training.yaml'), '--format', 'json'])
    if (lint.status === 0) expect(JSON.parse(lint.stdout)[0].messages).toEqual([])
  })

  it('is deterministic: same input, byte-identical project', async () => {
    expect((await runInProcess(['scaffold', ICU, '--out', out('det-a')])).status).toBe(0)
    expect((await runInProcess(['scaffold', ICU, '--out', out('det-b')])).status).toBe(0)
    expect(treeHash(out('det-a'))).toBe(treeHash(out('det-b')))
  })

  it('--dry-run lists the files and writes nothing', async () => {
    const dir = out('dry')
    const r = await runInProcess(['scaffold', ICU, '--out', dir, '--dry-run'])
    expect(r.status).toBe(0)
    expect(r.stdout).toContain('Dry run: intermediate fusion project')
    expect(r.stdout).toContain('  would add    fuseplan.training.yaml')
    expect(r.stdout).toContain(`${EXPECTED_FILES.length} to add\nNothing was written (--dry-run).`)
    expect(existsSync(join(base, 'dry'))).toBe(false)
    expect(readdirSync(base).filter((f) => f.includes('fuseplan-') && f.endsWith('.tmp'))).toEqual([])
  })

  it('--strategy overrides the recommendation and warns when the engine excluded it', async () => {
    const dir = out('override')
    // ICU declares informative missingness: late fusion cannot see the absence and is excluded.
    const r = await runInProcess(['scaffold', ICU, '--out', dir, '--strategy', 'late', '--json'])
    expect(r.status).toBe(0)
    expect(r.stderr).toMatch(/^warning: late fusion was excluded by the rule engine: late fusion skips an absent modality's model.*\(informative-missingness-presence-bits\)\n$/)
    const result = JSON.parse(r.stdout)
    expect(result).toMatchObject({strategy: 'late', recommended: 'intermediate', dryRun: false})
    expect(result.files).toHaveLength(EXPECTED_FILES.length)
    expect(parse(readFileSync(join(dir, 'fuseplan.training.yaml'), 'utf8')).strategy).toBe('late')
    expect(parse(readFileSync(join(dir, '.fuseplan/answers.yaml'), 'utf8')).strategy).toBe('late')
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('chosen with `--strategy`')
  })

  it('re-scaffold: updates what you did not edit, keeps what you did, puts the new version beside it (exit 0)', async () => {
    const dir = out('edited')
    expect((await runInProcess(['scaffold', ICU, '--out', dir])).status).toBe(0)
    const edited = join(dir, 'src/model/networks.ts')
    const mine = `${readFileSync(edited, 'utf8')}// my own note\n`
    writeFileSync(edited, mine)
    const again = await runInProcess(['scaffold', ICU, '--out', dir, '--strategy', 'early'])
    expect(again.status).toBe(0)
    // The strategy warning once, nothing else on stderr.
    expect(again.stderr).toBe('warning: using early fusion instead of the recommended intermediate\n')
    expect(again.stdout).toBe(
      [
        `early fusion project in ${relative(ROOT, dir)}/`,
        '  updated      .fuseplan/answers.yaml',
        '  updated      .fuseplan/manifest.json',
        '  updated      README.md',
        '  updated      fuseplan.training.yaml',
        '  updated      package.json',
        "  kept         src/model/networks.ts  (edited since generation; fuseplan's version did not change)",
        `5 updated, 1 edited (kept), ${EXPECTED_FILES.length - 6} unchanged`,
        `Next: cd ${relative(ROOT, dir)} && npm install && npm test`,
        '',
      ].join('\n'),
    )
    expect(readFileSync(edited, 'utf8')).toBe(mine)
    expect(parse(readFileSync(join(dir, 'fuseplan.training.yaml'), 'utf8')).strategy).toBe('early')
    expect(existsSync(`${edited}.new`)).toBe(false)

    // fuseplan's own version of the edited file moves on: the new version goes beside it.
    const manifestPath = join(dir, '.fuseplan/manifest.json')
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
    manifest.files['src/model/networks.ts'] = 'sha256:0000' // as if an older fuseplan had generated another version
    writeFileSync(manifestPath, JSON.stringify(manifest))
    const merge = await runInProcess(['scaffold', '--out', dir])
    expect(merge.status).toBe(0)
    expect(merge.stdout).toContain("  kept         src/model/networks.ts  (edited since generation; fuseplan's new version is in src/model/networks.ts.new)")
    expect(merge.stdout).toContain('Wrote 1 .new file beside your edited files: merge what you want from each, then delete it.')
    expect(readFileSync(edited, 'utf8')).toBe(mine)
    const template = readFileSync(join(ROOT, 'templates/project/src/model/networks.ts'), 'utf8')
    expect(readFileSync(`${edited}.new`, 'utf8')).toBe(template)
    // Still waiting on the next run: kept, not rewritten, not reported as new work.
    const waiting = await runInProcess(['scaffold', '--out', dir])
    expect(waiting.stdout).toContain("fuseplan's new version is in src/model/networks.ts.new")
    expect(waiting.stdout).toContain('1 .new file from an earlier run still waits to be merged.\nNothing else to do.')
    // Taking fuseplan's version resolves it: the .new file goes away.
    writeFileSync(edited, template)
    const resolved = await runInProcess(['scaffold', '--out', dir])
    expect(resolved.status).toBe(0)
    expect(existsSync(`${edited}.new`)).toBe(false)
    expect(resolved.stdout).toContain('  removed      src/model/networks.ts.new  (merged: ')
    expect(resolved.stdout).not.toContain('kept')
    // --force overwrites an edit.
    writeFileSync(edited, mine)
    const forced = await runInProcess(['scaffold', '--out', dir, '--force'])
    expect(forced.status).toBe(0)
    expect(forced.stdout).toContain('updated      src/model/networks.ts')
    expect(readFileSync(edited, 'utf8')).toBe(template)
  })

  it('keeps existing files it did not generate, writes its version beside them, and refuses a .new it did not write', async () => {
    const dir = out('foreign')
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'README.md'), '# mine\n')
    writeFileSync(join(dir, 'package.json.new'), '{}\n')
    writeFileSync(join(dir, 'package.json'), '{"name": "mine"}\n')
    const r = await runInProcess(['scaffold', ICU, '--out', dir])
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('fuseplan: nothing was written: package.json.new: fuseplan would write its new version of package.json here, but this file is not one it wrote.')
    expect(listFiles(dir)).toEqual(['README.md', 'package.json', 'package.json.new'])
    rmSync(join(dir, 'package.json.new'))
    const ok = await runInProcess(['scaffold', ICU, '--out', dir])
    expect(ok.status).toBe(0)
    expect(ok.stdout).toContain("kept         README.md  (exists and was not generated by fuseplan; fuseplan's new version is in README.md.new)")
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('# mine\n')
    expect(readFileSync(join(dir, 'README.md.new'), 'utf8')).toContain('fuseplan')
  })

  it('re-runs from the saved answers and shows what changed after the profile changed', async () => {
    const work = join(base, 'rerun')
    mkdirSync(work, {recursive: true})
    const profile = join(work, 'profile.yaml')
    writeFileSync(profile, readFileSync(join(ROOT, ICU), 'utf8'))
    const dir = join(work, 'project')
    expect((await runInProcess(['scaffold', profile, '--out', dir])).status).toBe(0)
    const same = await runInProcess(['scaffold', '--out', dir])
    expect(same.status).toBe(0)
    expect(same.stdout).toContain(`${EXPECTED_FILES.length} unchanged`)
    expect(same.stdout).toContain('Nothing to do: the project is up to date.')
    writeFileSync(profile, readFileSync(profile, 'utf8').replace('availability: 0.22', 'availability: 0.12'))
    const changed = await runInProcess(['scaffold', '--out', dir])
    expect(changed.status).toBe(0)
    expect(changed.stdout).toContain('updated      fuseplan.training.yaml')
    expect(changed.stdout).toContain('updated      README.md')
    expect(changed.stdout).not.toContain('src/model')
    expect(parse(readFileSync(join(dir, 'fuseplan.training.yaml'), 'utf8')).modalities[1].availability).toBe(0.12)
  })

  it('profile errors: file:line:col, exit 2, nothing written', async () => {
    const work = join(base, 'bad')
    mkdirSync(work, {recursive: true})
    const profile = join(work, 'bad.yaml')
    writeFileSync(profile, readFileSync(join(ROOT, ICU), 'utf8').replace('availability: 0.22', 'availability: 1.5'))
    const r = await runInProcess(['scaffold', profile, '--out', join(work, 'project')])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: error: /)
    expect(r.stderr).toContain('nothing was written')
    expect(existsSync(join(work, 'project'))).toBe(false)
  })

  it('rejects names that try path traversal or code injection', async () => {
    const work = join(base, 'evil')
    mkdirSync(work, {recursive: true})
    const text = readFileSync(join(ROOT, ICU), 'utf8')
    for (const [file, evil] of [
      ['name.yaml', text.replace('name: icu-deterioration', 'name: ../../escape')],
      [
        'modality.yaml',
        text
          .replace('- name: cxr', '- name: "cxr\'); process.exit(1); //"')
          .replace('modalities: [ehr, cxr]', 'modalities: [ehr]')
          .replace('modalities: [ehr, cxr, genomics]', 'modalities: [ehr, genomics]')
          .replace('availability: {cxr: 0.26}', '')
          .replace('availability: {cxr: 0.4}', ''),
      ],
    ]) {
      writeFileSync(join(work, file), evil)
      const r = await runInProcess(['scaffold', join(work, file), '--out', join(work, 'project')])
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(new RegExp(`${file.replace('.', '\\.')}:\\d+:\\d+: error: `))
    }
    expect(existsSync(join(work, 'project'))).toBe(false)
    expect(existsSync(join(base, 'escape'))).toBe(false)
  })

  it('never writes through a symlinked folder that leads outside --out', async () => {
    const work = join(base, 'symlink')
    const outside = join(work, 'outside')
    const dir = join(work, 'project')
    mkdirSync(outside, {recursive: true})
    mkdirSync(dir, {recursive: true})
    symlinkSync(outside, join(dir, 'src'))
    const r = await runInProcess(['scaffold', ICU, '--out', dir])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/refusing to write src\/.*resolves outside/)
    expect(readdirSync(outside)).toEqual([])
    expect(readdirSync(dir)).toEqual(['src']) // only the user's symlink
  })

  it('ignores a tampered manifest entry pointing outside --out', async () => {
    const dir = out('tampered')
    expect((await runInProcess(['scaffold', ICU, '--out', dir])).status).toBe(0)
    const victim = join(base, 'tampered', 'victim.txt')
    writeFileSync(victim, 'keep me')
    const manifestFile = join(dir, '.fuseplan/manifest.json')
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'))
    manifest.files['../victim.txt'] = `sha256:${createHash('sha256').update('keep me').digest('hex')}`
    writeFileSync(manifestFile, JSON.stringify(manifest))
    const r = await runInProcess(['scaffold', ICU, '--out', dir, '--strategy', 'late'])
    expect(r.status).toBe(0)
    expect(readFileSync(victim, 'utf8')).toBe('keep me')
  })

  it('escapes profile text in the README and refuses an --out that is a file', async () => {
    const work = join(base, 'markup')
    mkdirSync(work, {recursive: true})
    const profile = join(work, 'p.yaml')
    writeFileSync(
      profile,
      readFileSync(join(ROOT, ICU), 'utf8').replace('description: 24-hour deterioration risk for adult ICU stays', 'description: "<script>alert(1)</script> [click](http://evil) `code`"'),
    )
    expect((await runInProcess(['scaffold', profile, '--out', join(work, 'project')])).status).toBe(0)
    const readme = readFileSync(join(work, 'project', 'README.md'), 'utf8')
    expect(readme).toContain('&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\[click\\]\\(http://evil\\) \\`code\\`')
    expect(readme).not.toContain('<script>')
    writeFileSync(join(work, 'file'), 'x')
    const r = await runInProcess(['scaffold', profile, '--out', join(work, 'file')])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('exists and is not a folder')
  })

  it('without a profile or saved answers, explains what to do (exit 2)', async () => {
    const r = await runInProcess(['scaffold', '--out', out('none')])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('give a profile')
  })
})
