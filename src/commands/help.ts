import {Args, loadHelpClass} from '@oclif/core'
import {FuseplanCommand} from '../cli/base-command.js'
import {closestCommands} from '../hooks/command-not-found.js'
import {escapeControlLine} from '../util/text.js'

export default class Help extends FuseplanCommand {
  static override summary = 'Show help for fuseplan or for one of its commands (the same as --help or -h).'
  static override examples = ['<%= config.bin %> help', '<%= config.bin %> help lint', '<%= config.bin %> help rules list']
  static override strict = false
  static override args = {
    command: Args.string({description: 'The command (or topic) to explain, such as `lint` or `rules list`.'}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(Help)
    const words = argv as string[]
    const id = words.join(' ')
    // oclif's help prints a command, a topic or the root; an unknown word names the nearest command.
    if (id && !this.config.findCommand(words.join(':')) && !this.config.findTopic(words.join(':'))) {
      const near = closestCommands(words.join(':'), this.config.commandIDs)
      this.fail(
        `"${escapeControlLine(id)}" is not a ${this.config.bin} command.${near.length > 0 ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''} Run \`${this.config.bin} help\` for the list.`,
      )
    }
    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, this.config.pjson.oclif.helpOptions ?? this.config.pjson.helpOptions).showHelp(words)
  }
}
