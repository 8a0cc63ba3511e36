#!/usr/bin/env python3
"""Time loading and planning an issue config of many repositories.

    python3 bench/config_bench.py --binary build/mergeletter [--repos 40000] [--runs 3]

Writes a config naming --repos repositories (one section per 1,000, each
entry with a maintainer and an intro, owners spread over 97 accounts) and
times `mergeletter issue --config big.json --month 2023-08 --offline` with an
empty cache, for --via search and --via pulls: the run loads the config,
builds the draft, plans every target and its search scopes, and then stops
at the first response that the empty cache cannot give (exit 3). No
network: --offline sends nothing. Prints the best wall and CPU (user +
system) times of --runs runs; on a shared machine the CPU time is the
steadier figure.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def write_config(path, n):
    sections = []
    for s in range(0, n, 1000):
        repos = [{"repo": f"owner{i % 97}/repo-{i}", "maintainers": [f"maint{i % 13}"],
                  "intro": f"The `repo-{i}` crate does things."} for i in range(s, min(n, s + 1000))]
        sections.append({"heading": f"Projects {s // 1000}", "repos": repos})
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"title": "Bench", "editors": ["ed"], "sections": sections}, f, indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default="build/mergeletter")
    ap.add_argument("--repos", type=int, default=40000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = os.path.join(tmp, "big.json")
        write_config(cfg, a.repos)
        print(f"config: {a.repos} repositories, {os.path.getsize(cfg) / 1e6:.1f} MB")
        env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "xdg"))
        env.pop("GH_TOKEN", None)
        env.pop("GITHUB_TOKEN", None)
        for via in ("search", "pulls"):
            best = cpu_best = None
            for _ in range(a.runs):
                cache = tempfile.mkdtemp(dir=tmp)
                args = [a.binary, "issue", "--config", cfg, "--month", "2023-08", "--via", via,
                        "--offline", "--cache-dir", cache, "--api-url", "http://127.0.0.1:9", "--quiet"]
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.monotonic()
                p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
                dt = time.monotonic() - t0
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
                if p.returncode != 3:
                    print(f"unexpected exit {p.returncode}: {p.stderr.strip()[:300]}", file=sys.stderr)
                    return 1
                best = dt if best is None else min(best, dt)
                cpu_best = cpu if cpu_best is None else min(cpu_best, cpu)
            print(f"--via {via}: load and plan {best:.3f} s wall, {cpu_best:.3f} s CPU (best of {a.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
