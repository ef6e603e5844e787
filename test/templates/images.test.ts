// The generated project reads image paths from data files and requests that anyone may have
// written: only inside the data file's folder (real paths), only regular files, only PNG or JPEG
// whose header fits the pixel limit; a file that cannot be read says why and names its line; train
// and evaluate skip such samples and count them. No tfjs here.
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {deflateSync} from 'node:zlib'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'
import type {ModalityConfig, TrainingConfig} from '../../templates/project/src/config.js'
import {DataError} from '../../dist/templates/project/src/data/errors.js'
import {decodeBytes, encodeJpeg, imageAccess, imageInfo, readImage} from '../../dist/templates/project/src/data/images.js'
import {fileLines, parseJsonl, readJsonl} from '../../dist/templates/project/src/data/loader.js'
import {reportLoaded} from '../../dist/templates/project/src/scripts/common.js'
import {tinyConfig} from './fixtures.js'

const require = createRequire(import.meta.url)
const {PNG} = require('pngjs') as {PNG: {sync: {write(p: {width: number; height: number; data: Buffer}, o?: {colorType?: number}): Buffer}}}

const tmp = mkdtempSync(path.join(tmpdir(), 'fuseplan-images-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const data = path.join(tmp, 'data')
const outside = path.join(tmp, 'outside')
mkdirSync(path.join(data, 'images'), {recursive: true})
mkdirSync(outside)

/** An RGBA PNG of w x h pixels, all of one grey level (or colour when `rgb`). */
function png(w: number, h: number, value = 100, rgb?: [number, number, number]): Buffer {
  const rgba = Buffer.alloc(w * h * 4)
  for (let p = 0; p < w * h; p++) {
    rgba.set(rgb ?? [value, value, value], p * 4)
    rgba[p * 4 + 3] = 255
  }
  return PNG.sync.write({width: w, height: h, data: rgba}, {colorType: rgb ? 6 : 0})
}

const crcTable = Array.from({length: 256}, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(b: Buffer): number {
  let c = 0xffffffff
  for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, crc])
}

/** A well-formed PNG whose header claims w x h pixels, with a few kB of image data: a decompression bomb. */
function hugePng(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(w, 0)
  ihdr.writeUInt32BE(h, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(200_000))), chunk('IEND', Buffer.alloc(0))])
}

/** A structurally complete baseline JPEG whose frame header claims w x h pixels. */
function hugeJpeg(w: number, h: number): Buffer {
  const sof = [0xff, 0xc0, 0, 17, 8, h >> 8, h & 0xff, w >> 8, w & 0xff, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]
  const sos = [0xff, 0xda, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]
  return Buffer.from([0xff, 0xd8, ...sof, ...sos, ...new Array<number>(3000).fill(0x55), 0xff, 0xd9])
}

function config(): TrainingConfig {
  const base = tinyConfig('intermediate')
  const image = (name: string, shape: number[]): ModalityConfig => ({
    ...base.modalities[1],
    name,
    type: 'image',
    inputShape: shape,
    inputSize: shape.reduce((a, b) => a * b, 1),
    encoder: {kind: 'conv2d', embedding: 8, resize: [4, 4]},
  })
  return {...base, modalities: [base.modalities[0], image('cxr', [8, 8, 1]), image('photo', [8, 8, 3])]}
}

const read = (ref: string, env: Record<string, string> = {}) => readImage(ref, data, imageAccess(data, env))
/** The DataError message reading `ref` throws (the test fails when it does not throw one). */
function refusal(ref: string, env: Record<string, string> = {}): string {
  try {
    read(ref, env)
  } catch (error) {
    expect(error).toBeInstanceOf(DataError)
    return (error as Error).message
  }
  throw new Error(`${ref} was read`)
}

writeFileSync(path.join(data, 'images', 'ok.png'), png(8, 8))
writeFileSync(path.join(outside, 'secret.png'), png(8, 8, 7))

describe('image paths stay inside the data folder', () => {
  it('reads an image inside it, also through a link that stays inside', () => {
    expect(read('images/ok.png').info).toEqual({format: 'PNG', width: 8, height: 8, channels: 1})
    symlinkSync(path.join(data, 'images', 'ok.png'), path.join(data, 'inner-link.png'))
    expect(read('inner-link.png').image.width).toBe(8)
  })

  it('refuses ../, absolute paths and links that leave it, whether or not the target exists', () => {
    expect(refusal('../outside/secret.png')).toMatch(/^is outside the allowed folder: images are read only inside the data file's folder \(.*data\); FUSEPLAN_DATA_ROOT allows other folders$/)
    expect(refusal('images/../../outside/secret.png')).toMatch(/is outside the allowed folder/)
    expect(refusal(path.join(outside, 'secret.png'))).toMatch(/is outside the allowed folder/)
    expect(refusal('/etc/passwd')).toMatch(/is outside the allowed folder/)
    expect(refusal('../does-not-exist.png')).toMatch(/is outside the allowed folder/)
    symlinkSync(path.join(outside, 'secret.png'), path.join(data, 'images', 'link-out.png'))
    expect(refusal('images/link-out.png')).toMatch(/^is a link to .*outside[/\\]secret\.png, outside the allowed folder/)
    symlinkSync(outside, path.join(data, 'dir-out'))
    expect(refusal('dir-out/secret.png')).toMatch(/is a link to .*secret\.png, outside the allowed folder/)
    symlinkSync('/dev/zero', path.join(data, 'zero.png'))
    expect(refusal('zero.png')).toMatch(/is a link to \/dev\/zero, outside the allowed folder/)
  })

  it('reads another folder when FUSEPLAN_DATA_ROOT names it, and then only the folders it names', () => {
    expect(imageAccess(data, {}).roots.map((r) => r.given)).toEqual([data])
    const env = {FUSEPLAN_DATA_ROOT: [outside, path.join(tmp, 'elsewhere')].join(path.delimiter)}
    expect(read('images/link-out.png', env).info.width).toBe(8)
    expect(read(path.join(outside, 'secret.png'), env).info.width).toBe(8)
    expect(refusal('images/ok.png', env)).toMatch(/outside the allowed folder: images are read only inside the folders of FUSEPLAN_DATA_ROOT/)
  })

  it('refuses a FIFO, a folder and a missing file with the reason, without blocking', {timeout: 10_000}, () => {
    expect(spawnSync('mkfifo', [path.join(data, 'images', 'pipe.png')]).status).toBe(0)
    expect(refusal('images/pipe.png')).toBe('is a named pipe (FIFO), not an image file')
    expect(refusal('images')).toBe('is a folder, not an image file')
    expect(refusal('images/none.png')).toMatch(/^not found \(looked for .*images[/\\]none\.png\)$/)
    // The data file itself: a FIFO named as data is refused, not waited on.
    expect(() => [...fileLines(path.join(data, 'images', 'pipe.png'))]).toThrow(/pipe\.png is a named pipe \(FIFO\), not a data file/)
  })
})

describe('image files: the header is read and checked before decoding', () => {
  it('refuses a 20000x20000 PNG and JPEG of a few kB from the header, without decoding', () => {
    const bombs = {'bomb.png': hugePng(20000, 20000), 'bomb.jpg': hugeJpeg(20000, 20000)}
    for (const [name, bytes] of Object.entries(bombs)) {
      expect(bytes.length).toBeLessThan(10_000)
      writeFileSync(path.join(data, name), bytes)
      expect(refusal(name)).toBe('is 20000x20000 pixels (400.0 megapixels), over the limit of 50.0 megapixels: refused without decoding (FUSEPLAN_MAX_PIXELS raises the limit)')
    }
    // The limit is the user's: a 10x10 image over a 50-pixel limit is refused the same way.
    writeFileSync(path.join(data, 'ten.png'), png(10, 10))
    expect(refusal('ten.png', {FUSEPLAN_MAX_PIXELS: '50'})).toMatch(/^is 10x10 pixels .* over the limit/)
    expect(() => imageAccess(data, {FUSEPLAN_MAX_PIXELS: 'lots'})).toThrow(/FUSEPLAN_MAX_PIXELS must be a positive whole number/)
  })

  it('says why a file is not a usable image: truncated, damaged, another format, empty', () => {
    const good = png(16, 16, 0, [10, 200, 30])
    const noise = Float32Array.from({length: 32 * 32 * 3}, (_, i) => (i * 7919) % 256)
    const jpeg = Buffer.from(encodeJpeg(noise, 0, 32, 32, 3))
    const damaged = Buffer.from(good)
    damaged[damaged.length - 20] ^= 0xff // inside the compressed pixels
    const cases: [string, Buffer, RegExp][] = [
      ['half.png', good.subarray(0, Math.floor(good.length / 2)), /^is a truncated PNG: the file ends after \d+ bytes, inside its IDAT chunk$/],
      ['no-end.png', good.subarray(0, good.length - 12), /^is a truncated PNG: the file ends after \d+ bytes, before its end marker \(IEND\)$/],
      ['half.jpg', jpeg.subarray(0, Math.floor(jpeg.length / 2)), /^is a truncated JPEG: the file ends after \d+ bytes, inside its image data \(no end marker\)$/],
      ['head.jpg', jpeg.subarray(0, 30), /^is a truncated JPEG: the file ends after 30 bytes, /],
      ['damaged.png', damaged, /^is a damaged PNG: its image data cannot be decoded \(decoder: /],
      ['anim.gif', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), /^is not a PNG or JPEG file \(it is a GIF image\): convert it to PNG or JPEG$/],
      ['notes.png', Buffer.from('hello, I am text'), /^is not a PNG or JPEG file \(it starts with neither signature\)/],
      ['empty.png', Buffer.alloc(0), /^is empty \(0 bytes\)$/],
    ]
    for (const [name, bytes, message] of cases) {
      writeFileSync(path.join(data, name), bytes)
      expect(refusal(name), name).toMatch(message)
    }
    writeFileSync(path.join(data, 'full.jpg'), jpeg)
    expect(read('full.jpg').info).toEqual({format: 'JPEG', width: 32, height: 32, channels: 3})
  })

  it('any bytes, and any cut or damaged PNG or JPEG, give an image or a DataError, never another error', () => {
    const samples = [png(6, 5, 0, [1, 2, 3]), Buffer.from(encodeJpeg(new Float32Array(6 * 5).fill(40), 0, 5, 6, 1))]
    const arbitrary = fc.uint8Array({maxLength: 200}).map((b) => Buffer.from(b))
    const mangled = fc.tuple(fc.constantFrom(...samples), fc.nat(), fc.array(fc.tuple(fc.nat(), fc.integer({min: 0, max: 255})), {maxLength: 4})).map(([bytes, cut, flips]) => {
      const b = Buffer.from(bytes.subarray(0, bytes.length - (cut % 8 === 0 ? cut % bytes.length : 0)))
      for (const [at, v] of flips) if (b.length > 0) b[at % b.length] = v
      return b
    })
    fc.assert(
      fc.property(fc.oneof(arbitrary, mangled), (bytes) => {
        try {
          const info = imageInfo(bytes)
          const image = decodeBytes(bytes, info, 1e6)
          expect(image.data.length).toBe(image.width * image.height * 4)
        } catch (error) {
          expect(error).toBeInstanceOf(DataError)
        }
      }),
      {numRuns: 300},
    )
  })
})

describe('data files: bad samples named by line, skipped and counted by train and evaluate', () => {
  const ehr = Array.from({length: 12}, (_, i) => i)
  writeFileSync(path.join(data, 'images', 'tiny.png'), png(1, 1))
  writeFileSync(path.join(data, 'images', 'wide.png'), png(16, 8, 50, [50, 60, 70]))
  writeFileSync(path.join(data, 'images', 'half.png'), png(8, 8).subarray(0, 40))
  const line = (inputs: Record<string, unknown>, label = 1) => JSON.stringify({label, inputs: {ehr, ...inputs}})
  const text = [
    line({cxr: 'images/ok.png'}),
    line({cxr: 'images/missing.png'}),
    '{"label": 1, "inputs": ',
    line({cxr: 'images/tiny.png', photo: 'images/wide.png'}, 0),
    '# a comment',
    line({cxr: 'images/half.png'}),
    line({cxr: '../outside/secret.png'}),
    line({cxr: null}, 0),
    line({photo: 'images/missing.png', cxr: 'images/ok.png'}),
  ].join('\n')

  it('the strict reader stops at the first bad sample with its file:line and the reason', () => {
    expect(() => parseJsonl(config(), text, path.join(data, 'train.jsonl'))).toThrow(/train\.jsonl:2: modality cxr: image "images\/missing\.png" not found \(looked for /)
  })

  it('skipBad keeps the usable samples with their lines, and lists the others with theirs', () => {
    const loaded = readJsonl(config(), path.join(data, 'train.jsonl'), text, {skipBad: true})
    expect(loaded.data.n).toBe(3)
    expect(loaded.lines).toEqual([1, 4, 8])
    expect(loaded.total).toBe(8)
    expect(Array.from(loaded.data.labels)).toEqual([1, 0, 0])
    expect(Array.from(loaded.data.modalities.cxr.present)).toEqual([1, 1, 0])
    // A sample refused half-way (cxr read, photo missing: line 9) leaves nothing behind.
    expect(Array.from(loaded.data.modalities.cxr.values.subarray(16, 32))).toEqual(new Array(16).fill(100))
    expect(loaded.skipped.listed.map((p) => [p.line, p.kind])).toEqual([
      [2, 'image not found'],
      [3, 'not valid JSON'],
      [6, 'truncated image'],
      [7, 'image outside the data folder'],
      [9, 'image not found'],
    ])
    expect(loaded.skipped.listed[0].where).toMatch(/train\.jsonl:2$/)
    expect(loaded.warnings.listed.map((w) => [w.line, w.text])).toEqual([
      [4, 'modality cxr: image "images/tiny.png" is 1x1 grey, smaller than the 4x4 the model reads: enlarging it adds no detail'],
      [4, 'modality photo: image "images/wide.png" is 16x8 colour, its aspect ratio (width/height 2.00) is not that of inputShape (1.00): resizing stretches it'],
    ])
  })

  it('warns about colour where the config is grey, and grey where it is colour', () => {
    writeFileSync(path.join(data, 'images', 'rgb.png'), png(8, 8, 0, [200, 10, 10]))
    const loaded = readJsonl(config(), path.join(data, 'x.jsonl'), line({cxr: 'images/rgb.png', photo: 'images/ok.png'}), {skipBad: true})
    expect(loaded.warnings.listed.map((w) => w.text)).toEqual([
      'modality cxr: image "images/rgb.png" is 8x8 colour, in colour where inputShape [8, 8, 1] is grey',
      'modality photo: image "images/ok.png" is 8x8 grey, grey where inputShape [8, 8, 3] has 3 channels',
    ])
  })

  it('train and evaluate print each skipped sample, then how many per reason and how many are used', () => {
    const loaded = readJsonl(config(), 'data/train.jsonl', text, {skipBad: true, baseDir: data})
    const out: string[] = []
    reportLoaded(loaded, 'data/train.jsonl', (l) => out.push(l))
    expect(out.filter((l) => / skipped: /.test(l)).map((l) => l.split(': modality')[0].split(': not')[0])).toEqual([
      'data/train.jsonl:2: skipped',
      'data/train.jsonl:3: skipped',
      'data/train.jsonl:6: skipped',
      'data/train.jsonl:7: skipped',
      'data/train.jsonl:9: skipped',
    ])
    expect(out.slice(-6)).toEqual([
      'warning: skipped 5 of 8 samples in data/train.jsonl; using the other 3:',
      '  2 image not found (lines 2, 9)',
      '  1 not valid JSON (line 3)',
      '  1 truncated image (line 6)',
      '  1 image outside the data folder (line 7)',
      'warning: that is 63% of data/train.jsonl: fix the data before trusting the result',
    ])
    expect(out).toContain('warning: 2 images in data/train.jsonl differ from their configured shape by more than resizing explains: check that they are what the model expects')
  })

  it('prints paths from the data with their control characters escaped, on one line', () => {
    const hostile = 'images/\u001b[2J\u202egnp.exe\nerror: forged.png'
    const loaded = readJsonl(config(), 'h.jsonl', line({cxr: hostile}), {skipBad: true, baseDir: data})
    const out: string[] = []
    reportLoaded(loaded, 'h.jsonl', (l) => out.push(l))
    expect(out[0]).toMatch(
      /^h\.jsonl:1: skipped: modality cxr: image "images\/\\u001b\[2J\\u202egnp\.exe\\nerror: forged\.png" not found \(looked for .*images\/\\u001b\[2J\\u202egnp\.exe\\u000aerror: forged\.png\)$/,
    )
    for (const l of out) expect(l).not.toMatch(/[\u0000-\u001f\u202e]/)
  })

  it('counts every bad sample of a large file but lists a bounded number', () => {
    const bad = Array.from({length: 1500}, () => '{"label": 1, "inputs": {"ehr": [1]}}')
    const loaded = readJsonl(config(), 'big.jsonl', [line({}), ...bad].join('\n'), {skipBad: true})
    expect([loaded.data.n, loaded.skipped.count, loaded.skipped.listed.length]).toEqual([1, 1500, 1000])
    const out: string[] = []
    reportLoaded(loaded, 'big.jsonl', (l) => out.push(l))
    expect(out).toHaveLength(20 + 4)
    expect(out.slice(-4)).toEqual([
      '... and 1480 more',
      'warning: skipped 1500 of 1501 samples in big.jsonl; using the other 1:',
      '  1500 wrong number of values (lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 1490 more)',
      'warning: that is 100% of big.jsonl: fix the data before trusting the result',
    ])
  })

  it('reads a file in chunks: lines across chunk borders, CRLF, and a last line without a newline', () => {
    const file = path.join(data, 'big.jsonl')
    const rows = Array.from({length: 3000}, (_, i) => JSON.stringify({label: i % 2, inputs: {ehr: ehr.map((v) => v + i / 7)}}))
    writeFileSync(file, rows.join('\r\n'))
    const loaded = readJsonl(config(), file, undefined)
    expect(loaded.data.n).toBe(3000)
    expect(loaded.data.modalities.ehr.values[2999 * 12 + 1]).toBeCloseTo(1 + 2999 / 7, 4)
    expect(() => readJsonl(config(), path.join(data, 'nope.jsonl'), undefined)).toThrow(/nope\.jsonl: no such file/)
  })
})
