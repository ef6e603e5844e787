// Lint streams files and keeps only their findings: peak resident memory of the child process stays
// flat from 25 to 250 profiles of 1 MB (4,500 of them used to exhaust the heap). The profiles are hard
// links to one file, so the test costs 1 MB of disk; each is still read and parsed on its own.
import {spawnSync} from 'node:child_process'
import {linkSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'
import {BIN, ROOT, tempDir} from '../helpers/run-cli.js'

const MB = 1024 * 1024

/** Lints `count` copies of a clean 1 MB profile; returns the child's peak resident memory in MB. */
function peakRss(dir: string, count: number, format: string): number {
  const folder = join(dir, `n${count}`)
  mkdirSync(folder)
  for (let i = 0; i < count; i++) linkSync(join(dir, 'clean.yaml'), join(folder, `p${i}.yaml`))
  const report = join(dir, `rss-${count}-${format}.txt`)
  const preload = join(dir, 'rss.mjs')
  const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', RSS_REPORT: report}
  delete env.FORCE_COLOR
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, BIN, 'lint', folder, '-f', format], {env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * MB})
  expect(r.status, r.stderr).toBe(0)
  if (format === 'stylish') expect(r.stdout).toBe(`✔ ${count} files checked, no problems\n`)
  // maxRSS is in kilobytes.
  return Number(readFileSync(report, 'utf8')) / 1024
}

describe('lint memory', () => {
  it('peak memory is flat from 25 to 250 profiles of 1 MB', () => {
    const dir = tempDir('fuseplan-memory-')
    const example = readFileSync(join(ROOT, 'examples', 'icu-deterioration.yaml'), 'utf8')
    const pad = `# ${'padding '.repeat(120)}\n`
    writeFileSync(join(dir, 'clean.yaml'), pad.repeat(Math.floor((MB - example.length - 100) / pad.length)) + example)
    writeFileSync(join(dir, 'rss.mjs'), "import {writeFileSync} from 'node:fs'\nprocess.on('exit', () => writeFileSync(process.env.RSS_REPORT, String(process.resourceUsage().maxRSS)))\n")
    const small = peakRss(dir, 25, 'stylish')
    const large = peakRss(dir, 250, 'stylish')
    // Keeping each file's text would add 225 MB (its parsed form more); the garbage collector's headroom is a few tens.
    expect(large - small, `25 files: ${small.toFixed(0)} MB, 250 files: ${large.toFixed(0)} MB`).toBeLessThan(120)
    expect(large).toBeLessThan(1024)
  }, 900_000)
})
