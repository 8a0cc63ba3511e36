#!/bin/sh
# Print the August 2023 draft of "This Month in Rust OSDev" from the sample
# data bundled in tests/data, served by the fake GitHub server on 127.0.0.1:
# no network, no token. Extra arguments go to mergeletter (e.g. -o draft.md).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MERGELETTER:-$root/build/mergeletter}
data=$root/tests/data/rust-osdev-2023-08
[ -x "$bin" ] || { echo "error: $bin not found; build first: cmake -S . -B build && cmake --build build" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
mkfifo "$dir/in" "$dir/port"
# The server exits when its stdin (this script's fd 5) closes: it never outlives us.
python3 "$root/tests/fake_github/server.py" --data "$data" --max-seconds 300 <"$dir/in" >"$dir/port" &
exec 5>"$dir/in"
read -r port <"$dir/port"
env -u GH_TOKEN -u GITHUB_TOKEN SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1693958400} \
	"$bin" issue --config "$root/tests/data/rust-osdev-sections.json" --month 2023-08 \
	--api-url "http://127.0.0.1:$port" "$@"
