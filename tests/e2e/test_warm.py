#!/usr/bin/env python3
"""Warm runs: the cache keeps a pulls page's records (not its JSON), compressed;
a 304 restores them, for any range; the output is the same cold, warm and offline.

Usage: test_warm.py --binary PATH    (prints "N passed, N failed")
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeGitHub, main, opener  # noqa: E402

BINARY = None
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGINATED = os.path.join(ROOT, "tests", "data", "paginated")
TOKEN = "t0k3n"


def run(srv, cache, *args):
    env = {k: v for k, v in os.environ.items()
           if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
    env.update(SOURCE_DATE_EPOCH="1693958400", GH_TOKEN=TOKEN)
    cmd = [BINARY, "section", "example/big", "--api-url", srv.url, "--via", "pulls"]
    cmd += ["--cache-dir", cache] if cache else ["--no-cache"]
    p = subprocess.run(cmd + list(args), capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout, p.stderr


def entries(cache):
    out = []
    for name in sorted(os.listdir(cache)):
        with open(os.path.join(cache, name), "rb") as f:
            out.append(f.read())
    return out


def test_records_restore_cold_warm_offline_and_other_ranges():
    with tempfile.TemporaryDirectory() as cache, FakeGitHub(PAGINATED, token=TOKEN) as srv:
        cold, _ = run(srv, cache, "--month", "2023-08")
        n0 = len(srv.requests())
        stored = entries(cache)
        assert stored and all(e.startswith(b"mergeletter-cache 2\n") for e in stored), stored[:1]
        assert all(b"\nkind records\n" in e for e in stored), [e[:300] for e in stored]
        # the records of 100 full-size PRs: a few KB, not the ~1 MB of JSON
        assert max(len(e) for e in stored) < 20000, [len(e) for e in stored]
        warm, err = run(srv, cache, "--month", "2023-08", "--verbose")
        reqs = srv.requests()[n0:]
        assert warm == cold, (warm, cold)
        assert reqs and all(r["status"] == 304 for r in reqs), [r["status"] for r in reqs]
        offline, _ = run(srv, cache, "--month", "2023-08", "--offline")
        assert offline == cold
        # another range from the same pages: filtered on restore
        july_warm, _ = run(srv, cache, "--month", "2023-07")
        july_cold, _ = run(srv, None, "--month", "2023-07")
        assert july_warm == july_cold, (july_warm, july_cold)


def test_old_entries_are_read_with_one_note():
    with tempfile.TemporaryDirectory() as cache, FakeGitHub(PAGINATED, token=TOKEN) as srv:
        cold, _ = run(srv, None, "--month", "2023-08")
        # an entry of the previous format for the first page: the body as it came
        with tempfile.TemporaryDirectory() as fresh:
            run(srv, fresh, "--month", "2023-08")
            names = sorted(os.listdir(fresh))
        first = [r for r in srv.requests() if "/repos/example/big/pulls" in r["path"]][0]
        req = urllib.request.Request(srv.url + first["path"], headers={
            "Authorization": "Bearer " + TOKEN, "User-Agent": "t", "Accept": "application/vnd.github+json"})
        with opener().open(req) as r:
            body, etag, link = r.read(), r.headers["ETag"], r.headers["Link"]
        url = srv.url + first["path"]
        key = hashlib.sha256(("%s\n%s\n%s" % (url, "application/vnd.github+json",
                                             hashlib.sha256(TOKEN.encode()).hexdigest())).encode()).hexdigest()
        if key not in names:  # the key scheme changed: nothing to fake here
            return
        with open(os.path.join(cache, key), "wb") as f:
            f.write(b"mergeletter-cache 1\nurl %s\nstatus 200\netag %s\nlink %s\nlength %d\nsha256 %s\n\n" % (
                url.encode(), etag.encode(), link.encode(), len(body),
                hashlib.sha256(body).hexdigest().encode()) + body)
        json.loads(body)  # the body as it came (not compressed)
        out, err = run(srv, cache, "--month", "2023-08")
        assert out == cold, err
        assert err.count("older format") == 1, err
        # rewritten compactly on the 304
        with open(os.path.join(cache, key), "rb") as f:
            assert f.read().startswith(b"mergeletter-cache 2\n")


if __name__ == "__main__":
    sys.exit(main(globals()))
