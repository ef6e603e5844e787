// File writes that never leave a half-written file behind: write a temp file beside the target,
// then rename over it (atomic on the same filesystem).
import {mkdirSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, basename, join} from 'node:path'
import {withoutInterruption} from './signals.js'

export function writeFileAtomic(filePath: string, data: string | Uint8Array): void {
  withoutInterruption(() => writeFileAtomicNow(filePath, data))
}

function writeFileAtomicNow(filePath: string, data: string | Uint8Array): void {
  const dir = dirname(filePath)
  mkdirSync(dir, {recursive: true})
  const temp = join(dir, `.${basename(filePath)}.${process.pid}.${Date.now()}.tmp`)
  try {
    writeFileSync(temp, data)
    renameSync(temp, filePath)
  } catch (error) {
    rmSync(temp, {force: true})
    throw error
  }
}
