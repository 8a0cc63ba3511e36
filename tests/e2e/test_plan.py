#!/usr/bin/env python3
"""The planner: search where it answers within its budget, the pulls listing
where that is faster or search's budget is spent; the same output either way.

Usage: test_plan.py --binary PATH    (prints "N passed, N failed")
"""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeGitHub, main  # noqa: E402

BINARY = None
TOKEN = "t0k3n"


def ts(i, n):
    """The i-th of n times spread over August 2023."""
    sec = 600 + i * (31 * 86400 - 1200) // n
    return "2023-08-%02dT%02d:%02d:%02dZ" % (1 + sec // 86400, sec // 3600 % 24, sec // 60 % 60, sec % 60)


def make_repo(root, name, merged, old=30):
    """example/NAME: `merged` PRs merged in August 2023, `old` merged in July."""
    pulls = []
    for i in range(old):
        t = "2023-07-%02dT10:00:%02dZ" % (1 + i % 28, i % 60)
        pulls.append({"number": i + 1, "title": "Old %d" % i, "user": "old", "created_at": t,
                      "merged_at": t, "closed_at": t, "updated_at": t})
    for i in range(merged):
        t = ts(i, merged)
        pulls.append({"number": old + i + 1, "title": "Change %d" % i, "user": "dev%d" % (i % 7),
                      "created_at": t, "merged_at": t, "closed_at": t, "updated_at": t})
    os.makedirs(os.path.join(root, "repos", "example"), exist_ok=True)
    with open(os.path.join(root, "repos", "example", name + ".json"), "w") as f:
        json.dump({"id": 4000 + merged, "pushed_at": "2023-08-30T00:00:00Z", "pulls": pulls}, f)


DATA = tempfile.TemporaryDirectory(prefix="ml-plan-")
make_repo(DATA.name, "small", 40)
make_repo(DATA.name, "big", 1500)


def run(srv, *args, token=TOKEN, cache=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
    env["SOURCE_DATE_EPOCH"] = "1693958400"
    if token:
        env["GH_TOKEN"] = token
    p = subprocess.run([BINARY, "section", *args, "--month", "2023-08", "--api-url", srv.url,
                        "--max-wait", "0"] + (["--cache-dir", cache] if cache else ["--no-cache"]),
                       capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


def searches(reqs):
    return [r for r in reqs if r["path"].startswith("/search/")]


def test_small_month_is_one_search_request():
    with FakeGitHub(DATA.name, token=TOKEN) as srv:
        code, out, err = run(srv, "example/small", "--verbose")
        reqs = srv.requests()
        assert code == 0, err
        assert len(reqs) == 1 and searches(reqs), reqs
        assert "plan: 2023-08-01..2023-09-01, 1 repository, 0 orgs" in err, err
        assert "strategy: search" in err, err
        pulls = run(srv, "example/small", "--via", "pulls")
    assert out and out == pulls[1], (out, pulls)


def test_big_month_over_the_budget_lists_pulls_at_once():
    # 1,500 merged PRs take 17 searches; 5 a minute would wait, the listing does not
    cache = tempfile.TemporaryDirectory()
    with FakeGitHub(DATA.name, token=TOKEN, search_limit=5, search_reset_in=60) as srv:
        code, out, err = run(srv, "example/big", "--verbose", cache=cache.name)
        reqs = srv.requests()
        assert code == 0, err
        assert len(searches(reqs)) == 1, [r["path"] for r in reqs]
        pulls = [r for r in reqs if "/pulls" in r["path"]]
        assert 16 <= len(pulls) <= 17, [r["path"] for r in pulls]
        # the 15 pages that search says hold merged PRs went out together
        assert max(r["inflight"] for r in pulls) >= 3, [r["inflight"] for r in pulls]  # not one by one
        assert "holds 1500 results" in err and "): pulls" in err, err
        listed = run(srv, "example/big", "--via", "pulls")
        # the pages went out under the Link headers' URLs: a warm run, an
        # offline run and a --via pulls run all find them in the cache
        n0 = len(srv.requests())
        warm = run(srv, "example/big", cache=cache.name)
        # the first page's 304 confirms its cached Link: the rest go out at once
        warm_pulls = [r for r in srv.requests()[n0:] if "/pulls" in r["path"]]
        assert warm_pulls and all(r["status"] == 304 for r in warm_pulls), warm_pulls
        assert max(r["inflight"] for r in warm_pulls) >= 3, [r["inflight"] for r in warm_pulls]
        offline = run(srv, "example/big", "--offline", cache=cache.name)
        n0 = len(srv.requests())
        cached_pulls = run(srv, "example/big", "--via", "pulls", cache=cache.name)
        assert all(r["status"] == 304 for r in srv.requests()[n0:]), srv.requests()[n0:]
    cache.cleanup()
    assert out and out == listed[1] == warm[1] == offline[1] == cached_pulls[1], (warm[2], offline[2])


def test_pages_asked_at_once_keep_to_max_pages():
    # the planner knows 15 pages are needed; --max-pages 4 bounds them as it
    # bounds a listing followed page by page (the only repository: exit 3)
    with FakeGitHub(DATA.name, token=TOKEN, search_limit=5, search_reset_in=60) as srv:
        code, out, err = run(srv, "example/big", "--max-pages", "4")
        pulls = [r for r in srv.requests() if "/pulls" in r["path"]]
        n0 = len(srv.requests())
        listed = run(srv, "example/big", "--max-pages", "4", "--via", "pulls")
        listed_pulls = [r for r in srv.requests()[n0:] if "/pulls" in r["path"]]
    assert len(pulls) == len(listed_pulls) == 4, ([r["path"] for r in pulls], listed_pulls)
    assert "example/big: not fetched: more than 4 pages (--max-pages)" in err, err
    assert (code, out, err) == listed, (code, err, listed)


def test_big_month_within_the_budget_stays_on_search():
    with FakeGitHub(DATA.name, token=TOKEN, search_limit=100, search_reset_in=60) as srv:
        code, out, err = run(srv, "example/big")
        reqs = srv.requests()
        assert code == 0, err
        assert len(searches(reqs)) == len(reqs) == 17, [r["path"] for r in reqs]
        listed = run(srv, "example/big", "--via", "pulls")
    assert out == listed[1]


def test_pulls_listing_pages_side_by_side():
    # 15 pages of August behind the first, no search to count them: the first
    # page's Link names the last page and its pace (two days a page) says how
    # far August reaches, so the pages after it go out side by side, --jobs at
    # most at once, and no page past the one that reaches July
    with FakeGitHub(DATA.name, token=TOKEN, latency_ms=50) as srv:
        code, out, err = run(srv, "example/big", "--via", "pulls", "--jobs", "4")
        pulls = [r for r in srv.requests() if "/pulls" in r["path"]]
        searched = run(srv, "example/big", "--via", "search")
    assert code == 0, err
    assert len(pulls) == 16, [r["path"] for r in pulls]
    inflight = [r["inflight"] for r in pulls]
    assert max(inflight) == 4, inflight  # side by side, within --jobs
    # the pages after the first went out together: at least 3 of them started
    # before the first of them ended (in any order: a batch has none)
    later = [r for r in pulls if "&page=" in r["path"]]
    first_end = min(r["t_end"] for r in later)
    together = [r for r in later if r["t_start"] < first_end]
    assert len(together) >= 3, sorted((r["t_start"], r["t_end"], r["path"][-8:]) for r in pulls)
    assert out and out == searched[1]


def test_spent_search_budget_falls_back_to_pulls():
    with FakeGitHub(DATA.name, token=TOKEN, search_limit=1, search_reset_in=3600) as srv:
        first = run(srv, "example/small")
        code, out, err = run(srv, "example/small", "--verbose")
        assert code == 0, err
        assert "search budget is spent" in err, err
        assert out == first[1]
        # forced search cannot: a warning names the limit, and the search's
        # scopes fall back to the pulls listing (the same draft)
        code, out, err = run(srv, "example/small", "--via", "search")
        assert code == 0 and "rate limit (search) exhausted" in err, (code, err)
        assert "listing the pulls of its repositories instead" in err, err
        assert out == first[1]


if __name__ == "__main__":
    sys.exit(main(globals()))
