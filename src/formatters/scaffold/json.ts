// `fuseplan scaffold --json`: where the project is, the strategy, and every file with its status.
import type {ScaffoldPlan} from '../../scaffold/scaffold.js'
import type {ScaffoldReportContext} from './types.js'

export function formatScaffoldJson(plan: ScaffoldPlan, {out: shownOut, dryRun}: ScaffoldReportContext): string {
  const result = {
    out: shownOut,
    strategy: plan.strategy,
    recommended: plan.recommended,
    dryRun,
    files: plan.files.map((f) => ({path: f.path, status: f.status, ...(f.reason ? {reason: f.reason} : {}), ...(f.newVersion ? {newVersion: f.newVersion} : {})})),
  }
  return `${JSON.stringify(result, null, 2)}\n`
}
