#!/usr/bin/env python3
"""An organisation of 1,000 repositories (issue 23): one org: search, paged; the
org listing's pages side by side; a warm re-run, whose search budget the cold
run spent, never sends more than ten times the cold run's requests.

Usage: test_org_scale.py --binary PATH    (prints "N passed, N failed")
"""

import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeGitHub, main, opener  # noqa: E402
from orgdata import make_org, write_config  # noqa: E402

BINARY = None
EPOCH = "1693958400"  # 2023-09-06
TOKEN = "t0k3n"

# 1,000 repositories, two PRs each merged in August (about 2,000 in all: one
# org: query split once, ~22 search requests), plus archived ones and forks
DATA = tempfile.TemporaryDirectory(prefix="ml-org-scale-")
INFO = make_org(DATA.name, repos=1000, big_pages=1, small=2, archived=3, forks=3)
CONFIG = os.path.join(DATA.name, "config.json")
write_config(CONFIG, INFO["config"])


def run(srv, cache, *args):
    env = {k: v for k, v in os.environ.items()
           if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
    env.update(SOURCE_DATE_EPOCH=EPOCH, GH_TOKEN=TOKEN)
    cmd = [BINARY, "issue", "--config", CONFIG, "--month", "2023-08", "--api-url", srv.url,
           "--cache-dir", cache, "--verbose"] + list(args)
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout, p.stderr


def searches(reqs):
    return [parse_qs(urlsplit(r["path"]).query)["q"][0] for r in reqs if r["path"].startswith("/search/")]


def spend_search_budget(srv, at_least=8):
    """Spend what is left of the search window (as a cold run that straddled a reset,
    or another client of the same token, leaves it), in a window that resets at
    least `at_least` seconds later: the next run's first search is refused. Returns
    the searches this sent."""
    sent = 0
    while True:
        req = urllib.request.Request(srv.url + "/search/issues?q=is:pr", headers={
            "Authorization": "Bearer " + TOKEN, "User-Agent": "test_org_scale"})
        try:
            opener().open(req, timeout=30).read()
            sent += 1
        except urllib.error.HTTPError as e:
            sent += 1
            assert e.code == 403, e.code
            reset = int(e.headers["X-RateLimit-Reset"])
            if reset - time.time() >= at_least:
                return sent
            time.sleep(max(reset - time.time(), 0) + 0.2)  # too close to the reset: the next window


def test_cold_searches_org_and_warm_stays_within_ten_times():
    # A warm re-run that finds the search budget spent weighs waiting for its
    # reset against the pulls listing (issue 23: it listed pulls, 1,032 requests
    # against 36 cold): with the query's size from the cold run's first page,
    # the pulls listing's 1,000 requests lose to waiting (8 to 20 s here: the
    # window is long enough that a loaded machine still sends its first search
    # before the reset).
    with tempfile.TemporaryDirectory() as cache, \
            FakeGitHub(DATA.name, token=TOKEN, search_limit=30, search_reset_in=20) as srv:
        # 64 at once: the pulls listing looks faster than waiting for the reset
        cold, cerr = run(srv, cache, "--jobs", "64")
        n_cold = srv.wait_idle(1.0)
        reqs = srv.requests()
        qs = searches(reqs)
        # one org: query (halved by merge date past 1,000 results), no repo: chunks
        assert qs and all("org:rust-osdev" in q and "repo:" not in q for q in qs), qs[:3]
        assert qs[0].split(" merged:")[1].startswith("2023-08-01..2023-08-31 "), qs[0]
        assert not any("/pulls" in r["path"] for r in reqs), [r["path"] for r in reqs if "/pulls" in r["path"]][:3]
        assert n_cold <= 40, n_cold
        # archived repositories and forks: in search's answers, never in the draft
        assert "archived-0" not in cold and "fork-0" not in cold
        assert "repo-999" in cold and "repo-01" in cold
        # both estimates are printed
        assert "search" in cerr and "or pulls at least" in cerr, cerr[-2000:]
        spend_search_budget(srv)
        before = srv.wait_idle(1.0)
        warm, werr = run(srv, cache, "--jobs", "64")
        n_warm = srv.wait_idle(1.0) - before
        assert warm == cold
        plans = [line for line in werr.splitlines() if "plan:" in line or "warning" in line]
        assert n_warm <= 10 * n_cold, (n_warm, n_cold, plans)
        late = srv.requests()[before:]
        assert not any("/pulls" in r["path"] for r in late), plans
        # its first search was refused, and asked again after the reset
        assert [r["status"] for r in late if r["path"].startswith("/search/")][:2] == [403, 200], plans
        # the query's size from the cold run's first page, in the cache
        assert any("budget is spent" in line and ": search" in line and
                   re.search(r"\(\d+ results\)", line) for line in plans), plans


def test_org_listing_pages_side_by_side():
    with tempfile.TemporaryDirectory() as cache, \
            FakeGitHub(DATA.name, token=TOKEN, latency_ms=50) as srv:
        run(srv, cache)
        pages = [r for r in srv.requests() if "/repos?" in r["path"] and "/orgs/" not in r["path"]]
        assert len(pages) >= 9, [r["path"] for r in pages]
        # pages 2.. were asked together: each started before the first of them ended
        first_end = min(r["t_end"] for r in pages)
        together = [r for r in pages if r["t_start"] < first_end]
        assert len(together) >= 3, sorted((r["t_start"], r["t_end"]) for r in pages)


if __name__ == "__main__":
    sys.exit(main(globals()))
