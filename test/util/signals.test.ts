// withoutInterruption (src/util/signals.ts): a signal during a write section waits for the section,
// outside one it stops the process at once.
import {spawn, spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ROOT, tempDir} from '../helpers/run-cli.js'

describe('withoutInterruption (src/util/signals.ts)', () => {
  const script = (body: string) => `
    import {writeFileSync} from 'node:fs'
    import {withoutInterruption} from ${JSON.stringify(join(ROOT, 'dist', 'src', 'util', 'signals.js'))}
    const busy = (ms) => { const end = Date.now() + ms; while (Date.now() < end); }
    process.stdout.write('ready\\n')
    ${body}
  `
  function runScript(body: string, signal: NodeJS.Signals): Promise<{status: number | null; signal: NodeJS.Signals | null; cwd: string}> {
    const cwd = tempDir('fuseplan-sig-unit-')
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script(body)], {cwd, stdio: ['ignore', 'pipe', 'inherit']})
      child.stdout.once('data', () => setTimeout(() => child.kill(signal), 150))
      child.on('exit', (status, sig) => resolve({status, signal: sig, cwd}))
    })
  }

  it('a signal during a section waits for the section to finish, then exits 128+n before anything else runs', async () => {
    const r = await runScript("withoutInterruption(() => { busy(600); writeFileSync('section-done', 'yes') }); setTimeout(() => writeFileSync('after', 'ran'), 300)", 'SIGTERM')
    expect(r.status).toBe(143)
    expect(readdirSync(r.cwd)).toEqual(['section-done'])
  }, 30_000)

  it('outside a section a signal still stops a long computation at once', async () => {
    const r = await runScript("withoutInterruption(() => writeFileSync('section-done', 'yes')); setTimeout(() => { busy(5000); writeFileSync('after', 'ran') }, 50)", 'SIGINT')
    expect(r.signal).toBe('SIGINT')
    expect(readdirSync(r.cwd)).toEqual(['section-done'])
  }, 30_000)

  it('the module is built', () => {
    expect(spawnSync(process.execPath, ['-e', `import(${JSON.stringify(join(ROOT, 'dist', 'src', 'util', 'signals.js'))})`]).status).toBe(0)
  })
})
