// `init --from-data`: a column of image file paths is an image modality, and its input shape is
// measured from the images it names (PNG, JPEG, GIF and BMP headers: height x width x channels),
// without decoding them. Only the first bytes of a few files are read.
import {closeSync, openSync, readSync} from 'node:fs'
import {dirname, isAbsolute, resolve} from 'node:path'

/** File names of images the header reader knows, and the other usual image extensions. */
export const IMAGE_PATH = /\.(png|jpe?g|gif|bmp|tiff?|webp|dcm)$/i

/** A column holds image references when most of its sampled values are image file names. */
export function looksLikeImagePaths(samples: readonly string[]): boolean {
  if (samples.length === 0) return false
  return samples.filter((s) => IMAGE_PATH.test(s.trim())).length >= Math.ceil(samples.length * 0.8)
}

/** Bytes read per file: enough for the header, and for a JPEG's frame marker after typical metadata. */
const HEAD_BYTES = 256 * 1024

/** Height, width and channels from an image file's header, or undefined when it is not one it knows. */
export function imageShapeFromHeader(b: Buffer): [number, number, number] | undefined {
  // PNG: the IHDR chunk; channels from the colour type.
  if (b.length >= 26 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') {
    const channels = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}[b[25]]
    return channels ? [b.readUInt32BE(20), b.readUInt32BE(16), channels] : undefined
  }
  // JPEG: the first start-of-frame marker (SOF0..SOF15 except DHT, JPG and DAC).
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined
      const marker = b[i + 1]
      if (marker === 0xff) {
        i++
        continue
      }
      const length = b.readUInt16BE(i + 2)
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return [b.readUInt16BE(i + 5), b.readUInt16BE(i + 7), b[i + 9]]
      i += 2 + length
    }
    return undefined
  }
  // GIF: logical screen size; palette images are RGB.
  if (b.length >= 10 && b.toString('latin1', 0, 3) === 'GIF') return [b.readUInt16LE(8), b.readUInt16LE(6), 3]
  // BMP: BITMAPINFOHEADER width, height (negative: top-down) and bits per pixel.
  if (b.length >= 30 && b.toString('latin1', 0, 2) === 'BM') {
    const bits = b.readUInt16LE(28)
    return [Math.abs(b.readInt32LE(22)), b.readInt32LE(18), bits === 32 ? 4 : bits === 8 ? 1 : 3]
  }
  return undefined
}

function readHead(file: string): Buffer | undefined {
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const buf = Buffer.alloc(HEAD_BYTES)
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0)
    return buf.subarray(0, n)
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

export interface MeasuredShape {
  /** The most common shape among the images read; undefined when none could be read. */
  shape?: [number, number, number]
  /** How many files were looked at, read, and how many had another shape. */
  checked: number
  read: number
  differing: number
}

/**
 * The input shape of an image column: headers of up to `limit` of its sampled paths, resolved
 * against the data file's folder (as a data loader beside it would), else the working directory.
 */
export function measureImageShape(dataFile: string, samples: readonly string[], limit = 5): MeasuredShape {
  const shapes: string[] = []
  const picked = samples.filter((s) => IMAGE_PATH.test(s.trim())).slice(0, limit)
  for (const sample of picked) {
    const path = sample.trim()
    const candidates = isAbsolute(path) ? [path] : [resolve(dirname(dataFile), path), resolve(path)]
    for (const file of candidates) {
      const head = readHead(file)
      const shape = head && imageShapeFromHeader(head)
      if (shape && shape.every((x) => Number.isInteger(x) && x > 0)) {
        shapes.push(shape.join('x'))
        break
      }
    }
  }
  if (shapes.length === 0) return {checked: picked.length, read: 0, differing: 0}
  const counts = new Map<string, number>()
  for (const s of shapes) counts.set(s, (counts.get(s) ?? 0) + 1)
  const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]
  return {shape: best.split('x').map(Number) as [number, number, number], checked: picked.length, read: shapes.length, differing: shapes.filter((s) => s !== best).length}
}
