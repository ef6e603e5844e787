// What a shell completion script knows about fuseplan: its commands (topics included) and their flags,
// read from oclif's command list (the manifest), so a new command or flag completes without edits here.

export interface CompletionFlag {
  /** Long name, without dashes. */
  name: string
  char?: string
  description: string
  /** The flag takes a value (`--format json`); a switch does not. */
  takesValue: boolean
  /** The values it accepts, when it has a fixed list. */
  options?: readonly string[]
}

export interface CompletionCommand {
  /** Words as typed: `lint`, `rules list`. A topic with subcommands is listed too. */
  id: string
  description: string
  flags: readonly CompletionFlag[]
}

export interface CompletionModel {
  bin: string
  commands: readonly CompletionCommand[]
}

/** The commands directly below `parent` ('' for the top level). */
export function childrenOf(model: CompletionModel, parent: string): CompletionCommand[] {
  const depth = parent === '' ? 1 : parent.split(' ').length + 1
  return model.commands.filter((c) => c.id.split(' ').length === depth && (parent === '' || c.id.startsWith(`${parent} `)))
}

/** A single-quoted shell word (bash, zsh and fish all read `'...'` literally, `'\''` for a quote). */
export function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}
