// Start-up: the oclif manifest (written by `npm run build`) covers every built command and cannot go
// stale; commands that do not train never load TensorFlow.js. (Speed itself is measured by
// `npm run bench`, never asserted here.)
import {spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BIN, ROOT, tempDir} from '../helpers/run-cli.js'

const COMMANDS = join(ROOT, 'dist', 'src', 'commands')

function commandIds(dir: string): string[] {
  return readdirSync(dir, {recursive: true})
    .map(String)
    .filter((f) => f.endsWith('.js'))
    .map((f) =>
      f
        .replace(/\.js$/, '')
        .split('/')
        .filter((p, i, all) => !(p === 'index' && i === all.length - 1))
        .join(':'),
    )
    .sort()
}

function node(args: string[], cwd: string, extra: string[] = []) {
  const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1'}
  delete env.FORCE_COLOR
  return spawnSync(process.execPath, [...extra, ...args], {cwd, env, encoding: 'utf8', timeout: 60_000})
}

describe('oclif manifest', () => {
  it('npm run build writes it right after compiling', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {scripts: Record<string, string>; files: string[]}
    expect(pkg.scripts.build).toMatch(/^tsc\b.*&& node scripts\/oclif-manifest\.js\b/)
    expect(pkg.scripts.build).toContain('node scripts/compile-schemas.js')
    expect(pkg.files).toContain('oclif.manifest.json')
  })

  it('has an entry for every command in dist, and nothing else', () => {
    const r = node(['scripts/oclif-manifest.js'], ROOT)
    expect(r.status, r.stderr).toBe(0)
    const manifest = JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {flags: object}>; version: string}
    expect(Object.keys(manifest.commands).sort()).toEqual(commandIds(COMMANDS))
    expect(manifest.version).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {version: string}).version)
    // Written twice, the same bytes: the build is reproducible.
    const first = readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')
    expect(node(['scripts/oclif-manifest.js'], ROOT).status).toBe(0)
    expect(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')).toBe(first)
  })

  it('a manifest older than dist/ (a bare tsc after a build) is ignored, so new commands still run', () => {
    // A miniature package with the real bin/run.js and manifest script.
    const pkg = tempDir('fuseplan-manifest-')
    mkdirSync(join(pkg, 'dist', 'src', 'commands'), {recursive: true})
    cpSync(join(ROOT, 'bin'), join(pkg, 'bin'), {recursive: true})
    cpSync(join(ROOT, 'scripts'), join(pkg, 'scripts'), {recursive: true})
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'))
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({name: 'mini', version: '1.0.0', type: 'module', oclif: {bin: 'mini', commands: './dist/src/commands', topicSeparator: ' '}}))
    const command = (word: string) =>
      `import {Command} from '@oclif/core'\nexport default class C extends Command {\n  static summary = '${word} command'\n  async run() { this.log('${word} ran') }\n}\n`
    writeFileSync(join(pkg, 'dist', 'src', 'commands', 'hello.js'), command('hello'))
    expect(node(['scripts/oclif-manifest.js'], pkg).status).toBe(0)
    expect(node(['bin/run.js', 'hello'], pkg).stdout).toBe('hello ran\n')

    // A command added after the manifest was written (its file is newer).
    writeFileSync(join(pkg, 'dist', 'src', 'commands', 'bye.js'), command('bye'))
    const later = new Date(Date.now() + 5000)
    utimesSync(join(pkg, 'dist', 'src', 'commands', 'bye.js'), later, later)
    const r = node(['bin/run.js', 'bye'], pkg)
    expect(r.stdout, r.stderr).toBe('bye ran\n')
    expect(node(['bin/run.js', '--help'], pkg).stdout).toMatch(/bye[\s\S]*hello/)

    // Rebuilt: the manifest lists it, and is used again.
    expect(node(['scripts/oclif-manifest.js'], pkg).status).toBe(0)
    expect(Object.keys((JSON.parse(readFileSync(join(pkg, 'oclif.manifest.json'), 'utf8')) as {commands: object}).commands).sort()).toEqual(['bye', 'hello'])
  }, 60_000)
})

describe('only commands that train load TensorFlow.js', () => {
  const probe = join(tempDir('fuseplan-probe-'), 'probe.cjs')
  writeFileSync(probe, "process.on('exit', () => { if (Object.keys(require.cache).some((k) => k.includes('@tensorflow'))) process.stderr.write('TFJS-LOADED\\n') })\n")

  it.each([
    [['--version']],
    [['--help']],
    [['lint', 'examples/']],
    [['recommend', 'examples/icu-deterioration.yaml', '--format', 'json']],
    [['rules', 'list']],
    [['schema']],
    [['evaluate', '--help']],
    [['scaffold', 'examples/icu-deterioration.yaml', '--out', '__OUT__', '--dry-run']],
  ])(
    'fuseplan %j does not',
    (args) => {
      const out = join(tempDir('fuseplan-probe-out-'), 'proj')
      const r = node([BIN, ...args.map((a) => a.replace('__OUT__', out))], ROOT, ['-r', probe])
      expect(r.status === 0 || r.status === 1, r.stderr).toBe(true)
      expect(r.stderr).not.toContain('TFJS-LOADED')
    },
    60_000,
  )

  it('the probe does see it when a command trains', () => {
    const r = node(
      [BIN, 'evaluate', 'examples/icu-deterioration.yaml', '--quick', '--samples', '100', '--test-samples', '50', '--epochs', '1', '--candidates', 'late', '--max-input-size', '8'],
      ROOT,
      ['-r', probe],
    )
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toContain('TFJS-LOADED')
  }, 120_000)
})

describe('precompiled profile schema (scripts/compile-schemas.js)', () => {
  it('is built, matches the schema, and reports exactly what run-time compilation reports', async () => {
    expect(node(['scripts/compile-schemas.js'], ROOT).status).toBe(0)
    const {createRequire} = await import('node:module')
    const require = createRequire(import.meta.url)
    const precompiled = require(join(ROOT, 'dist', 'src', 'profile', 'schema.validate.cjs')) as ((v: unknown) => boolean) & {errors?: unknown[]; schemaHash: string}
    const {profileSchema} = await import('../../src/profile/schema.js')
    const {createHash} = await import('node:crypto')
    expect(precompiled.schemaHash).toBe(createHash('sha256').update(JSON.stringify(profileSchema)).digest('hex'))
    const {compileSchema} = await import('../../src/profile/validate.js')
    const runtime = compileSchema(profileSchema)
    const fc = (await import('fast-check')).default
    const {parse} = await import('yaml')
    const {hostileProfileText} = await import('../helpers/fuzz.js')
    fc.assert(
      fc.property(hostileProfileText, (text) => {
        let value: unknown
        try {
          value = parse(text)
        } catch {
          return
        }
        expect(precompiled(value)).toBe(runtime(value))
        expect(JSON.stringify(precompiled.errors ?? null)).toBe(JSON.stringify(runtime.errors ?? null))
      }),
      {numRuns: 300},
    )
  }, 60_000)
})

describe('fuseplan --version', () => {
  it('prints the line oclif prints, without loading oclif', async () => {
    const probe = join(tempDir('fuseplan-probe-'), 'probe.cjs')
    writeFileSync(probe, "process.on('exit', () => { if (Object.keys(require.cache).some((k) => k.includes('@oclif'))) process.stderr.write('OCLIF-LOADED\\n') })\n")
    const r = node([BIN, '--version'], ROOT, ['-r', probe])
    expect(r.status).toBe(0)
    expect(r.stderr).not.toContain('OCLIF-LOADED')
    const {Config} = await import('@oclif/core')
    expect(r.stdout).toBe(`${(await Config.load(ROOT)).userAgent}\n`)
    // Anything else goes through oclif as before.
    expect(node([BIN, '--version', '--help'], ROOT, ['-r', probe]).stderr).toContain('OCLIF-LOADED')
  })
})
