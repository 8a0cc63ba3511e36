#!/bin/sh
# The layering rule of doc/ARCHITECTURE.md, checked from the includes:
# a file under src/F/ or include/mergeletter/F/ may include the headers of
# its own folder F and of the folders before F in the order below, never
# of a folder after it. Prints each include that breaks the rule and exits
# 1 if there is one; ctest 'layers' runs it.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
order="util model net git feeds github emit document run cli"
rank() {
	i=0
	for f in $order; do
		[ "$f" = "$1" ] && { echo "$i"; return; }
		i=$((i + 1))
	done
	echo -1
}
bad=0
for file in $(find src include/mergeletter -name '*.c' -o -name '*.h' | sort); do
	case "$file" in
	src/*) from=$(echo "$file" | cut -d/ -f2) ;;
	include/mergeletter/*/*) from=$(echo "$file" | cut -d/ -f3) ;;
	*) continue ;;
	esac
	rf=$(rank "$from")
	if [ "$rf" -lt 0 ]; then
		echo "$file: folder '$from' has no place in the order ($order)"
		bad=1
		continue
	fi
	for to in $(sed -n 's|^#include "mergeletter/\([a-z_]*\)/[a-z_0-9]*\.h".*|\1|p' "$file" | sort -u); do
		rt=$(rank "$to")
		if [ "$rt" -lt 0 ] || [ "$rt" -gt "$rf" ]; then
			echo "$file: includes a header of '$to', which comes after '$from' ($order)"
			bad=1
		fi
	done
done
[ "$bad" -eq 0 ] && echo "layers: every include keeps the order $order"
exit "$bad"
