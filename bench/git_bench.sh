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
commits_default=200000
. "$here/git_common.sh"

plain=$cache/history-$commits.git
packed=$cache/history-$commits-gc.git
bench_history "$plain"
if [ ! -f "$packed/bench-complete" ]; then
	echo "building $packed (once) ..." >&2
	rm -rf "$packed"
	cp -R "$plain" "$packed"
	rm -f "$packed/bench-complete"
	git -C "$packed" gc --quiet
	git -C "$packed" commit-graph write --reachable
	touch "$packed/bench-complete"
fi

python3 - "$here" "$bin" "$runs" "$commits" "$start" "$step" "$plain" "$packed" <<'EOF'
import sys, time

sys.path.insert(0, sys.argv[1])
from ranges import bounds, month_of  # noqa: E402
from ranges import best as best_of  # noqa: E402

binary, runs, commits, start, step = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
repos = sys.argv[7:]


def best(cmd):
    return best_of(cmd, runs)


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
