// `fuseplan completion bash`: a bash completion function. Commands, then each command's flags and the
// values of flags with a fixed list; anything else (paths, globs) falls back to bash's own file completion.
import {childrenOf, quote, type CompletionModel} from './model.js'

export function formatBashCompletion(model: CompletionModel): string {
  const fn = `_${model.bin.replace(/[^A-Za-z0-9]/g, '_')}_completion`
  const ids = model.commands.map((c) => c.id)
  const commandCase = ids.map((id) => `      ${quote(id)}) cmd=$next ;;`).join('\n')
  const valueCases: string[] = []
  const flagCases: string[] = []
  for (const c of model.commands) {
    for (const f of c.flags) {
      if (!f.takesValue) continue
      const names = [`--${f.name}`, ...(f.char ? [`-${f.char}`] : [])].map((n) => quote(`${c.id}|${n}`)).join('|')
      valueCases.push(f.options ? `    ${names}) COMPREPLY=($(compgen -W ${quote(f.options.join(' '))} -- "$cur")); return ;;` : `    ${names}) return ;;`)
    }
    flagCases.push(`    ${quote(c.id)}) flags=${quote(c.flags.map((f) => `--${f.name}`).join(' '))} ;;`)
  }
  const subCases = [['', childrenOf(model, '')] as const, ...model.commands.map((c) => [c.id, childrenOf(model, c.id)] as const)]
    .filter(([, children]) => children.length > 0)
    .map(([parent, children]) => `    ${quote(parent)}) COMPREPLY=($(compgen -W ${quote(children.map((c) => c.id.split(' ').at(-1)).join(' '))} -- "$cur")); return ;;`)
  return `# bash completion for ${model.bin}. Load it in this shell:
#   source <(${model.bin} completion bash)
# or for every new shell:
#   ${model.bin} completion bash > ~/.local/share/bash-completion/completions/${model.bin}
${fn}() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local cmd='' next w i flags=''
  # The command is the longest run of words naming one (\`rules list\`); flags and values are skipped.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
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
    COMPREPLY=($(compgen -W "$flags --help" -- "$cur"))
    return
  fi
  case $cmd in
${subCases.join('\n')}
  esac
  # Paths: bash's default completion (complete -o default).
  COMPREPLY=()
}
complete -o default -F ${fn} ${model.bin}
`
}
