// Scenario: the real CLI on a clean and a broken profile, every output format pinned byte for byte
// (files under test/lint/__formats__, reviewed by eye when they change), with the exit code.
import {copyFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'

const FORMATS = ['stylish', 'json', 'sarif', 'github', 'junit'] as const

describe.each(['clean', 'broken'])('fuseplan lint on the %s profile', (name) => {
  const dir = tempDir()
  copyFileSync(join(ROOT, 'test', 'fixtures', 'lint', `${name}.yaml`), join(dir, `${name}.yaml`))

  it.each(FORMATS)('--format %s', async (format) => {
    const r = await runInProcess(['lint', `${name}.yaml`, '--format', format], {cwd: dir})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(name === 'clean' ? 0 : 1)
    // JSON carries absolute paths (as ESLint's does); pin it relative to the temporary folder.
    await expect(r.stdout.split(dir).join('<dir>')).toMatchFileSnapshot(join('__formats__', `${name}.${format}.txt`))
  })
})
