import {Args, Flags} from '@oclif/core'
import {argvWantsJson, FuseplanCommand, rulesFlag} from '../../cli/base-command.js'
import {ruleHelpUri} from '../../engine/index.js'
import {formatCheckDoc, formatRuleDoc, suggestIds} from '../../formatters/decision/rules.js'
import {loadOrFail} from './list.js'

export default class RulesShow extends FuseplanCommand {
  static override summary = "Print a rule's documentation: title, rationale, source, options, condition, effects, examples."
  static override examples = ['<%= config.bin %> rules show early-fusion-needs-complete-data']
  static override enableJsonFlag = true
  static override args = {
    id: Args.string({description: 'Rule id (see `fuseplan rules list`).', required: true}),
  }

  static override flags = {
    format: Flags.string({char: 'f', description: 'Output format on stdout (--json is an alias of --format json).', options: ['text', 'json'], default: 'text'}),
    config: Flags.string({description: 'Config file (default: fuseplan.config.yaml found upward from the current folder).'}),
    rules: rulesFlag(),
  }

  // oclif prints the returned value as JSON under --json; --format json, the spelling every command shares, does the same.
  override jsonEnabled(): boolean {
    return argvWantsJson(this.argv)
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(RulesShow)
    const ruleSet = loadOrFail({configPath: flags.config, rulesDirs: flags.rules})
    const cc = ruleSet.checksById.get(args.id)
    if (cc) {
      if (!this.jsonEnabled()) process.stdout.write(formatCheckDoc(cc))
      const c = cc.check
      return {
        id: c.id,
        title: c.title,
        description: c.description,
        severity: cc.severity,
        kind: 'check',
        enabled: cc.enabled,
        configurable: c.configurable,
        appliesTo: c.appliesTo,
        helpUri: ruleHelpUri(c.id),
      }
    }
    const cr = ruleSet.byId.get(args.id)
    if (!cr) {
      const near = suggestIds(args.id, [...ruleSet.checksById.keys(), ...ruleSet.byId.keys()])
      this.fail(`No rule \`${args.id}\`.${near.length > 0 ? ` Did you mean ${near.map((n) => `\`${n}\``).join(', ')}?` : ''} \`fuseplan rules list\` shows every id.`)
    }
    if (!this.jsonEnabled()) process.stdout.write(formatRuleDoc(cr))
    const r = cr.rule
    return {
      id: r.id,
      title: r.title,
      rationale: r.rationale,
      source: r.source,
      severity: cr.severity ?? r.severity ?? null,
      kind: r.category,
      enabled: cr.enabled,
      helpUri: ruleHelpUri(r.id),
      options: Object.fromEntries(Object.entries(r.options).map(([k, o]) => [k, {default: o.default, value: cr.options[k], description: o.description}])),
      when: r.when.source,
      forEach: r.forEach?.source ?? null,
      effects: r.effects.raw,
      examples: r.examples,
      location: r.location,
    }
  }
}
