# bash completion for mergeletter                            -*- shell-script -*-
# Installed as share/bash-completion/completions/mergeletter.

_mergeletter()
{
	local cur prev cmd words cword
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}

	local common="--month --from --to --deps --output -o --update --force --finalize --template
		--api-url --format --via --jobs --cache-dir --cache-max-mb --no-cache --offline --max-wait --timeout
		--stall-timeout --max-pages --quiet
		--verbose --help -h --version"
	local section="--since --until --maintainer --intro --config --git --ref"
	local issue="--config --previous --homepage --homepage-ref"

	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "section issue --help --version" -- "$cur"))
		return
	fi
	case $prev in
	--deps)
		COMPREPLY=($(compgen -W "comment drop keep" -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "markdown json" -- "$cur"))
		return ;;
	--via)
		COMPREPLY=($(compgen -W "search pulls" -- "$cur"))
		return ;;
	--config|--output|-o|--template|--previous)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--git|--cache-dir|--homepage)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--from|--to|--ref)
		# the refs of the clone given with --git, if any
		local i git=
		for ((i = 2; i < COMP_CWORD; i++)); do
			[ "${COMP_WORDS[i]}" = --git ] && git=${COMP_WORDS[i+1]}
		done
		if [ -n "$git" ]; then
			COMPREPLY=($(compgen -W "$(git -C "$git" for-each-ref --format='%(refname:short)' \
				refs/tags refs/heads refs/remotes 2>/dev/null)" -- "$cur"))
		fi
		return ;;
	--month|--since|--until|--maintainer|--intro|--api-url|--jobs|--max-wait|--timeout|--stall-timeout|--max-pages|--homepage-ref)
		return ;;
	esac
	case $cmd in
	section) COMPREPLY=($(compgen -W "$section $common" -- "$cur")) ;;
	issue) COMPREPLY=($(compgen -W "$issue $common" -- "$cur")) ;;
	esac
}
complete -F _mergeletter mergeletter
