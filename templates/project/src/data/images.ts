// PNG and JPEG files for image modalities, decoded and encoded in plain JavaScript (jpeg-js,
// pngjs): nothing native to download. Loaded on first use, so projects without images never do.
import {createRequire} from 'node:module'
import {readFileSync} from 'node:fs'
import {DataError} from './errors.js'

interface Rgba {
  width: number
  height: number
  /** width * height * 4 bytes, row-major. */
  data: Uint8Array
}
interface JpegJs {
  decode(data: Uint8Array, opts: {useTArray: true; formatAsRGBA: true; maxMemoryUsageInMB?: number}): Rgba
  encode(image: Rgba, quality: number): {data: Uint8Array}
}
interface PngJs {
  PNG: {sync: {read(data: Uint8Array): Rgba}}
}

const require = createRequire(import.meta.url)
let jpeg: JpegJs | undefined
let png: PngJs | undefined

/** Decodes a PNG or JPEG file (by its signature, not its name) to RGBA. */
export function decodeImage(file: string): Rgba {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(file)
  } catch {
    throw new DataError(`cannot read image ${file}`)
  }
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) {
      png ??= require('pngjs') as PngJs
      const img = png.PNG.sync.read(bytes)
      return {width: img.width, height: img.height, data: new Uint8Array(img.data)}
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      jpeg ??= require('jpeg-js') as JpegJs
      return jpeg.decode(bytes, {useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024})
    }
  } catch (error) {
    throw new DataError(`cannot decode image ${file}: ${(error as Error).message}`)
  }
  throw new DataError(`${file} is neither PNG nor JPEG`)
}

/** RGBA bytes -> C channels as floats 0..255 ([H, W, C]): grey is the mean of R, G and B. */
export function toChannels(img: Rgba, channels: number): Float32Array {
  const n = img.width * img.height
  const out = new Float32Array(n * channels)
  for (let p = 0; p < n; p++) {
    const r = img.data[p * 4]
    const g = img.data[p * 4 + 1]
    const b = img.data[p * 4 + 2]
    if (channels === 1) out[p] = (r + g + b) / 3
    else for (let c = 0; c < channels; c++) out[p * channels + c] = img.data[p * 4 + Math.min(c, 3)]
  }
  return out
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
