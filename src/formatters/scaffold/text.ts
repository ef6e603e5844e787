// The human report of `fuseplan scaffold`: one line per file that changes, a summary, what to do next.
import type {FileStatus, ScaffoldPlan} from '../../scaffold/scaffold.js'
import type {ScaffoldReportContext} from './types.js'

const LABELS: Record<FileStatus, [string, string]> = {
  added: ['added', 'would add'],
  changed: ['updated', 'would update'],
  unchanged: ['unchanged', 'unchanged'],
  kept: ['kept', 'would keep'],
  conflict: ['in the way', 'in the way'],
  removed: ['removed', 'would remove'],
  orphaned: ['left', 'would leave'],
}

export function formatScaffoldText(plan: ScaffoldPlan, {out: shownOut, dryRun, failed}: ScaffoldReportContext): string {
  const lines: string[] = []
  lines.push(`${dryRun && !failed ? 'Dry run: ' : ''}${plan.strategy} fusion project in ${shownOut}/`)
  for (const f of plan.files) {
    // A .new file is reported on the line of the file it belongs to, unless it is the problem.
    if (f.status === 'unchanged' || (f.sidecar && f.status !== 'conflict' && f.status !== 'removed')) continue
    const label = LABELS[f.status][dryRun ? 1 : 0]
    const note =
      f.status === 'kept'
        ? `${f.reason}; ${f.newVersion ? `fuseplan's new version ${dryRun ? 'would go' : 'is'} in ${f.newVersion}` : "fuseplan's version did not change"}`
        : f.sidecar && f.status === 'removed'
          ? "merged: your file now matches fuseplan's version, or fuseplan's version moved on"
          : f.reason
    lines.push(`  ${label.padEnd(12)} ${f.path}${note ? `  (${note})` : ''}`)
  }
  const main = plan.files.filter((f) => !f.sidecar)
  const count = (s: FileStatus) => main.filter((f) => f.status === s).length
  const summary = (['added', 'changed', 'removed', 'kept', 'orphaned', 'unchanged'] as FileStatus[])
    .filter((s) => count(s) > 0)
    .map((s) => {
      const word = dryRun
        ? {added: 'to add', changed: 'to update', removed: 'to remove', kept: 'edited (kept)', conflict: '', unchanged: 'unchanged', orphaned: 'no longer generated (left)'}[s]
        : {added: 'added', changed: 'updated', removed: 'removed', kept: 'edited (kept)', conflict: '', unchanged: 'unchanged', orphaned: 'no longer generated (left)'}[s]
      return `${count(s)} ${word}`
    })
  lines.push(summary.join(', '))
  const sidecars = plan.files.filter((f) => f.sidecar && f.status !== 'removed')
  const fresh = sidecars.filter((f) => f.status === 'added' || f.status === 'changed').length
  const waiting = sidecars.filter((f) => f.status === 'unchanged').length
  if (!failed && fresh > 0) lines.push(`${dryRun ? 'Would write' : 'Wrote'} ${fresh} .new file${fresh === 1 ? '' : 's'} beside your edited files: merge what you want from each, then delete it.`)
  if (!failed && waiting > 0) lines.push(`${waiting} .new file${waiting === 1 ? '' : 's'} from an earlier run still wait${waiting === 1 ? 's' : ''} to be merged.`)
  if (!dryRun && !failed) {
    const written = plan.files.filter((f) => f.status === 'added' || f.status === 'changed' || f.status === 'removed')
    lines.push(written.length > 0 ? `Next: cd ${shownOut} && npm install && npm test` : waiting > 0 ? 'Nothing else to do.' : 'Nothing to do: the project is up to date.')
  }
  if (dryRun && !failed) lines.push('Nothing was written (--dry-run).')
  return `${lines.join('\n')}\n`
}
