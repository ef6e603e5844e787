// A test that needs something npm does not install (a shell, a binary a package may lack for this
// platform). In CI (CI=true, as .ci/run is run, which installs them) or with FUSEPLAN_EXPECT_ALL=1,
// a missing one fails the test; elsewhere the test is skipped, and the note says what is missing
// and how to get it.
import type {TestContext} from 'vitest'

export const EXPECT_ALL = process.env.CI === 'true' || process.env.FUSEPLAN_EXPECT_ALL === '1'

/** `missing` is undefined when the dependency is there, else what is missing and how to get it. */
export function requireOrSkip(ctx: TestContext, missing: string | undefined): void {
  if (missing === undefined) return
  if (EXPECT_ALL) throw new Error(`${missing} (CI expects it: .ci/run installs it)`)
  ctx.skip(missing)
}
