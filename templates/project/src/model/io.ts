// Save/load a tfjs LayersModel to a folder with our own file handler (pure @tensorflow/tfjs has no
// `file://` handler; tfjs-node's is not always installable): `model.json` (topology + weights
// manifest, the standard tfjs layout) and `weights.bin`.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import type * as TF from '@tensorflow/tfjs'
import type {Tf} from '../backend.js'

export const MODEL_JSON = 'model.json'
export const WEIGHTS_BIN = 'weights.bin'

function joinBuffers(data: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  if (!data) return new Uint8Array(0)
  const parts = Array.isArray(data) ? data : [data]
  const total = parts.reduce((a, p) => a + p.byteLength, 0)
  const out = new Uint8Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(new Uint8Array(p), offset)
    offset += p.byteLength
  }
  return out
}

export async function saveLayersModel(tf: Tf, model: TF.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, {recursive: true})
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = joinBuffers(artifacts.weightData)
      const json = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? []}],
      }
      writeFileSync(path.join(dir, MODEL_JSON), JSON.stringify(json) + '\n')
      writeFileSync(path.join(dir, WEIGHTS_BIN), weights)
      return {modelArtifactsInfo: {dateSaved: new Date(0), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength}}
    }),
  )
}

export async function loadLayersModel(tf: Tf, dir: string): Promise<TF.LayersModel> {
  const json = JSON.parse(readFileSync(path.join(dir, MODEL_JSON), 'utf8')) as {
    modelTopology: object
    format?: string
    generatedBy?: string
    weightsManifest: {paths: string[]; weights: TF.io.WeightsManifestEntry[]}[]
  }
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights)
  const buf = readFileSync(path.join(dir, WEIGHTS_BIN))
  const weightData = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer
  return tf.loadLayersModel(tf.io.fromMemory({modelTopology: json.modelTopology, weightSpecs, weightData, format: json.format, generatedBy: json.generatedBy}))
}
