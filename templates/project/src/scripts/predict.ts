// npm run predict -- data/request.json   (or pipe the requests on stdin)
// A request is one JSON object in the data format, without a label; a batch is JSON Lines, one
// request per line:
//   {"inputs": {"ehr": [...], "cxr": null}}
// Any modality may be absent (null or missing); images may be PNG/JPEG paths (relative to the
// request file, on stdin to the current folder), sequences shorter than T. Prints one JSON line
// per request, in order:
//   {"prediction": 0.73, "modalitiesUsed": ["ehr"], "modalitiesAbsent": ["cxr", "genomics"]}
// A request that cannot be used does not stop the others: its line is {"line": 3, "error": "..."},
// the same `file:line: message` goes to stderr, and the exit code is 1.
import {closeSync, constants, fstatSync, openSync, readSync} from 'node:fs'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {loadModel} from '../model/index.js'
import {DataError, DatasetBuilder, checkSample} from '../data/loader.js'
import {MODEL_DIR, loadConfig, run, say} from './common.js'

/** Largest request text read: a batch of requests with images inline, not a data set. */
const MAX_REQUEST_BYTES = 256 * 1024 * 1024

/** The whole text of a request file, or of stdin for "-": bounded, and never from a FIFO or device named as a file. */
function readRequests(file: string | undefined): string {
  const stdin = file === undefined || file === '-'
  let fd: number
  if (stdin) fd = 0
  else {
    try {
      // Non-blocking: a FIFO named as the request file is refused below instead of waited on.
      fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new DataError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot be read (${code ?? 'error'})`)
    }
  }
  try {
    const st = fstatSync(fd)
    if (!stdin && !st.isFile())
      throw new DataError(`${file} is ${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe (FIFO)' : 'not a regular file'}: give a request file, or pipe the requests on stdin`)
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const chunk = Buffer.alloc(1 << 20)
      let n: number
      try {
        n = readSync(fd, chunk, 0, chunk.length, null)
      } catch (error) {
        // stdin can be non-blocking (a terminal or a pipe opened so): wait a little and read again.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10)
        continue
      }
      if (n === 0) break
      total += n
      if (total > MAX_REQUEST_BYTES) throw new DataError(`${stdin ? 'stdin' : file}: the requests are over ${MAX_REQUEST_BYTES / 2 ** 20} MB: split the batch`)
      chunks.push(chunk.subarray(0, n))
    }
    return Buffer.concat(chunks).toString('utf8')
  } finally {
    if (!stdin) closeSync(fd)
  }
}

/** Line (1-based) of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++
  return line
}

/** Lines where the elements of the top-level JSON array starting at `open` start (the text is valid JSON). */
function elementLines(text: string, open: number): number[] {
  const lines: number[] = []
  let line = lineAt(text, open)
  let depth = 0
  let inString = false
  let expect = false // an element may start at the next non-blank character
  for (let i = open; i < text.length; i++) {
    const ch = text[i]
    if (ch === '\n') line++ // never inside a string: JSON escapes its line breaks
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
      continue
    }
    if (depth === 1 && expect && !/\s/.test(ch) && ch !== ']') {
      lines.push(line)
      expect = false
    }
    if (ch === '"') inString = true
    else if (ch === '[' || ch === '{') depth++
    else if (ch === ']' || ch === '}') depth--
    if ((ch === ',' && depth === 1) || i === open) expect = true
  }
  return lines
}

interface Request {
  line: number
  /** Shown after the position when the request is an element of an array. */
  label: string
  value?: unknown
  error?: string
}

/**
 * The requests of a text with the line each starts on: one JSON document (an object, or an array
 * of them, pretty-printed or not), or JSON Lines. A line of JSON Lines that is not JSON is an
 * error of its own; the other lines are still requests.
 */
function splitRequests(text: string, where: string): Request[] {
  const start = text.search(/\S/)
  if (start < 0) throw new DataError(`${where}: no request (the input is empty)`)
  try {
    const whole = JSON.parse(text) as unknown
    if (!Array.isArray(whole)) return [{line: lineAt(text, start), label: '', value: whole}]
    const lines = elementLines(text, start)
    return whole.map((value, i) => ({line: lines[i] ?? lineAt(text, start), label: ` (request ${i + 1} of the array)`, value}))
  } catch (error) {
    const parsed: Request[] = text.split('\n').flatMap((raw, i): Request[] => {
      const t = raw.trim()
      if (t === '' || t.startsWith('#')) return []
      try {
        return [{line: i + 1, label: '', value: JSON.parse(t) as unknown}]
      } catch (lineError) {
        return [{line: i + 1, label: '', error: `not valid JSON (${(lineError as Error).message})`}]
      }
    })
    if (parsed.some((r) => typeof r.value === 'object' && r.value !== null && !Array.isArray(r.value))) return parsed
    // No line is a request on its own: one document over several lines, with a syntax error.
    const message = (error as Error).message
    const at = /position (\d+)/.exec(message)
    return [{line: lineAt(text, at ? Number(at[1]) : start), label: '', error: `not valid JSON (${message})`}]
  }
}

run(async () => {
  const {values, positionals} = parseArgs({options: {config: {type: 'string'}, model: {type: 'string', default: MODEL_DIR}}, allowPositionals: true})
  const config = loadConfig(values.config)
  const file = positionals[0]
  const stdin = file === undefined || file === '-'
  const where = stdin ? 'stdin' : file
  if (stdin && process.stdin.isTTY) process.stderr.write('reading requests from the terminal, one JSON object per line (Ctrl-D ends); or pass a file: npm run predict -- data/request.json\n')
  const requests = splitRequests(readRequests(file), where)
  // Image paths in a request file are relative to that file; on stdin, to the current folder.
  const builder = new DatasetBuilder(config, stdin ? '.' : path.dirname(file))
  const rows: (number | string)[] = [] // per request: its row in the batch, or its error
  for (const r of requests) {
    const at = `${where}:${r.line}${r.label}`
    try {
      if (r.error !== undefined) throw new DataError(`${at}: ${r.error}`)
      for (const w of builder.add(checkSample(config, r.value, at, false), at)) say(`${at}: warning: ${w}`)
      rows.push(builder.size - 1)
    } catch (error) {
      if (!(error instanceof DataError)) throw error
      say(error.message)
      rows.push(error.message)
    }
  }
  const data = builder.build()
  const model = data.n > 0 ? await loadModel(values.model) : undefined
  const out = model ? await model.predict(data) : new Float32Array(0)
  const names = config.modalities.map((m) => m.name)
  const C = config.task.type === 'multiclass' ? (config.task.classes ?? 2) : 1
  rows.forEach((row, k) => {
    if (typeof row === 'string') {
      console.log(JSON.stringify({line: requests[k].line, error: row}))
      return
    }
    const used = names.filter((n) => data.modalities[n].present[row] === 1)
    const missingRequired = config.modalities.filter((m) => m.required && !used.includes(m.name)).map((m) => m.name)
    const result: Record<string, unknown> = {}
    if (C > 1) {
      const probs = Array.from(out.subarray(row * C, (row + 1) * C))
      result.prediction = probs.indexOf(Math.max(...probs))
      result.probabilities = probs
    } else {
      result.prediction = out[row]
    }
    result.modalitiesUsed = used
    result.modalitiesAbsent = names.filter((n) => !used.includes(n))
    if (missingRequired.length > 0) result.warning = `required modality absent: ${missingRequired.join(', ')} (the deployment rejects such requests upstream)`
    console.log(JSON.stringify(result))
  })
  model?.dispose()
  const failed = rows.filter((r) => typeof r === 'string').length
  if (failed > 0) {
    if (requests.length > 1) process.stderr.write(`error: ${failed} of ${requests.length} requests could not be used (their lines above); the others were predicted\n`)
    process.exitCode = 1
  }
})
