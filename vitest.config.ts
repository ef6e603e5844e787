import {availableParallelism} from 'node:os'
import {relative} from 'node:path'
import {defineConfig} from 'vitest/config'
import {BaseSequencer, type TestSpecification} from 'vitest/node'

// End-to-end files (`npm run test:e2e`, run by CI after `npm test`): each installs something as a user
// does (the packed package, the GitHub Action's light install, a generated project's npm scripts),
// and together they took half a minute of each worker, mostly in npm and tsc rather than in fuseplan.
const E2E = ['test/scaffold/readme-commands.test.ts', 'test/integrations/action.test.ts', 'test/integrations/package.test.ts']

// The files that take longest go first, also on a first run, when vitest has no durations of its own
// to order by: started late, one of them would run on alone after the others are done.
const LONGEST = [...E2E, 'test/cli/determinism.test.ts']

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONGEST.indexOf(relative(f.project.config.root, f.moduleId))
      return i === -1 ? LONGEST.length : i
    }
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b))
  }
}

// Files that need a module registry of their own: vi.mock factories (records), and @inquirer/testing's
// mocked prompt modules (its `screen` is module state).
const ISOLATED = ['test/decision/records.test.ts', 'test/init/flow.test.ts', 'test/init/resume.test.ts', 'test/init/command.test.ts']

export default defineConfig({
  test: {
    // Scenario tests spawn the real CLI and some train small tfjs models: give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest leaves one core to itself by default, which on a 2-core machine runs the files one at a
    // time; most of their time is spent waiting on spawned CLIs, so two workers halve the wall time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    sequence: {sequencer: LongestFirst},
    projects: [
      {
        extends: true,
        // A worker runs its files one after another on one module registry: dist/, oclif and tfjs are
        // imported once per worker instead of once per file (about half of the suite's time went there).
        // The in-process runner keeps one oclif Config per file (test/helpers/in-process.ts).
        test: {name: 'shared', isolate: false, include: ['test/**/*.test.ts'], exclude: [...ISOLATED, ...E2E]},
      },
      {extends: true, test: {name: 'isolated', include: ISOLATED}},
      {extends: true, test: {name: 'e2e', isolate: false, include: E2E}},
    ],
  },
})
