import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {isPresent, measureData, parseMapSpec, readMappingFile} from '../../src/init/data.js'
import {ROOT, tempDir} from '../helpers/run-cli.js'

const FIX = join(ROOT, 'test', 'fixtures', 'init')

function file(name: string, text: string): string {
  const path = join(tempDir('fuseplan-data-'), name)
  writeFileSync(path, text)
  return path
}

describe('measureData', () => {
  it('counts presence per modality and joint patterns exactly', async () => {
    const m = await measureData(join(FIX, 'icu-sample.csv'), [parseMapSpec('ehr=age,hr,bp_*'), parseMapSpec('cxr=cxr_path')], {display: 'icu.csv'})
    expect(m.rows).toBe(10)
    expect(m.modalities).toEqual([
      {name: 'ehr', columns: ['age', 'hr', 'bp_sys', 'bp_dia'], features: 4, presentRows: 7, availability: 0.7},
      // A column of image paths is an image; the fixture's images do not exist, so no shape is read.
      {name: 'cxr', columns: ['cxr_path'], features: 1, presentRows: 4, availability: 0.4, type: 'image', shapeNote: 'the 4 images looked for were not found next to icu.csv or here; give the shape'},
    ])
    expect(m.patterns).toEqual([
      {present: ['ehr'], rows: 4, share: 0.4},
      {present: ['ehr', 'cxr'], rows: 3, share: 0.3},
      {present: ['cxr'], rows: 1, share: 0.1},
    ])
    expect(m.rowsWithNone).toBe(2)
    expect(m.unmappedColumns).toEqual(['id', 'note', 'label'])
  })

  it('treats empty, NaN, null, NA and N/A as absent', () => {
    for (const v of ['', ' ', 'NaN', 'nan', 'NULL', 'NA', 'n/a', null, undefined, Number.NaN, []]) expect(isPresent(v)).toBe(false)
    for (const v of ['0', 0, 'none', false, [0], {}]) expect(isPresent(v)).toBe(true)
  })

  it('keeps pattern shares from adding up to more than the rows they cover after rounding', async () => {
    // Six patterns of 1/6 each round to 0.1667, which would add up to 1.0002.
    const rows = ['a,b,c', '1,,', ',1,', ',,1', '1,1,', '1,,1', ',1,1'].join('\n')
    const m = await measureData(file('sixths.csv', rows + '\n'), [parseMapSpec('a=a'), parseMapSpec('b=b'), parseMapSpec('c=c')])
    expect(m.patterns.map((p) => p.share)).toEqual([0.1665, 0.1667, 0.1667, 0.1667, 0.1667, 0.1667])
    expect(m.patterns.reduce((s, p) => s + p.share, 0)).toBeLessThanOrEqual(1)
  })

  it('points at the extra field of a row that spans lines', async () => {
    const path = file('multi.csv', 'a,b\n"x\ny",2,3\n')
    await expect(measureData(path, [parseMapSpec('m=a')], {display: 'multi.csv'})).rejects.toThrow('multi.csv:3:6: row has 3 fields but the header has 2')
  })

  it('rejects duplicate header names, overlapping mappings and empty files with positions', async () => {
    await expect(measureData(file('d.csv', 'a,b,a\n1,2,3\n'), [parseMapSpec('m=a')], {display: 'd.csv'})).rejects.toThrow('d.csv:1:5: column name `a` appears twice')
    await expect(measureData(file('o.csv', 'age,hr\n1,2\n'), [parseMapSpec('m=age,hr'), parseMapSpec('n=h*')])).rejects.toThrow('Column `hr` matches the columns of `m` and `n`')
    await expect(measureData(file('e.csv', ''), [parseMapSpec('m=a')], {display: 'e.csv'})).rejects.toThrow('e.csv:1:1: the file is empty')
    await expect(measureData(file('h.csv', 'a\n'), [parseMapSpec('m=a')], {display: 'h.csv'})).rejects.toThrow('h.csv: has no data rows below the header.')
    await expect(measureData(file('x.jsonl', '{"a":1}\n[1]\n'), [parseMapSpec('m=a')], {display: 'x.jsonl'})).rejects.toThrow('x.jsonl:2:1: each line must be a JSON object')
  })

  it('reads a mapping file and points at a bad entry', () => {
    expect(readMappingFile('m.yaml', 'ehr: [age, "bp_*"]\ncxr: cxr_path, cxr_date\n')).toMatchObject([
      {modality: 'ehr', columns: ['age', 'bp_*']},
      {modality: 'cxr', columns: ['cxr_path', 'cxr_date']},
    ])
    expect(() => readMappingFile('m.yaml', 'ehr: [age]\nCXR: [x]\n')).toThrow('m.yaml:2:6: A modality name starts with a lower-case letter')
    expect(() => readMappingFile('m.yaml', 'ehr: []\n')).toThrow('m.yaml:1:6: `ehr` needs a list of column names')
  })
})
