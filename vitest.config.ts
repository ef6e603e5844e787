import {availableParallelism} from 'node:os'
import {defineConfig} from 'vitest/config'

// Files that need a module registry of their own: vi.mock factories (records), and @inquirer/testing's
// mocked prompt modules (its `screen` is module state).
const ISOLATED = ['test/decision/records.test.ts', 'test/init/flow.test.ts', 'test/init/resume.test.ts', 'test/init/command.test.ts']

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Scenario tests spawn the real CLI and some train small tfjs models: give them room on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest leaves one core to itself by default, which on a 2-core machine runs the files one at a
    // time; most of their time is spent waiting on spawned CLIs, so two workers halve the wall time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        // A worker runs its files one after another on one module registry: dist/, oclif and tfjs are
        // imported once per worker instead of once per file (about half of the suite's time went there).
        // The in-process runner keeps one oclif Config per file (test/helpers/in-process.ts).
        test: {name: 'shared', isolate: false, exclude: ISOLATED},
      },
      {extends: true, test: {name: 'isolated', include: ISOLATED}},
    ],
  },
})
