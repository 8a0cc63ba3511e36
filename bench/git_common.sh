# git_common.sh: what the git benches share, sourced after they set $here
# and $commits_default: the binary ($1), the sizes from the environment, the
# cache folder and the synthetic history's clock; git reads no system config.
bin=${1:-$here/../build/mergeletter}
commits=${ML_BENCH_COMMITS:-$commits_default}
runs=${ML_BENCH_RUNS:-5}
cache=${ML_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mergeletter-bench}
start=1262304000 # 2010-01-01T00:00:00Z
step=1500        # a commit every 25 minutes

[ -x "$bin" ] || { echo "error: '$bin' is not an executable; build first or give BINARY" >&2; exit 2; }
export GIT_CONFIG_NOSYSTEM=1

# bench_history DIR [GEN_HISTORY_FLAGS...]: gen_history.py's synthetic
# history as a bare repository at DIR, written once and kept.
bench_history() {
	dir=$1
	shift
	[ -f "$dir/bench-complete" ] && return 0
	echo "building $dir (once) ..." >&2
	rm -rf "$dir"
	mkdir -p "$cache"
	git init -q --bare "$dir"
	git -C "$dir" symbolic-ref HEAD refs/heads/main
	git -C "$dir" config remote.origin.url https://github.com/org/big.git
	python3 "$here/gen_history.py" "$@" "$commits" "$start" "$step" | git -C "$dir" fast-import --quiet
	touch "$dir/bench-complete"
}
