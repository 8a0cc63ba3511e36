#!/bin/sh
# release_bench.sh: a month and a release from a clone, with the login
# evidence to read, against `git log` over the same range, side by side.
#
# usage: bench/release_bench.sh [BINARY]  (default: build/mergeletter)
# env:   ML_BENCH_DIR      where the repositories are cached
#                          (default: ${XDG_CACHE_HOME:-~/.cache}/mergeletter-bench)
#        ML_BENCH_COMMITS  first-parent commits (default 100000)
#        ML_BENCH_TAGS     a release tag every this many commits (default 2000)
#        ML_BENCH_RUNS     runs per figure; the best is shown (default 5)
#
# The history (bench/gen_history.py --logins): every squash commit carries
# its author's plain address, so each squash's login is the login
# evidence's to find (gitlogins.h: merges "from LOGIN/..." whose commits
# carry the address). The evidence is read once into a cache directory of
# its own (the first, cold run, shown apart) and the figures are the warm
# runs, start-up included. Run on demand, never from ctest; nothing goes
# over the network.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
commits_default=100000
. "$here/git_common.sh"
every=${ML_BENCH_TAGS:-2000}

repo=$cache/logins-$commits-$every.git
bench_history "$repo" --logins --tag-every "$every"
if [ ! -f "$repo/gc-complete" ]; then
	git -C "$repo" gc --quiet
	git -C "$repo" commit-graph write --reachable
	touch "$repo/gc-complete"
fi
mlcache=$cache/logins-$commits-$every.ml-cache
rm -rf "$mlcache" "$mlcache-newcomer" "$mlcache-next" "$mlcache-next-run"

# The same history plus one release by an author no earlier commit carries:
# a new contributor, whom only reading all of FROM's history can tell.
newc=$cache/newcomer-$commits-$every.git
last=$((commits / every))
if [ ! -f "$newc/newcomer-complete" ]; then
	rm -rf "$newc"
	git clone -q --bare --shared "$repo" "$newc"
	git -C "$newc" config remote.origin.url https://github.com/org/big.git
	c=$(GIT_AUTHOR_NAME=Newcomer GIT_AUTHOR_EMAIL=newcomer@example.com \
		GIT_COMMITTER_NAME=Maintainer GIT_COMMITTER_EMAIL=maintainer@example.com \
		GIT_AUTHOR_DATE=2030-01-01T00:00:00Z GIT_COMMITTER_DATE=2030-01-01T00:00:00Z \
		git -C "$newc" commit-tree "main^{tree}" -p main -m "A first change (#999999)")
	git -C "$newc" update-ref refs/heads/main "$c"
	git -C "$newc" tag "v$((last + 1)).0.0" "$c"
	touch "$newc/newcomer-complete"
fi

python3 - "$here" "$bin" "$runs" "$commits" "$every" "$start" "$step" "$repo" "$mlcache" "$newc" <<'EOF'
import shutil, sys, time

sys.path.insert(0, sys.argv[1])
from ranges import bounds, measure, month_of, timed  # noqa: E402

binary, runs = sys.argv[2], int(sys.argv[3])
commits, every, start, step = (int(x) for x in sys.argv[4:8])
repo, mlcache, newc = sys.argv[8], sys.argv[9], sys.argv[10]
ML = [binary, "section", "--git", repo, "--format", "json", "--cache-dir", mlcache]


tip = start + (commits - 1) * step
y, m = month_of(tip)
near = (y, m - 1) if m > 1 else (y - 1, 12)  # the last whole month
deep = month_of(start + commits * step // 10)  # 90% of the history deep
last = commits // every                      # tags v1.0.0 .. vLAST.0.0
deep_tag = max(2, last // 10)
cases = []
for label, (yy, mm) in (("month near", near), ("month deep", deep)):
    since, until = bounds(yy, mm)
    cases.append((f"{label} {yy:04d}-{mm:02d}", ML + ["--month", f"{yy:04d}-{mm:02d}"],
                  ["git", "-C", repo, "log", "--first-parent", f"--since={since}", f"--until={until}",
                   "main", "--format=%H %ct %an %ae %s"]))
for label, b in (("release near", last), ("release deep", deep_tag)):
    a, b = f"v{b - 1}.0.0", f"v{b}.0.0"
    cases.append((f"{label} {a}..{b}", ML + ["--from", a, "--to", b],
                  ["git", "-C", repo, "log", f"{a}..{b}", "--format=%H %ct %an %ae %s"]))
# --to alone: the previous release is found from the tags (every later tag
# ruled out), against git log over the range it finds
a, b = f"v{deep_tag - 1}.0.0", f"v{deep_tag}.0.0"
cases.append((f"release deep, --to {b} alone", ML + ["--to", b],
              ["git", "-C", repo, "log", f"{a}..{b}", "--format=%H %ct %an %ae %s"]))

ms, _ = timed(ML + ["--month", f"{near[0]:04d}-{near[1]:02d}"])
_, ml_start, _ = measure([binary, "--version"], runs)
_, git_start, _ = measure(["git", "--version"], runs)
print(f"{commits} first-parent commits (gc'ed, commit-graph), a tag every {every}; "
      f"the login evidence read cold once: {ms:.0f} ms; then best of {runs} warm runs, start-up "
      f"included: wall time, and CPU time (user + system, steadier on a shared machine); "
      f"json is --format json, md the default Markdown")
print(f"start-up alone (--version), CPU: mergeletter {ml_start:.1f} ms, git {git_start:.1f} ms")
print(f"{'range':<32} {'PRs':>5} {'unknown':>7} {'json':>9} {'md':>9} {'git log':>9} {'ratio':>6}"
      f" {'json cpu':>9} {'md cpu':>9} {'git cpu':>9} {'json':>6} {'md':>6}")
for label, ml_cmd, git_cmd in cases:
    jw, jc, out = measure(ml_cmd, runs)
    mw, mc, _ = measure([a for a in ml_cmd if a not in ("--format", "json")], runs)
    gw, gc, _ = measure(git_cmd, runs)
    gc = max(gc, 0.1)
    prs = out.count(b'"number"')
    unknown = out.count(b'"author": null')
    print(f"{label:<32} {prs:>5} {unknown:>7} {jw:>6.1f} ms {mw:>6.1f} ms {gw:>6.1f} ms {jw / gw:>5.2f}x"
          f" {jc:>6.1f} ms {mc:>6.1f} ms {gc:>6.1f} ms {jc / gc:>5.2f}x {mc / gc:>5.2f}x")
a, b = f"v{last}.0.0", f"v{last + 1}.0.0"
ml_cmd = [binary, "section", "--git", newc, "--cache-dir", mlcache + "-newcomer", "--from", a, "--to", b]
git_cmd = ["git", "-C", newc, "log", f"{a}..{b}", "--format=%H %ct %an %ae %s"]
cold_w, cold_c, _ = measure(ml_cmd, 1)
mw, mc, out = measure(ml_cmd, runs)
gw, gc, _ = measure(git_cmd, runs)
print(f"a new contributor in {a}..{b} (1 PR; FROM's {commits} commits read once for the addresses they "
      f"carry): cold {cold_w:.0f} ms wall, {cold_c:.0f} ms CPU; then md {mw:.1f} ms wall, {mc:.1f} ms CPU "
      f"against git log {gw:.1f} ms, {gc:.1f} ms")

# The next release after one whose FROM's addresses are kept: its first
# run reads the commits between the two FROMs (a0..a), not a's history.
# a0..b's run (cold: the login evidence too) keeps a0's; each timed run
# starts from a copy of that cache, so that every one is a first run.
a0 = f"v{last - 1}.0.0"
nxt, run_dir = mlcache + "-next", mlcache + "-next-run"
measure([binary, "section", "--git", newc, "--cache-dir", nxt, "--from", a0, "--to", b], 1)
nws, ncs = [], []
for _ in range(runs):
    shutil.rmtree(run_dir, ignore_errors=True)
    shutil.copytree(nxt, run_dir)
    w, c, _ = measure([binary, "section", "--git", newc, "--cache-dir", run_dir, "--from", a,
                       "--to", b], 1)
    nws.append(w)
    ncs.append(c)
shutil.rmtree(run_dir, ignore_errors=True)
print(f"the next release, {a}..{b}, after {a0}'s addresses were kept: its first run "
      f"{min(nws):.1f} ms wall, {min(ncs):.1f} ms CPU (reading {a0}..{a}, not {a}'s history)")
EOF
