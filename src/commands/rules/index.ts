import RulesList from './list.js'

/** `fuseplan rules` on its own lists the rules, like `fuseplan rules list`. */
export default class Rules extends RulesList {
  static override summary = 'List the rules; `rules show ID` documents one.'
}
