import {Args} from '@oclif/core'
import {EXIT, FuseplanCommand, ruleLoadFailure} from '../../cli/base-command.js'
import {checkRuleExamples, formatProblem, loadRuleSet, RuleLoadError} from '../../engine/index.js'
import {escapeControlLine} from '../../util/text.js'

/** `fuseplan rules test DIR`: a rule pack's examples as its tests, like ESLint's RuleTester. */
export default class RulesTest extends FuseplanCommand {
  static override summary = "Run a rule pack's examples: `fires` must fire, `passes` must not."
  static override description = `Loads the rule files under DIR (without the bundled rules) and runs each rule alone on its two examples, patches of the example base profile. Exit code: 0 when every example holds, 1 when one does not (each failure at file:line:col), 2 when the pack cannot be loaded.`
  static override examples = ['<%= config.bin %> rules test team-rules/']
  static override args = {
    dir: Args.string({description: 'Rule folder (a rule pack).', required: true}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(RulesTest)
    let ruleSet
    try {
      ruleSet = loadRuleSet({rulesDirs: [args.dir], noBuiltin: true})
    } catch (error) {
      if (error instanceof RuleLoadError) throw ruleLoadFailure(error, 'no example was run')
      throw error
    }
    const problems = checkRuleExamples(ruleSet)
    const failed = new Set(problems.map((p) => /^Rule `([^`]+)`/.exec(p.message)?.[1]))
    for (const cr of ruleSet.rules) {
      process.stdout.write(escapeControlLine(`${failed.has(cr.rule.id) ? '\u2716' : '\u2714'} ${cr.rule.id}`) + '\n')
    }
    if (problems.length > 0) {
      process.stdout.write(`\n${problems.map(formatProblem).join('\n')}\n`)
      this.fail(`${failed.size} of ${ruleSet.rules.length} rules fail their examples.`, EXIT.problems)
    }
    process.stdout.write(`\n${ruleSet.rules.length} rule${ruleSet.rules.length === 1 ? '' : 's'}, every example holds.\n`)
  }
}
