// The registry of `fuseplan completion SHELL` scripts: one file per shell.
import {formatRegistry, type Formatter} from '../registry.js'
import {formatBashCompletion} from './bash.js'
import {formatFishCompletion} from './fish.js'
import type {CompletionModel} from './model.js'
import {formatZshCompletion} from './zsh.js'

export type {CompletionCommand, CompletionModel} from './model.js'

export const completionFormats = formatRegistry<CompletionModel, null, 'bash' | 'zsh' | 'fish'>(['bash', 'zsh', 'fish'], {
  bash: formatBashCompletion as Formatter<CompletionModel, null>,
  zsh: formatZshCompletion as Formatter<CompletionModel, null>,
  fish: formatFishCompletion as Formatter<CompletionModel, null>,
})
