#!/usr/bin/env python3
"""Page gaps: does parsing hold up the network? Two binaries side by side.

Usage: bench/page_gaps.py [--binary build/mergeletter] [--baseline PATH]
                          [--latency-ms 100] [--repeat 3] [--jobs N]

Runs `mergeletter issue --via pulls` cold (a fresh cache dir per run) against the
fake GitHub server (127.0.0.1, --latency-ms per response) on three data sets:
  8 repos together   8 configured repositories, 6 full pages each of PRs updated
                     in the month (every page needed), so the 8 first pages
                     arrive at about the same time
  2500 merged        one repository, 2,500 PRs merged in the month (27 pages)
  40-repo org        bench_data.org(dir, 40): discovery, then one page each
From the server's --log (t_start: the request arrived; t_end: its response was
about to be written) it computes per repository the gap between consecutive
pulls pages: t_start(page k+1) - t_end(page k). Where no repository has a
second page (the org), it uses the dispatch gap instead: a request's t_start
minus the latest t_end before it (how long the client took to send the next
request after its last answer). Per data set and binary: requests, wall s,
CPU s (user + system of the child, wait4), the gaps' median, p90 and max, and
idle ms (the sum of the positive gaps); each figure the median of --repeat
runs (the binaries alternate within a repeat). Ratios: new / baseline.
"srv CPU s" is the fake server's CPU over the run (it builds full-size PRs in
Python; on a 2-core machine it competes with the client).
The stdout (markdown) of every run of a data set must be byte-identical;
exit 1 if not, or if a run fails.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from urllib.parse import parse_qs, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench_data  # noqa: E402
from side_by_side import TOKEN, clean_env  # noqa: E402  (puts tests/e2e on sys.path)
from harness import FakeGitHub  # noqa: E402


def eight_repos(data):
    """8 repositories, each with 600 PRs: 560 updated in the month (merged in it,
    closed unmerged in it, or merged before it and touched in it) and 40 before it,
    so a listing by updated time needs all 6 pages of 100."""
    names = ["kernel-%d" % k for k in range(8)]
    merged = 0
    for k, name in enumerate(names):
        n_merged = 60 + 5 * k
        pulls = bench_data.prs_month(n_merged, 10, 560 - n_merged - 10, 40, seed=k)
        merged += bench_data.merged_count(pulls)
        bench_data.write_repo(data, name, 7100 + k, pulls)
    return {"config": bench_data.write_config(data, names), "month": bench_data.MONTH, "merged": merged,
            "repos": ["%s/%s" % (bench_data.ORG, n) for n in names], "org": None}


DATASETS = [("8 repos together", eight_repos),
            ("one repo, 2500 merged", lambda d: bench_data.merged(d, 2500)),
            ("40-repo org", lambda d: bench_data.org(d, 40))]

PULLS = re.compile(r"^/(?:repos/([^/]+/[^/]+)|repositories/(\d+))/pulls$")


def repo_ids(data):
    """repository id -> owner/name, from the data set's facts files."""
    ids = {}
    root = os.path.join(data, "repos")
    for owner in os.listdir(root):
        for fn in os.listdir(os.path.join(root, owner)):
            with open(os.path.join(root, owner, fn), encoding="utf-8") as f:
                ids[str(json.load(f)["id"])] = "%s/%s" % (owner, fn[:-5])
    return ids


def page_gaps(reqs, ids):
    """Gaps (s) between consecutive pulls pages of each repository: t_start of
    page k+1 minus t_end of page k (the last answered try of each page)."""
    pages = {}
    for r in reqs:
        parts = urlsplit(r["path"])
        m = PULLS.match(parts.path)
        if not m or r["status"] == 0:
            continue
        repo = (m.group(1) or ids.get(m.group(2), m.group(2))).lower()
        page = int(parse_qs(parts.query).get("page", ["1"])[0])
        pages.setdefault(repo, {})[page] = r
    gaps = []
    for by_page in pages.values():
        for k in sorted(by_page):
            if k + 1 in by_page:
                gaps.append(by_page[k + 1]["t_start"] - by_page[k]["t_end"])
    return gaps


def dispatch_gaps(reqs):
    """For each request but the first: its t_start minus the latest t_end before it."""
    ends = sorted(r["t_end"] for r in reqs)
    gaps = []
    for r in sorted(reqs, key=lambda x: x["t_start"]):
        before = [e for e in ends if e <= r["t_start"]]
        if before:
            gaps.append(r["t_start"] - before[-1])
    return gaps


def gap_stats(gaps):
    if not gaps:
        return {"n": 0, "med": 0.0, "p90": 0.0, "max": 0.0, "idle": 0.0}
    s = sorted(g * 1000 for g in gaps)
    return {"n": len(s), "med": statistics.median(s), "p90": s[min(len(s) - 1, (9 * len(s)) // 10)],
            "max": s[-1], "idle": sum(g for g in s if g > 0)}


def server_cpu(srv):
    """CPU seconds (user + system) the fake server has used so far (Linux /proc)."""
    try:
        with open("/proc/%d/stat" % srv.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def run_once(binary, srv, ds, cache, jobs):
    """One cold run: its figures, its stdout, and the server's log of its requests."""
    cmd = [binary, "issue", "--config", ds["config"], "--month", ds["month"], "--api-url", srv.url,
           "--cache-dir", cache, "--via", "pulls", "--quiet"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    n0 = srv.wait_idle(0.3)
    srv_cpu0 = server_cpu(srv)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=clean_env())
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read().decode(errors="replace")
    srv.wait_idle(0.3)
    srv_cpu = server_cpu(srv) - srv_cpu0
    reqs = [r for r in srv.requests()[n0:] if r["path"] != "/rate_limit"]
    return {"exit": code, "stderr": stderr, "stdout": stdout, "reqs": reqs, "wall": wall,
            "cpu": ru.ru_utime + ru.ru_stime, "srv_cpu": srv_cpu}


def run_dataset(args, label, maker, binaries):
    """Per binary: the median figures of --repeat runs; and whether every output matched."""
    with tempfile.TemporaryDirectory(prefix="ml-gaps-") as tmp:
        data = os.path.join(tmp, "data")
        os.makedirs(data)
        ds = maker(data)
        ids = repo_ids(data)
        runs = {name: [] for name, _ in binaries}
        outputs = set()
        failed = False
        with FakeGitHub(data, token=TOKEN, latency_ms=args.latency_ms, core_limit=100000,
                        max_seconds=3600) as srv:
            for rep in range(args.repeat):
                order = binaries if rep % 2 == 0 else binaries[::-1]
                for name, binary in order:
                    cache = os.path.join(tmp, "cache")
                    shutil.rmtree(cache, ignore_errors=True)
                    r = run_once(binary, srv, ds, cache, args.jobs)
                    if r["exit"] != 0:
                        failed = True
                        print(f"  {label}: {name} exit {r['exit']}: {r['stderr'][-300:].strip()}", file=sys.stderr)
                    outputs.add(r["stdout"])
                    gaps = page_gaps(r["reqs"], ids)
                    r["kind"] = "page"
                    if not gaps:
                        gaps, r["kind"] = dispatch_gaps(r["reqs"]), "dispatch"
                    r["gaps"] = gap_stats(gaps)
                    runs[name].append(r)
                    print(f"  {label:22} {name:8} run {rep + 1}: {r['wall']:6.2f} s, "
                          f"max gap {r['gaps']['max']:6.1f} ms", file=sys.stderr, flush=True)
        rows = []
        for name, _ in binaries:
            rs = runs[name]
            med = lambda f: statistics.median(f(r) for r in rs)  # noqa: E731
            rows.append({"name": name, "requests": med(lambda r: len(r["reqs"])), "wall": med(lambda r: r["wall"]),
                         "cpu": med(lambda r: r["cpu"]), "srv_cpu": med(lambda r: r["srv_cpu"]), "kind": rs[0]["kind"],
                         "gaps": {k: med(lambda r, k=k: r["gaps"][k]) for k in rs[0]["gaps"]}})
        return rows, len(outputs) == 1, failed


def ratio(a, b):
    return f"{a / b:.2f}x" if b > 0 else "-"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "mergeletter"))
    ap.add_argument("--baseline", help="the binary to compare with (omitted: only --binary)")
    ap.add_argument("--latency-ms", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=0, help="--jobs for mergeletter (0: its default)")
    args = ap.parse_args()
    binaries = ([("baseline", os.path.abspath(args.baseline))] if args.baseline else []) + \
        [("new", os.path.abspath(args.binary))]
    results = []
    for label, maker in DATASETS:
        results.append((label,) + run_dataset(args, label, maker, binaries))

    print(f"latency {args.latency_ms} ms per response; median of {args.repeat} cold runs; "
          "gaps: per repository, t_start(page k+1) - t_end(page k) (dispatch: a request's "
          "t_start - the latest t_end before it); idle: the sum of positive gaps; ratios: new / baseline")
    print("| data set              | binary   |  req | wall s | CPU s | srv CPU s | gap      |   n | median ms | p90 ms | "
          "max ms | idle ms |  wall | max gap |")
    print("|-----------------------|----------|------|--------|-------|-----------|----------|-----|-----------|--------|"
          "--------|---------|-------|---------|")
    bad = False
    for label, rows, same, failed in results:
        base = rows[0] if len(rows) > 1 else None
        for i, r in enumerate(rows):
            g = r["gaps"]
            rat = ("", "") if base is None or r is base else (ratio(r["wall"], base["wall"]),
                                                              ratio(g["max"], base["gaps"]["max"]))
            print(f"| {label if i == 0 else '':21} | {r['name']:8} | {r['requests']:4.0f} | {r['wall']:6.2f} | "
                  f"{r['cpu']:5.2f} | {r['srv_cpu']:9.2f} | {r['kind']:8} | {g['n']:3.0f} | {g['med']:9.1f} | {g['p90']:6.1f} | "
                  f"{g['max']:6.1f} | {g['idle']:7.0f} | {rat[0]:>5} | {rat[1]:>7} |")
        bad = bad or failed or not same
    for label, _, same, failed in results:
        print(f"{label}: output identical: {'yes' if same else 'no'}" + ("; a run FAILED" if failed else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
