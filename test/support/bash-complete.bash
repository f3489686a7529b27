# What bash offers on TAB after `mcpproxy <words…>`: loads bash-completion ($1), then the script mcpproxy prints.
# Usage: bash bash-complete.bash /usr/share/bash-completion/bash_completion WORD… (the last is being completed)
source "$1"
shift
source <(mcpproxy completion bash)
COMP_WORDS=(mcpproxy "$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
# compopt complains outside a real TAB; COMPREPLY is what the shell would offer.
__mcpproxy_complete 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"
