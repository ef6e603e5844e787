// Shard files of `fuseplan evaluate --shard K/N` and their merge (`--merge DIR`).
//
// A shard file holds the run's frame, the backend and fuseplan version it ran with, and the results
// of its jobs (src/evaluate/jobs.ts). Merging checks that the files belong to one run (the same
// frame: profile, data, options), that every shard of 1..N is there once, and that they ran on one
// backend and one fuseplan version, then rebuilds the report from the frame and all the jobs.
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {readBoundedFile} from '../util/read.js'
import {decode, encode, type Frame, type JobResult} from './jobs.js'

export const SHARD_FORMAT = 'fuseplan-evaluate-shard'
export const SHARD_VERSION = 1
/** Largest shard file read (a job's result is a few hundred kB at most: its deployment scores). */
export const MAX_SHARD_BYTES = 512 * 1024 * 1024

export function shardFileName(index: number, count: number): string {
  return `shard-${index}-of-${count}.json`
}

const SHARD_NAME = /^shard-(\d+)-of-(\d+)\.json$/

export interface ShardContent {
  shard: {index: number; count: number}
  backend: string
  fuseplan: string
  frame: Frame
  results: JobResult[]
}

/** The JSON text of a shard file. */
export function shardText(content: ShardContent): string {
  return (
    JSON.stringify({
      format: SHARD_FORMAT,
      version: SHARD_VERSION,
      fuseplan: content.fuseplan,
      shard: content.shard,
      backend: content.backend,
      frame: encode(content.frame),
      results: content.results.map((r) => encode(r)),
    }) + '\n'
  )
}

export class ShardError extends Error {
  override name = 'ShardError'
}

/** Parses one shard file's text; `file` names it in errors. */
export function parseShard(text: string, file: string): ShardContent & {frameText: string} {
  let json: Record<string, unknown>
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch (error) {
    throw new ShardError(`${file}: not valid JSON (${(error as Error).message}); was it cut short?`)
  }
  if (json === null || typeof json !== 'object' || json.format !== SHARD_FORMAT) throw new ShardError(`${file}: not a shard file of fuseplan evaluate (no "format": "${SHARD_FORMAT}")`)
  if (json.version !== SHARD_VERSION) throw new ShardError(`${file}: shard format version ${String(json.version)}; this fuseplan reads version ${SHARD_VERSION}`)
  const shard = json.shard as {index?: unknown; count?: unknown} | undefined
  if (!shard || !Number.isInteger(shard.index) || !Number.isInteger(shard.count)) throw new ShardError(`${file}: no shard index and count`)
  if (!Array.isArray(json.results) || typeof json.frame !== 'object' || json.frame === null) throw new ShardError(`${file}: no frame or results`)
  return {
    shard: {index: shard.index as number, count: shard.count as number},
    backend: String(json.backend),
    fuseplan: String(json.fuseplan),
    frame: decode<Frame>(json.frame),
    frameText: JSON.stringify(json.frame),
    results: (json.results as unknown[]).map((r) => decode<JobResult>(r)),
  }
}

/**
 * Reads every shard-K-of-N.json in `dir` and checks they make one whole run. Throws ShardError
 * with a message that names the file at fault.
 */
export function readShards(dir: string): {frame: Frame; results: JobResult[]; backend: string; fuseplan: string; files: string[]} {
  let names: string[]
  try {
    if (!statSync(dir).isDirectory()) throw new ShardError(`${dir} is not a folder; --merge takes the folder the shards were written to`)
    names = readdirSync(dir)
      .filter((n) => SHARD_NAME.test(n))
      .sort((a, b) => Number(SHARD_NAME.exec(a)?.[1]) - Number(SHARD_NAME.exec(b)?.[1]))
  } catch (error) {
    if (error instanceof ShardError) throw error
    throw new ShardError(`${dir}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  }
  if (names.length === 0) throw new ShardError(`${dir}: no shard files (shard-K-of-N.json); write them with fuseplan evaluate --shard K/N --shard-dir ${dir}`)
  const shards = names.map((n) => {
    const file = join(dir, n)
    let text: string
    try {
      text = readBoundedFile(file, MAX_SHARD_BYTES).toString('utf8')
    } catch (error) {
      throw new ShardError(`${file}: cannot be read (${(error as Error).message})`)
    }
    const s = parseShard(text, file)
    const [, k, of] = SHARD_NAME.exec(n) as RegExpExecArray
    if (s.shard.index !== Number(k) || s.shard.count !== Number(of)) throw new ShardError(`${file}: holds shard ${s.shard.index}/${s.shard.count}, not the one its name says`)
    return {file, ...s}
  })
  const first = shards[0]
  for (const s of shards.slice(1)) {
    if (s.shard.count !== first.shard.count)
      throw new ShardError(`${s.file}: one of ${s.shard.count} shards, but ${first.file} is one of ${first.shard.count}: shards of different runs in one folder?`)
    if (s.frameText !== first.frameText) throw new ShardError(`${s.file}: from a different run than ${first.file} (the profile, the data or the options differ)`)
    if (s.backend !== first.backend) throw new ShardError(`${s.file}: trained on the ${s.backend} backend, ${first.file} on ${first.backend}: numbers from different backends are not merged`)
    if (s.fuseplan !== first.fuseplan) throw new ShardError(`${s.file}: written by fuseplan ${s.fuseplan}, ${first.file} by ${first.fuseplan}: run every shard with one version`)
  }
  const missing = Array.from({length: first.shard.count}, (_, i) => i + 1).filter((k) => !shards.some((s) => s.shard.index === k))
  if (missing.length > 0) throw new ShardError(`${dir}: shard${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${first.shard.count} missing`)
  return {frame: first.frame, results: shards.flatMap((s) => s.results), backend: first.backend, fuseplan: first.fuseplan, files: shards.map((s) => s.file)}
}
