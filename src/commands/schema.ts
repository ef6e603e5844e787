import {Flags} from '@oclif/core'
import {FuseplanCommand} from '../cli/base-command.js'
import {profileSchema} from '../profile/schema.js'
import {writeFileAtomic} from '../util/fs.js'

export default class Schema extends FuseplanCommand {
  static override summary = 'Print the JSON Schema of a DeploymentProfile.'
  static override description = 'Point your editor at it (yaml-language-server reads the modeline fuseplan writes into profiles) or validate profiles with any JSON Schema tool.'
  static override examples = ['<%= config.bin %> schema > deployment-profile.schema.json']
  static override flags = {
    out: Flags.string({description: 'Write the schema to this file instead of stdout.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Schema)
    const text = `${JSON.stringify(profileSchema, null, 2)}\n`
    if (flags.out) writeFileAtomic(flags.out, text)
    else process.stdout.write(text)
  }
}
