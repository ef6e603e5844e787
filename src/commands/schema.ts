import {Flags} from '@oclif/core'
import {FuseplanCommand} from '../cli/base-command.js'
import {profileSchema} from '../profile/schema.js'
import {trainingConfigSchema} from '../scaffold/training-config-schema.js'
import {configSchema, ruleFileSchema} from '../engine/schemas.js'
import {writeFileAtomic} from '../util/fs.js'

const SCHEMAS = {'deployment-profile': profileSchema, 'training-config': trainingConfigSchema, 'rule-file': ruleFileSchema, config: configSchema} as const

export default class Schema extends FuseplanCommand {
  static override summary = 'Print the JSON Schema of a DeploymentProfile (or of a generated TrainingConfig, a rule file or fuseplan.config.yaml).'
  static override description = 'Point your editor at it (yaml-language-server reads the modeline fuseplan writes into profiles and training configs) or validate files with any JSON Schema tool.'
  static override examples = ['<%= config.bin %> schema > deployment-profile.schema.json', '<%= config.bin %> schema --kind training-config --out training-config.schema.json']
  static override flags = {
    kind: Flags.string({description: 'Which document kind.', options: Object.keys(SCHEMAS), default: 'deployment-profile'}),
    out: Flags.string({char: 'o', description: 'Write the schema to this file instead of stdout.', helpValue: 'FILE'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Schema)
    const text = `${JSON.stringify(SCHEMAS[flags.kind as keyof typeof SCHEMAS], null, 2)}\n`
    if (flags.out) writeFileAtomic(flags.out, text)
    else process.stdout.write(text)
  }
}
