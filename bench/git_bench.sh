#!/bin/sh
# git_bench.sh: time `mergeletter section --git` against `git log --first-parent`
# on a synthetic repository of 200,000 first-parent commits.
#
# usage: bench/git_bench.sh [BINARY]      (default: build/mergeletter)
# env:   ML_BENCH_DIR      where the repositories are cached
#                          (default: ${XDG_CACHE_HOME:-~/.cache}/mergeletter-bench)
#        ML_BENCH_COMMITS  first-parent commits (default 200000)
#        ML_BENCH_RUNS     runs per figure; the best is shown (default 5)
#
# The repository is written once by `git fast-import` (bench/gen_history.py)
# and kept; a second copy is packed by `git gc` (which also writes a
# commit-graph, as a clone that has been gc'ed holds). Run on demand, never
# from ctest. Nothing goes over the network.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/mergeletter}
commits=${ML_BENCH_COMMITS:-200000}
runs=${ML_BENCH_RUNS:-5}
cache=${ML_BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mergeletter-bench}
start=1262304000 # 2010-01-01T00:00:00Z
step=1500        # a commit every 25 minutes

[ -x "$bin" ] || { echo "error: '$bin' is not an executable; build first or give BINARY" >&2; exit 2; }
export GIT_CONFIG_NOSYSTEM=1

plain=$cache/history-$commits.git
packed=$cache/history-$commits-gc.git
if [ ! -f "$plain/bench-complete" ]; then
	echo "building $plain (once) ..." >&2
	rm -rf "$plain"
	mkdir -p "$cache"
	git init -q --bare "$plain"
	git -C "$plain" symbolic-ref HEAD refs/heads/main
	git -C "$plain" config remote.origin.url https://github.com/org/big.git
	python3 "$here/gen_history.py" "$commits" "$start" "$step" | git -C "$plain" fast-import --quiet
	touch "$plain/bench-complete"
fi
if [ ! -f "$packed/bench-complete" ]; then
	echo "building $packed (once) ..." >&2
	rm -rf "$packed"
	cp -R "$plain" "$packed"
	rm -f "$packed/bench-complete"
	git -C "$packed" gc --quiet
	git -C "$packed" commit-graph write --reachable
	touch "$packed/bench-complete"
fi

python3 - "$bin" "$runs" "$commits" "$start" "$step" "$plain" "$packed" <<'EOF'
import calendar, subprocess, sys, time

binary, runs, commits, start, step = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
repos = sys.argv[6:]


def month_of(t):
    g = time.gmtime(t)
    return g.tm_year, g.tm_mon


def bounds(y, m):
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    return f"{y:04d}-{m:02d}-01T00:00:00Z", f"{ny:04d}-{nm:02d}-01T00:00:00Z"


def best(cmd):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        times.append((time.perf_counter() - t) * 1000)
        if p.returncode != 0:
            sys.exit(f"error: {' '.join(cmd)} failed: {p.stderr.decode()}")
        out = p.stdout
    return min(times), out


tip = start + (commits - 1) * step
y, m = month_of(tip)
near = (y, m - 1) if m > 1 else (y - 1, 12)          # the last whole month
deep = month_of(start + commits * step // 10)          # 90% of the history deep
print(f"{commits} first-parent commits, {time.strftime('%Y-%m-%d', time.gmtime(start))} to "
      f"{time.strftime('%Y-%m-%d', time.gmtime(tip))}; best of {runs} runs, wall time")
print(f"{'repository':<12} {'month':<8} {'PRs':>5} {'mergeletter':>12} {'git log':>9} {'ratio':>6}")
for repo in repos:
    kind = "gc+graph" if repo.endswith("-gc.git") else "fast-import"
    for (yy, mm) in (near, deep):
        since, until = bounds(yy, mm)
        ml, out = best([binary, "section", "--git", repo, "--month", f"{yy:04d}-{mm:02d}",
                        "--format", "json"])
        gl, log = best(["git", "-C", repo, "log", "--first-parent", f"--since={since}",
                        f"--until={until}", "main", "--format=%H %ct %s"])
        prs = out.count(b'"number"')
        print(f"{kind:<12} {yy:04d}-{mm:02d}  {prs:>5} {ml:>9.1f} ms {gl:>6.1f} ms {ml / gl:>5.2f}x")
EOF
