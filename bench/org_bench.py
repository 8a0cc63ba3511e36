#!/usr/bin/env python3
"""Org-scale benchmark: mergeletter against the fake GitHub server.

Usage: bench/org_bench.py --binary build/mergeletter [--latency-ms 100] [--repos 40]

Generates an organisation of 40 repositories (one with 5 pages of PRs in the
month, the others one page each, full-size items) into a temp dir, runs the
fake server with injected latency per response, and prints:
  wall time and requests for --jobs 1 and the default, and the ratio;
  the default run repeated with a warm cache: 304s, core and search rate-limit
  units spent (read from the server's /rate_limit before and after);
  peak RSS and CPU time per 100-item page parsed;
  --via search and --via pulls side by side.
Not a test: it prints figures and checks the goals loosely (exit 0 regardless).
"""

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from harness import FakeGitHub, opener  # noqa: E402
from orgdata import make_org, write_config  # noqa: E402

TOKEN = "bench-token"


def rate(srv):
    req = __import__("urllib.request").request.Request(
        srv.url + "/rate_limit", headers={"Authorization": "Bearer " + TOKEN, "User-Agent": "bench"})
    with opener().open(req) as r:
        res = json.load(r)["resources"]
    return res["core"]["used"], res["search"]["used"]


def run(binary, srv, config, cache, *args):
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(GH_TOKEN=TOKEN, SOURCE_DATE_EPOCH="1693958400")
    # the draft goes to stdout (captured): never -o on a device, which a
    # binary older than the write-through fix would replace with a file
    cmd = [binary, "issue", "--config", config, "--month", "2023-08", "--api-url", srv.url,
           "--quiet"]
    cmd += ["--cache-dir", cache] if cache else ["--no-cache"]
    cmd += list(args)
    n0 = len(srv.requests())
    core0, search0 = rate(srv)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, env=env)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        sys.exit(f"mergeletter failed ({p.returncode}): {p.stderr.decode()[-2000:]}")
    srv.wait_idle(1.0)
    reqs = srv.requests()[n0:]
    reqs = [r for r in reqs if r["path"] != "/rate_limit"]
    core1, search1 = rate(srv)
    return {
        "wall": wall, "requests": len(reqs),
        "304": sum(1 for r in reqs if r["status"] == 304),
        "core": core1 - core0, "search": search1 - search0,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "rss_mb": after.ru_maxrss / 1024.0,  # the largest child so far (kB on Linux)
        "peak_inflight": max((r["inflight"] for r in reqs), default=0),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "mergeletter"))
    ap.add_argument("--latency-ms", type=int, default=100)
    ap.add_argument("--repos", type=int, default=40)
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    with tempfile.TemporaryDirectory(prefix="ml-bench-") as tmp:
        info = make_org(tmp, repos=args.repos, big_pages=5, small=12)
        config = os.path.join(tmp, "config.json")
        write_config(config, info["config"])
        org_pages = 1
        pulls_goal = info["pages"] + org_pages
        search_goal = math.ceil(info["merged"] / 100)
        # search_limit: several runs in a row would pass the 30 a minute of one real minute
        with FakeGitHub(tmp, token=TOKEN, latency_ms=args.latency_ms, search_limit=1000) as srv:
            rows = {}
            rows["pulls, --jobs 1"] = run(binary, srv, config, None, "--via", "pulls", "--jobs", "1")
            rows["pulls, default jobs"] = run(binary, srv, config, None, "--via", "pulls")
            cache = os.path.join(tmp, "cache")
            rows["pulls, cold cache"] = run(binary, srv, config, cache, "--via", "pulls")
            rows["pulls, warm cache"] = run(binary, srv, config, cache, "--via", "pulls")
            rows["search, --jobs 1"] = run(binary, srv, config, None, "--via", "search", "--jobs", "1")
            rows["search, default jobs"] = run(binary, srv, config, None, "--via", "search")
            rows["search, warm cache"] = run(binary, srv, config, cache, "--via", "search")
        # CPU per page: a run against a server without latency isolates our parsing
        with FakeGitHub(tmp, token=TOKEN) as fast:
            cpu = run(binary, fast, config, None, "--via", "pulls")
    print(f"org: {args.repos} repositories (+2 archived, +2 forks, +1 dormant), "
          f"{info['merged']} PRs merged in the month, {info['pages']} pulls pages needed, "
          f"latency {args.latency_ms} ms per response")
    print()
    print(f"{'run':26} {'wall s':>7} {'requests':>8} {'304':>5} {'core':>5} {'search':>6} {'peak jobs':>9}")
    for name, r in rows.items():
        print(f"{name:26} {r['wall']:7.2f} {r['requests']:8d} {r['304']:5d} {r['core']:5d} "
              f"{r['search']:6d} {r['peak_inflight']:9d}")
    j1, dflt = rows["pulls, --jobs 1"], rows["pulls, default jobs"]
    print()
    print(f"speed-up of the default over --jobs 1 (pulls): {j1['wall'] / dflt['wall']:.1f}x")
    print(f"pulls requests {dflt['requests']} (goal <= pages + org listing = {pulls_goal})")
    s = rows["search, default jobs"]
    print(f"search requests {s['requests']} = {s['requests'] - 1} search + 1 org listing "
          f"(goal <= ceil(merged/100) = {search_goal} search requests)")
    w = rows["pulls, warm cache"]
    print(f"warm re-run (pulls): {w['304']} of {w['requests']} answered 304, {w['core']} core units, "
          f"{w['search']} search units")
    ws = rows["search, warm cache"]
    print(f"warm re-run (search): {ws['304']} 304s, {ws['core']} core units, {ws['search']} search units "
          f"(search has no ETag: each search request costs one search unit)")
    print(f"peak RSS (largest run): {max(r['rss_mb'] for r in rows.values()):.1f} MB")
    pages = info["pages"] + 1
    print(f"CPU per 100-item page parsed: {cpu['cpu'] / pages * 1000:.1f} ms "
          f"({cpu['cpu']:.2f} s for {pages} pages, no latency, wall {cpu['wall']:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
