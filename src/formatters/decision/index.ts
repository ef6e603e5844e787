// The registry of `fuseplan recommend --format` outputs. To add a format: write `<name>.ts` exporting
// a function (decision, context) => string, then list it here; the command's --format options follow.
import type {Decision} from '../../decision/types.js'
import type {RuleSet} from '../../engine/types.js'
import {formatRegistry} from '../registry.js'
import {formatAdr} from './adr.js'
import {formatDecisionJson} from './json.js'
import {formatDecisionYaml} from './yaml.js'

export interface DecisionFormatContext {
  /** ADR date, YYYY-MM-DD. */
  date: string
  ruleSet?: RuleSet
}

export const decisionFormats = formatRegistry<Decision, DecisionFormatContext, 'adr' | 'json' | 'yaml'>(['adr', 'json', 'yaml'], {
  adr: (d, ctx) => formatAdr(d, {date: ctx.date, ruleSet: ctx.ruleSet}),
  json: (d) => formatDecisionJson(d),
  yaml: (d) => formatDecisionYaml(d),
})

export {formatExplain} from './explain.js'
