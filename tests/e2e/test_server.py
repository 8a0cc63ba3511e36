#!/usr/bin/env python3
"""Self-test of the fake GitHub server (tests/fake_github/server.py).

    python3 tests/e2e/test_server.py [-k SUBSTRING] [-v]

Prints one line per test and "N passed, N failed"; exits non-zero on any failure.
"""

import gzip
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, SERVER, FakeGitHub, opener  # noqa: E402

OSDEV = os.path.join(ROOT, "tests", "data", "rust-osdev-2023-08")
PAGINATED = os.path.join(ROOT, "tests", "data", "paginated")
TOKEN = "t0k3n"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LINK_RE = re.compile(r'<(http://127\.0\.0\.1:\d+/[^>]*)>; rel="(next|last|first|prev)"')
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.raw = status, headers, body

    @property
    def body(self):
        if self.headers.get("Content-Encoding") == "gzip":
            return gzip.decompress(self.raw)
        return self.raw

    def json(self):
        return json.loads(self.body)

    def links(self):
        """rel -> URL, checking the header's exact format on the way."""
        value = self.headers.get("Link")
        if value is None:
            return {}
        parts = value.split(", ")
        rels = {}
        for p in parts:
            m = LINK_RE.fullmatch(p)
            assert m, f"malformed Link part {p!r} in {value!r}"
            rels[m.group(2)] = m.group(1)
        return rels


def get(url, headers=None, method="GET"):
    h = {"User-Agent": "mergeletter-test/1.0"}
    h.update(headers or {})
    req = urllib.request.Request(url, headers=h, method=method)
    try:
        with opener().open(req, timeout=30) as r:
            return Response(r.status, r.headers, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read())


def eq(a, b, what=""):
    assert a == b, f"{what}: expected {b!r}, got {a!r}"


def follow(url, headers=None, max_pages=100):
    """Follow rel=next to the end; returns the list of responses."""
    pages = []
    while url:
        r = get(url, headers)
        eq(r.status, 200, url)
        pages.append(r)
        url = r.links().get("next")
        assert len(pages) < max_pages, "too many pages"
    return pages


def facts(dataset, repo):
    with open(os.path.join(dataset, "repos", repo + ".json"), encoding="utf-8") as f:
        return json.load(f)


def temp_data(repos, search=None):
    """A temporary data directory: {"owner/name": facts}."""
    d = tempfile.TemporaryDirectory(prefix="fake-data-")
    for full, f in repos.items():
        os.makedirs(os.path.join(d.name, "repos", full.split("/")[0]), exist_ok=True)
        with open(os.path.join(d.name, "repos", full + ".json"), "w", encoding="utf-8") as fh:
            json.dump(f, fh)
    if search is not None:
        with open(os.path.join(d.name, "search.json"), "w") as fh:
            json.dump(search, fh)
    return d


def many_prs(n):
    """n PRs merged in August 2023 (created in July)."""
    from datetime import datetime, timedelta
    t0, m0 = datetime(2023, 7, 1), datetime(2023, 8, 1)
    out = []
    for i in range(n):
        created = (t0 + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        merged = (m0 + timedelta(minutes=37 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append({"number": i + 1, "title": f"PR {i + 1}", "user": f"user{i % 5}",
                    "created_at": created, "updated_at": merged, "closed_at": merged, "merged_at": merged})
    return out


# ----------------------------------------------------------------------------- basics

@test
def test_data_is_up_to_date():
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "data", "build_data.py"), "--check"],
                       capture_output=True, text=True, timeout=120)
    eq(r.returncode, 0, "build_data.py --check: " + r.stdout + r.stderr)


@test
def test_bad_data_dir_fails_loudly():
    r = subprocess.run([sys.executable, SERVER, "--data", "/nonexistent"], capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=20)
    assert r.returncode != 0 and "no such directory" in r.stderr, r.stderr
    with temp_data({"o/r": {"id": 1, "pulls": [{"number": 1, "title": "x", "user": "u",
                                                 "created_at": "2023-08-01", "bogus": 1}]}}) as d:
        r = subprocess.run([sys.executable, SERVER, "--data", d], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=20)
        assert r.returncode != 0 and "bogus" in r.stderr, r.stderr


@test
def test_now_serves_github_as_it_was():
    with FakeGitHub(OSDEV, token=TOKEN, now="2023-08-16T00:00:00Z") as gh:
        pulls = get(gh.url + "/repos/rust-osdev/uefi-rs/pulls?state=all&per_page=100", AUTH).json()
        by_number = {p["number"]: p for p in pulls}
        eq(by_number[906]["merged_at"], "2023-08-01T00:00:00Z", "an earlier merge")
        eq(by_number[915]["merged_at"], None, "a later merge has not happened")
        eq(by_number[915]["state"], "open", "so the PR is open")
        assert all(p["updated_at"] <= "2023-08-16T00:00:00Z" for p in pulls)
        assert 931 not in by_number, "a PR created later does not exist yet"
        q = "is:pr is:merged merged:2023-08-01..2023-08-31 repo:rust-osdev/uefi-rs"
        items = get(gh.url + "/search/issues?per_page=100&q=" + urllib.parse.quote(q), AUTH).json()["items"]
        assert 915 not in {i["number"] for i in items} and 906 in {i["number"] for i in items}


@test
def test_repo_object():
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        r = get(gh.url + "/repos/Rust-OSDev/UEFI-RS", AUTH)
        eq(r.status, 200, "status")
        o = r.json()
        eq(o["full_name"], "rust-osdev/uefi-rs", "full_name")
        eq(o["html_url"], "https://github.com/rust-osdev/uefi-rs", "html_url")
        eq(o["owner"]["login"], "rust-osdev", "owner")
        eq(o["archived"], False, "archived")
        assert o["description"].startswith("Rusty wrapper"), o["description"]
        eq(o["default_branch"], "main", "default_branch")
        eq(r.headers["Content-Type"], "application/json; charset=utf-8", "content type")
        eq(r.headers["x-github-api-version-selected"], "2022-11-28", "api version")
        assert r.headers["X-GitHub-Request-Id"], "request id"
        eq(int(r.headers["Content-Length"]), len(r.raw), "Content-Length")
        eq(get(gh.url + f"/repositories/{o['id']}", AUTH).json()["full_name"], "rust-osdev/uefi-rs", "by id")
        eq(get(gh.url + "/repos/rust-osdev/bootimage", AUTH).json()["archived"], True, "bootimage archived")
        o = get(gh.url + "/repos/rust-osdev/acpi", AUTH).json()
        assert "tables – data" in o["description"], "en dash survives: " + o["description"]


@test
def test_unknown_repo_404():
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        for path in ("/repos/rust-osdev/nope/pulls?state=closed", "/repos/rust-osdev/nope"):
            r = get(gh.url + path, AUTH)
            eq(r.status, 404, path)
            eq(r.json()["message"], "Not Found", "message")
            eq(r.json()["status"], "404", "status field")
        eq(get(gh.url + "/repos/rust-osdev/nope/pulls", AUTH).json(),
           {"message": "Not Found", "documentation_url":
            "https://docs.github.com/rest/pulls/pulls#list-pull-requests", "status": "404"}, "body")
        eq(get(gh.url + "/orgs/nobody/repos", AUTH).status, 404, "unknown org")
        eq(get(gh.url + "/no/such/endpoint", AUTH).status, 404, "unknown endpoint")


@test
def test_commit_of_a_ref():
    """GET /repos/O/R/commits/REF answers the ref's commit with its committer date;
    a tag, a branch, HEAD (the default branch), a SHA or its prefix; else 422."""
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        base = gh.url + "/repos/rust-osdev/uefi-rs/commits/"
        r = get(base + "uefi-v0.24.0", AUTH)
        eq(r.status, 200, "tag")
        o = r.json()
        eq(o["commit"]["committer"]["date"], "2023-07-31T23:59:59Z", "committer date")
        assert re.fullmatch(r"[0-9a-f]{40}", o["sha"]), o["sha"]
        assert r.headers["ETag"], "an ETag, for the cache"
        eq(get(base + o["sha"], AUTH).json()["sha"], o["sha"], "by SHA")
        eq(get(base + o["sha"][:7].upper(), AUTH).json()["sha"], o["sha"], "by a SHA prefix")
        eq(get(base + "HEAD", AUTH).json()["commit"]["committer"]["date"], "2023-09-02T10:00:00Z", "HEAD")
        eq(get(base + "main", AUTH).json()["commit"]["committer"]["date"], "2023-09-02T10:00:00Z", "branch")
        r = get(base + "uefi-v9", AUTH)
        eq(r.status, 422, "unknown ref")
        eq(r.json()["message"], "No commit found for SHA: uefi-v9", "message")
        eq(get(base + o["sha"][:6], AUTH).status, 422, "a prefix too short")
        eq(get(gh.url + "/repos/rust-osdev/nope/commits/main", AUTH).status, 404, "unknown repo")
        eq(get(gh.url + "/repos/rust-osdev/x86_64/commits/HEAD", AUTH).status, 422, "no refs")


# ----------------------------------------------------------------------------- pulls

@test
def test_pulls_pagination_follows_to_the_end():
    f = facts(OSDEV, "rust-osdev/uefi-rs")
    closed = [p for p in f["pulls"] if p["closed_at"]]
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        first = gh.url + "/repos/rust-osdev/uefi-rs/pulls?state=closed&sort=updated&direction=desc&per_page=100"
        pages = follow(first, AUTH)
        assert len(pages) >= 3, f"only {len(pages)} pages"
        eq(set(pages[0].links()), {"next", "last"}, "first page rels")
        eq(list(pages[0].links()), ["next", "last"], "first page rel order")
        for mid in pages[1:-1]:
            eq(list(mid.links()), ["prev", "next", "last", "first"], "middle page rels")
        eq(list(pages[-1].links()), ["prev", "first"], "last page rels")
        eq(pages[0].links()["last"], re.sub(r"&page=1$", f"&page={len(pages)}", pages[-1].links()["first"]),
           "last link")
        for p in pages[1:]:
            assert f"/repositories/{f['id']}/pulls?state=closed&sort=updated&direction=desc&per_page=100&page=" \
                in p.links()["first"], p.headers["Link"]
        items = [x for p in pages for x in p.json()]
        eq(len(items), len(closed), "item count")
        eq(len({x["number"] for x in items}), len(items), "no duplicates")
        ups = [x["updated_at"] for x in items]
        eq(ups, sorted(ups, reverse=True), "sorted by updated desc")
        x = next(x for x in items if x["number"] == 913)
        eq(x["user"]["login"], "cmoylan", "user")
        eq(x["merged_at"], "2023-08-09T14:02:51Z", "merged_at")
        eq(x["head"]["repo"]["full_name"], "cmoylan/uefi-rs", "fork head")
        eq(x["base"]["repo"]["full_name"], "rust-osdev/uefi-rs", "base")
        eq(x["html_url"], "https://github.com/rust-osdev/uefi-rs/pull/913", "html_url")
        size = len(json.dumps(x))
        assert 10_000 <= size <= 25_000, f"PR object is {size} bytes"
        bump = next(x for x in items if x["number"] == 908)
        eq(bump["user"]["type"], "Bot", "bot type")
        eq([lb["name"] for lb in bump["labels"]], ["dependencies"], "labels")
        eq(len(gh.requests()), len(pages), "one request per page")


@test
def test_pulls_parameters():
    f = facts(OSDEV, "rust-osdev/uefi-rs")
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        base = gh.url + "/repos/rust-osdev/uefi-rs/pulls"
        r = get(base, AUTH)
        items = r.json()
        eq(len(items), len([p for p in f["pulls"] if not p["closed_at"]]), "default state=open")
        eq([x["number"] for x in items], sorted((x["number"] for x in items), reverse=True), "created desc")
        eq(len(get(base + "?state=all", AUTH).json()), 30, "default per_page")
        eq(len(get(base + "?state=all&per_page=500", AUTH).json()), 100, "per_page capped at 100")
        asc = get(base + "?state=all&sort=updated&per_page=5", AUTH).json()
        ups = [x["updated_at"] for x in asc]
        eq(ups, sorted(ups), "sort=updated defaults to asc, as on GitHub")
        eq(get(base + "?state=bogus", AUTH).status, 422, "invalid state")
        r = get(base + "?state=all&per_page=100&page=99", AUTH)
        eq(r.json(), [], "page past the end")
        eq(get(base.replace("/repos/rust-osdev/uefi-rs", f"/repositories/{f['id']}") + "?state=all", AUTH)
           .json()[0]["number"], get(base + "?state=all", AUTH).json()[0]["number"], "/repositories/ID")
        one = get(base + "/906", AUTH).json()
        eq((one["number"], one["merged"]), (906, True), "single PR")
        small = get(gh.url + "/repos/rust-osdev/uart_16550/pulls?state=all", AUTH)
        assert "Link" not in small.headers, "no Link on a single page"


@test
def test_raw_override_user_null():
    with FakeGitHub(PAGINATED, token=TOKEN) as gh:
        items = get(gh.url + "/repos/example/broken/pulls?state=closed", AUTH).json()
        by = {x["number"]: x for x in items}
        eq(by[2]["user"], None, "raw user null in pulls")
        eq(by[1]["user"]["login"], "alice-dev", "other PR intact")
        s = get(gh.url + "/search/issues?q=repo:example/broken+is:pr+is:merged", AUTH).json()
        eq({x["number"]: x["user"] for x in s["items"]}[2], None, "raw user null in search")


@test
def test_raw_override_is_deep_and_private():
    pulls = many_prs(3)
    pulls[0]["raw"] = {"base": {"repo": {"description": "changed"}}, "body": "$delete",
                       "head": {"repo": None}}
    with temp_data({"o/r": {"id": 7, "description": "orig", "pulls": pulls}}) as d:
        with FakeGitHub(d) as gh:
            by = {x["number"]: x for x in get(gh.url + "/repos/o/r/pulls?state=all").json()}
            eq(by[1]["base"]["repo"]["description"], "changed", "nested override")
            assert "body" not in by[1], "$delete removes the key"
            eq(by[1]["head"]["repo"], None, "null override")
            eq(by[2]["base"]["repo"]["description"], "orig", "other PRs untouched")
            eq(by[2]["head"]["repo"]["full_name"], "user1/r", "other PRs untouched")
            eq(get(gh.url + "/repos/o/r").json()["description"], "orig", "repo object untouched")


@test
def test_messy_titles_round_trip():
    with FakeGitHub(PAGINATED, token=TOKEN) as gh:
        titles = {x["title"] for x in get(gh.url + "/repos/example/messy/pulls?state=all", AUTH).json()}
        for t in ("Fix\nthings", "Überarbeitung – naïve café 日本", "Stop the comment early --> oops"):
            assert t in titles, t
        r = get(gh.url + "/repos/example/messy/pulls?state=all", AUTH)
        assert "日本".encode() in r.raw, "raw UTF-8, not \\u escapes"


# ----------------------------------------------------------------------------- caching, gzip, HTTP

@test
def test_etag_and_304():
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        url = gh.url + "/repos/rust-osdev/x86_64/pulls?state=closed&per_page=10"
        r1 = get(url, AUTH)
        etag = r1.headers["ETag"]
        assert re.fullmatch(r'"[0-9a-f]{64}"', etag), etag
        rem = int(r1.headers["X-RateLimit-Remaining"])
        r2 = get(url, dict(AUTH, **{"If-None-Match": etag}))
        eq(r2.status, 304, "304")
        eq(r2.raw, b"", "empty 304 body")
        eq(int(r2.headers["X-RateLimit-Remaining"]), rem, "authenticated 304 is free")
        eq(r2.headers["ETag"], etag, "304 repeats the ETag")
        rg = get(url, dict(AUTH, **{"Accept-Encoding": "gzip"}))
        eq(rg.headers["ETag"], "W/" + etag, "weak ETag when gzipped")
        r3 = get(url, dict(AUTH, **{"If-None-Match": "W/" + etag, "Accept-Encoding": "gzip"}))
        eq(r3.status, 304, "weak form matches too")
        eq(r3.headers["ETag"], "W/" + etag, "weak on 304 for gzip clients")
        eq(get(url, dict(AUTH, **{"If-None-Match": '"nope"'})).status, 200, "other ETag")
        eq(get(url + "&page=2", dict(AUTH, **{"If-None-Match": etag})).status, 200, "other page")
        u = get(url, {"If-None-Match": etag})
        eq(u.status, 304, "unauthenticated 304")
        eq(u.headers["X-RateLimit-Remaining"], "59", "unauthenticated 304 is charged")
        log = gh.requests()
        eq(log[1]["if_none_match"], etag, "logged If-None-Match")
        eq(log[1]["status"], 304, "logged status")


@test
def test_gzip():
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        url = gh.url + "/repos/rust-osdev/uefi-rs/pulls?state=all&per_page=50"
        plain = get(url, AUTH)
        gz = get(url, dict(AUTH, **{"Accept-Encoding": "deflate, gzip, br"}))
        eq(gz.headers["Content-Encoding"], "gzip", "Content-Encoding")
        assert "Accept-Encoding" in ", ".join(gz.headers.get_all("Vary")), "Vary"
        eq(int(gz.headers["Content-Length"]), len(gz.raw), "Content-Length is the compressed size")
        eq(gzip.decompress(gz.raw), plain.raw, "same body")
        assert len(gz.raw) < len(plain.raw) / 5, "actually compressed"
        assert "Content-Encoding" not in plain.headers
        eq(gh.requests()[1]["accept_encoding"], "deflate, gzip, br", "logged")


@test
def test_keep_alive_and_head():
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        c = http.client.HTTPConnection("127.0.0.1", gh.port, timeout=10)
        for path in ("/repos/rust-osdev/acpi", "/repos/rust-osdev/acpi/pulls?state=all",
                     "/repos/rust-osdev/vga"):
            c.request("GET", path, headers={"User-Agent": "t", "Authorization": f"token {TOKEN}"})
            r = c.getresponse()
            body = r.read()
            eq(r.status, 200, path)
            eq(len(body), int(r.getheader("Content-Length")), "Content-Length")
            json.loads(body)
        sock = c.sock
        c.request("HEAD", "/repos/rust-osdev/acpi", headers={"User-Agent": "t"})
        r = c.getresponse()
        eq((r.status, r.read()), (200, b""), "HEAD")
        assert c.sock is sock, "connection reused"
        c.close()
        eq({x["auth"] for x in gh.requests()[:3]}, {"token"}, "token scheme logged")


@test
def test_user_agent_and_api_version():
    with FakeGitHub(OSDEV) as gh:
        c = http.client.HTTPConnection("127.0.0.1", gh.port, timeout=10)
        c.request("GET", "/repos/rust-osdev/acpi")   # http.client sends no User-Agent
        r = c.getresponse()
        eq(r.status, 403, "no User-Agent")
        assert b"User-Agent" in r.read()
        c.close()
        eq(get(gh.url + "/repos/rust-osdev/acpi", {"X-GitHub-Api-Version": "2022-11-28"}).status, 200, "ok")
        eq(get(gh.url + "/repos/rust-osdev/acpi", {"X-GitHub-Api-Version": "2020-01-01"}).status, 400, "bad")
        eq(gh.requests()[1]["api_version"], "2022-11-28", "logged api_version")


# ----------------------------------------------------------------------------- auth, limits

@test
def test_auth():
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        url = gh.url + "/repos/rust-osdev/acpi"
        r = get(url, {"Authorization": "Bearer wrong"})
        eq(r.status, 401, "wrong token")
        eq(r.json(), {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest",
                      "status": "401"}, "401 body")
        eq(get(url, {"Authorization": "Basic dXNlcjpwYXNz"}).status, 401, "basic auth")
        ok = get(url, {"Authorization": f"token {TOKEN}"})
        eq((ok.status, ok.headers["X-RateLimit-Limit"]), (200, "5000"), "token scheme")
        anon = get(url)
        eq((anon.status, anon.headers["X-RateLimit-Limit"]), (200, "60"), "anonymous")
        eq(anon.headers["X-RateLimit-Resource"], "core", "resource")
        eq([x["auth"] for x in gh.requests()], ["bad", "bad", "token", "none"], "logged auth")
        assert TOKEN not in open(gh.log_path).read(), "token never logged"
        assert "wrong" not in open(gh.log_path).read(), "bad token never logged"


@test
def test_primary_rate_limit_and_reset():
    with FakeGitHub(OSDEV, token=TOKEN, core_limit=3, reset_in=2) as gh:
        url = gh.url + "/repos/rust-osdev/acpi"
        rems = [get(url, AUTH).headers["X-RateLimit-Remaining"] for _ in range(3)]
        eq(rems, ["2", "1", "0"], "remaining counts down")
        r = get(url, AUTH)
        eq(r.status, 403, "exhausted")
        eq(r.headers["X-RateLimit-Remaining"], "0", "remaining 0")
        assert r.json()["message"].startswith("API rate limit exceeded"), r.json()
        eq(get(gh.url + "/rate_limit", AUTH).json()["resources"]["core"]["remaining"], 0, "rate_limit free")
        reset = int(r.headers["X-RateLimit-Reset"])
        eq(get(gh.url + "/search/issues?q=is:pr", AUTH).status, 200, "search has its own bucket")
        time.sleep(max(0, reset - time.time()) + 0.05)
        r = get(url, AUTH)
        eq((r.status, r.headers["X-RateLimit-Remaining"]), (200, "2"), "after reset")
        assert int(r.headers["X-RateLimit-Reset"]) > reset, "new window"
    with FakeGitHub(OSDEV) as gh:
        for i in range(60):
            get(gh.url + "/repos/rust-osdev/vga")
        r = get(gh.url + "/repos/rust-osdev/vga")
        eq(r.status, 403, "unauthenticated limit 60")
        assert "127.0.0.1" in r.json()["message"], r.json()


# ----------------------------------------------------------------------------- faults

def fault_file(rules):
    f = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump(rules, f)
    f.close()
    return f.name


@test
def test_faults_consume_in_order():
    path = fault_file([
        {"match": r"/pulls\?", "times": 2, "status": 502, "body": '{"message":"Server Error"}'},
        {"match": r"/pulls\?", "kind": "secondary", "retry_after": 7},
        {"match": r"/pulls\?", "kind": "secondary", "status": 429},
        {"match": r"/pulls\?", "kind": "primary", "reset_in": 30},
        {"match": r"repos/rust-osdev/vga$", "times": -1, "status": 503},
    ])
    try:
        with FakeGitHub(OSDEV, token=TOKEN, faults=path) as gh:
            url = gh.url + "/repos/rust-osdev/acpi/pulls?state=closed"
            got = [get(url, AUTH) for _ in range(6)]
            eq([r.status for r in got], [502, 502, 403, 429, 403, 200], "statuses in order")
            eq(got[0].json(), {"message": "Server Error"}, "fault body")
            eq(got[2].headers["Retry-After"], "7", "Retry-After")
            assert "secondary rate limit" in got[2].json()["message"], got[2].json()
            assert got[2].json()["documentation_url"].endswith("#secondary-rate-limits")
            assert int(got[2].headers["X-RateLimit-Remaining"]) > 0, "secondary keeps remaining > 0"
            assert "Retry-After" not in got[3].headers, "no Retry-After unless asked"
            eq(got[4].headers["X-RateLimit-Remaining"], "0", "primary")
            # reset_in 30 from when the server answered (its log's times, not ours)
            seen = gh.requests()[4]
            assert seen["t_start"] + 29 <= int(got[4].headers["X-RateLimit-Reset"]) <= seen["t_end"] + 31, \
                "primary reset"
            eq(got[5].headers["X-RateLimit-Remaining"], "4999", "faults are not charged")
            eq([get(gh.url + "/repos/rust-osdev/vga", AUTH).status for _ in range(3)], [503] * 3, "times -1")
            eq([x["fault"] for x in gh.requests()[:6]], [0, 0, 1, 2, 3, None], "logged fault index")
    finally:
        os.unlink(path)


@test
def test_fault_kinds_that_break_the_transport():
    path = fault_file([
        {"match": "acpi$", "kind": "close"},
        {"match": "acpi$", "kind": "truncate"},
        {"match": "acpi$", "kind": "invalid_json"},
        {"match": "acpi$", "kind": "not_modified_ignore"},
        {"match": "acpi$", "delay_ms": 400, "headers": {"X-Extra": "yes"}},
        {"match": "search/issues.*merged:2023", "status": 500},
    ])
    try:
        with FakeGitHub(OSDEV, token=TOKEN, faults=path) as gh:
            url = gh.url + "/repos/rust-osdev/acpi"
            try:
                get(url, AUTH)
                raise AssertionError("close: expected a transport error")
            except (http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError):
                pass
            try:
                r = get(url, AUTH)
                raise AssertionError(f"truncate: got a full body of {len(r.raw)}")
            except http.client.IncompleteRead:
                pass
            r = get(url, AUTH)
            eq(r.status, 200, "invalid_json status")
            eq(int(r.headers["Content-Length"]), len(r.raw), "invalid_json is well framed")
            try:
                json.loads(r.raw)
                raise AssertionError("invalid_json parsed")
            except ValueError:
                pass
            good = get(gh.url + "/repos/rust-osdev/acpi?x", AUTH)
            r = get(url, dict(AUTH, **{"If-None-Match": good.headers["ETag"]}))
            eq(r.status, 200, "not_modified_ignore")
            t = time.time()
            r = get(url, AUTH)
            assert time.time() - t >= 0.39, "delay_ms"
            eq((r.status, r.headers["X-Extra"]), (200, "yes"), "delay-only rule answers normally")
            eq(get(url, AUTH).status, 200, "all used up")
            eq(get(gh.url + "/search/issues?q=is%3Apr+merged%3A2023-08-01..2023-08-31", AUTH).status, 500,
               "regex matches the percent-decoded query")
            # a closed connection is logged once the server is done with it, which may be
            # after the client saw it: wait for both lines, then find them by rule
            log = gh.wait_until(lambda log: {0, 1} <= {x["fault"] for x in log})
            by_rule = {x["fault"]: x for x in log}
            eq(by_rule[0]["status"], 0, "close logged as status 0")
            assert 0 < by_rule[1]["bytes"], "truncate sent something"
    finally:
        os.unlink(path)


@test
def test_fault_kinds_of_a_hostile_server():
    import socket
    path = fault_file([
        {"match": "bootloader/pulls.*page=1$", "kind": "endless", "link": "{other}/other-origin/x"},
        {"match": "bootloader/pulls", "times": 2, "kind": "endless"},
        {"match": "search/issues", "kind": "lie_total", "total_count": 5000},
        {"match": "acpi$", "kind": "oversized", "size_mb": 2},
        {"match": "acpi$", "kind": "oversized", "size_mb": 1, "declare_length": False},
        {"match": "acpi$", "kind": "trickle", "interval_ms": 0},
        {"match": "acpi$", "kind": "stall", "delay_ms": 300},
        {"match": "uefi-rs$", "status": 302, "headers": {"Location": "{other}/moved"}},
    ])
    try:
        with FakeGitHub(OSDEV, token=TOKEN, faults=path) as gh:
            pulls = gh.url + "/repos/rust-osdev/bootloader/pulls?page=1"
            r = get(pulls, AUTH)
            other = r.links()["next"]
            assert other.startswith("http://127.0.0.1:") and other.endswith("/other-origin/x"), other
            assert not other.startswith(gh.url + "/"), "the other origin is another port"
            r = get(gh.url + "/repos/rust-osdev/bootloader/pulls?state=closed&page=7", AUTH)
            eq((r.status, r.raw), (200, b"[]"), "endless body")
            assert r.links()["next"].endswith("page=8") and "state=closed" in r.links()["next"], r.links()
            eq(get(r.links()["next"], AUTH).links()["next"][-6:], "page=9", "endless goes on")
            r = get(gh.url + "/search/issues?q=is%3Apr+repo%3Arust-osdev%2Fx86_64", AUTH)
            body = json.loads(r.raw)
            eq(body["total_count"], 5000, "lie_total")
            assert len(body["items"]) < 100, "the items stay true"
            r = get(gh.url + "/repos/rust-osdev/acpi", AUTH)
            eq(len(r.raw), 2 * 1024 * 1024, "oversized with Content-Length")
            eq(int(r.headers["Content-Length"]), 2 * 1024 * 1024, "declared")
            r = get(gh.url + "/repos/rust-osdev/acpi", AUTH)
            eq((len(r.raw), r.headers.get("Content-Length")), (1024 * 1024, None), "oversized unannounced")
            r = get(gh.url + "/repos/rust-osdev/acpi", dict(AUTH, **{"Accept-Encoding": "gzip"}))
            eq((r.status, json.loads(r.raw)["full_name"]), (200, "rust-osdev/acpi"), "trickle, not gzipped")
            t = time.time()
            try:
                get(gh.url + "/repos/rust-osdev/acpi", AUTH)
                raise AssertionError("stall: expected no answer")
            except (http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError):
                pass
            assert time.time() - t >= 0.29, "stall held the connection"
            eq(get(gh.url + "/repos/rust-osdev/uefi-rs", AUTH).status, 404, "redirect followed to {other}/moved")
            port = int(other.split(":")[2].split("/")[0])
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass
            eq(get(f"http://127.0.0.1:{port}/repos/rust-osdev/acpi", AUTH).status, 200, "other origin serves")
            log = gh.wait_until(lambda log: any(x["other"] and x["path"] == "/moved" for x in log))
            assert any(x["other"] and x["path"] == "/moved" for x in log), "the redirect's target"
            assert any(x["status"] == 302 and not x["other"] for x in log), "the redirect"
    finally:
        os.unlink(path)


@test
def test_fault_gzip_bomb():
    path = fault_file([{"match": "acpi$", "kind": "gzip_bomb", "inflated_mb": 64}])
    try:
        with FakeGitHub(OSDEV, token=TOKEN, faults=path) as gh:
            r = get(gh.url + "/repos/rust-osdev/acpi", AUTH)  # no Accept-Encoding: sent anyway
            eq((r.status, r.headers["Content-Encoding"]), (200, "gzip"), "a bomb")
            assert len(r.raw) < 200 * 1024, len(r.raw)
            body = gzip.decompress(r.raw)
            eq((len(body), body.strip()), (64 * 1024 * 1024, b""), "inflates to whitespace")
    finally:
        os.unlink(path)


# ----------------------------------------------------------------------------- search

def search(gh, q, headers=AUTH, **params):
    from urllib.parse import urlencode
    return get(gh.url + "/search/issues?" + urlencode(dict(q=q, **params)), headers)


@test
def test_search_qualifiers():
    listed = {906, 909, 911, 896, 913, 910, 916, 928, 851, 915}
    bumps = {908, 912, 919, 923, 924, 926, 927, 929, 930}
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        r = search(gh, "is:pr is:merged merged:2023-08-01..2023-08-31 repo:rust-osdev/uefi-rs", per_page=100)
        eq(r.status, 200, "status")
        eq(r.headers["X-RateLimit-Resource"], "search", "resource")
        eq(r.headers["X-RateLimit-Limit"], "30", "search limit")
        eq(r.headers["Cache-Control"], "no-cache", "no-cache")
        assert "ETag" not in r.headers, "no ETag on search"
        body = r.json()
        eq(set(body), {"total_count", "incomplete_results", "items"}, "keys")
        eq({x["number"] for x in body["items"]}, listed | bumps, "August merges incl. both ends")
        eq(body["total_count"], 19, "total_count")
        x = body["items"][0]
        eq(x["repository_url"], gh.url + "/repos/rust-osdev/uefi-rs", "repository_url")
        assert x["html_url"].startswith("https://github.com/rust-osdev/uefi-rs/pull/"), x["html_url"]
        assert set(x["pull_request"]) >= {"url", "html_url", "diff_url", "patch_url", "merged_at"}
        for q in ("is:pr is:merged merged:>=2023-08-01 merged:<2023-09-01 repo:rust-osdev/uefi-rs",
                  "is:pr merged:2023-08-01T00:00:00Z..2023-08-31T23:59:59Z repo:rust-osdev/uefi-rs",
                  "is:pr merged:2023-08-01T02:00:00+02:00..2023-09-01T01:59:59+02:00 repo:rust-osdev/uefi-rs",
                  "is:pr merged:>2023-07-31 merged:<=2023-08-31 repo:rust-osdev/uefi-rs"):
            eq({x["number"] for x in search(gh, q, per_page=100).json()["items"]}, listed | bumps, q)
        r = search(gh, "is:pr merged:2023-08-01T00:00:00Z..2023-09-01T00:00:00Z repo:rust-osdev/uefi-rs",
                   per_page=100)
        assert 931 in {x["number"] for x in r.json()["items"]}, "end time is inclusive"
        r = search(gh, "is:pr is:merged merged:2023-08-01..2023-08-31 repo:rust-osdev/uefi-rs "
                       "-author:app/dependabot", per_page=100)
        eq({x["number"] for x in r.json()["items"]}, listed, "-author:app/dependabot")
        r = search(gh, "is:pr merged:2023-08-01..2023-08-31 -author:dependabot[bot] org:rust-osdev",
                   per_page=100)
        eq(r.json()["total_count"], 19, "org: with -author:dependabot[bot]")
        r = search(gh, "is:pr is:merged merged:2023-08 repo:rust-osdev/acpi repo:rust-osdev/uart_16550")
        eq(r.status, 422, "merged:2023-08 is not a date")
        r = search(gh, "is:pr merged:2023-08-01..2023-08-31 repo:rust-osdev/acpi repo:rust-osdev/uart_16550")
        eq({x["number"] for x in r.json()["items"]}, {189, 190, 29}, "repo: qualifiers ORed")
        eq(search(gh, "is:pr author:alnyan merged:2023-08-01..2023-08-31").json()["total_count"], 2, "author:")
        eq(search(gh, "is:pr is:open repo:rust-osdev/uefi-rs").json()["total_count"], 6, "is:open")
        eq(search(gh, "is:pr is:unmerged closed:2023-08-01..2023-08-31 org:rust-osdev")
           .json()["total_count"], 8, "is:unmerged closed:")
        eq(search(gh, "is:pr is:merged merged:2023-08-01..2023-08-31 org:rust-osdev label:dependencies")
           .json()["total_count"], 9, "label:")
        eq(search(gh, "is:pr memmove repo:rust-osdev/uefi-rs").json()["total_count"], 1, "text term")
        eq(search(gh, "is:pr merge:2023-08-01..2023-08-31 repo:rust-osdev/uefi-rs").json()["total_count"],
           0, "unknown qualifier is text, matches nothing")
        eq(search(gh, "is:pr " + "x" * 260).status, 422, "q over 256 characters")
        eq(get(gh.url + "/search/issues", AUTH).status, 422, "no q")
        eq(search(gh, "is:pr", headers={}).headers["X-RateLimit-Limit"], "10", "unauthenticated search limit")


@test
def test_search_label_lists_titles_and_or():
    def pr(n, title, labels=()):
        return {"number": n, "title": title, "user": "u", "created_at": "2023-08-01T00:00:00Z",
                "updated_at": "2023-08-02T00:00:00Z", "closed_at": "2023-08-02T00:00:00Z",
                "merged_at": "2023-08-02T00:00:00Z", "labels": list(labels), "body": "linker in body"}
    pulls = [pr(1, "Add a target", ["O-riscv"]), pr(2, "Update LLVM", ["O-x86_64"]),
             pr(3, "Fix the calling  convention", ["T-compiler"]), pr(4, "Unrelated", ["needs triage"]),
             pr(5, "Add targets")]
    d = temp_data({"o/r": {"id": 1, "pulls": pulls}})
    base = "is:pr is:merged merged:2023-08-01..2023-08-31 repo:o/r "
    with FakeGitHub(d.name) as gh:
        def numbers(q):
            r = search(gh, base + q, per_page=100)
            eq(r.status, 200, q)
            return sorted(x["number"] for x in r.json()["items"])
        eq(numbers("label:O-riscv,O-x86_64"), [1, 2], "label:a,b is an OR")
        eq(numbers('label:"needs triage",O-riscv'), [1, 4], "quoted label names")
        eq(numbers("label:O-riscv label:O-x86_64"), [], "two label: qualifiers are an AND")
        eq(numbers('"target" OR "LLVM" in:title'), [1, 2, 5], "OR of words, substring (stemming)")
        eq(numbers('"calling convention" in:title'), [3], "a phrase, whitespace runs alike")
        eq(numbers("linker in:title"), [], "in:title leaves the body out")
        eq(numbers("linker"), [1, 2, 3, 4, 5], "without in:title the body counts")
        eq(search(gh, base + " OR ".join(f'"w{i}"' for i in range(7)) + " in:title").status, 422,
           "more than five operators")
    d.cleanup()


@test
def test_feeds_route():
    d = temp_data({"o/r": {"id": 1, "pulls": []}})
    os.makedirs(os.path.join(d.name, "feeds"))
    with open(os.path.join(d.name, "feeds", "a.atom"), "w") as f:
        f.write("<feed xmlns='http://www.w3.org/2005/Atom'/>")
    with FakeGitHub(d.name, token=TOKEN) as gh:
        r = get(gh.url + "/feeds/a.atom")
        eq(r.status, 200, "feed")
        eq(r.body, b"<feed xmlns='http://www.w3.org/2005/Atom'/>", "feed body")
        assert r.headers["Content-Type"].startswith("application/atom+xml"), r.headers["Content-Type"]
        etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
        eq(get(gh.url + "/feeds/a.atom", {"If-None-Match": etag}).status, 304, "If-None-Match")
        eq(get(gh.url + "/feeds/a.atom", {"If-Modified-Since": modified}).status, 304, "If-Modified-Since")
        eq(get(gh.url + "/feeds/a.atom", {"If-None-Match": '"other"', "If-Modified-Since": modified}).status,
           200, "If-None-Match wins")
        eq(get(gh.url + "/feeds/nope.rss").status, 404, "missing feed")
        eq(get(gh.url + "/feeds/..%2Frepos").status, 404, "no way out of DIR/feeds")
        gh.wait_idle()
        log = [x for x in gh.requests() if x["path"].startswith("/feeds/")]
        eq(log[0]["auth"], "none", "logged auth")
        eq(log[2]["if_modified_since"], modified, "logged If-Modified-Since")
    d.cleanup()


@test
def test_search_pagination_and_1000_cap():
    repo = {"id": 42, "pulls": many_prs(1100)}
    with temp_data({"big/many": repo, "big/other": {"id": 43, "pulls": many_prs(3)}},
                   search={"incomplete_results_for": ["big/other"]}) as d:
        with FakeGitHub(d, token=TOKEN) as gh:
            q = "is:pr is:merged merged:2023-08-01..2023-08-31 repo:big/many"
            r = search(gh, q, per_page=100)
            eq(r.json()["total_count"], 1100, "total_count is the real count")
            eq(r.json()["incomplete_results"], False, "complete")
            last = r.links()["last"]
            assert last.endswith("page=10"), last
            assert "/search/issues?q=is%3Apr+is%3Amerged+merged%3A2023-08-01..2023-08-31+repo%3Abig%2Fmany" \
                   "&per_page=100&page=10" in last, last
            pages = follow(r.links()["next"], AUTH)
            eq(len(pages), 9, "pages 2..10 reachable")
            items = r.json()["items"] + [x for p in pages for x in p.json()["items"]]
            eq(len(items), 1000, "only the first 1000")
            eq(len({x["number"] for x in items}), 1000, "distinct")
            r = get(last.replace("page=10", "page=11"), AUTH)
            eq(r.status, 422, "page 11")
            eq(r.json()["message"], "Only the first 1000 search results are available", "message")
            r = search(gh, q, per_page=30, page=34)
            eq(len(r.json()["items"]), 10, "page 34 of 30 stops at 1000")
            eq(list(r.links()), ["prev", "first"], "page 34 is the last")
            eq(search(gh, q, per_page=30, page=35).status, 422, "page 35")
            eq(search(gh, "is:pr org:big").json()["incomplete_results"], True, "incomplete_results_for")
            eq(search(gh, "is:pr repo:big/many").json()["incomplete_results"], False, "other repo")


# ----------------------------------------------------------------------------- orgs

@test
def test_org_repos():
    with FakeGitHub(OSDEV, token=TOKEN) as gh:
        url = gh.url + "/orgs/rust-osdev/repos?type=sources&sort=pushed&per_page=5"
        pages = follow(url, AUTH)
        repos = [x for p in pages for x in p.json()]
        names = [x["name"] for x in repos]
        assert "xmas-elf" not in names, "type=sources excludes forks"
        assert "bootimage" in names, "archived repos are listed"
        eq(len(names), 18, "all non-fork repos")
        pushed = [x["pushed_at"] for x in repos]
        eq(pushed, sorted(pushed, reverse=True), "pushed desc")
        assert "/organizations/" in pages[0].links()["next"], pages[0].headers["Link"]
        assert all("description" in x and "archived" in x and "fork" in x for x in repos)
        allr = [x["name"] for p in follow(gh.url + "/orgs/rust-osdev/repos?per_page=100", AUTH) for x in p.json()]
        assert "xmas-elf" in allr and len(allr) == 19, allr
        byname = [x["name"] for x in get(gh.url + "/orgs/rust-osdev/repos?sort=full_name&per_page=100",
                                          AUTH).json()]
        eq(byname, sorted(byname, key=str.lower), "full_name asc")
        eq(get(gh.url + "/orgs/rust-osdev", AUTH).json()["login"], "rust-osdev", "org object")


# ----------------------------------------------------------------------------- concurrency, lifecycle

@test
def test_latency_overlaps_and_inflight_is_logged():
    with FakeGitHub(OSDEV, token=TOKEN, latency_ms=400) as gh:
        results = []
        together = threading.Barrier(5, timeout=30)

        def one(i):
            together.wait()  # the five ask at once: each finds the others in flight
            results.append(get(gh.url + f"/repos/rust-osdev/acpi/pulls?state=all&page={i}", AUTH).status)
        threads = [threading.Thread(target=one, args=(i,)) for i in range(1, 6)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        eq(results, [200] * 5, "statuses")
        log = gh.requests()
        eq(max(x["inflight"] for x in log), 5, "max inflight")
        for x in log:
            eq(set(x), {"method", "path", "status", "bytes", "if_none_match", "if_modified_since", "auth", "accept",
                        "accept_encoding", "user_agent", "api_version", "inflight", "fault",
                        "t_start", "t_end", "other"}, "log fields")
            assert x["t_end"] - x["t_start"] >= 0.39, "latency"
        eq(log[0]["user_agent"], "mergeletter-test/1.0", "user agent")


@test
def test_server_exits_on_stdin_eof_sigterm_and_max_seconds():
    def start(*extra):
        p = subprocess.Popen([sys.executable, SERVER, "--data", OSDEV, *extra], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip().isdigit(), "port line"
        return p
    p = start()
    p.stdin.close()
    eq(p.wait(timeout=10), 0, "stdin EOF")
    p = start()
    p.send_signal(signal.SIGTERM)
    eq(p.wait(timeout=10), 0, "SIGTERM")
    p.stdin.close()
    p = start("--max-seconds", "1")
    eq(p.wait(timeout=10), 0, "max-seconds")  # on its own, long before the hang guard
    p.stdin.close()
    for q in (p,):
        q.stdout.close()
        q.stderr.close()


@test
def test_no_server_errors_under_all_of_the_above():
    # A server-side exception would print a traceback on the server's stderr.
    with FakeGitHub(PAGINATED, token=TOKEN) as gh:
        follow(gh.url + "/repos/example/big/pulls?state=all&per_page=100", AUTH)
        follow(gh.url + "/orgs/example/repos?per_page=1", AUTH)
        search(gh, "is:pr is:merged merged:2023-08-01..2023-08-31 org:example", per_page=100)
        get(gh.url + "/rate_limit", AUTH)
        gh.wait_idle()
        eq(gh.stderr(), "", "server stderr")


def main():
    args = sys.argv[1:]
    verbose = "-v" in args
    pattern = args[args.index("-k") + 1] if "-k" in args else ""
    passed = failed = 0
    for fn in TESTS:
        if pattern not in fn.__name__:
            continue
        t = time.time()
        try:
            fn()
            passed += 1
            print(f"ok   {fn.__name__} ({time.time() - t:.1f}s)")
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print(f"FAIL {fn.__name__}: {type(e).__name__}: {e}")
            if verbose:
                traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
