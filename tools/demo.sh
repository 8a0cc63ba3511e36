#!/bin/sh
# Print the August 2023 draft of "This Month in Rust OSDev" from the sample
# data bundled in tests/data, served by the fake GitHub server on 127.0.0.1:
# no network, no token.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${MERGELETTER:-$root/build/mergeletter}
data=$root/tests/data/rust-osdev-2023-08
[ -x "$bin" ] || { echo "error: $bin not found; build first: cmake -S . -B build && cmake --build build" >&2; exit 1; }
fifo=$(mktemp -u)
mkfifo "$fifo"
# The server exits when its stdin closes, so it never outlives this script.
sleep 600 | python3 "$root/tests/fake_github/server.py" --data "$data" >"$fifo" &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$fifo"' EXIT INT TERM
exec 3<"$fifo"
read -r port <&3
env -u GH_TOKEN -u GITHUB_TOKEN SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1693958400} \
	"$bin" issue --config "$root/config/rust-osdev.json" --month 2023-08 \
	--api-url "http://127.0.0.1:$port" "$@"
