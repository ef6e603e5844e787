// The registry of `fuseplan scaffold` reports: text for people, JSON (--json) for scripts.
import type {ScaffoldPlan} from '../../scaffold/scaffold.js'
import {formatRegistry, type Formatter} from '../registry.js'
import {formatScaffoldJson} from './json.js'
import {formatScaffoldText} from './text.js'

export interface ScaffoldReportContext {
  /** The project folder as the user should read it. */
  out: string
  dryRun: boolean
  /** The run stopped before writing (a conflict): no "next" line. */
  failed: boolean
}

export type ScaffoldFormatter = Formatter<ScaffoldPlan, ScaffoldReportContext>

export const scaffoldFormats = formatRegistry<ScaffoldPlan, ScaffoldReportContext, 'text' | 'json'>(['text', 'json'], {
  text: formatScaffoldText,
  json: formatScaffoldJson,
})
