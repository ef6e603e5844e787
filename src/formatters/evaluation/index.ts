// The registry of `fuseplan evaluate --format` outputs (stdout). To add a format: write `<name>.ts`
// exporting a function of the result, then list it here; the command's --format options follow.
// The HTML report is a file, not a stdout format: `--report` writes it.
import type {EvaluationResult} from '../../evaluate/types.js'
import {formatRegistry} from '../registry.js'
import {formatSweepChart} from './chart.js'
import {formatEvaluationJson} from './json.js'
import {formatEvaluationTable} from './table.js'

export interface EvaluationFormatContext {
  color: boolean
  /** Terminal width in columns. */
  width: number
}

export const evaluationFormats = formatRegistry<EvaluationResult, EvaluationFormatContext, 'table' | 'json'>(['table', 'json'], {
  table: (r, ctx) => `${formatEvaluationTable(r, ctx)}\n${formatSweepChart(r, {color: ctx.color})}`,
  json: (r) => formatEvaluationJson(r),
})

export {formatEvaluationHtml} from './html.js'
export {createProgress} from './progress.js'
