// `fuseplan completion zsh`: a zsh completion function with descriptions for commands and flags, the
// values of flags with a fixed list, and files for everything else. Works sourced or from $fpath.
import {childrenOf, quote, type CompletionModel} from './model.js'

/** An entry of `_describe`: `name:description`, colons in the name escaped. */
const entry = (name: string, description: string): string => quote(`${name.replace(/:/g, '\\:')}:${description}`)

export function formatZshCompletion(model: CompletionModel): string {
  const fn = `_${model.bin.replace(/[^A-Za-z0-9]/g, '_')}`
  const commandCase = model.commands.map((c) => `      (${quote(c.id)}) cmd=$next ;;`).join('\n')
  const valueCases: string[] = []
  const flagCases: string[] = []
  for (const c of model.commands) {
    for (const f of c.flags) {
      if (!f.takesValue) continue
      const names = [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])].map((n) => quote(`${c.id}|${n}`)).join('|')
      valueCases.push(f.options ? `    (${names}) compadd -- ${f.options.map(quote).join(' ')}; return ;;` : `    (${names}) _files; return ;;`)
    }
    const flags = c.flags.map((f) => entry(`--${f.name}`, f.description))
    flagCases.push(`    (${quote(c.id)}) flags=(${flags.join(' ')}) ;;`)
  }
  const subCases = [['', childrenOf(model, '')] as const, ...model.commands.map((c) => [c.id, childrenOf(model, c.id)] as const)]
    .filter(([, children]) => children.length > 0)
    .map(([parent, children]) => {
      const entries = children.map((c) => entry(c.id.split(' ').at(-1)!, c.description)).join(' ')
      return `    (${quote(parent)}) subcommands=(${entries}); _describe -t commands 'command' subcommands; return ;;`
    })
  return `#compdef ${model.bin}
# zsh completion for ${model.bin}. Load it in this shell:
#   source <(${model.bin} completion zsh)
# or for every new shell, as a file named _${model.bin} in a folder of $fpath (before compinit runs):
#   ${model.bin} completion zsh > "\${fpath[1]}/_${model.bin}"
${fn}() {
  local cmd='' next w i cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  local -a flags subcommands
  # The command is the longest run of words naming one (\`rules list\`); flags and values are skipped.
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    [[ $w == -* ]] && continue
    next=\${cmd:+$cmd }$w
    case $next in
${commandCase}
    esac
  done
  case "$cmd|$prev" in
${valueCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then
    case $cmd in
${flagCases.join('\n')}
    esac
    flags+=('--help:Show help')
    _describe -t flags 'flag' flags
    return
  fi
  case $cmd in
${subCases.join('\n')}
  esac
  _files
}
if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${model.bin}
fi
`
}
