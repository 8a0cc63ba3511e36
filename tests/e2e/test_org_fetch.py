#!/usr/bin/env python3
"""Org-scale fetching against the fake server: concurrency bound, retries, rate
limits, the response cache (conditional requests, --offline), search vs pulls,
and org discovery.

Usage: test_org_fetch.py --binary PATH    (prints "N passed, N failed")
"""

import json
import os
import sys
import tempfile
import time
from urllib.parse import unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeGitHub, main  # noqa: E402
from orgdata import make_org, write_config  # noqa: E402

BINARY = None
EPOCH = "1693958400"  # 2023-09-06
TOKEN = "t0k3n"


class Org:
    """A generated org data set and its config, in a temporary directory."""

    def __init__(self, **kw):
        self.tmp = tempfile.TemporaryDirectory(prefix="ml-org-")
        self.dir = self.tmp.name
        self.info = make_org(self.dir, **kw)
        self.config = os.path.join(self.dir, "config.json")
        write_config(self.config, self.info["config"])
        self.cache = os.path.join(self.dir, "cache")

    def run(self, srv, *args, token=TOKEN, cache=True, check_exit=None):
        import subprocess
        env = {k: v for k, v in os.environ.items()
               if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
        env["SOURCE_DATE_EPOCH"] = EPOCH
        if token:
            env["GH_TOKEN"] = token
        cmd = [BINARY, "issue", "--config", self.config, "--month", "2023-08", "--api-url", srv.url]
        cmd += ["--cache-dir", self.cache] if cache else ["--no-cache"]
        cmd += list(args)
        p = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
        out, err = p.stdout.decode(), p.stderr.decode()
        if check_exit is not None and p.returncode != check_exit:
            raise AssertionError(f"exit {p.returncode}, wanted {check_exit}\nstderr: {err[-3000:]}")
        return p.returncode, out, err


def faults_file(tmpdir, rules):
    path = os.path.join(tmpdir, "faults.json")
    with open(path, "w") as f:
        json.dump(rules, f)
    return path


def test_concurrency_never_exceeds_jobs():
    org = Org(repos=20, small=5)
    for jobs in (1, 3, 8):
        with FakeGitHub(org.dir, token=TOKEN, latency_ms=30) as srv:
            org.run(srv, "--via", "pulls", "--jobs", str(jobs), cache=False, check_exit=0)
            reqs = srv.requests()
        peak = max(r["inflight"] for r in reqs)
        assert peak <= jobs, (jobs, peak)
        if jobs > 1:
            assert peak >= 2, f"--jobs {jobs} never overlapped requests (peak {peak})"


def test_search_and_pulls_give_identical_drafts():
    org = Org(repos=12, small=8)
    with FakeGitHub(org.dir, token=TOKEN) as srv:
        _, via_search, _ = org.run(srv, "--via", "search", cache=False, check_exit=0)
        n_search = len(srv.requests())
        _, via_pulls, _ = org.run(srv, "--via", "pulls", cache=False, check_exit=0)
        n_pulls = len(srv.requests()) - n_search
        _, default, _ = org.run(srv, cache=False, check_exit=0)
        reqs = srv.requests()[n_search + n_pulls:]
    assert via_search == via_pulls, "drafts differ between --via search and --via pulls"
    assert default == via_search
    assert any(r["path"].startswith("/search/issues") for r in reqs), "issue does not default to search"
    assert n_search < n_pulls, (n_search, n_pulls)
    assert via_search.count("\n### ") == 12, via_search.count("\n### ")


def test_search_splits_over_1000_and_pages_concurrently():
    org = Org(repos=3, big_pages=12, small=5)  # about 1080 merged PRs: one query cannot reach all
    with FakeGitHub(org.dir, token=TOKEN) as srv:
        _, via_search, _ = org.run(srv, "--via", "search", cache=False, check_exit=0)
        search = [r for r in srv.requests() if r["path"].startswith("/search/")]
        _, via_pulls, _ = org.run(srv, "--via", "pulls", cache=False, check_exit=0)
    assert via_search == via_pulls
    assert org.info["merged"] > 1000, org.info["merged"]
    assert any("2023-08-16" in r["path"] for r in search), "the month was not halved"
    assert all(r["status"] == 200 for r in search), [r["status"] for r in search]
    assert max(r["inflight"] for r in search) >= 2, "later pages were not fetched concurrently"


def test_incomplete_search_falls_back_to_pulls():
    org = Org(repos=4, small=6)
    with open(os.path.join(org.dir, "search.json"), "w") as f:
        json.dump({"incomplete_results_for": ["rust-osdev/repo-02"]}, f)
    with FakeGitHub(org.dir, token=TOKEN) as srv:
        _, out, _ = org.run(srv, "--via", "search", cache=False, check_exit=0)
        paths = [r["path"] for r in srv.requests()]
        _, want, _ = org.run(srv, "--via", "pulls", cache=False, check_exit=0)
    assert any("/pulls" in p for p in paths), "no fallback to the pulls listing"
    assert out == want


def test_org_discovery_skips_archived_forks_and_stale():
    org = Org(repos=5, small=4, archived=2, forks=2)
    with FakeGitHub(org.dir, token=TOKEN) as srv:
        for via in ("search", "pulls"):
            _, out, _ = org.run(srv, "--via", via, cache=False, check_exit=0)
            for bad in ("archived-", "fork-", "dormant"):
                assert bad not in out, (via, bad)
            # the configured repository keeps its maintainers and intro
            assert "The configured one." in out
            assert "Maintained by [@dev1]" in out
            # discovered ones: the API description as intro, a TODO for maintainers
            assert "The repo-02 crate" in out, via
            assert out.count("<!-- TODO: maintainers") == 4, (via, out.count("<!-- TODO: maintainers"))
        paths = [r["path"] for r in srv.requests()]
    assert any("/orgs/rust-osdev/repos?type=sources&sort=pushed&direction=desc" in p for p in paths)
    assert not any("archived-" in p or "fork-" in p or "dormant" in p for p in paths), \
        [p for p in paths if "archived-" in p or "fork-" in p or "dormant" in p]


def test_user_account_and_exclusions():
    # a section of a user account ("user"): one user: search, its listing under
    # /users/; the config's exclusions dropped from the listing as archived
    # repositories and forks are, whichever way the PRs are found
    org = Org(repos=5, small=4, archived=1, forks=1)
    section = org.info["config"]["sections"][0]
    del section["org"]
    section["user"] = org.info["org"]
    section["exclude"] = ["repo-03", org.info["org"] + "/REPO-04"]
    write_config(org.config, org.info["config"])
    with FakeGitHub(org.dir, token=TOKEN) as srv:
        outs = {}
        for via in ("default", "search", "pulls"):
            n0 = len(srv.requests())
            args = ["--via", via] if via != "default" else []
            _, outs[via], _ = org.run(srv, *args, cache=False, check_exit=0)
            paths = [r["path"] for r in srv.requests()[n0:]]
            assert any(p.startswith("/users/rust-osdev/repos?type=owner&sort=pushed") for p in paths), paths
            assert not any(p.startswith("/orgs/") for p in paths), paths
            if via != "pulls":
                qs = [unquote(p) for p in paths if p.startswith("/search/")]
                assert qs and all(" user:rust-osdev" in q and "org:" not in q for q in qs), qs
            assert not any("repo-03" in p or "repo-04" in p for p in paths), paths
        # an organisation's exclusions the same way
        del section["user"]
        section["org"] = org.info["org"]
        write_config(org.config, org.info["config"])
        n0 = len(srv.requests())
        _, outs["org"], _ = org.run(srv, "--via", "pulls", cache=False, check_exit=0)
        paths = [r["path"] for r in srv.requests()[n0:]]
        assert any(p.startswith("/orgs/rust-osdev/repos?") for p in paths), paths
        assert not any("repo-03" in p or "repo-04" in p for p in paths), paths
        for via, out in outs.items():
            assert "repo-02" in out and "The configured one." in out, (via, out)
            for bad in ("repo-03", "repo-04", "archived-", "fork-"):
                assert bad not in out, (via, bad)
    assert outs["default"] == outs["search"] == outs["pulls"] == outs["org"]


def test_rerun_sends_conditional_requests_and_offline():
    org = Org(repos=6, small=5)
    with FakeGitHub(org.dir, token=TOKEN) as srv:
        _, cold, _ = org.run(srv, "--via", "pulls", check_exit=0)
        n = len(srv.requests())
        _, warm, err = org.run(srv, "--via", "pulls", "--verbose", check_exit=0)
        again = srv.requests()[n:]
    assert warm == cold
    assert again and all(r["if_none_match"] for r in again), again
    assert all(r["status"] == 304 for r in again), [r["status"] for r in again]
    assert "304: cache reused" in err
    assert TOKEN not in err
    # --offline with the warm cache: no server at all
    with FakeGitHub(org.dir, token=TOKEN) as other:
        _, offline, _ = org.run(other, "--via", "pulls", "--offline", check_exit=None)
        assert len(other.requests()) == 0
    # the URLs differ by port, so --offline against the first server's URL works
    srv_url = srv.url

    class Same:
        url = srv_url
    _, offline, err = org.run(Same, "--via", "pulls", "--offline", check_exit=0)
    assert offline == cold
    # cold cache: a clear failure
    code, _, err = org.run(Same, "--via", "pulls", "--offline", "--cache-dir", org.dir + "/none")
    assert code == 3 and "offline: no cached response" in err, (code, err)
    # never the token in the cache
    for fn in os.listdir(org.cache):
        with open(os.path.join(org.cache, fn), "rb") as f:
            assert TOKEN.encode() not in f.read()


def test_corrupt_cache_entry_is_discarded():
    org = Org(repos=3, small=3)
    with FakeGitHub(org.dir, token=TOKEN) as srv:
        _, cold, _ = org.run(srv, "--via", "pulls", check_exit=0)
        for fn in os.listdir(org.cache):
            with open(os.path.join(org.cache, fn), "r+b") as f:
                data = f.read()
                f.seek(len(data) - 10)
                f.write(b"XXXXXXXXXX")
        _, warm, err = org.run(srv, "--via", "pulls", check_exit=0)
    assert warm == cold
    assert "warning: cache: entry" in err and "corrupt; discarded it" in err


def test_5xx_then_success_is_retried():
    org = Org(repos=3, small=3)
    rules = [{"match": "/repos/rust-osdev/repo-01/pulls", "times": 2, "status": 502,
              "body": "{\"message\":\"Server Error\"}"},
             {"match": "/orgs/rust-osdev/repos", "times": 1, "kind": "close"}]
    with FakeGitHub(org.dir, token=TOKEN, faults=faults_file(org.dir, rules)) as srv:
        _, out, err = org.run(srv, "--via", "pulls", "--verbose", cache=False, check_exit=0)
        reqs = srv.requests()
    r01 = [r for r in reqs if "/repo-01/pulls" in r["path"]]
    assert [r["status"] for r in r01] == [502, 502, 200], [r["status"] for r in r01]
    assert "retry " in err


def test_5xx_retries_stop():
    org = Org(repos=2, small=2)
    rules = [{"match": "/repos/rust-osdev/repo-01/pulls", "times": -1, "status": 503}]
    with FakeGitHub(org.dir, token=TOKEN, faults=faults_file(org.dir, rules)) as srv:
        code, out, err = org.run(srv, "--via", "pulls", cache=False)
        n = len([r for r in srv.requests() if "/repo-01/pulls" in r["path"]])
    assert code == 5, (code, err)  # a partial draft
    assert n == 4, n  # one request and three retries
    assert "rust-osdev/repo-01: not fetched: HTTP 503 after 4 tries" in err, err
    assert "<!-- mergeletter: rust-osdev/repo-01: not fetched: HTTP 503 after 4 tries -->" in out, out


def test_org_listing_failure_is_a_note_in_its_section():
    org = Org(repos=3, small=3)
    rules = [{"match": "/orgs/rust-osdev/repos", "times": -1, "status": 502}]
    with FakeGitHub(org.dir, token=TOKEN, faults=faults_file(org.dir, rules)) as srv:
        for via in ("pulls", "search"):
            code, out, err = org.run(srv, "--via", via, cache=False)
            assert code == 5, (via, code, err)
            note = "<!-- mergeletter: org 'rust-osdev': not fetched: HTTP 502 after 4 tries -->"
            assert note in out and note[18:-4] in err, (via, out[-2000:], err)
            assert "### [`repo-01`]" in out, (via, out)  # the configured repository stays


def test_org_listing_empty_page_with_a_next_link_is_retried_then_a_note():
    # GitHub never ends a page early: an empty page that links on has lost its repositories
    org = Org(repos=3, small=3)
    with FakeGitHub(org.dir, token=TOKEN) as srv:
        _, clean, _ = org.run(srv, "--via", "pulls", cache=False, check_exit=0)
    once = [{"match": "/orgs/rust-osdev/repos", "times": 1, "kind": "endless"}]
    with FakeGitHub(org.dir, token=TOKEN, faults=faults_file(org.dir, once)) as srv:
        _, out, _ = org.run(srv, "--via", "pulls", cache=False, check_exit=0)
        assert len([r for r in srv.requests() if r["path"].startswith("/orgs/")]) == 2
    assert out == clean
    always = [{"match": "/orgs/rust-osdev/repos", "times": -1, "kind": "endless"}]
    with FakeGitHub(org.dir, token=TOKEN, faults=faults_file(org.dir, always)) as srv:
        _, out, err = org.run(srv, "--via", "pulls", cache=False, check_exit=5)
    note = ("<!-- mergeletter: org 'rust-osdev': not fetched: GitHub's answer is an empty page "
            "that links to a next one after 4 tries -->")
    assert note in out, out[-2000:]


def test_secondary_limit_with_retry_after_waits_and_lowers_concurrency():
    org = Org(repos=10, small=2)
    rules = [{"match": "/repos/rust-osdev/repo-03/pulls", "times": 1, "kind": "secondary",
              "retry_after": 2}]
    with FakeGitHub(org.dir, token=TOKEN, latency_ms=20, faults=faults_file(org.dir, rules)) as srv:
        t0 = time.time()
        org.run(srv, "--via", "pulls", "--jobs", "8", cache=False, check_exit=0)
        took = time.time() - t0
        reqs = srv.requests()
    hit = next(r for r in reqs if r["fault"] is not None)
    # Requests may start after the 403 left the server and before the client read it
    # (however long that takes on a loaded machine), and a request the client handed
    # to libcurl before it read the 403 may reach the server a little later; once read,
    # nothing new starts for Retry-After (2 s): a pause of at least 1.5 s among the
    # starts, its retry after it. Only lower bounds on time: load lengthens them, never
    # shortens them (a 1 s Retry-After judged at 0.9 s failed once under two full suites).
    later = sorted((r for r in reqs if r["t_start"] >= hit["t_end"]), key=lambda r: r["t_start"])
    starts = [hit["t_end"]] + [r["t_start"] for r in later]
    pause = next((i for i in range(1, len(starts)) if starts[i] - starts[i - 1] >= 1.5), None)
    assert took >= 2.0, took
    assert pause is not None, ("did not honour Retry-After", hit["t_end"], starts[1:])
    after = later[pause - 1:]
    retry = [r for r in later if r["path"] == hit["path"]]
    assert retry and retry[0]["t_start"] >= hit["t_end"] + 1.9, ("retried early", hit, retry)
    assert max(r["inflight"] for r in after) <= 4, max(r["inflight"] for r in after)


def test_secondary_limit_without_retry_after_beyond_max_wait_stops():
    org = Org(repos=2, small=2)
    rules = [{"match": "/repos/rust-osdev/repo-01/pulls", "times": -1, "kind": "secondary"}]
    with FakeGitHub(org.dir, token=TOKEN, faults=faults_file(org.dir, rules)) as srv:
        t0 = time.time()
        code, _, err = org.run(srv, "--via", "pulls", "--max-wait", "5", cache=False)
        took = time.time() - t0
    assert code == 3 and "secondary rate limit" in err and "60 s" in err, (code, err)
    # a hang guard, not a benchmark: waiting out the 60 s would take far longer
    assert took < 30, f"hang guard: {took:.1f} s; was the 60 s waited for?"


def test_secondary_limit_retries_stop():
    org = Org(repos=2, small=2)
    rules = [{"match": "/repos/rust-osdev/repo-01/pulls", "times": -1, "kind": "secondary",
              "retry_after": 0}]
    with FakeGitHub(org.dir, token=TOKEN, faults=faults_file(org.dir, rules)) as srv:
        code, _, err = org.run(srv, "--via", "pulls", cache=False)
        n = len([r for r in srv.requests() if "/repo-01/pulls" in r["path"]])
    assert code == 5 and "secondary rate limit after 4 tries" in err, (code, err)
    assert n == 4, n


def test_primary_limit_waits_for_a_near_reset():
    org = Org(repos=2, small=2)
    rules = [{"match": "/repos/rust-osdev/repo-01/pulls", "times": 1, "kind": "primary", "reset_in": 1}]
    with FakeGitHub(org.dir, token=TOKEN, faults=faults_file(org.dir, rules)) as srv:
        org.run(srv, "--via", "pulls", cache=False, check_exit=0)
        r01 = [r for r in srv.requests() if "/repo-01/pulls" in r["path"]]
    assert [r["status"] for r in r01] == [403, 200], r01


def test_primary_limit_beyond_max_wait_is_a_partial_draft_with_reset_time():
    org = Org(repos=2, small=2)  # repo-00: five pages, repo-01: one; --jobs 1 keeps that order
    with FakeGitHub(org.dir, token=TOKEN, core_limit=6, reset_in=3600) as srv:
        t0 = time.time()
        code, out, err = org.run(srv, "--via", "pulls", "--jobs", "1", cache=False)
        srv.wait_idle()
        limited = [r for r in srv.requests() if r["status"] == 403]
    assert code == 5, (code, err)  # what came before the limit is drafted
    assert "rate limit (core) exhausted" in err and "resets at 20" in err and "--max-wait 60" in err, err
    assert "not fetched: GitHub API rate limit (core) exhausted" in out, out
    assert len(limited) == 1, limited  # the rest fail without a request
    # a hang guard, not a benchmark: waiting for the reset would take an hour
    took = time.time() - t0
    assert took < 30, f"hang guard: {took:.1f} s; was the reset waited for?"


def test_progress_only_on_a_terminal():
    org = Org(repos=2, small=2)
    with FakeGitHub(org.dir, token=TOKEN) as srv:
        _, _, err = org.run(srv, "--via", "pulls", cache=False, check_exit=0)
    assert "fetching:" not in err and "\r" not in err
    import pty
    import subprocess
    master, slave = pty.openpty()
    with FakeGitHub(org.dir, token=TOKEN, latency_ms=150) as srv:
        env = dict(os.environ, GH_TOKEN=TOKEN, SOURCE_DATE_EPOCH=EPOCH)
        base = [BINARY, "issue", "--config", org.config, "--month", "2023-08", "--api-url", srv.url,
                "--no-cache", "--via", "pulls", "-o", os.path.join(org.dir, "out.md")]
        subprocess.run(base, stderr=slave, stdout=subprocess.DEVNULL, env=env, timeout=60, check=True)
        subprocess.run(base + ["--quiet"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env,
                       timeout=60, check=True)
    os.close(slave)
    tty = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        tty += chunk
    os.close(master)
    assert b"fetching:" in tty and b"repositories" in tty, tty[:300]


if __name__ == "__main__":
    sys.exit(main(globals()))
