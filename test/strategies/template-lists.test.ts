// The generated project's strategy lists are written by the build from the registry
// (scripts/strategy-files.js) and committed, because the template compiles with fuseplan's sources
// and ships as source. This holds the committed files to the registry.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {STRATEGIES} from '../../src/strategies/index.js'
import {ROOT} from '../helpers/run-cli.js'
// @ts-expect-error: a build script in plain JavaScript, without type declarations.
import {strategyNamesSource, strategyNetworksSource} from '../../scripts/strategy-files.js'

const read = (file: string) => readFileSync(join(ROOT, 'templates', 'project', 'src', file), 'utf8')

describe("the generated project's strategy lists (regenerate them with `npm run build` and commit them)", () => {
  it('strategies.ts names the registry in its order', () => {
    expect(read('strategies.ts')).toBe(strategyNamesSource(STRATEGIES))
  })

  it('model/strategies/index.ts imports one network per strategy', () => {
    expect(read('model/strategies/index.ts')).toBe(strategyNetworksSource(STRATEGIES))
  })
})
