// `fuseplan recommend --format json`: the Decision object (docs/design.md#output-contracts, including the rule trace),
// pretty-printed. Key order follows construction order in decide(), which is fixed, so output is byte-stable.
import type {Decision} from '../../decision/types.js'

export function formatDecisionJson(decision: Decision): string {
  return `${JSON.stringify(decision, null, 2)}\n`
}
