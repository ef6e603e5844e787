// PNG and JPEG files for image modalities, decoded and encoded in plain JavaScript (jpeg-js,
// pngjs): nothing native to download. Loaded on first use, so projects without images never do.
//
// Image paths come from data files and requests, which anyone may have written, so a path is read
// only when
//   - it resolves, links followed, inside an allowed folder: the data file's folder, or the folders
//     listed in FUSEPLAN_DATA_ROOT (separated like PATH);
//   - it is a regular file (never a FIFO, a device or a folder) of at most MAX_IMAGE_BYTES;
//   - its header says PNG or JPEG, complete, of at most FUSEPLAN_MAX_PIXELS pixels (default 50
//     million). The header is read before decoding: a 20000x20000 image of a few kB is refused
//     without allocating its 1.6 GB of pixels.
import {closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats} from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {DataError} from './errors.js'

interface Rgba {
  width: number
  height: number
  /** width * height * 4 bytes, row-major. */
  data: Uint8Array
}
interface JpegJs {
  decode(data: Uint8Array, opts: {useTArray: true; formatAsRGBA: true; maxMemoryUsageInMB?: number; maxResolutionInMP?: number}): Rgba
  encode(image: Rgba, quality: number): {data: Uint8Array}
}
interface PngJs {
  PNG: {sync: {read(data: Uint8Array): Rgba}}
}

const require = createRequire(import.meta.url)
let jpeg: JpegJs | undefined
let png: PngJs | undefined

/** Largest image file read, in bytes (a 50-megapixel 16-bit RGBA PNG stored raw is 400 MB; real ones are far smaller). */
export const MAX_IMAGE_BYTES = 256 * 1024 * 1024
export const DEFAULT_MAX_PIXELS = 50_000_000

/** Where images may be read from, and how large they may be. */
export interface ImageAccess {
  /** The folders an image must resolve into: as given, and their real path (links resolved). */
  roots: {given: string; real: string}[]
  /** How the folders were chosen, for messages. */
  rootsFrom: string
  maxPixels: number
}

/** What the header of an image file says. */
export interface ImageInfo {
  format: 'PNG' | 'JPEG'
  width: number
  height: number
  /** Colour channels: 1 for grey, 3 for colour (alpha is not counted). */
  channels: 1 | 3
}

const real = (p: string) => {
  try {
    return realpathSync(p)
  } catch {
    return path.resolve(p)
  }
}

/**
 * The allowed folders for images named in a data file in `baseDir`: that folder, or those of
 * FUSEPLAN_DATA_ROOT; the pixel limit from FUSEPLAN_MAX_PIXELS.
 */
export function imageAccess(baseDir: string, env: Record<string, string | undefined> = process.env): ImageAccess {
  const listed = (env.FUSEPLAN_DATA_ROOT ?? '').split(path.delimiter).filter((p) => p !== '')
  const roots = (listed.length > 0 ? listed : [baseDir]).map((p) => ({given: path.resolve(p), real: real(p)}))
  const names = roots.map((r) => r.given).join(path.delimiter)
  const rootsFrom = listed.length > 0 ? `the folders of FUSEPLAN_DATA_ROOT (${names})` : `the data file's folder (${names})`
  let maxPixels = DEFAULT_MAX_PIXELS
  if (env.FUSEPLAN_MAX_PIXELS !== undefined && env.FUSEPLAN_MAX_PIXELS !== '') {
    maxPixels = Number(env.FUSEPLAN_MAX_PIXELS)
    if (!Number.isSafeInteger(maxPixels) || maxPixels < 1)
      throw new DataError(`FUSEPLAN_MAX_PIXELS must be a positive whole number of pixels, not ${JSON.stringify(env.FUSEPLAN_MAX_PIXELS.slice(0, 40))}`)
  }
  return {roots, rootsFrom, maxPixels}
}

const inside = (p: string, root: string) => {
  const rel = path.relative(root, p)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)
}

function fileKind(st: Stats): string | undefined {
  if (st.isFile()) return undefined
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a named pipe (FIFO)'
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/** Reads the bytes of the image `ref` (relative to `baseDir`) under the rules of `access`. Messages follow the image's name. */
export function readImageBytes(ref: string, baseDir: string, access: ImageAccess): Buffer {
  if (ref.length === 0 || ref.length > 4096 || ref.includes('\0')) throw new DataError('is not a usable file path', 'image not found')
  const wanted = path.resolve(baseDir, ref)
  const allowed = `images are read only inside ${access.rootsFrom}; FUSEPLAN_DATA_ROOT allows other folders`
  // A path that leaves the folders is refused before it is looked up: the answer must not depend on
  // what exists outside. Names under the data file's folder are looked up (their real path decides).
  if (!inside(wanted, path.resolve(baseDir)) && !access.roots.some((r) => inside(wanted, r.given) || inside(wanted, r.real))) {
    throw new DataError(`is outside the allowed folder: ${allowed}`, 'image outside the data folder')
  }
  let file: string
  try {
    file = realpathSync(wanted)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EACCES') throw new DataError('cannot be read: permission denied', 'unreadable image')
    if (code === 'ELOOP') throw new DataError('is a loop of symbolic links', 'image not found')
    throw new DataError(`not found (looked for ${wanted})`, 'image not found')
  }
  if (!access.roots.some((r) => inside(file, r.real))) throw new DataError(`is a link to ${file}, outside the allowed folder: ${allowed}`, 'image outside the data folder')
  let kind: string | undefined
  try {
    kind = fileKind(statSync(file))
  } catch {
    throw new DataError('cannot be read', 'unreadable image')
  }
  if (kind) throw new DataError(`is ${kind}, not an image file`, 'image not a regular file')
  let fd: number
  try {
    // Non-blocking, so that a FIFO swapped in after the check cannot hang the open; no link followed.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new DataError(code === 'EACCES' ? 'cannot be read: permission denied' : `cannot be opened (${code ?? 'error'})`, 'unreadable image')
  }
  try {
    const st = fstatSync(fd)
    const swapped = fileKind(st)
    if (swapped) throw new DataError(`is ${swapped}, not an image file`, 'image not a regular file')
    if (st.size === 0) throw new DataError('is empty (0 bytes)', 'truncated image')
    if (st.size > MAX_IMAGE_BYTES) throw new DataError(`is ${(st.size / 2 ** 20).toFixed(0)} MB, over the ${MAX_IMAGE_BYTES / 2 ** 20} MB limit for an image file`, 'image too large')
    const bytes = Buffer.alloc(st.size)
    let read = 0
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read)
      if (n === 0) break
      read += n
    }
    return read === bytes.length ? bytes : bytes.subarray(0, read)
  } finally {
    closeSync(fd)
  }
}

const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to))
const u16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1]
const u32 = (b: Uint8Array, o: number) => ((b[o] << 24) >>> 0) + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3])

/** What a file that is neither PNG nor JPEG looks like, to say what to do with it. */
function otherFormat(b: Uint8Array): string {
  const head = ascii(b, 0, 12)
  if (head.startsWith('GIF8')) return 'it is a GIF image'
  if (head.startsWith('BM')) return 'it is a BMP image'
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'it is a WebP image'
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'it is a TIFF image'
  if (head.slice(4, 8) === 'ftyp') return 'it is a HEIC/AVIF image'
  if (head.startsWith('%PDF')) return 'it is a PDF document'
  if (b[0] === 0x89 && head.slice(1, 4) === 'PNG') return 'its PNG signature is damaged'
  return 'it starts with neither signature'
}

function pngInfo(b: Uint8Array): ImageInfo {
  const truncated = (where: string) => new DataError(`is a truncated PNG: the file ends after ${b.length} bytes, ${where}`, 'truncated image')
  if (b.length < 33) throw truncated('inside its header')
  if (ascii(b, 12, 16) !== 'IHDR') throw new DataError('is a damaged PNG: its header (IHDR) is missing', 'corrupt image')
  const width = u32(b, 16)
  const height = u32(b, 20)
  if (width === 0 || height === 0) throw new DataError(`is a damaged PNG: its header says ${width}x${height} pixels`, 'corrupt image')
  // Chunks are walked (not decoded) to find the end marker: a truncated file is named as such.
  let o = 8
  for (;;) {
    if (o + 8 > b.length) throw truncated(o === b.length ? 'before its end marker (IEND)' : 'inside a chunk header')
    const type = ascii(b, o + 4, o + 8)
    const end = o + 12 + u32(b, o)
    if (end > b.length) throw truncated(`inside its ${type.replace(/[^A-Za-z]/g, '?')} chunk`)
    if (type === 'IEND') break
    o = end
  }
  const colour = b[25]
  return {format: 'PNG', width, height, channels: colour === 0 || colour === 4 ? 1 : 3}
}

// Frame headers: baseline, extended, progressive (decoded by jpeg-js), lossless and arithmetic (not).
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf])

function jpegInfo(b: Uint8Array): ImageInfo {
  const truncated = (where: string) => new DataError(`is a truncated JPEG: the file ends after ${b.length} bytes, ${where}`, 'truncated image')
  const damaged = (what: string) => new DataError(`is a damaged JPEG: ${what}`, 'corrupt image')
  let o = 2
  let info: ImageInfo | undefined
  let frame = 0
  let scan = -1
  while (scan < 0) {
    if (o + 2 > b.length) throw truncated(info ? 'before its image data' : 'before its frame header')
    if (b[o] !== 0xff) throw damaged(`no marker at byte ${o}`)
    const marker = b[o + 1]
    o += 2
    if (marker === 0xff) {
      o -= 1 // fill byte
      continue
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue
    if (marker === 0xd9) throw damaged('it ends before any image data')
    if (o + 2 > b.length) throw truncated('inside a segment header')
    const length = u16(b, o)
    if (length < 2) throw damaged(`a segment of length ${length} at byte ${o}`)
    if (o + length > b.length) throw truncated('inside a header segment')
    if (SOF.has(marker)) {
      if (length < 8) throw damaged('its frame header is too short')
      frame = marker
      info = {format: 'JPEG', height: u16(b, o + 3), width: u16(b, o + 5), channels: b[o + 7] === 1 ? 1 : 3}
    }
    if (marker === 0xda) scan = o
    o += length
  }
  if (!info) throw damaged('it has no frame header')
  if (info.width === 0 || info.height === 0)
    throw new DataError(
      `is a JPEG whose header says ${info.width}x${info.height} pixels (height set later in the file), which this project does not read: re-save it as an ordinary JPEG`,
      'unsupported image',
    )
  if (frame !== 0xc0 && frame !== 0xc1 && frame !== 0xc2)
    throw new DataError('is a lossless or arithmetic-coded JPEG, which the decoder does not read: re-save it as an ordinary JPEG', 'unsupported image')
  // The end marker FF D9 cannot occur inside entropy-coded data (FF is stuffed there), so its absence means truncation.
  let end = false
  for (let i = b.length - 2; i >= scan && !end; i--) end = b[i] === 0xff && b[i + 1] === 0xd9
  if (!end) throw truncated('inside its image data (no end marker)')
  return info
}

/** Reads the header of PNG or JPEG bytes; throws a DataError saying why the file cannot be an image. */
export function imageInfo(bytes: Uint8Array): ImageInfo {
  if (bytes[0] === 0x89 && ascii(bytes, 1, 8) === 'PNG\r\n\x1a\n') return pngInfo(bytes)
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return jpegInfo(bytes)
  if (bytes[0] === 0xff && bytes[1] === 0xd8) throw new DataError(`is a truncated JPEG: the file ends after ${bytes.length} bytes, inside its header`, 'truncated image')
  throw new DataError(`is not a PNG or JPEG file (${otherFormat(bytes)}): convert it to PNG or JPEG`, 'image not PNG or JPEG')
}

/** Decodes checked bytes (see imageInfo) to RGBA, refusing images over `maxPixels` before decoding. */
export function decodeBytes(bytes: Uint8Array, info: ImageInfo, maxPixels: number): Rgba {
  const pixels = info.width * info.height
  if (pixels > maxPixels) {
    throw new DataError(
      `is ${info.width}x${info.height} pixels (${(pixels / 1e6).toFixed(1)} megapixels), over the limit of ${(maxPixels / 1e6).toFixed(1)} megapixels: refused without decoding (FUSEPLAN_MAX_PIXELS raises the limit)`,
      'image too large',
    )
  }
  try {
    if (info.format === 'PNG') {
      png ??= require('pngjs') as PngJs
      const img = png.PNG.sync.read(bytes)
      return {width: img.width, height: img.height, data: new Uint8Array(img.data)}
    }
    jpeg ??= require('jpeg-js') as JpegJs
    // jpeg-js's own limits, set from ours: ours already held, these only back them up.
    return jpeg.decode(bytes, {useTArray: true, formatAsRGBA: true, maxResolutionInMP: Math.ceil(maxPixels / 1e6), maxMemoryUsageInMB: Math.max(512, Math.ceil((maxPixels * 12) / 2 ** 20))})
  } catch (error) {
    const detail = String((error as Error)?.message ?? error)
      .replace(/[^\x20-\x7e]/g, '?')
      .slice(0, 120)
    const why = /crc/i.test(detail) ? 'a checksum does not match' : 'its image data cannot be decoded'
    throw new DataError(`is a damaged ${info.format}: ${why} (decoder: ${detail})`, 'corrupt image')
  }
}

/** Reads, checks and decodes the image `ref` relative to `baseDir` (see the rules at the top). */
export function readImage(ref: string, baseDir: string, access: ImageAccess): {image: Rgba; info: ImageInfo} {
  const bytes = readImageBytes(ref, baseDir, access)
  const info = imageInfo(bytes)
  return {image: decodeBytes(bytes, info, access.maxPixels), info}
}

/**
 * RGBA pixels -> [h, w, C] floats 0..255, area-averaged (any size to any size); grey is the mean
 * of R, G and B, a fourth channel is alpha.
 */
export function resizeRgba(img: Rgba, channels: number, h: number, w: number, out: Float32Array, offset: number): void {
  const H = img.height
  const W = img.width
  const d = img.data
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * H) / h)
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * H) / h))
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * W) / w)
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * W) / w))
      const area = (y1 - y0) * (x1 - x0)
      for (let c = 0; c < channels; c++) {
        let sum = 0
        for (let yy = y0; yy < y1; yy++) {
          for (let xx = x0; xx < x1; xx++) {
            const p = (yy * W + xx) * 4
            sum += channels === 1 ? (d[p] + d[p + 1] + d[p + 2]) / 3 : d[p + Math.min(c, 3)]
          }
        }
        out[offset + (y * w + x) * channels + c] = sum / area
      }
    }
  }
}

/** An image [h, w, C] of values on a 0..255 scale, as JPEG bytes (grey images as grey RGB). */
export function encodeJpeg(values: ArrayLike<number>, offset: number, h: number, w: number, channels: number, quality = 85): Uint8Array {
  jpeg ??= require('jpeg-js') as JpegJs
  const data = new Uint8Array(h * w * 4)
  for (let p = 0; p < h * w; p++) {
    for (let c = 0; c < 3; c++) {
      const v = values[offset + p * channels + (channels === 1 ? 0 : Math.min(c, channels - 1))]
      data[p * 4 + c] = Math.max(0, Math.min(255, Math.round(v)))
    }
    data[p * 4 + 3] = 255
  }
  return jpeg.encode({width: w, height: h, data}, quality).data
}
