// Every output of fuseplan goes through one kind of formatter: a pure function from a value (a
// decision, lint reports, an evaluation, a scaffold plan) and its context to the text written. Each
// command's family of formats is one registry; its `--format` options are the registry's names, so
// a format added to the registry is a valid flag value and nothing else needs to change.

/** One output format: the value and its context in, the text to write out. */
export type Formatter<T, C> = (value: T, ctx: C) => string

export interface FormatRegistry<T, C, N extends string> {
  /** The format names in the order `--help` lists them (the first is the default). */
  names: readonly N[]
  formatters: Readonly<Record<N, Formatter<T, C>>>
  has(name: string): name is N
  /** The formatter for a name, or undefined for an unknown one (the command reports a usage error). */
  get(name: string): Formatter<T, C> | undefined
  /** The formatter for a name the flag parser has already checked against `names`. */
  pick(name: string): Formatter<T, C>
}

export function formatRegistry<T, C, N extends string>(names: readonly N[], formatters: Record<N, Formatter<T, C>>): FormatRegistry<T, C, N> {
  const has = (name: string): name is N => (names as readonly string[]).includes(name)
  const get = (name: string) => (has(name) ? formatters[name] : undefined)
  const pick = (name: string) => {
    const formatter = get(name)
    if (!formatter) throw new Error(`unknown format "${name}"; the formats are ${names.join(', ')}`)
    return formatter
  }
  return {names, formatters, has, get, pick}
}
