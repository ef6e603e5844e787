// `init --from-data` as a data scientist expects: the label column is found (or asked for when
// ambiguous) and never becomes a feature, rows without a label are not labelled samples, and a
// column of image paths is an image modality with the shape of its images.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import jpeg from 'jpeg-js'
import {PNG} from 'pngjs'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'
import {imageShapeFromHeader, looksLikeImagePaths} from '../../src/init/images.js'
import {runInProcess} from '../helpers/in-process.js'
import {tempDir} from '../helpers/run-cli.js'

function png(width: number, height: number, colorType: 0 | 2 | 6): Buffer {
  const image = new PNG({width, height, colorType, inputColorType: 6, inputHasAlpha: true})
  image.data.fill(128)
  return PNG.sync.write(image, {colorType})
}

function jpg(width: number, height: number): Buffer {
  return Buffer.from(jpeg.encode({width, height, data: Buffer.alloc(width * height * 4, 90)}, 80).data)
}

/** A small clinical table: an id, three vitals, a scan column of image paths (40% of rows), an outcome with gaps. */
function dataset(dir: string, {outcome = 'mortality', images = true}: {outcome?: string; images?: boolean} = {}): string {
  mkdirSync(join(dir, 'img'), {recursive: true})
  const rows = [`patient_id,age,hr,bp_sys,scan,${outcome}`]
  for (let i = 0; i < 50; i++) {
    const scan = i % 5 < 2 ? `img/s${i}.${i % 2 ? 'png' : 'jpg'}` : ''
    if (scan && images) writeFileSync(join(dir, scan), i % 2 ? png(32, 24, 0) : jpg(32, 24))
    rows.push(`${i},${30 + i},${60 + i},${100 + i},${scan},${i % 10 === 9 ? '' : i % 2}`)
  }
  writeFileSync(join(dir, 'sample.csv'), `${rows.join('\n')}\n`)
  return 'sample.csv'
}

describe('init --from-data: the label', () => {
  it('finds the label column by its name, keeps it out of the features, and counts only the rows that have a label', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--from-data', dataset(dir), '--out', 'p.yaml'], {cwd: dir})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('Label column: mortality (from its name; pass --label COLUMN for another, --label none if the data has none).')
    expect(r.stdout).toContain('  label mortality: present in 45 rows; the 5 without it are not labelled samples (the cohort counts the labelled rows)')
    const p = parse(readFileSync(join(dir, 'p.yaml'), 'utf8'))
    const columns = r.stdout.split('\n').filter((l) => /^ {2}\w+: /.test(l))
    expect(columns.join('\n')).not.toMatch(/mortality, |, mortality/)
    expect(p.modalities.find((m: {name: string}) => m.name === 'tabular')).toMatchObject({features: 3})
    expect(p.task.labelledSamples).toBe(45)
    expect(p.cohorts[0]).toMatchObject({size: 45, labelled: true})
  })

  it('with --yes and no column named like a label, guessing the columns stops (exit 2) and asks for --label; --label none goes on', async () => {
    const dir = tempDir()
    const file = dataset(dir, {outcome: 'died_at'})
    const r = await runInProcess(['init', '--yes', '--from-data', file, '--out', 'p.yaml'], {cwd: dir})
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(
      'fuseplan: --from-data sample.csv: no column is named like a label (label, target, outcome, y...), so the label column cannot be told apart from the features. Pass --label COLUMN, or --label none if the data has no labels.\n',
    )
    const named = await runInProcess(['init', '--yes', '--from-data', file, '--label', 'died_at', '--out', 'p.yaml'], {cwd: dir})
    expect(named.status, named.stderr).toBe(0)
    expect(parse(readFileSync(join(dir, 'p.yaml'), 'utf8')).task.labelledSamples).toBe(45)
    const none = await runInProcess(['init', '--yes', '--from-data', file, '--label', 'none', '--out', 'q.yaml'], {cwd: dir})
    expect(none.status, none.stderr).toBe(0)
    expect(none.stdout).toContain('No label column (--label none): every row counts as a labelled sample.')
  })

  it('two columns named like a label: exit 2 naming both', async () => {
    const dir = tempDir()
    const file = dataset(dir)
    writeFileSync(
      join(dir, file),
      readFileSync(join(dir, file), 'utf8')
        .replace('mortality\n', 'mortality,target\n')
        .replace(/\n(\d.*)/g, '\n$1,1'),
    )
    const r = await runInProcess(['init', '--yes', '--from-data', file, '--out', 'p.yaml'], {cwd: dir})
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('several columns are named like a label (mortality, target)')
  })
})

describe('init --from-data: image paths', () => {
  it('a column of image paths becomes an image modality with the shape most of its images have (three RGB JPEGs, two grey PNGs)', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--from-data', dataset(dir), '--out', 'p.yaml'], {cwd: dir})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('  scan: scan (image file paths)')
    expect(r.stdout).toContain('  scan: 1 column, image file paths, shape 24x32x3 read from 5 of its images (2 of them differ: resize them to one shape), present in 20 rows (40%)')
    const p = parse(readFileSync(join(dir, 'p.yaml'), 'utf8'))
    expect(p.modalities.find((m: {name: string}) => m.name === 'scan')).toMatchObject({type: 'image', shape: [24, 32, 3], availability: 0.4})
  })

  it('a mapped column of image paths too; when the images are not there, it says so and keeps the default shape', async () => {
    const dir = tempDir()
    const r = await runInProcess(['init', '--yes', '--from-data', dataset(dir, {images: false}), '--map', 'vitals=age,hr,bp_sys', '--map', 'cxr=scan', '--out', 'p.yaml'], {cwd: dir})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('cxr: 1 column, image file paths, the 5 images looked for were not found next to sample.csv or here; give the shape')
    const p = parse(readFileSync(join(dir, 'p.yaml'), 'utf8'))
    expect(p.modalities.map((m: {name: string; type: string}) => `${m.name}:${m.type}`)).toEqual(['vitals:tabular', 'cxr:image'])
    expect(p.modalities[1].shape).toEqual([224, 224, 3])
  })

  it('reads height, width and channels from PNG, JPEG, GIF and BMP headers', () => {
    expect(imageShapeFromHeader(png(7, 5, 0))).toEqual([5, 7, 1])
    expect(imageShapeFromHeader(png(7, 5, 2))).toEqual([5, 7, 3])
    expect(imageShapeFromHeader(png(7, 5, 6))).toEqual([5, 7, 4])
    expect(imageShapeFromHeader(jpg(40, 30))).toEqual([30, 40, 3])
    const gif = Buffer.from('GIF89a\x0a\x00\x06\x00', 'latin1')
    expect(imageShapeFromHeader(gif)).toEqual([6, 10, 3])
    const bmp = Buffer.alloc(54)
    bmp.write('BM', 0, 'latin1')
    bmp.writeInt32LE(12, 18)
    bmp.writeInt32LE(-9, 22)
    bmp.writeUInt16LE(24, 28)
    expect(imageShapeFromHeader(bmp)).toEqual([9, 12, 3])
    expect(imageShapeFromHeader(Buffer.from('not an image'))).toBeUndefined()
  })

  it('a column is image paths when most sampled values are image file names', () => {
    expect(looksLikeImagePaths(['a/1.png', 'b/2.JPG', 'c/3.jpeg', 'd/4.dcm'])).toBe(true)
    expect(looksLikeImagePaths(['1', '2', 'a.png'])).toBe(false)
    expect(looksLikeImagePaths([])).toBe(false)
  })
})
