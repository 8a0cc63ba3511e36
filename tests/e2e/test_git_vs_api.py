"""One data set served both ways: the fake GitHub API and local git clones.

Every repository of a data set is also written as a bare git repository (with
`git fast-import`): each merged PR becomes, as on GitHub, a squash commit
"TITLE (#N)" or a merge commit "Merge pull request #N from LOGIN/BRANCH"
(forks, same-repository branches of maintainers, dependabot and renovate
branches), committed at its merged_at in a +02:00 time zone, with direct
pushes in between. Then `mergeletter section OWNER/REPO --api-url ...` and
`mergeletter section --git CLONE` must print the same bytes, month by month,
and so must `issue` with a config of "repo" entries and one of "git" entries.

Labels are dropped from the served copy: a clone cannot know them, so with
them the two sources would not hold the same facts.

Run: python3 tests/e2e/test_git_vs_api.py --binary build/mergeletter
The last line is "N passed, N failed".
"""

import calendar
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import githistory  # noqa: E402
from harness import ROOT, FakeGitHub, parse_args, run_tests  # noqa: E402

DATA = os.path.join(ROOT, "tests", "data")
CONFIG = os.path.join(ROOT, "tests", "data", "rust-osdev-sections.json")  # the shipped config without tooling and news
EPOCH = "1693958400"  # 2023-09-06
# (data set, repositories to leave out, months to compare)
DATASETS = [
    ("rust-osdev-2023-08", (), ["2023-06", "2023-07", "2023-08", "2023-09"]),
    ("paginated", ("example/broken",), ["2023-05", "2023-07", "2023-08"]),
]
# Release tags on PR commits: {repo: {number: (tag, annotated)}}; the served
# copy gets them in "refs" with the PR's merged_at (what the API answers).
TAGS = {"rust-osdev/uefi-rs": {905: ("uefi-v0.24.0", True), 928: ("uefi-v0.25.0-rc1", False)}}
BINARY = None
WORK = None  # temp dir: served data and clones, built once


def git_env():
    e = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    empty = os.path.join(WORK, "gitconfig")  # never /dev/null: a lockfile rename would replace it
    if not os.path.exists(empty):
        open(empty, "w").close()
    e.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=empty, HOME=WORK)
    return e


def epoch(iso):
    return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%SZ"))


class Stream:
    """A git fast-import stream of empty-tree commits."""

    def __init__(self):
        self.parts = []
        self.marks = 0

    def commit(self, ref, email, when, message, parents=()):
        self.marks += 1
        data = message.encode("utf-8")
        head = (f"commit {ref}\nmark :{self.marks}\n"
                f"author Some One <{email}> {when} +0200\n"
                f"committer GitHub <noreply@github.com> {when} +0200\n"
                f"data {len(data)}\n").encode()
        self.parts.append(head + data + b"\n")
        if parents:
            self.parts.append(f"from :{parents[0]}\n".encode())
            for p in parents[1:]:
                self.parts.append(f"merge :{p}\n".encode())
        self.parts.append(b"\n")
        return self.marks

    def tag(self, name, mark, when, annotated):
        if annotated:
            msg = f"Release {name}\n".encode()
            self.parts.append(f"tag {name}\nfrom :{mark}\ntagger T <t@example.com> {when} +0000\n"
                              f"data {len(msg)}\n".encode() + msg + b"\n")
        else:
            self.parts.append(f"reset refs/tags/{name}\nfrom :{mark}\n\n".encode())


def noreply(login, with_id=True):
    uid = zlib.crc32(login.encode()) % 100000000
    return f"{uid}+{login}@users.noreply.github.com" if with_id else f"{login}@users.noreply.github.com"


def write_clone(path, owner, name, pulls, tags=None):
    """A bare clone whose first-parent history holds the merged PRs (and the
    tags of `tags` on their commits)."""
    merged = sorted((p for p in pulls if p.get("merged_at")), key=lambda p: (p["merged_at"], p["number"]))
    s = Stream()
    start = epoch(merged[0]["merged_at"]) - 86400 if merged else 1600000000
    tip = s.commit("refs/heads/main", "founder@example.com", start, "Initial commit\n")
    for i, p in enumerate(merged):
        n, login, when = p["number"], p["user"], epoch(p["merged_at"])
        title = " ".join(p["title"].split())  # a commit subject is one line
        bot = login.endswith("[bot]") or p.get("user_type") == "Bot"
        if i % 7 == 3:  # a direct push between PRs
            tip = s.commit("refs/heads/main", "someone@example.com", when - 60, "Fix a typo\n", [tip])
        if bot:
            branch = ("renovate/" if login.startswith("renovate") else "dependabot/cargo/") + f"dep-{n}"
            frm, side_email = f"{owner}/{branch}", noreply(login)
        elif n % 3 == 0:
            tip = s.commit("refs/heads/main", noreply(login), when,
                           f"{title} (#{n})\n\n* squashed work\n", [tip])
            if n in (tags or {}):
                s.tag(*tags[n][:1], tip, when, tags[n][1])
            continue
        elif n % 3 == 1:  # from a fork: the login is in the subject
            frm, side_email = f"{login}/feature-{n}", f"{login.lower()}@example.com"
        else:  # a same-repository branch: the login is in the noreply address
            frm, side_email = f"{owner}/{login}/work-{n}", noreply(login, with_id=n % 2 == 0)
        side = s.commit(f"refs/heads/pr/{n}", side_email, when - 3600, f"Work on #{n}\n", [tip])
        tip = s.commit("refs/heads/main", "noreply@github.com", when,
                       f"Merge pull request #{n} from {frm}\n\n{title}\n", [tip, side])
        if n in (tags or {}):
            s.tag(tags[n][0], tip, when, tags[n][1])
    env = git_env()
    subprocess.run(["git", "init", "-q", "--bare", path], check=True, env=env, timeout=60)
    subprocess.run(["git", "-C", path, "symbolic-ref", "HEAD", "refs/heads/main"], check=True, env=env,
                   timeout=60)
    subprocess.run(["git", "-C", path, "config", "remote.origin.url",
                    f"https://github.com/{owner}/{name}.git"], check=True, env=env, timeout=60)
    subprocess.run(["git", "-C", path, "fast-import", "--quiet"], input=b"".join(s.parts),
                   check=True, env=env, timeout=120)


def build(dataset, skip):
    """Copy a data set without labels into WORK/DATASET/data and write its clones
    to WORK/DATASET/git/OWNER/REPO; returns the "owner/name"s."""
    src = os.path.join(DATA, dataset, "repos")
    base = os.path.join(WORK, dataset)
    repos = []
    for owner in sorted(os.listdir(src)):
        for fn in sorted(os.listdir(os.path.join(src, owner))):
            name = fn[:-len(".json")]
            if f"{owner}/{name}" in skip or not fn.endswith(".json"):
                continue
            with open(os.path.join(src, owner, fn), encoding="utf-8") as f:
                facts = json.load(f)
            for p in facts["pulls"]:
                p["labels"] = []
            tags = TAGS.get(f"{owner}/{name}", {})
            merged = {p["number"]: p["merged_at"] for p in facts["pulls"] if p.get("merged_at")}
            facts["refs"] = {tag: merged[n] for n, (tag, _) in tags.items()}
            if merged:
                facts["refs"][facts.get("default_branch", "main")] = max(merged.values())
            clone = os.path.join(base, "git", owner, name)
            write_clone(clone, owner, name, facts["pulls"], tags)
            facts["commits"], facts["git_refs"] = githistory.served(clone, git_env())
            out = os.path.join(base, "data", "repos", owner)
            os.makedirs(out, exist_ok=True)
            with open(os.path.join(out, fn), "w", encoding="utf-8") as f:
                json.dump(facts, f)
            repos.append(f"{owner}/{name}")
    return repos


def run(args, cwd=None):
    """(exit code, stdout, stderr); a token is set so that stderr holds only notes
    about the draft, which both sources must print alike."""
    e = {k: v for k, v in os.environ.items()
         if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
    e["SOURCE_DATE_EPOCH"] = EPOCH
    e["GH_TOKEN"] = "test-token"
    p = subprocess.run([BINARY] + args, capture_output=True, env=e, timeout=120, cwd=cwd)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def maintainers():
    """{"owner/name": [logins]} from the shipped config."""
    with open(CONFIG, encoding="utf-8") as f:
        cfg = json.load(f)
    out = {}
    for s in cfg["sections"]:
        for r in s.get("repos", []):
            out[r["repo"]] = [m if isinstance(m, str) else m["login"] for m in r.get("maintainers", [])]
    return out


def same(what, api, git):
    if api == git:
        return
    raise AssertionError(f"{what}: outputs differ\n--- api (exit {api[0]})\n{api[1]}{api[2]}"
                         f"\n--- git (exit {git[0]})\n{git[1]}{git[2]}")


def compare_sections(dataset, skip, months):
    repos = build(dataset, skip)
    base = os.path.join(WORK, dataset)
    who = maintainers()
    nonempty = 0
    with FakeGitHub(os.path.join(base, "data")) as gh:
        for repo in repos:
            extra = [a for m in who.get(repo, []) for a in ("--maintainer", m)]
            clone = os.path.join(base, "git", repo)
            ranges = [["--month", m] for m in months] + [["--since", "2023-08-10", "--until", "2023-08-20T12:00:00Z"]]
            for rng in ranges:
                modes = ("comment", "keep") if rng[-1] == "2023-08" else ("comment",)
                for deps in (["--deps", m] for m in modes):
                    api = run(["section", repo, "--api-url", gh.url] + rng + deps + extra)
                    git = run(["section", "--git", clone] + rng + deps + extra)
                    same(f"{repo} {' '.join(rng + deps)}", api, git)
                    assert api[0] == 0, api[2]
                    nonempty += api[1] != ""
    assert nonempty >= 5, f"only {nonempty} non-empty sections compared"


def test_sections_rust_osdev_2023_08():
    compare_sections(*DATASETS[0])


def test_sections_paginated():
    compare_sections(*DATASETS[1])


def test_issue_with_git_entries():
    """The same issue from a config of "repo" entries and one of "git" entries
    (relative to the config file, without "repo": named by origin)."""
    dataset = DATASETS[0][0]
    base = os.path.join(WORK, dataset)
    if not os.path.isdir(os.path.join(base, "git")):
        build(dataset, ())
    with open(CONFIG, encoding="utf-8") as f:
        cfg = json.load(f)
    present = set()
    for owner in os.listdir(os.path.join(base, "git")):
        for name in os.listdir(os.path.join(base, "git", owner)):
            present.add(f"{owner}/{name}")
    cfg["sections"] = [s for s in cfg["sections"] if s.get("repos")]
    for s in cfg["sections"]:
        s["repos"] = [r for r in s["repos"] if r["repo"] in present]
        s.pop("org", None)
    cfg["sections"] = [s for s in cfg["sections"] if s["repos"]]
    api_cfg = os.path.join(base, "api.json")
    git_cfg = os.path.join(base, "git.json")
    with open(api_cfg, "w", encoding="utf-8") as f:
        json.dump(cfg, f)
    for s in cfg["sections"]:
        for r in s["repos"]:
            r["git"] = os.path.join("git", r.pop("repo"))
    with open(git_cfg, "w", encoding="utf-8") as f:
        json.dump(cfg, f)
    with FakeGitHub(os.path.join(base, "data")) as gh:
        api = run(["issue", "--config", api_cfg, "--month", "2023-08", "--api-url", gh.url])
    git = run(["issue", "--config", git_cfg, "--month", "2023-08"], cwd="/")
    same("issue 2023-08", api, git)
    assert api[0] == 0 and "### [`uefi-rs`]" in api[1], api[2]


def json_facts(result):
    d = json.loads(result[1])
    prs = [p["number"] for s in d["sections"] for r in s["repos"] for p in r["prs"]]
    return result[0], json.dumps([d["range"], prs]), result[2]


def test_ref_ranges_both_ways():
    """--from/--to by tags: the clone reads `git log FROM..TO`, the API the
    same commits from the compare endpoint; the two agree, edges included (not
    the PR that FROM tags, but the one that TO tags), and neither says a word
    on stderr."""
    dataset = DATASETS[0][0]
    base = os.path.join(WORK, dataset)
    if not os.path.isdir(os.path.join(base, "git")):
        build(dataset, ())
    clone = os.path.join(base, "git", "rust-osdev", "uefi-rs")
    with FakeGitHub(os.path.join(base, "data")) as gh:
        for rng in (["--from", "uefi-v0.24.0", "--to", "uefi-v0.25.0-rc1"],
                    ["--from", "uefi-v0.24.0"], ["--from", "uefi-v0.25.0-rc1", "--to", "main"]):
            for fmt in ("markdown", "json"):
                api = run(["section", "rust-osdev/uefi-rs", "--api-url", gh.url, "--format", fmt] + rng)
                git = run(["section", "--git", clone, "--format", fmt] + rng)
                assert api[0] == 0 and git[0] == 0, api[2] + git[2]
                if fmt == "json":  # a clone knows no author_association: compare the range and PRs
                    api, git = (json_facts(api), json_facts(git))
                same(" ".join(rng + [fmt]), api[:2] + ("",), git[:2] + ("",))
                assert api[2] == "" and git[2] == "", api[2] + git[2]
        code, out, err = run(["section", "rust-osdev/uefi-rs", "--api-url", gh.url, "--from", "v9"])
        assert code == 3 and "ref 'v9' not found" in err, err
    code, out, _ = run(["section", "--git", clone, "--from", "uefi-v0.24.0", "--to", "uefi-v0.25.0-rc1"])
    assert "We merged the following PRs between uefi-v0.24.0 and uefi-v0.25.0-rc1:\n" in out, out
    assert "/pull/928)" in out and "/pull/906)" in out and "/pull/905)" not in out, out
    assert "/pull/931)" not in out, out
    code, out, _ = run(["section", "--git", clone, "--from", "uefi-v0.24.0"])
    assert "We merged the following PRs since uefi-v0.24.0:\n" in out and "/pull/931)" in out, out
    code, out, err = run(["section", "--git", clone, "--from", "uefi-v0.25.0-rc1", "--to", "uefi-v0.25.0-rc1"])
    assert code == 0 and out == "" and "nothing merged in uefi-v0.25.0-rc1..uefi-v0.25.0-rc1" in err, err
    code, out, err = run(["section", "--git", clone, "--from", "nope"])
    assert code == 4 and "ref 'nope' not found" in err, err
    code, out, err = run(["section", "--git", clone, "--from", "uefi-v0.24.0", "--month", "2023-08"])
    assert code == 2 and "exclude each other" in err, err
    # --to alone: from the previous release, the highest release tag it reaches
    # (prereleases skipped unless TO is one); --verbose names it
    want = run(["section", "--git", clone, "--from", "uefi-v0.24.0", "--to", "main"])
    for to in ("main", "uefi-v0.25.0-rc1"):
        code, out, err = run(["section", "--git", clone, "--to", to, "--verbose"])
        assert code == 0 and "previous release: uefi-v0.24.0" in err, err
        if to == "main":
            assert out == want[1], out
    code, out, err = run(["section", "--git", clone, "--to", "uefi-v0.24.0"])
    assert code == 4 and "no release tag before 'uefi-v0.24.0'" in err and "--from" in err, err
    code, out, err = run(["section", "rust-osdev/uefi-rs", "--to", "main"])  # no request made
    assert code == 2 and "--to 'main' alone: through the API" in err, err
    # issue: every repository from its clone, the range's name in the title
    cfg = {"title": "Release notes", "sections": [{"heading": "UEFI", "repos": [
        {"git": clone, "maintainers": ["GabrielMajeri", "nicholasbishop", "phip1611"]}]}]}
    path = os.path.join(WORK, "refs-issue.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cfg, f)
    code, out, err = run(["issue", "--config", path, "--from", "uefi-v0.24.0", "--to", "uefi-v0.25.0-rc1"])
    assert code == 0 and 'title = "Release notes: Changes in uefi-v0.25.0-rc1"' in out, out + err
    assert "/pull/928)" in out and "/pull/905)" not in out and "/pull/931)" not in out, out
    cfg["sections"][0]["repos"].append({"repo": "rust-osdev/x86_64"})
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cfg, f)
    code, out, err = run(["issue", "--config", path, "--from", "uefi-v0.24.0"])
    assert code == 2 and "rust-osdev/x86_64 has no \"git\"" in err and out == "", err


def test_errors_and_a_real_shallow_clone():
    """Exit codes and messages; a shallow `git clone --depth` that does not
    reach back to the range is an error that says how to fetch more."""
    dataset = DATASETS[0][0]
    base = os.path.join(WORK, dataset)
    if not os.path.isdir(os.path.join(base, "git")):
        build(dataset, ())
    code, out, err = run(["section", "--git", os.path.join(WORK, "nowhere"), "--month", "2023-08"])
    assert code == 4 and "not a git repository" in err and out == "", err
    clone = os.path.join(base, "git", "rust-osdev", "uefi-rs")
    code, out, err = run(["section", "--git", clone, "--ref", "nope", "--month", "2023-08"])
    assert code == 4 and "ref 'nope' not found" in err, err
    code, out, err = run(["section", "rust-osdev/uefi-rs", "--ref", "main", "--month", "2023-08"])
    assert code == 2 and "--ref needs --git" in err, err
    code, out, err = run(["section", "--month", "2023-08"])
    assert code == 2 and "missing OWNER/REPO (or --git PATH, or --config FILE)" in err, err
    shallow = os.path.join(WORK, "shallow")
    subprocess.run(["git", "clone", "-q", "--bare", "--depth", "5", "file://" + clone, shallow],
                   check=True, env=git_env(), capture_output=True, timeout=120)
    code, out, err = run(["section", "rust-osdev/uefi-rs", "--git", shallow, "--month", "2023-08"])
    assert code == 4 and "history ends at 2023-08-" in err and "git fetch --deepen" in err, err
    code, out, err = run(["section", "rust-osdev/uefi-rs", "--git", shallow,
                          "--since", "2023-09-01", "--until", "2023-09-03"])
    assert code == 0 and "/pull/932)" in out, out + err


def main():
    global BINARY, WORK
    args = parse_args()
    BINARY = args.binary
    if not shutil.which("git"):
        print("git is not installed\n0 passed, 1 failed")
        return 1
    WORK = tempfile.mkdtemp(prefix="ml-git-vs-api-")
    try:
        return run_tests(globals(), args.k)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
