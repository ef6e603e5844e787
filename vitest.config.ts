import {availableParallelism} from 'node:os'
import {defineConfig} from 'vitest/config'

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
  },
})
