// The generated README's command table, run top to bottom on a freshly scaffolded image project,
// as the README writes it: the commands are read from the README, not copied here. Then what a
// user meets next: a batch with a corrupt image, training data with bad lines, an edited source.
//
// Then a second project, attention fusion on a wearable profile, runs its own tests, trains and
// predicts with one modality: its sources are the same static template files, so it runs the first
// project's compiled dist/ (the test checks the sources are byte-identical) instead of compiling again.
//
// Two stand-ins keep it fast and offline: `npm install` runs `npm run prepare` (what npm install
// runs once the packages are there; the project sits inside the repo's .tmp/, so Node finds
// fuseplan's own node_modules), and every command gets FUSEPLAN_QUICK=1, the README's documented
// smoke-run switch.
import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ROOT, runCli} from '../helpers/run-cli.js'

const TMP = join(ROOT, '.tmp')
mkdirSync(TMP, {recursive: true})
const base = mkdtempSync(join(TMP, 'readme-'))
afterAll(() => rmSync(base, {recursive: true, force: true}))
const dir = join(base, 'dermatology')

/** The environment of a user's shell: no npm_* variables from the `npm test` running this file. */
function userEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^npm_/i.test(k) && k !== 'FORCE_COLOR') env[k] = v
  return {...env, NO_COLOR: '1', FUSEPLAN_QUICK: '1'}
}

function sh(command: string, input?: string) {
  const r = spawnSync('sh', ['-c', command], {cwd: dir, env: userEnv(), encoding: 'utf8', timeout: 240_000, input})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr, shown: `$ ${command}\nexit ${r.status}\n${r.stdout}\n${r.stderr}`}
}

/** The commands of the README's first shell block, comments removed. */
function readmeCommands(readme: string): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme)
  if (!block) throw new Error('the README has no sh block')
  return block[1]
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '')
}

describe('the README of a generated image project', () => {
  it('its command table works top to bottom on a fresh project; then batches, bad data and edits behave', {timeout: 600_000}, () => {
    expect(runCli(['scaffold', 'examples/dermatology.yaml', '--out', dir]).status).toBe(0)
    const commands = readmeCommands(readFileSync(join(dir, 'README.md'), 'utf8'))
    expect(commands[0]).toBe('npm install')
    expect(commands).toEqual(expect.arrayContaining(['npm test', 'npm run train', 'npm run predict -- data/request.json']))
    const ran: Record<string, ReturnType<typeof sh>> = {}
    for (const command of commands) {
      const r = sh(command === 'npm install' ? 'npm run prepare' : command)
      expect(r.status, r.shown).toBe(0)
      ran[command] = r
    }
    expect(ran['npm test'].stdout).toMatch(/# fail 0/)
    const answer = JSON.parse(ran['npm run predict -- data/request.json'].stdout.trim().split('\n').at(-1) as string) as {prediction: number; modalitiesUsed: string[]}
    expect(Number.isFinite(answer.prediction)).toBe(true)
    expect(answer.modalitiesUsed).toContain('clinical_photo')
    // Built once by the install: no command after it compiled again.
    for (const command of commands.slice(1)) expect(ran[command].stderr, command).not.toMatch(/building the project/)

    // A batch of 10 requests, one with a truncated image: 9 answers, 1 positioned error, exit 1.
    const requests = readFileSync(join(dir, 'data', 'test.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .slice(0, 10)
    expect(requests).toHaveLength(10)
    const jpeg = readFileSync(join(dir, 'data', (JSON.parse(requests[0]) as {inputs: {clinical_photo: string}}).inputs.clinical_photo))
    writeFileSync(join(dir, 'data', 'images', 'cut.jpg'), jpeg.subarray(0, jpeg.length - 200))
    const broken = JSON.parse(requests[3]) as {inputs: Record<string, unknown>}
    broken.inputs.clinical_photo = 'images/cut.jpg'
    requests[3] = JSON.stringify(broken)
    writeFileSync(join(dir, 'data', 'batch.jsonl'), requests.join('\n') + '\n')
    const batch = sh('npm run predict --silent -- data/batch.jsonl')
    expect(batch.status, batch.shown).toBe(1)
    const answers = batch.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {prediction?: number; line?: number; error?: string})
    expect(answers).toHaveLength(10)
    expect(answers.filter((a) => Number.isFinite(a.prediction))).toHaveLength(9)
    const message = 'data/batch.jsonl:4: modality clinical_photo: image "images/cut.jpg" is a truncated JPEG'
    expect(answers[3]).toEqual({line: 4, error: expect.stringContaining(message)})
    expect(batch.stderr).toContain(message)
    expect(batch.stderr).toContain('error: 1 of 10 requests could not be used')

    // The same rules for requests on stdin (image paths relative to the current folder): a FIFO, a link
    // out of the folder and an absolute path are refused at once; the good request is answered.
    expect(spawnSync('mkfifo', [join(dir, 'data', 'images', 'pipe.jpg')]).status).toBe(0)
    symlinkSync('/etc/passwd', join(dir, 'data', 'images', 'passwd.jpg'))
    const good = JSON.parse(requests[0]) as {inputs: Record<string, unknown>}
    for (const [k, v] of Object.entries(good.inputs)) if (typeof v === 'string') good.inputs[k] = `data/${v}`
    const photo = (p: string) => JSON.stringify({inputs: {clinical_photo: p}})
    const hostile = sh('npm run predict --silent', [photo('data/images/pipe.jpg'), photo('data/images/passwd.jpg'), photo('/etc/hostname'), JSON.stringify(good)].join('\n'))
    expect(hostile.status, hostile.shown).toBe(1)
    expect(hostile.stderr).toContain('stdin:1: modality clinical_photo: image "data/images/pipe.jpg" is a named pipe (FIFO), not an image file')
    expect(hostile.stderr).toContain('stdin:2: modality clinical_photo: image "data/images/passwd.jpg" is a link to /etc/passwd, outside the allowed folder')
    expect(hostile.stderr).toContain('stdin:3: modality clinical_photo: image "/etc/hostname" is outside the allowed folder')
    const last = JSON.parse(hostile.stdout.trim().split('\n')[3]) as {prediction: number}
    expect(last.prediction).toBe(answers[0].prediction)
    const fifo = sh('npm run predict --silent -- data/images/pipe.jpg')
    expect(fifo.status, fifo.shown).toBe(1)
    expect(fifo.stderr).toContain('error: data/images/pipe.jpg is a named pipe (FIFO): give a request file, or pipe the requests on stdin')

    // Training data with a missing image, an image outside the data folder and a line that is not JSON.
    const train = readFileSync(join(dir, 'data', 'train.jsonl'), 'utf8')
      .trim()
      .split('\n')
    const total = train.length
    const edit = (i: number, photo: string) => {
      const s = JSON.parse(train[i]) as {inputs: Record<string, unknown>}
      s.inputs.clinical_photo = photo
      train[i] = JSON.stringify(s)
    }
    edit(2, 'images/gone.jpg')
    edit(6, '../../../../etc/passwd')
    train[9] = '{"label": 1, "inputs": {'
    writeFileSync(join(dir, 'data', 'train.jsonl'), train.join('\n') + '\n')
    const trained = sh('npm run train --silent')
    expect(trained.status, trained.shown).toBe(0)
    expect(trained.stderr).toContain('data/train.jsonl:3: skipped: modality clinical_photo: image "images/gone.jpg" not found')
    expect(trained.stderr).toContain(`warning: skipped 3 of ${total} samples in data/train.jsonl; using the other ${total - 3}:`)
    expect(trained.stderr).toMatch(/ {2}1 image not found \(line 3\)\n {2}1 image outside the data folder \(line 7\)\n {2}1 not valid JSON \(line 10\)/)
    expect(trained.stderr).toContain(`fusion on data/train.jsonl (${total - 3} samples, 3 of ${total} skipped)`)

    // An edited source is compiled before the next run, and only once.
    const now = new Date()
    utimesSync(join(dir, 'src', 'scripts', 'predict.ts'), now, now)
    const first = sh('npm run predict --silent -- data/request.json')
    expect(first.status, first.shown).toBe(0)
    expect(first.stderr).toContain('building the project (src/scripts/predict.ts changed since the last build)')
    const second = sh('npm run predict --silent -- data/request.json')
    expect(second.stderr).not.toContain('building the project')
    expect(second.stdout).toBe(first.stdout)
  })
})

/** The compiled inputs of a project: every file under src/ and test/, bin/run.js and tsconfig.json. */
function compiledInputs(project: string): Record<string, string> {
  const files = ['src', 'test'].flatMap((d) =>
    readdirSync(join(project, d), {recursive: true, withFileTypes: true})
      .filter((e) => e.isFile())
      .map((e) => relative(project, join(e.parentPath, e.name))),
  )
  return Object.fromEntries([...files, 'bin/run.js', 'tsconfig.json'].sort().map((f) => [f, readFileSync(join(project, f), 'utf8')]))
}

describe('a generated attention project (wearable-afib)', () => {
  const other = join(base, 'attention')

  it('passes its own tests, then trains and predicts with modalities absent', {timeout: 240_000}, () => {
    expect(existsSync(join(dir, 'dist', 'test', 'model.test.js')), 'the README project was built first').toBe(true)
    expect(runCli(['scaffold', 'examples/wearable-afib.yaml', '--out', other, '--strategy', 'attention']).status).toBe(0)
    expect(compiledInputs(other)).toEqual(compiledInputs(dir))
    cpSync(join(dir, 'dist'), join(other, 'dist'), {recursive: true})
    const node = (args: string[], input?: string) => spawnSync(process.execPath, args, {cwd: other, encoding: 'utf8', timeout: 180_000, env: {...userEnv(), FUSEPLAN_QUICK: '0'}, input})
    const test = node(['--test', 'dist/test/backend.test.js', 'dist/test/data.test.js', 'dist/test/model.test.js'])
    expect(test.stdout).toMatch(/# fail 0/)
    expect(test.stdout).toMatch(/# pass [1-9]/)
    expect(test.stdout).toMatch(/^ok \d+ - attention fusion model$/m)
    expect(test.stdout).toMatch(/^ok \d+ - model math on the wasm backend$/m)
    expect(test.status).toBe(0)

    // The scripts, as a user runs them: train briefly, then predict a request with only one modality.
    const train = node(['dist/src/scripts/train.js', '--epochs', '2', '--samples', '300'])
    expect(train.stderr).toContain('tfjs backend: wasm')
    expect(train.status).toBe(0)
    expect(existsSync(join(other, 'model', 'model.json'))).toBe(true)
    expect(node(['dist/src/scripts/synth.js', '--train', '2', '--test', '2']).status).toBe(0)
    const sample = JSON.parse(readFileSync(join(other, 'data', 'test.jsonl'), 'utf8').split('\n')[0]) as {inputs: Record<string, unknown>}
    const [keep] = Object.keys(sample.inputs).filter((k) => sample.inputs[k] !== null)
    const predict = node(['dist/src/scripts/predict.js'], JSON.stringify({inputs: {[keep]: sample.inputs[keep]}}))
    expect(predict.status, predict.stderr).toBe(0)
    const answer = JSON.parse(predict.stdout) as {modalitiesUsed: string[]; prediction?: number}
    expect(answer.modalitiesUsed).toEqual([keep])
    expect(Number.isFinite(answer.prediction ?? NaN)).toBe(true)
  })
})
