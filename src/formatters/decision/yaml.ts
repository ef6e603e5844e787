// `fuseplan recommend --format yaml`: the same Decision object as JSON, as YAML.
import {stringify} from 'yaml'
import type {Decision} from '../../decision/types.js'

export function formatDecisionYaml(decision: Decision): string {
  // JSON round trip drops undefined values, so the YAML has exactly the JSON's keys.
  return stringify(JSON.parse(JSON.stringify(decision)), {lineWidth: 0, aliasDuplicateObjects: false})
}
