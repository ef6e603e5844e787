// A mistyped command ("recomend") names the nearest real one instead of only "not found". oclif runs
// this hook for any id it cannot resolve; the plugin that usually does this is not a dependency.
import type {Hook} from '@oclif/core'
import {failure} from '../cli/base-command.js'
import {editDistance} from '../util/suggest.js'
import {escapeControlLine} from '../util/text.js'

/** The command ids closest to `id` (ties all returned), or none when nothing is close. */
export function closestCommands(id: string, ids: readonly string[]): string[] {
  const typed = id.replace(/:/g, ' ').toLowerCase()
  const scored = ids.map((c) => ({c, d: editDistance(typed, c.replace(/:/g, ' '), {ignoreCase: false, transpositions: true})}))
  const best = Math.min(...scored.map((s) => s.d))
  // Up to a third of the word may be wrong: "recomend", "sheme", "lnit" — not "x".
  if (!Number.isFinite(best) || best > Math.max(1, Math.floor(typed.length / 3))) return []
  return scored.filter((s) => s.d === best).map((s) => s.c.replace(/:/g, ' '))
}

const hook: Hook<'command_not_found'> = async function (opts) {
  const ids = opts.config.commands.filter((c) => !c.hidden).map((c) => c.id)
  // With spaces between topic and command, oclif joins the arguments into the id too
  // ("recomend:profile.yaml"): the command is the first word, or two under a topic ("rules lst").
  const words = opts.id.split(':')
  const typed = words.slice(0, words.length > 1 && ids.some((c) => c.startsWith(`${words[0]}:`)) ? 2 : 1).join(':')
  const shown = escapeControlLine(typed.replace(/:/g, ' '))
  const near = closestCommands(typed, ids)
  const hint = near.length > 0 ? ` Did you mean ${near.map((n) => `"${n}"`).join(' or ')}?` : ''
  throw failure(`"${shown}" is not a ${opts.config.bin} command.${hint} Run \`${opts.config.bin} --help\` for the list.`)
}

export default hook
