// Scenario: `fuseplan schema` prints each published schema, with a stable $id and documented fields.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {PROFILE_SCHEMA_ID} from '../../src/profile/schema.js'
import {TRAINING_CONFIG_SCHEMA_ID} from '../../src/scaffold/training-config-schema.js'
import {tempDir} from '../helpers/run-cli.js'

/** Every property schema below `node` has a title and a description (editors show them). */
function undocumented(node: unknown, path = '#'): string[] {
  if (node === null || typeof node !== 'object') return []
  const out: string[] = []
  const n = node as Record<string, unknown>
  for (const [key, child] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    if (!child.title || !child.description) out.push(`${path}/properties/${key}`)
  }
  // `if` conditions restate a field to test its value; they are not field definitions.
  for (const [key, child] of Object.entries(n)) if (key !== 'if' && child && typeof child === 'object') out.push(...undocumented(child, `${path}/${key}`))
  return out
}

describe('fuseplan schema', () => {
  it('prints the DeploymentProfile schema by default, every field documented', async () => {
    const r = await runInProcess(['schema'])
    expect(r.status).toBe(0)
    const schema = JSON.parse(r.stdout)
    expect(schema.$id).toBe(PROFILE_SCHEMA_ID)
    expect(schema.required).toEqual(['apiVersion', 'kind', 'name', 'task', 'modalities'])
    expect(undocumented(schema)).toEqual([])
  })

  it('prints the TrainingConfig schema with --kind and writes to --out', async () => {
    const dir = tempDir()
    const r = await runInProcess(['schema', '--kind', 'training-config', '--out', join(dir, 's.json')])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
    const schema = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'))
    expect(schema.$id).toBe(TRAINING_CONFIG_SCHEMA_ID)
    expect(undocumented(schema)).toEqual([])
    expect((await runInProcess(['schema', '--kind', 'nope'])).status).toBe(2)
  })
})
