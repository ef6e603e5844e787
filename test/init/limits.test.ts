// `init --from-data` on a CSV whose header line is 150 MB: a positioned error, in bounded memory (it
// used to end in a V8 fatal error at 3.6 GB). Both shapes: long column names, and many short ones.
import {spawnSync} from 'node:child_process'
import {closeSync, openSync, readFileSync, writeFileSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {describe, expect, it} from 'vitest'
import {CsvParser, MAX_FIELDS, MAX_RECORD_CHARS} from '../../src/init/csv.js'
import {BIN, tempDir} from '../helpers/run-cli.js'

const MB = 1024 * 1024

/** A CSV whose first line repeats `unit` to 150 MB, then one data row. */
function hugeHeader(path: string, unit: (i: number) => string): void {
  const fd = openSync(path, 'w')
  try {
    let block = ''
    for (let i = 0; block.length < MB; i++) block += unit(i)
    const buffer = Buffer.from(block)
    for (let written = 0; written < 150 * MB; written += buffer.length) writeSync(fd, buffer)
    writeSync(fd, 'last\n1\n')
  } finally {
    closeSync(fd)
  }
}

function initFromData(dir: string, file: string): {status: number | null; stderr: string; rssMb: number} {
  const preload = join(dir, 'rss.mjs')
  writeFileSync(preload, "import {writeFileSync} from 'node:fs'\nprocess.on('exit', () => writeFileSync(process.env.RSS_REPORT, String(process.resourceUsage().maxRSS)))\n")
  const report = join(dir, `${file}.rss`)
  const env: Record<string, string | undefined> = {...process.env, NO_COLOR: '1', RSS_REPORT: report}
  delete env.FORCE_COLOR
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(preload).href, BIN, 'init', '--yes', '--from-data', file, '--map', 'a=b', '--out', 'p.yaml'], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 120_000,
  })
  return {status: r.status, stderr: r.stderr, rssMb: Number(readFileSync(report, 'utf8')) / 1024}
}

describe('a 150 MB CSV header line', () => {
  it('of long column names: the record limit, at line 1, in bounded memory', () => {
    const dir = tempDir('fuseplan-csv-limits-')
    hugeHeader(join(dir, 'wide.csv'), () => `${'a'.repeat(999)},`)
    const r = initFromData(dir, 'wide.csv')
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`wide.csv:1:1: a record longer than ${MAX_RECORD_CHARS.toLocaleString('en-US')} characters starts here`)
    expect(r.rssMb).toBeLessThan(1024)
  }, 180_000)

  it('of many short column names: the column limit, at the column, in bounded memory', () => {
    const dir = tempDir('fuseplan-csv-limits-')
    hugeHeader(join(dir, 'narrow.csv'), (i) => `c${i},`)
    const r = initFromData(dir, 'narrow.csv')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`narrow\\.csv:1:\\d+: a record with more than ${MAX_FIELDS.toLocaleString('en-US')} fields`))
    expect(r.rssMb).toBeLessThan(1024)
  }, 180_000)
})

describe('the parser takes runs of text whole', () => {
  it('parses the same records as before, quoted fields, CRLF and chunk boundaries included', () => {
    const text = 'name,"note, with comma",x\r\n"a ""q""","multi\nline",3\nplain,,\n'
    const records: string[][] = []
    const parser = new CsvParser((r) => records.push(r.fields))
    for (let i = 0; i < text.length; i += 3) parser.push(text.slice(i, i + 3))
    parser.end()
    expect(records).toEqual([
      ['name', 'note, with comma', 'x'],
      ['a "q"', 'multi\nline', '3'],
      ['plain', '', ''],
    ])
  })
})
