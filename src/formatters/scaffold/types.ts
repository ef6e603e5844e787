// What the scaffold report formatters read besides the plan.

export interface ScaffoldReportContext {
  /** The project folder as the user should read it. */
  out: string
  dryRun: boolean
  /** The run stopped before writing (a conflict): no "next" line. */
  failed: boolean
}
