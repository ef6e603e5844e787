// npm run predict -- data/request.json   (or pipe the request on stdin)
// A request is one JSON object (or JSON Lines, one per line) in the data format, without a label:
//   {"inputs": {"ehr": [...], "cxr": null}}
// Any modality may be absent (null or missing); images may be PNG/JPEG paths, sequences shorter
// than T. Prints one JSON result per request:
//   {"prediction": 0.73, "modalitiesUsed": ["ehr"], "modalitiesAbsent": ["cxr", "genomics"]}
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {parseArgs} from 'node:util'
import {loadModel} from '../model/index.js'
import {checkSample, toDataset, type Sample} from '../data/loader.js'
import {MODEL_DIR, loadConfig, run} from './common.js'

run(async () => {
  const {values, positionals} = parseArgs({options: {config: {type: 'string'}, model: {type: 'string', default: MODEL_DIR}}, allowPositionals: true})
  const config = loadConfig(values.config)
  const file = positionals[0]
  const text = file && file !== '-' ? readFileSync(file, 'utf8') : readFileSync(0, 'utf8')
  const where = file ?? 'stdin'
  let docs: unknown[]
  try {
    const whole = JSON.parse(text) as unknown
    docs = Array.isArray(whole) ? whole : [whole]
  } catch {
    docs = text
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '')
      .map((l, i) => {
        try {
          return JSON.parse(l) as unknown
        } catch {
          throw new Error(`${where}:${i + 1}: not valid JSON`)
        }
      })
  }
  const samples: Sample[] = docs.map((d, i) => checkSample(config, d, `${where} request ${i + 1}`, false))
  // Image paths in a request file are relative to that file; on stdin, to the current folder.
  const data = toDataset(config, samples, (i) => `${where} request ${i + 1}`, file && file !== '-' ? path.dirname(file) : '.')
  const model = await loadModel(values.model)
  const out = await model.predict(data)
  const names = config.modalities.map((m) => m.name)
  const C = config.task.type === 'multiclass' ? (config.task.classes ?? 2) : 1
  for (let i = 0; i < data.n; i++) {
    const used = names.filter((n) => data.modalities[n].present[i] === 1)
    const missingRequired = config.modalities.filter((m) => m.required && !used.includes(m.name)).map((m) => m.name)
    const result: Record<string, unknown> = {}
    if (C > 1) {
      const probs = Array.from(out.subarray(i * C, (i + 1) * C))
      result.prediction = probs.indexOf(Math.max(...probs))
      result.probabilities = probs
    } else {
      result.prediction = out[i]
    }
    result.modalitiesUsed = used
    result.modalitiesAbsent = names.filter((n) => !used.includes(n))
    if (missingRequired.length > 0) result.warning = `required modality absent: ${missingRequired.join(', ')} (the deployment rejects such requests upstream)`
    console.log(JSON.stringify(result))
  }
  model.dispose()
})
