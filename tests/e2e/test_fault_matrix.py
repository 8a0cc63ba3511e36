#!/usr/bin/env python3
"""The fault matrix's promise: a partial draft is the clean draft with each failed
repository's section, and only it, replaced by one note in its place.  And the rows of
issue 22's table that a case.json cannot set up (a FIFO in the cache, a symlinked cache
directory, a damaged clone, a gzip bomb on 64 repositories, a huge title), run here.

Run: python3 tests/e2e/test_fault_matrix.py --binary PATH [-k NAME]
(the first tests check the expected outputs of tests/cases/fault-*, which run_case.py
compares byte for byte with what the binary writes; the issue 22 tests run the binary)
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, FakeGitHub, parse_args, run_tests  # noqa: E402
from run_case import base_env  # noqa: E402

BINARY = None
DATA = os.path.join(ROOT, "tests", "data", "rust-osdev-2023-08")
CLEAN_CONFIG = os.path.join(ROOT, "tests", "cases", "fault-clean", "config.json")

CASES = os.path.join(ROOT, "tests", "cases")
NOTE = re.compile(r"^<!-- mergeletter: ([\w.-]+/[\w.-]+): not fetched: .* -->$", re.M)


def clean():
    with open(os.path.join(CASES, "fault-clean", "expected.md"), encoding="utf-8") as f:
        return f.read()


def without_section(text, repo):
    """text with repo's section (its heading up to the next heading) replaced by NOTE."""
    start = text.index(f"### [`{repo.split('/')[1]}`](https://github.com/{repo})\n")
    nxt = [i for i in (text.find("\n### ", start + 1), text.find("\n## ", start + 1)) if i >= 0]
    end = min(nxt) + 1
    return text[:start], text[end:]


def partial_cases():
    out = []
    for path in sorted(glob.glob(os.path.join(CASES, "fault-*", "expected.md"))):
        if os.path.basename(os.path.dirname(path)) != "fault-clean":
            with open(path, encoding="utf-8") as f:
                out.append((path, f.read()))
    return out


def test_there_is_a_matrix():
    assert len(partial_cases()) >= 10, [p for p, _ in partial_cases()]


def test_healthy_sections_are_byte_identical_to_a_clean_run():
    ref = clean()
    for path, text in partial_cases():
        notes = NOTE.findall(text)
        assert len(notes) == 1, (path, notes)
        before, after = without_section(ref, notes[0])
        line = NOTE.search(text).group(0) + "\n\n"
        assert text == before + line + after, f"{path}: more than the failed section differs"


# ---- issue 22: rows that need more than a case.json ----

# Peak RSS of one child, measured by a Python that runs it alone.
MEASURE = ("import resource, subprocess, sys\n"
           "p = subprocess.run(sys.argv[1:])\n"
           "sys.stderr.write('\\nmaxrss_kb=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
           "sys.exit(p.returncode)\n")


def run(tmp, args, env=None, timeout=60, measure=False):
    """The binary in the run_case environment: (exit, stdout, stderr, seconds, maxrss_kb)."""
    e = base_env(tmp)
    e.update(env or {})
    cmd = ([sys.executable, "-c", MEASURE] if measure else []) + [BINARY] + args
    t0 = time.time()
    p = subprocess.run(cmd, env=e, capture_output=True, timeout=timeout)
    err = p.stderr.decode("utf-8", "replace")
    rss = re.search(r"maxrss_kb=(\d+)", err)
    return p.returncode, p.stdout, err, time.time() - t0, int(rss.group(1)) if rss else 0


def inert(err):
    """No control character but tab and newline on stderr."""
    return not re.search(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]", err)


def section(api, *extra):
    return ["section", "rust-osdev/bootloader", "--month", "2023-08", "--api-url", api, *extra]


def test_fifo_at_a_cache_entry_does_not_hang():
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub(DATA) as gh:
        cache = os.path.join(tmp, "cache")
        args = section(gh.url, "--cache-dir", cache, "--via", "pulls")
        rc, out, err, _, _ = run(tmp, args)
        assert rc == 0, err
        entries = sorted(os.listdir(cache))
        assert entries, "no cache entry written"
        for name in entries:
            os.unlink(os.path.join(cache, name))
            os.mkfifo(os.path.join(cache, name), 0o600)
        rc, out2, err, secs, _ = run(tmp, args + ["--timeout", "5"], timeout=20)
        assert rc == 0 and out2 == out, (rc, err)
        assert secs < 5, secs
        assert "not a regular file; discarded the entry" in err, err


def test_cache_dir_linked_to_a_world_writable_dir_is_refused():
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub(DATA) as gh:
        shared = os.path.join(tmp, "shared")
        os.mkdir(shared)
        os.chmod(shared, 0o777)
        link = os.path.join(tmp, "cache")
        os.symlink(shared, link)
        rc, out, err, _, _ = run(tmp, section(gh.url, "--cache-dir", link))
        assert rc == 2 and out == b"", (rc, err)
        assert "world-writable" in err and "--no-cache" in err and "--cache-dir" in err, err
        assert gh.requests() == [], "requests were sent"


def test_truncated_pack_is_named():
    with tempfile.TemporaryDirectory() as tmp:
        repo = os.path.join(tmp, "clone")
        git = ["git", "-C", repo, "-c", "user.name=a", "-c", "user.email=a@example.com"]
        subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
        for i in range(3):
            with open(os.path.join(repo, f"f{i}"), "w") as f:
                f.write(f"{i}\n")
            subprocess.run(git + ["add", f"f{i}"], check=True)
            subprocess.run(git + ["commit", "-qm", f"Change {i} (#{i + 1})"], check=True,
                           env=dict(os.environ, GIT_COMMITTER_DATE="2023-08-10T00:00:00Z",
                                    GIT_AUTHOR_DATE="2023-08-10T00:00:00Z"))
        subprocess.run(git + ["repack", "-adq"], check=True)
        subprocess.run(git + ["prune"], check=True)
        pack = glob.glob(os.path.join(repo, ".git", "objects", "pack", "*.pack"))[0]
        os.truncate(pack, 200)
        # libgit2 1.5 leaks in a revparse of a damaged pack (tests/lsan.supp)
        rc, out, err, _, _ = run(tmp, ["section", "o/r", "--git", repo, "--month", "2023-08"], env={
            "ASAN_OPTIONS": "detect_leaks=1:fast_unwind_on_malloc=0",
            "LSAN_OPTIONS": "suppressions=" + os.path.join(ROOT, "tests", "lsan.supp")})
        assert rc == 4 and out == b"", (rc, err)
        assert "truncated or corrupt" in err and "no commits on HEAD" not in err, err


def sanitized():
    with open(BINARY, "rb") as f:
        return b"__asan_init" in f.read()


def write_repo(data, owner, name, ident, pulls):
    path = os.path.join(data, "repos", owner, name + ".json")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"id": ident, "description": "", "archived": False, "fork": False,
                   "pushed_at": "2023-08-30T10:00:00Z", "default_branch": "main",
                   "pulls": pulls}, f)


def pull(number, title):
    return {"number": number, "title": title, "user": "alice", "created_at": "2023-08-02T00:00:00Z",
            "updated_at": "2023-08-03T00:00:00Z", "closed_at": "2023-08-03T00:00:00Z",
            "merged_at": "2023-08-03T00:00:00Z", "labels": []}


def test_gzip_bombs_on_64_transfers_stay_within_the_budget():
    """Every pulls page a 1 MB gzip body inflating to 1 GiB, 64 repositories, --jobs 64:
    peak RSS under 256 MB, a non-zero exit and a message naming the limit."""
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        repos = [f"r{i:02d}" for i in range(64)]
        for i, name in enumerate(repos):
            write_repo(data, "bomb", name, 1000 + i, [pull(1, "A change")])
        config = os.path.join(tmp, "config.json")
        with open(config, "w") as f:
            json.dump({"title": "T", "sections": [{"heading": "H", "repos": [
                {"repo": f"bomb/{n}"} for n in repos]}]}, f)
        faults = os.path.join(tmp, "faults.json")
        with open(faults, "w") as f:
            json.dump([{"match": "/pulls", "times": -1, "kind": "gzip_bomb"}], f)
        with FakeGitHub(data, token="t0k3n", faults=faults) as gh:
            rc, out, err, secs, rss = run(
                tmp, ["issue", "--config", config, "--month", "2023-08", "--api-url", gh.url,
                      "--no-cache", "--via", "pulls", "--jobs", "64"],
                env={"GH_TOKEN": "t0k3n"}, timeout=120, measure=True)
        assert rc in (3, 5), (rc, err[-2000:])
        # the first failure listed names the limit it hit: the run's budget, or one body's
        assert "memory budget of 160 MB" in err or "limit of 50 MB" in err, err[-2000:]
        # AddressSanitizer's shadow memory and quarantine come on top (still far
        # below the 3 GB of a budget per transfer)
        limit = 768 if sanitized() else 256
        assert 0 < rss < limit * 1024, f"peak RSS {rss // 1024} MB, limit {limit} MB"
        print(f"  peak RSS {rss // 1024} MB, exit {rc}, {secs:.1f} s")


def test_a_huge_title_is_shortened_with_a_warning():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        write_repo(data, "big", "titles", 1, [pull(1, "\u00e9" * 2_000_000), pull(2, "Short")])
        with FakeGitHub(data) as gh:
            rc, out, err, _, _ = run(tmp, ["section", "big/titles", "--month", "2023-08",
                                           "--api-url", gh.url, "--no-cache"], timeout=60)
        assert rc == 0, err[-2000:]
        text = out.decode("utf-8")
        assert len(out) < 20_000, len(out)
        assert "\u00e9" * 999 + "\u2026" in text and "\u00e9" * 1000 not in text
        assert "big/titles#1: the title is 2000000 characters long; it is shortened to 1000" in err, err


def test_every_message_is_inert():
    """The ESC-laden answers and config of the cases: nothing raw on stderr."""
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub(DATA, faults=os.path.join(
            ROOT, "tests", "cases", "fault-search-422-escape", "faults.json")) as gh:
        rc, _, err, _, _ = run(tmp, ["section", "rust-osdev/bootloader", "--month", "2023-08",
                                     "--api-url", gh.url, "--no-cache", "--via", "search",
                                     "--verbose"])
        assert rc == 0, err
        assert inert(err) and "\\x1b]0;" in err, err


def main():
    global BINARY
    args = parse_args()
    BINARY = args.binary
    return run_tests(globals(), args.k)


if __name__ == "__main__":
    sys.exit(main())
