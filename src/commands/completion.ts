import {Args} from '@oclif/core'
import {FuseplanCommand} from '../cli/base-command.js'
import {completionFormats, type CompletionCommand, type CompletionModel} from '../formatters/completion/index.js'

export default class Completion extends FuseplanCommand {
  static override summary = 'Print a shell completion script for bash, zsh or fish.'
  static override description = `Completes commands, flags and the values of flags with a fixed list (--format, --kind...), and paths elsewhere.
  bash: source <(fuseplan completion bash)    or save it as ~/.local/share/bash-completion/completions/fuseplan
  zsh:  source <(fuseplan completion zsh)     or save it as _fuseplan in a folder of $fpath
  fish: fuseplan completion fish | source     or save it as ~/.config/fish/completions/fuseplan.fish`

  static override examples = ['<%= config.bin %> completion bash > ~/.local/share/bash-completion/completions/fuseplan', '<%= config.bin %> completion fish | source']
  static override args = {
    shell: Args.string({description: 'The shell.', options: [...completionFormats.names], required: true}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Completion)
    process.stdout.write(completionFormats.pick(args.shell)(completionModel(this.config), null))
  }
}

type Config = Completion['config']

/** Commands, topics and flags as oclif lists them (from the manifest), hidden ones left out. */
export function completionModel(config: Config): CompletionModel {
  const commands = new Map<string, CompletionCommand>()
  for (const c of config.commands) {
    if (c.hidden) continue
    const flags = Object.values(c.flags)
      .filter((f) => !f.hidden)
      .map((f) => ({
        name: f.name,
        ...(f.char ? {char: f.char} : {}),
        description: brief(f.summary ?? f.description ?? ''),
        takesValue: f.type === 'option',
        ...(f.type === 'option' && f.options ? {options: f.options} : {}),
      }))
      .sort((a, b) => a.name.localeCompare(b.name))
    commands.set(c.id.replaceAll(':', ' '), {id: c.id.replaceAll(':', ' '), description: brief(c.summary ?? c.description ?? ''), flags})
  }
  // A topic without a command of its own still completes its subcommands.
  for (const id of [...commands.keys()]) {
    const words = id.split(' ')
    for (let n = 1; n < words.length; n++) {
      const topic = words.slice(0, n).join(' ')
      if (!commands.has(topic)) commands.set(topic, {id: topic, description: brief(config.findTopic(topic.replaceAll(' ', ':'))?.description ?? ''), flags: []})
    }
  }
  return {bin: config.bin, commands: [...commands.values()].sort((a, b) => a.id.localeCompare(b.id))}
}

function brief(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  const end = line.search(/\.(\s|$)/)
  return end > 0 ? line.slice(0, end) : line
}
