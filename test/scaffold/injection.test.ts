// Names and text from a profile must never reach a path or generated code unvalidated: path
// traversal, quotes, template syntax. And scaffold never writes outside --out, not even through a
// symbolic link planted inside it.
import {existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import fc from 'fast-check'
import {parse} from 'yaml'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'
import {breakSyntax, expectCleanExit, runs, toYaml} from '../helpers/fuzz.js'

const HOSTILE_NAMES = [
  '../../evil',
  '..',
  '/etc/passwd',
  'a/../../b',
  "x'; process.exit(4242); '",
  'x"); require("child_process").execSync("touch pwned"); ("',
  '${process.exit(4242)}',
  '`touch pwned`',
  '{{ 7 * 7 }}',
  '<%= process.exit(4242) %>',
  'A B',
  '-rf',
  '_leading',
  'x\nname: injected',
  '__proto__',
]

/** The free-text fields that are allowed to hold anything. */
const HOSTILE_TEXT =
  'Ends */ a comment, `${process.exit(4242)}`, {{ 7*7 }}, <%= 1 %>, </script><script>alert(4242)</script>, "quotes" \'quotes\' \\ backslash, ](javascript:alert(4242)) | table | --- \u202e'

function profile(overrides: {name?: string; modality?: string; cohort?: string; description?: string; modalityDescription?: string}): string {
  return toYaml({
    apiVersion: 'fuseplan/v1',
    kind: 'DeploymentProfile',
    name: overrides.name ?? 'safe-name',
    description: overrides.description ?? 'A profile',
    task: {type: 'binary', labelledSamples: 5000},
    modalities: [
      {name: overrides.modality ?? 'ehr', type: 'tabular', features: 12, availability: 1, ...(overrides.modalityDescription ? {description: overrides.modalityDescription} : {})},
      {name: 'cxr', type: 'image', shape: [16, 16, 1], availability: 0.4},
    ],
    cohorts: [{name: overrides.cohort ?? 'icu', size: 5000, modalities: [overrides.modality ?? 'ehr', 'cxr'], availability: {cxr: 0.4}}],
  })
}

function listTree(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, {recursive: true, withFileTypes: false}).map(String).sort()
}

describe('scaffold refuses hostile names', () => {
  it('a hostile profile, modality or cohort name is a schema error at file:line:col; nothing is written anywhere', async () => {
    for (const name of HOSTILE_NAMES) {
      const dir = tempDir('fuseplan-inject-')
      // All three at once: the schema reports every one, each at its own position.
      writeFileSync(join(dir, 'profile.yaml'), profile({name, modality: name, cohort: name}))
      const r = await runInProcess(['scaffold', 'profile.yaml', '--out', 'proj'], {cwd: dir})
      expectCleanExit(r, [2], `scaffold with name ${JSON.stringify(name)}`)
      expect(r.stderr).toMatch(/profile\.yaml:\d+:\d+/)
      expect(listTree(dir)).toEqual(['profile.yaml'])
    }
  }, 120_000)
})

describe('scaffold keeps free text out of code', () => {
  it('hostile descriptions end up as data only: no generated .ts file contains them, YAML and JSON read back the same text', async () => {
    const dir = tempDir('fuseplan-inject-')
    writeFileSync(join(dir, 'profile.yaml'), profile({description: HOSTILE_TEXT, modalityDescription: HOSTILE_TEXT}))
    const r = await runInProcess(['scaffold', 'profile.yaml', '--out', 'proj'], {cwd: dir})
    expectCleanExit(r, [0], 'scaffold with hostile descriptions')
    const files = listTree(join(dir, 'proj')).filter((f) => !existsSync(join(dir, 'proj', f)) || !readdirSafe(join(dir, 'proj', f)))
    expect(files.length).toBeGreaterThan(5)
    for (const f of files) {
      const text = readFileSync(join(dir, 'proj', f), 'utf8')
      if (/\.(ts|js|mjs|cjs)$/.test(f)) {
        expect(text, f).not.toContain('process.exit(4242)')
        expect(text, f).not.toContain('alert(4242)')
      }
      if (/\.ya?ml$/.test(f)) expect(() => parse(text), f).not.toThrow()
      if (/\.json$/.test(f)) expect(() => JSON.parse(text), f).not.toThrow()
    }
    // Where the text is shown to people (README), its markup is neutralised.
    expect(readFileSync(join(dir, 'proj', 'README.md'), 'utf8')).not.toContain('</script>')
    // Nothing was created next to the project or in the profile's folder.
    expect(readdirSync(dir).sort()).toEqual(['profile.yaml', 'proj'])
  }, 60_000)
})

function readdirSafe(p: string): boolean {
  try {
    readdirSync(p)
    return true
  } catch {
    return false
  }
}

describe('scaffold never writes outside --out', () => {
  it('a symlink planted inside --out pointing elsewhere is not written through', async () => {
    const dir = tempDir('fuseplan-inject-')
    const outside = join(dir, 'outside')
    mkdirSync(outside)
    writeFileSync(join(dir, 'profile.yaml'), profile({}))
    mkdirSync(join(dir, 'proj'))
    symlinkSync(outside, join(dir, 'proj', 'src'))
    symlinkSync(join(outside, 'readme-target.md'), join(dir, 'proj', 'README.md'))
    for (const extra of [[], ['--force']]) {
      const r = await runInProcess(['scaffold', 'profile.yaml', '--out', 'proj', ...extra], {cwd: dir})
      expectCleanExit(r, [2], `scaffold over planted symlinks ${extra.join(' ')}`)
      expect(r.stderr).toMatch(/refusing to write \S+: it resolves outside /)
      expect(listTree(outside), `files written through a symlink (${extra.join(' ')})`).toEqual([])
    }
  }, 60_000)

  it('--out given as a path with .. segments writes only there', async () => {
    const dir = tempDir('fuseplan-inject-')
    mkdirSync(join(dir, 'work', 'deep'), {recursive: true})
    writeFileSync(join(dir, 'work', 'deep', 'profile.yaml'), profile({}))
    const r = await runInProcess(['scaffold', 'profile.yaml', '--out', '../../proj'], {cwd: join(dir, 'work', 'deep')})
    expectCleanExit(r, [0], 'scaffold --out ../../proj')
    expect(readdirSync(dir).sort()).toEqual(['proj', 'work'])
    expect(listTree(join(dir, 'work'))).toEqual(['deep', join('deep', 'profile.yaml')])
  }, 60_000)

  it('a hostile saved answers file (.fuseplan/answers.yaml) is a clear error, never a write elsewhere', async () => {
    const base = tempDir('fuseplan-inject-base-')
    writeFileSync(join(base, 'profile.yaml'), profile({}))
    const first = await runInProcess(['scaffold', 'profile.yaml', '--out', 'proj'], {cwd: base})
    expectCleanExit(first, [0], 'first scaffold')
    const saved = readFileSync(join(base, 'proj', '.fuseplan', 'answers.yaml'), 'utf8')
    const root = tempDir('fuseplan-inject-answers-')
    let n = 0
    await fc.assert(
      fc.asyncProperty(
        // Each class with its verdict: a state file that is not YAML, or names a profile that is not
        // one, is refused (2); keys scaffold does not read are ignored (0): none of them moves a write.
        fc.oneof(
          fc.double({min: 0, max: 1, noNaN: true}).map((at) => ({text: breakSyntax(saved, at), exit: 2, message: /answers\.yaml is not valid YAML \(.* at line \d+, column \d+/})),
          fc
            .constantFrom('/etc/passwd', '../../../../../../etc/hostname', '../outside.yaml', '__proto__', '')
            .map((p) => ({text: saved.replace(/^profile: .*$/m, `profile: ${JSON.stringify(p)}`), exit: 2, message: /:1:1: error: (Not a fuseplan document|Cannot read)/})),
          fc
            .constantFrom('strategy: "../../x"', 'strategy: early; rm -rf /', 'strategy: {__proto__: 1}')
            .map((line) => ({text: `${saved}\n${line}\n`, exit: 2, message: /answers\.yaml is not valid YAML \(Map keys must be unique at line \d+, column \d+/})),
          fc.constantFrom('out: /tmp', '__proto__: {polluted: true}').map((line) => ({text: `${saved}\n${line}\n`, exit: 0, message: /^$/})),
        ),
        async ({text: answers, exit, message}) => {
          const dir = join(root, String(n++))
          mkdirSync(join(dir, 'proj', '.fuseplan'), {recursive: true})
          writeFileSync(join(dir, 'profile.yaml'), profile({}))
          writeFileSync(join(dir, 'proj', '.fuseplan', 'answers.yaml'), answers)
          const before = listTree(dir)
          const r = await runInProcess(['scaffold', '--out', 'proj'], {cwd: dir})
          expectCleanExit(r, [exit], `scaffold re-run with answers:\n${answers.slice(0, 600)}`)
          expect(r.stderr).toMatch(message)
          const after = listTree(dir)
          const outsideProj = after.filter((f) => !f.startsWith('proj'))
          expect(outsideProj).toEqual(before.filter((f) => !f.startsWith('proj')))
          if (r.status !== 0) expect(after).toEqual(before)
          for (const f of after) expect(relative(dir, join(dir, f)).startsWith('..')).toBe(false)
        },
      ),
      {numRuns: runs(10), seed: 20260109},
    )
  }, 200_000)
})
