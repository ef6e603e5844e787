import {Flags} from '@oclif/core'
import {argvWantsJson, FuseplanCommand, ruleLoadFailure, rulesFlag} from '../../cli/base-command.js'
import {listRuleMeta, loadRuleSet, RuleLoadError} from '../../engine/index.js'
import type {RuleSet} from '../../engine/types.js'
import {FACT_DOCS} from '../../facts/index.js'
import {formatFactList, formatRuleList} from '../../formatters/decision/rules.js'

export default class RulesList extends FuseplanCommand {
  static override summary = 'List the rules (bundled, rule packs, config overrides applied).'
  static override examples = ['<%= config.bin %> rules list', '<%= config.bin %> rules list --rules team-rules/ --format json', '<%= config.bin %> rules list --facts']
  static override enableJsonFlag = true
  static override flags = {
    format: Flags.string({char: 'f', description: 'Output format on stdout (--json is an alias of --format json).', options: ['text', 'json'], default: 'text'}),
    config: Flags.string({description: 'Config file (default: fuseplan.config.yaml found upward from the current folder).'}),
    rules: rulesFlag(),
    facts: Flags.boolean({description: 'List the derived facts rule conditions can read instead.'}),
  }

  // oclif prints the returned value as JSON under --json; --format json, the spelling every command shares, does the same.
  override jsonEnabled(): boolean {
    return argvWantsJson(this.argv)
  }

  async run(): Promise<unknown> {
    const {flags} = await this.parse(RulesList)
    if (flags.facts) {
      if (!this.jsonEnabled()) process.stdout.write(formatFactList())
      return FACT_DOCS
    }
    const ruleSet = loadOrFail({configPath: flags.config, rulesDirs: flags.rules})
    if (!this.jsonEnabled()) process.stdout.write(formatRuleList(ruleSet))
    const checks = ruleSet.checks.map((cc) => ({id: cc.check.id, enabled: cc.enabled, kind: 'check', configurable: cc.check.configurable}))
    const rules = ruleSet.rules.map((cr) => ({id: cr.rule.id, enabled: cr.enabled, kind: cr.rule.category}))
    const state = new Map([...checks, ...rules].map((x) => [x.id, x]))
    return listRuleMeta(ruleSet).map((m) => ({...m, ...state.get(m.id)}))
  }
}

/** The rule set the `rules` commands describe; a broken one stops the command (exit 2) with its problems. */
export function loadOrFail(opts: {configPath?: string; rulesDirs?: string[]}): RuleSet {
  try {
    return loadRuleSet({...opts, searchFrom: opts.configPath ? undefined : process.cwd()})
  } catch (error) {
    if (error instanceof RuleLoadError) throw ruleLoadFailure(error)
    throw error
  }
}
