// A rule pack's examples are its tests: `fuseplan rules test DIR` runs them, like ESLint's RuleTester.
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runInProcess} from '../helpers/in-process.js'
import {checkRuleExamples, loadRuleSet} from '../../src/engine/index.js'
import {tempDir} from '../helpers/run-cli.js'

const rule = (id: string, when: string, fires: string) => `  - id: ${id}
    title: A rule pack rule for the example tests
    rationale: A test rule for rule packs, long enough to count as a rationale for the doc test.
    source: test
    severity: warning
    when: ${when}
    effects:
      finding: {message: "found", path: modalities}
    examples:
      fires:
        ${fires}
      passes: {}
`
const GOOD = rule('big-omics', 'facts.modalities.exists(m, m.type == "omics")', 'modalities[2].type: omics')
const BAD = rule('never-fires', 'facts.modalityCount > 10', 'modalities[2].features: 5000')

function pack(text: string): string {
  const dir = tempDir()
  mkdirSync(join(dir, 'pack'))
  writeFileSync(join(dir, 'pack', 'rules.yaml'), `rules:\n${text}`)
  return dir
}

describe('rule pack examples', () => {
  it('are checked in process: a `fires` that does not fire is a problem at its file:line:col', async () => {
    const dir = pack(GOOD + BAD)
    const set = loadRuleSet({rulesDirs: [join(dir, 'pack')], noBuiltin: true})
    const problems = checkRuleExamples(set)
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual(['23:7 Rule `never-fires`, example `fires`: the rule does not fire on it. Fix the condition or the example.'])
  })

  it('`fuseplan rules test DIR` exits 1 naming file:line when an example fails, 0 when all hold', async () => {
    const bad = await runInProcess(['rules', 'test', 'pack'], {cwd: pack(GOOD + BAD)})
    expect(bad.status).toBe(1)
    expect(bad.stdout).toBe('✔ big-omics\n✖ never-fires\n\npack/rules.yaml:23:7: Rule `never-fires`, example `fires`: the rule does not fire on it. Fix the condition or the example.\n')
    const good = await runInProcess(['rules', 'test', 'pack'], {cwd: pack(GOOD)})
    expect(good.stdout).toBe('✔ big-omics\n\n1 rule, every example holds.\n')
    expect(good.status).toBe(0)
  })
})
