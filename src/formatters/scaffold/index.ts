// The registry of `fuseplan scaffold` reports: text for people, JSON (--json) for scripts.
import type {ScaffoldPlan} from '../../scaffold/scaffold.js'
import {formatRegistry} from '../registry.js'
import type {ScaffoldReportContext} from './types.js'
import {formatScaffoldJson} from './json.js'
import {formatScaffoldText} from './text.js'

export type {ScaffoldReportContext} from './types.js'

export const scaffoldFormats = formatRegistry<ScaffoldPlan, ScaffoldReportContext, 'text' | 'json'>(['text', 'json'], {
  text: formatScaffoldText,
  json: formatScaffoldJson,
})
