// `fuseplan completion fish`: one `complete` line per command and flag, with descriptions; files
// complete wherever no list applies (paths and globs are most of fuseplan's arguments).
import {childrenOf, quote, type CompletionModel} from './model.js'

export function formatFishCompletion(model: CompletionModel): string {
  const bin = model.bin
  const lines: string[] = []
  const fnName = `__${bin.replace(/[^A-Za-z0-9]/g, '_')}_command`
  const ids = model.commands.map((c) => c.id)
  // The command typed so far: the longest run of words naming one, flags skipped.
  lines.push(
    `function ${fnName} --description 'The ${bin} command on the command line'`,
    `    set -l cmd ''`,
    `    for w in (commandline -opc)[2..-1]`,
    `        string match -q -- '-*' $w; and continue`,
    `        set -l next (string trim -- "$cmd $w")`,
    `        contains -- $next ${ids.map(quote).join(' ')}; and set cmd $next`,
    `    end`,
    `    echo $cmd`,
    `end`,
    '',
  )
  const parents = ['', ...ids]
  for (const parent of parents) {
    const children = childrenOf(model, parent)
    for (const c of children) {
      lines.push(`complete -c ${bin} -n ${quote(`test (${fnName}) = ${quote(parent)}`)} -f -a ${quote(c.id.split(' ').at(-1)!)} -d ${quote(c.description)}`)
    }
  }
  for (const c of model.commands) {
    const when = `-n ${quote(`test (${fnName}) = ${quote(c.id)}`)}`
    for (const f of c.flags) {
      const names = `-l ${f.name}${f.char ? ` -s ${f.char}` : ''}`
      const value = f.takesValue ? (f.options ? ` -x -a ${quote(f.options.join(' '))}` : ' -r') : ''
      lines.push(`complete -c ${bin} ${when} ${names}${value} -d ${quote(f.description)}`)
    }
  }
  return `# fish completion for ${bin}. Load it in this shell:
#   ${bin} completion fish | source
# or for every new shell:
#   ${bin} completion fish > ~/.config/fish/completions/${bin}.fish
${lines.join('\n')}
`
}
