"""End-to-end checks of the issue's tooling candidates and feed entries, against a
real-sized month of rust-lang/rust (tests/data/build_tooling.py) and feeds served by
the fake server (Atom, RSS, a broken, a slow, a missing, an XXE and a billion-laughs feed).

Run: python3 tests/e2e/test_tooling_news.py --binary build/mergeletter
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeGitHub, ROOT, main  # noqa: E402

BINARY = None
EPOCH = "1693958400"  # 2023-09-06
TOKEN = "t0k3n"
FEEDS = ["blog.atom", "redox.rss", {"offer": "offer.atom"}, "slow.atom", "broken.rss", "xxe.rss",
         "laughs.rss", "missing.rss", "huge.atom"]
NEWS = [
    "<!-- mergeletter: feed {api}/feeds/slow.atom: not fetched: GET {api}/feeds/slow.atom failed after 2 tries: timed out -->",
    "<!-- mergeletter: feed {api}/feeds/broken.rss: not parsed: line 5: Premature end of data in tag link line 5 -->",
    "<!-- mergeletter: feed {api}/feeds/laughs.rss: not parsed: line 14: Detected an entity reference loop -->",
    "<!-- mergeletter: feed {api}/feeds/missing.rss: not fetched: HTTP 404 -->",
    "<!-- mergeletter: feed {api}/feeds/huge.atom: not fetched: the answer is larger than the limit of 8388608 bytes -->",
    "- [This Month in Redox July](https://redox.example/news/july/)",
    "- [Redox 0.8.1 \\[released\\] --> now](https://redox.example/news/0.8.1/)",
    "<!-- - [Someone's kernel in Rust](https://agg.example/kernel) -->",
    "- [Leak:](https://evil.example/post)",
    "- [Edition 3: UEFI & BIOS](https://os.phil-opp.example/edition-3/uefi%20%28draft%29/)",
    "- [RSoC: porting `std`](https://redox.example/news/rsoc/)",
    "- [Updated only](https://os.phil-opp.example/updated/)",
]
MESSY = "Escape [brackets] and <b>tags</b> --> in a target title"
MESSY_LINK_TEXT = "Escape \\[brackets\\] and \\<b>tags\\</b> --&gt; in a target title"


class Env:
    """A generated data set, its server and a config naming the server's feeds."""

    def __init__(self, incomplete=()):
        self.incomplete = list(incomplete)

    def __enter__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="ml-tooling-")
        self.data = os.path.join(self.tmp.name, "data")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "data", "build_tooling.py"), self.data],
                       check=True, timeout=120)
        if self.incomplete:
            with open(os.path.join(self.data, "search.json"), "w") as f:
                json.dump({"incomplete_results_for": self.incomplete}, f)
        with open(os.path.join(self.data, "expected.json")) as f:
            self.expected = json.load(f)
        faults = os.path.join(self.tmp.name, "faults.json")
        with open(faults, "w") as f:
            # the slow feed never answers in time, whatever the load (the huge one must
            # arrive within timeout_seconds even under sanitizers on a busy machine)
            json.dump([{"match": "/feeds/slow", "delay_ms": 60000, "times": -1}], f)
        self.gh = FakeGitHub(self.data, token=TOKEN, faults=faults).__enter__()
        feeds = [f"{self.gh.url}/feeds/{x}" if isinstance(x, str) else
                 {"url": f"{self.gh.url}/feeds/{x['offer']}", "offer": True} for x in FEEDS]
        cfg = {"title": "This Month in Rust OSDev", "editors": ["phil-opp"],
               "sections": [{"heading": "`rust-osdev` Projects",
                             "repos": [{"repo": "rust-osdev/tiny", "maintainers": ["someone"]}]}],
               "tooling": {"sources": [
                   {"repo": "rust-lang/rust",
                    "labels": ["O-x86_64", "O-riscv", "O-aarch64", "A-inline-assembly", "A-target-feature"],
                    "title_words": ["target", "linker", "no_std", "atomic", "LLVM", "relocation",
                                    "calling convention"]},
                   {"repo": "rust-lang/cargo", "title_words": ["build-std", "linker", "target"]}]},
               "news": {"timeout_seconds": 5, "feeds": feeds}}
        self.config = os.path.join(self.tmp.name, "config.json")
        with open(self.config, "w") as f:
            json.dump(cfg, f)
        return self

    def __exit__(self, *exc):
        self.gh.__exit__(*exc)
        self.tmp.cleanup()

    def run(self, *extra, wrapper=()):
        e = {k: v for k, v in os.environ.items()
             if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
        e.update(SOURCE_DATE_EPOCH=EPOCH, GH_TOKEN=TOKEN, TZ="XST3:30", LC_ALL="C")
        before = len(self.gh.requests())
        started = time.time()
        p = subprocess.run([*wrapper, BINARY, "issue", "--config", self.config, "--month", "2023-08",
                            "--api-url", self.gh.url, "--cache-dir", os.path.join(self.tmp.name, "cache"),
                            *extra], capture_output=True, env=e, timeout=60)
        self.gh.wait_idle()
        err = p.stderr.decode()
        assert "Sanitizer" not in err and "runtime error:" not in err, err
        # this run's requests: an earlier run's slow feed is logged when the server has
        # slept, maybe during this run, and is not this run's
        mine = [r for r in self.gh.requests()[before:] if r["t_start"] >= started]
        return p.returncode, p.stdout.decode(), err, mine


def part(md, heading):
    """The lines after a section's template comment, up to the next heading."""
    text = md.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [l for l in text.split("-->\n", 1)[1].splitlines() if l]


def test_candidates_entries_and_no_token_to_feeds():
    with Env() as env:
        code, out, err, reqs = env.run()
        assert code == 0, err
        want = []
        for src in ("rust-lang/rust", "rust-lang/cargo"):
            for repo, n, title in env.expected[src]:
                text = MESSY_LINK_TEXT if title == MESSY else " ".join(title.split())
                want.append(f"<!-- - [{text}](https://github.com/{repo}/pull/{n}) -->")
        got = part(out, "Infrastructure and Tooling")
        assert got == want, "\n".join(f"{a!r}\n{b!r}" for a, b in zip(got, want) if a != b) or (len(got), len(want))
        news = part(out, "Announcements, News, and Blog Posts")
        assert len(news) == len(NEWS), news
        for g, w in zip(news, NEWS):
            w = w.replace("{api}", env.gh.url)
            assert g == w or (w.endswith("*") and g.startswith(w[:-1])), (g, w)
        assert "SECRET" not in out and "lollol" not in out
        for name in ("slow.atom", "broken.rss", "laughs.rss", "missing.rss", "huge.atom"):
            assert f"warning: feed {env.gh.url}/feeds/{name}: " in err, err
        feeds = [r for r in reqs if r["path"].startswith("/feeds/")]
        # the slow feed's line is logged once the server has slept (the client gave up)
        assert len(feeds) >= len(FEEDS) - 1, feeds
        assert all(r["auth"] == "none" and r["api_version"] is None for r in feeds), feeds
        search = [r for r in reqs if r["path"].startswith("/search/")]
        assert all(r["auth"] == "bearer" for r in search)
        assert len(search) <= 6, [r["path"] for r in search]
        print(f"  tooling: {len(search)} search requests, {sum(r['bytes'] for r in search)} bytes "
              f"(merged in the month: {env.expected['merged_in_month']})")
        # a re-run revalidates the feeds: 304s for ETag (and no body)
        code, out2, err, reqs = env.run()
        assert code == 0 and out2 == out, err
        not_modified = [r for r in reqs if r["path"].startswith("/feeds/") and r["status"] == 304]
        assert sorted(r["path"] for r in not_modified) == sorted(
            f"/feeds/{x}" for x in ("blog.atom", "redox.rss", "offer.atom", "broken.rss", "xxe.rss",
                                    "laughs.rss")), reqs
        assert all(r["if_none_match"] and r["if_modified_since"] == "Wed, 30 Aug 2023 12:00:00 GMT"
                   and r["auth"] == "none" for r in not_modified)
        # offline, as JSON: the same candidates and entries from the cache alone; the feeds
        # never cached are notes, not errors
        code, out3, err, reqs = env.run("--offline", "--format", "json")
        assert code == 0 and not reqs, err
        d = json.loads(out3)
        assert [c["url"] for c in d["tooling"]["candidates"]] == [
            f"https://github.com/{r}/pull/{n}" for src in ("rust-lang/rust", "rust-lang/cargo")
            for r, n, _ in env.expected[src]]
        assert [e["url"] for e in d["news"]["entries"]] == [l.split("](")[1].split(")")[0]
                                                          for l in NEWS if "](" in l]
        assert f"{env.gh.url}/feeds/slow.atom: not fetched: offline, and not in the cache" in d["news"]["failures"]


def test_incomplete_search_falls_back_to_the_pulls_listing():
    with Env() as env:
        code, out, err, _ = env.run("--no-cache")
        assert code == 0, err
    with Env(incomplete=["rust-lang/rust"]) as env:
        code, out2, err, reqs = env.run("--no-cache")
        assert code == 0, err
        assert "tooling: search cannot answer for rust-lang/rust (incomplete results); listing its pulls instead" in err, err
        assert any("/pulls?" in r["path"] for r in reqs)
    assert part(out2, "Infrastructure and Tooling") == part(out, "Infrastructure and Tooling")


def test_valgrind_whole_issue():
    """Feeds (broken, billion laughs, oversized, slow) and tooling under valgrind: no leaks,
    no invalid accesses. A sanitizer build leaves this to ASan/UBSan."""
    ldd = subprocess.run(["ldd", BINARY], capture_output=True, text=True, timeout=60).stdout
    if "libasan" in ldd or "libubsan" in ldd or not shutil.which("valgrind"):
        print("  skipped: sanitizer build or no valgrind")
        return
    with Env() as env:
        code, out, err, _ = env.run("--no-cache", wrapper=[
            "valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
            "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect"])
        assert code == 0, err
        assert "- [Updated only](https://os.phil-opp.example/updated/)" in out


def test_sections_copy_follows_the_shipped_config():
    """Tests of the sections use the shipped config without tooling and news (whose
    sources and feeds are real hosts): the copy must not drift from it."""
    with open(os.path.join(ROOT, "config", "rust-osdev.json")) as f:
        shipped = json.load(f)
    with open(os.path.join(ROOT, "tests", "data", "rust-osdev-sections.json")) as f:
        copy = json.load(f)
    assert shipped.pop("tooling") and shipped.pop("news")
    assert shipped == copy


def test_pulls_listing_costs_more():
    """The figure to beat: the same month through the pulls listing."""
    with Env() as env:
        e = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        e.update(GH_TOKEN=TOKEN, SOURCE_DATE_EPOCH=EPOCH)
        p = subprocess.run([BINARY, "section", "rust-lang/rust", "--month", "2023-08", "--via", "pulls",
                            "--no-cache", "--api-url", env.gh.url], capture_output=True, env=e, timeout=60)
        assert p.returncode == 0, p.stderr.decode()
        env.gh.wait_idle()
        reqs = env.gh.requests()
        print(f"  pulls listing of rust-lang/rust: {len(reqs)} requests, {sum(r['bytes'] for r in reqs)} bytes")
        assert len(reqs) > 6


if __name__ == "__main__":
    sys.exit(main(globals()))
