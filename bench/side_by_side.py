#!/usr/bin/env python3
"""Side by side: a user's @octokit/rest script and mergeletter's plans, the same
months against the fake GitHub server, one table.

Usage: bench/side_by_side.py [--binary build/mergeletter] [--latency-ms 100] [--quick]
                             [--only month,org,quiet,merged,closed] [--points 1000,...]

Installs @octokit/rest into bench/node_modules on first use (npm). Each plan
gets a fresh server (a fresh search budget of 30 a minute, reset every 60 s,
as on GitHub); a warm run re-uses the server and the cache of the cold run
before it. Per run: requests and body bytes (from the server's log), wall
time, CPU time (user + system, wait4) and peak RSS of the process (/usr/bin/time), the
cache's size on disk; the ratios are against the data set's octokit row.
Data sets (bench/bench_data.py): the newsletter month, and the scale curves:
organisation of 40/200/1000 repositories, one of 1,000 repositories of which
one in five merged something (quiet), 1,000/2,500/5,000 PRs merged in
the month in one repository, 1,000/3,000/10,000 closed PRs in one repository.
--quick runs the month and the smallest point of each curve; --points keeps only
the curves' points named (e.g. --only org,quiet --points 1000: issue 23's rows).
Not a test: prints figures, exit 0 unless a run fails.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
sys.path.insert(0, HERE)
import bench_data  # noqa: E402
from harness import FakeGitHub  # noqa: E402

TOKEN = "bench-token"
OCTOKIT = os.path.join(HERE, "node_modules", "@octokit", "rest")


def npm_install():
    if os.path.isdir(OCTOKIT):
        return
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--no-save", "--no-package-lock",
                    "--loglevel=error", "@octokit/rest"], cwd=HERE, check=True)


def clean_env():
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(GH_TOKEN=TOKEN, SOURCE_DATE_EPOCH="1730419200")
    env.pop("GITHUB_TOKEN", None)
    return env


TIME = "/usr/bin/time"


def measure(cmd, srv):
    """Run cmd to its end; its figures and the server's log of its requests.
    Peak RSS comes from /usr/bin/time (a process forked from this Python
    would count the parent's pages in its own maximum); CPU from wait4."""
    n0 = srv.wait_idle(0.3)
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as tf:
        timed = [TIME, "-f", "%M", "-o", tf.name] + cmd if os.access(TIME, os.X_OK) else cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(timed, stdout=subprocess.DEVNULL, stderr=err, env=clean_env())
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:  # a run that fails is a figure too (e.g. a rate limit)
            err.seek(0)
            print(f"  exit {p.returncode}: {err.read().decode()[-300:].strip()}", file=sys.stderr)
        lines = tf.read().strip().splitlines()
        rss_kb = int(lines[-1]) if timed is not cmd and lines and lines[-1].isdigit() else ru.ru_maxrss
    srv.wait_idle(0.3)
    reqs = [r for r in srv.requests()[n0:] if r["path"] != "/rate_limit"]
    return {"exit": p.returncode, "requests": len(reqs), "bytes": sum(r["bytes"] for r in reqs), "wall": wall,
            "cpu": ru.ru_utime + ru.ru_stime, "rss": rss_kb / 1024.0,
            "304": sum(1 for r in reqs if r["status"] == 304)}


def du(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass
    return total


def ml_cmd(binary, srv, ds, command, cache, extra):
    cmd = [binary] + (["issue", "--config", ds["config"]] if command == "issue"
                      else ["section", ds["section"]])
    cmd += ["--month", ds["month"], "--api-url", srv.url, "--quiet"]  # the draft: stdout, to DEVNULL
    cmd += ["--cache-dir", cache] if cache else ["--no-cache"]
    return cmd + list(extra)


def octokit_cmd(srv, ds, mode):
    since = ds["month"] + "-01"
    y, m = map(int, ds["month"].split("-"))
    until = "%04d-%02d-01" % (y + m // 12, m % 12 + 1)
    if mode == "search":
        scopes = ["org:" + ds["org"]] if ds["org"] else ["repo:" + r for r in ds["repos"]]
    else:
        scopes = ds["repos"]
    return ["node", os.path.join(HERE, "octokit_month.mjs"), mode, srv.url, since, until] + scopes


def plans(name):
    """(label, tool, args) groups: runs in a group share one server and cache."""
    base = {"month": "search", "org": "search", "quiet": "search", "merged": "pulls",
            "closed": "search"}[name]
    groups = [[("octokit " + base, "octokit", base)],
              [("issue default", "issue", ()), ("  warm re-run", "issue", ())],
              [("issue --via pulls", "issue", ("--via", "pulls")),
               ("  warm re-run", "issue", ("--via", "pulls"))],
              [("issue --via search", "issue", ("--via", "search"))]]
    if name == "month":
        groups += [[("section default", "section", ())],
                   [("section --via search", "section", ("--via", "search"))]]
    return groups


def run_dataset(args, label, maker, n, rows):
    with tempfile.TemporaryDirectory(prefix="ml-sbs-") as tmp:
        ds = maker(tmp, n) if n else maker(tmp)
        base, first = None, True
        for group in plans(maker.__name__):
            cache = os.path.join(tmp, "cache")
            shutil.rmtree(cache, ignore_errors=True)
            with FakeGitHub(tmp, token=TOKEN, latency_ms=args.latency_ms, search_limit=30,
                            search_reset_in=60, max_seconds=3600) as srv:
                for run, tool, extra in group:
                    if tool == "octokit":
                        r = base = measure(octokit_cmd(srv, ds, extra), srv)
                    else:
                        r = measure(ml_cmd(args.binary, srv, ds, tool, cache, extra), srv)
                        r["cache"] = du(cache)
                    rows.append((label if first else "", run, r, base))
                    first = False
                    print(f"  {label:22} {run:22} {r['wall']:7.2f} s", file=sys.stderr, flush=True)


def ratio(a, b):
    return f"{a / b:6.2f}x" if b else "     -"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "mergeletter"))
    ap.add_argument("--latency-ms", type=int, default=100)
    ap.add_argument("--quick", action="store_true", help="the month and each curve's first point")
    ap.add_argument("--only", default="month,org,quiet,merged,closed")
    ap.add_argument("--points", help="only these points of the curves (comma-separated sizes)")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    npm_install()
    only = args.only.split(",")
    points = {"org": [40, 200, 1000], "quiet": [1000], "merged": [1000, 2500, 5000], "closed": [1000, 3000, 10000]}
    if args.quick:
        points = {k: v[:1] for k, v in points.items()}
    if args.points:
        keep = {int(p) for p in args.points.split(",")}
        points = {k: [n for n in v if n in keep] for k, v in points.items()}
    rows = []
    if "month" in only:
        run_dataset(args, "month", bench_data.month, 0, rows)
    names = {"org": "repos", "quiet": "repos, quiet", "merged": "merged PRs", "closed": "closed PRs"}
    for key in ("org", "quiet", "merged", "closed"):
        if key in only:
            for n in points[key]:
                run_dataset(args, f"{n} {names[key]}", getattr(bench_data, key), n, rows)
    print(f"latency {args.latency_ms} ms per response; ratios: mergeletter / octokit "
          "(the data set's first row)")
    print(f"| {'data set':18} | {'run':22} | {'req':>4} | {'KB':>7} | {'wall s':>6} | {'CPU s':>5} | "
          f"{'RSS MB':>6} | {'cache KB':>8} | {'wall':>7} | {'CPU':>7} | {'RSS':>7} |")
    print("|" + "|".join("-" * w for w in (20, 24, 6, 9, 8, 7, 8, 10, 9, 9, 9)) + "|")
    for label, run, r, base in rows:
        cache = f"{r['cache'] / 1024:8.0f}" if "cache" in r else " " * 8
        rat = (ratio(r["wall"], base["wall"]), ratio(r["cpu"], base["cpu"]), ratio(r["rss"], base["rss"])) \
            if r is not base else (" " * 7,) * 3
        if r["exit"]:
            run = f"{run} (exit {r['exit']})"
        print(f"| {label:18} | {run:22} | {r['requests']:4d} | {r['bytes'] / 1024:7.1f} | "
              f"{r['wall']:6.2f} | {r['cpu']:5.2f} | {r['rss']:6.1f} | {cache} | "
              f"{rat[0]:>7} | {rat[1]:>7} | {rat[2]:>7} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
