#!/bin/sh
# The C sources in the repository's .clang-format style.
#
#   sh tools/format.sh          list the files that differ; exit 1 if any does
#   sh tools/format.sh --fix    rewrite them in place
#
# Exit 77 (ctest: skipped) when clang-format is not installed; tools/deps.sh
# installs it, so CI always checks.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cf=${CLANG_FORMAT:-clang-format}
if ! command -v "$cf" >/dev/null 2>&1; then
	echo "clang-format not found; install it with sh tools/deps.sh" >&2
	exit 77
fi
files=$(find src include tests/unit tests/fuzz -name '*.c' -o -name '*.h' | sort)
if [ "${1:-}" = --fix ]; then
	# shellcheck disable=SC2086
	"$cf" -i $files
	exit 0
fi
bad=0
for f in $files; do
	if ! "$cf" --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "$f: not in the .clang-format style; run sh tools/format.sh --fix"
		bad=1
	fi
done
[ "$bad" -eq 0 ] && echo "$(echo "$files" | wc -l) files in the .clang-format style"
exit "$bad"
