"""A release's PRs through the API (compare) equal the clone's (--git), by reachability.

Each seed builds one history as projects release: PRs squashed or merged from forks
into `main`, PRs merged into a long-lived `next` branch that is merged into `main`
twice (by a PR from acme/next), bors batches ("Merge #A #B", the PRs' own commits
brought along), a PR and its revert, direct pushes that name no PR, and contributor
commits that end like a squash ("Fix parser (#3)", an issue) inside a fork's PR. The
same history is written as a bare clone and served by the fake GitHub (commits,
refs, PRs). Then

    mergeletter section acme/widget --from v1.0 --to v2.0 --api-url FAKE
    mergeletter section acme/widget --from v1.0 --to v2.0 --git CLONE

must print the same release notes, and the API run must ask
commits/{sha}/pulls only for the commits whose message names no PR, and never
rely on commit times (the `next` PRs are older than v1.0's commit).

Run: python3 tests/e2e/test_release_range.py --binary build/mergeletter
"""

import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeGitHub, main  # noqa: E402

BINARY = None
OWNER, NAME = "acme", "widget"
REPO = f"{OWNER}/{NAME}"
MAINT = "maint"
CONTRIBUTORS = ["alice", "bob", "carol", "dave", "erin", "frank", "grace"]
SEEDS = [1, 2, 3, 4]
START = 1_700_000_000  # 2023-11-14


def noreply(login):
    return f"{1000 + sum(map(ord, login))}+{login}@users.noreply.github.com"


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def git_env(work):
    e = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    cfg = os.path.join(work, "gitconfig")
    open(cfg, "a").close()
    e.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=cfg, HOME=work)
    return e


class History:
    """Commits as data, written with git fast-import; PRs as the fake server's facts."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.t = START
        self.commits = []  # {"mark", "author", "email", "committer", "cemail", "time", "message", "parents"}
        self.pulls = []
        self.number = 0
        self.tips = {}  # branch -> mark
        self.seen_authors = set()
        self.tags = {}
        self.pr_mark = {}  # number -> the mark of the commit that names it
        self.no_pr = []  # marks of kept commits that name no PR (direct pushes, syncs)

    def tick(self):
        self.t += 3600 + self.rng.randrange(600)
        return self.t

    def commit(self, message, parents, login=MAINT, committer=None):
        c = {"mark": len(self.commits) + 1, "author": login, "email": noreply(login),
             "committer": committer or ("GitHub", "noreply@github.com"), "time": self.tick(),
             "message": message, "parents": list(parents)}
        self.commits.append(c)
        return c["mark"]

    def next_number(self):
        self.number += 1
        return self.number

    def pull(self, number, title, login, merged, head_ref, member=False):
        first = login not in self.seen_authors
        self.seen_authors.add(login)
        assoc = "MEMBER" if member else "FIRST_TIME_CONTRIBUTOR" if first else "CONTRIBUTOR"
        self.pr_mark[number] = len(self.commits)
        self.pulls.append({"number": number, "title": title, "user": login,
                           "created_at": iso(merged - 86400), "merged_at": iso(merged),
                           "closed_at": iso(merged), "updated_at": iso(merged + 60),
                           "author_association": assoc, "head_ref": head_ref})

    def title(self):
        verbs = ["Add", "Fix", "Support", "Document", "Speed up", "Refactor"]
        things = ["parser", "allocator", "frame buffer", "timer", "logger", "serial port"]
        return f"{self.rng.choice(verbs)} {self.rng.choice(things)} {self.number}"

    # ---- the shapes of a PR

    def squash(self, branch, login, title=None):
        n = self.next_number()
        title = title or self.title()
        self.tips[branch] = self.commit(f"{title} (#{n})\n\nSome details.\n",
                                        [self.tips[branch]], login)
        self.pull(n, title, login, self.commits[-1]["time"], f"feature-{n}")
        return n

    def fork_merge(self, branch, login):
        n = self.next_number()
        title = self.title()
        tip = self.tips[branch]
        for i in range(1 + self.rng.randrange(2)):  # the contributor's own commits
            msg = f"Fix parser (#{self.rng.randrange(1, 9)})\n" if i == 0 else "wip\n"
            tip = self.commit(msg, [tip], login, committer=(login, noreply(login)))
        self.tips[branch] = self.commit(
            f"Merge pull request #{n} from {login}/topic-{n}\n\n{title}\n", [self.tips[branch], tip])
        self.pull(n, title, login, self.commits[-1]["time"], f"topic-{n}")
        return n

    def bors(self, logins):
        nums, tips = [], []
        for login in logins:
            nums.append(self.next_number())
            tips.append(self.commit(f"{self.title()} work\n", [self.tips["main"]], login,
                                    committer=(login, noreply(login))))
        titles = [self.title() for _ in nums]
        body = "".join(f"{n}: {t} r={MAINT} a={who}\n" for n, t, who in zip(nums, titles, logins))
        self.tips["main"] = self.commit(
            "Merge " + " ".join(f"#{n}" for n in nums) + f"\n\n{body}", [self.tips["main"]] + tips,
            "bors[bot]", committer=("bors[bot]", "26634292+bors[bot]@users.noreply.github.com"))
        for n, t, who in zip(nums, titles, logins):
            self.pull(n, t, who, self.commits[-1]["time"], f"bors-{n}")

    def sync_next(self):
        n = self.next_number()
        title = "Release the next branch"
        self.tips["main"] = self.commit(f"Merge pull request #{n} from {OWNER}/next\n\n{title}\n",
                                        [self.tips["main"], self.tips["next"]])
        self.pull(n, title, MAINT, self.commits[-1]["time"], "next", member=True)

    def direct(self, branch="main"):
        self.tips[branch] = self.commit("Fix a typo in the README\n", [self.tips[branch]],
                                        committer=(MAINT, noreply(MAINT)))  # pushed, not by GitHub
        self.no_pr.append(self.tips[branch])

    def build(self):
        rng = self.rng
        self.tips["main"] = self.commit("Initial commit\n", [])
        old = CONTRIBUTORS[:3]  # they contributed before v1.0
        for login in old:
            self.squash("main", login)
        # next starts before v1.0: its first PRs are older than v1.0's commit
        self.tips["next"] = self.tips["main"]
        self.fork_merge("next", old[0])
        self.squash("next", old[1])
        self.squash("main", old[2])
        self.tags["v1.0"] = self.tips["main"]
        # a maintenance branch with its own release, merged in v1.0..v2.0's time
        self.tips["1.x"] = self.tips["main"]
        for round_ in range(2):
            for _ in range(4 + rng.randrange(4)):
                kind = rng.randrange(6)
                who = rng.choice(CONTRIBUTORS)
                if kind == 5:
                    self.squash("1.x", rng.choice(old))
                    self.tags.setdefault("v1.1", self.tips["1.x"])
                elif kind == 0:
                    self.squash("main", who)
                elif kind == 1:
                    self.fork_merge("main", who)
                elif kind == 2:
                    self.fork_merge("next", who)
                elif kind == 3:
                    self.squash("next", who)
                else:
                    self.direct()
            self.bors(rng.sample(old, 2))  # see below: bors authors contributed before
            self.sync_next()
            if round_ == 0:
                reverted = self.title()
                self.squash("main", rng.choice(CONTRIBUTORS), reverted)
                self.direct()
                self.squash("main", MAINT, f'Revert "{reverted}"')
        self.direct()
        self.tags["v2.0"] = self.tips["main"]

    def reach(self, mark):
        seen, todo = set(), [mark]
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(self.commits[m - 1]["parents"])
        return seen

    def in_range(self, base, head):
        """The PR numbers whose commit head reaches and base does not."""
        marks = self.reach(self.tags[head]) - self.reach(self.tags[base])
        return {n for n, m in self.pr_mark.items() if m in marks}

    def write(self, work):
        """The bare clone and the served facts; returns (clone, data dir)."""
        env = git_env(work)
        clone = os.path.join(work, "widget.git")
        subprocess.run(["git", "init", "-q", "--bare", clone], check=True, env=env)
        subprocess.run(["git", "-C", clone, "symbolic-ref", "HEAD", "refs/heads/main"], check=True, env=env)
        subprocess.run(["git", "-C", clone, "config", "remote.origin.url",
                        f"https://github.com/{REPO}.git"], check=True, env=env)
        parts = []
        for c in self.commits:
            data = c["message"].encode()
            parts.append((f"commit refs/heads/scratch\nmark :{c['mark']}\n"
                          f"author {c['author']} <{c['email']}> {c['time']} +0000\n"
                          f"committer {c['committer'][0]} <{c['committer'][1]}> {c['time']} +0000\n"
                          f"data {len(data)}\n").encode() + data + b"\n")
            if c["parents"]:
                parts.append(f"from :{c['parents'][0]}\n".encode())
                parts.extend(f"merge :{p}\n".encode() for p in c["parents"][1:])
            else:
                parts.append(b"deleteall\n")
            parts.append(b"\n")
        for branch, mark in self.tips.items():
            parts.append(f"reset refs/heads/{branch}\nfrom :{mark}\n\n".encode())
        for tag, mark in self.tags.items():
            parts.append(f"reset refs/tags/{tag}\nfrom :{mark}\n\n".encode())
        marks = os.path.join(work, "marks")
        subprocess.run(["git", "-C", clone, "fast-import", "--quiet", f"--export-marks={marks}"],
                       input=b"".join(parts), check=True, env=env)
        subprocess.run(["git", "-C", clone, "update-ref", "-d", "refs/heads/scratch"], check=True, env=env)
        sha = {}
        with open(marks) as f:
            for line in f:
                m, s = line.split()
                sha[int(m[1:])] = s
        commits = [{"sha": sha[c["mark"]], "parents": [sha[p] for p in c["parents"]],
                    "message": c["message"],
                    "author": {"name": c["author"], "email": c["email"], "date": iso(c["time"])},
                    "committer": {"name": c["committer"][0], "email": c["committer"][1],
                                  "date": iso(c["time"])},
                    "author_login": c["author"], "committer_login": None}
                   for c in self.commits]
        refs = {b: sha[m] for b, m in self.tips.items()}
        refs.update({t: sha[m] for t, m in self.tags.items()})
        data = os.path.join(work, "data")
        os.makedirs(os.path.join(data, "repos", OWNER))
        facts = {"id": 4242, "default_branch": "main", "pushed_at": iso(self.t),
                 "pulls": self.pulls, "commits": commits, "git_refs": refs,
                 "refs": {t: iso(self.commits[m - 1]["time"]) for t, m in self.tags.items()}}
        with open(os.path.join(data, "repos", OWNER, f"{NAME}.json"), "w") as f:
            json.dump(facts, f)
        self.sha = sha
        return clone, data


def run(args):
    e = {k: v for k, v in os.environ.items()
         if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
    e["SOURCE_DATE_EPOCH"] = str(START + 400 * 86400)
    e["GH_TOKEN"] = "test-token"
    p = subprocess.run([BINARY] + args, capture_output=True, env=e, timeout=120)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def both_ways(clone, data, args):
    """(API exit code, the clone's draft, the API's, the API run's stderr, its request
    paths); the clone's run must succeed."""
    rc, offline, err = run(["section", REPO, "--git", clone] + args)
    assert rc == 0, err
    with FakeGitHub(data) as gh:
        rc, online, err = run(["section", REPO, "--api-url", gh.url] + args)
        paths = [r["path"] for r in gh.requests()]
    return rc, offline, online, err, paths


COMMON = ["--from", "v1.0", "--to", "v2.0", "--maintainer", MAINT, "--template", "release-notes",
          "--deps", "comment", "--no-cache"]


def check_seed(seed):
    with tempfile.TemporaryDirectory(prefix="release-range-") as work:
        h = History(seed)
        h.build()
        clone, data = h.write(work)
        rc, offline, err = run(["section", REPO, "--git", clone] + COMMON)
        assert rc == 0, f"seed {seed}: --git exit {rc}: {err}"
        with FakeGitHub(data) as gh:
            rc, online, err = run(["section", REPO, "--api-url", gh.url] + COMMON)
            log = gh.requests()
        assert rc == 0, f"seed {seed}: API exit {rc}: {err}"
        assert online == offline, f"seed {seed}: API and --git differ:\n--- API\n{online}\n--- git\n{offline}"
        paths = [r.get("path", "") for r in log]
        lookups = sorted(p.split("/")[-2] for p in paths if p.endswith("/pulls") and "/commits/" in p)
        want = sorted(h.sha[m] for m in h.no_pr)
        assert lookups == want, f"seed {seed}: commit lookups {lookups}, want {want}"
        assert any("/compare/v1.0...v2.0" in p for p in paths), paths
        return h, offline


def test_api_equals_clone():
    for seed in SEEDS:
        check_seed(seed)


def test_every_pr_after_the_base_is_in():
    """Every PR of the history after v1.0 is in the notes (listed, or set aside in the
    comment: the sync PR, the revert pair), those merged into next included; none
    before it."""
    h, out = check_seed(7)
    want = h.in_range("v1.0", "v2.0")
    assert any(h.commits[h.pr_mark[n] - 1]["time"] < h.commits[h.tags["v1.0"] - 1]["time"]
               for n in want), "no PR of the range is older than v1.0"
    assert any(n not in want and h.commits[m - 1]["time"] > h.commits[h.tags["v1.0"] - 1]["time"]
               for n, m in h.pr_mark.items()), "no PR outside the range is merged in its time"
    for p in h.pulls:
        n = p["number"]
        found = f"/pull/{n})" in out
        assert found == (n in want), f"#{n} ({p['title']}): {found}:\n{out}"


def test_small_release_asks_single_prs():
    """The maintenance release v1.0..v1.1 (fewer than 8 PRs): one compare page and one
    GET pulls/N per PR, no listing; still the clone's answer."""
    with tempfile.TemporaryDirectory(prefix="release-range-") as work:
        h = History(1)
        h.build()
        clone, data = h.write(work)
        args = ["--from", "v1.0", "--to", "v1.1", "--maintainer", MAINT, "--no-cache"]
        rc, offline, online, err, paths = both_ways(clone, data, args)
    want = h.in_range("v1.0", "v1.1")
    assert rc == 0 and online == offline and want, (err, online, offline)
    singles = sorted(int(p.rsplit("/", 1)[1]) for p in paths if "/pulls/" in p)
    assert singles == sorted(want) and len(paths) == 1 + len(want), paths


def test_unreleased_from_the_latest_release():
    """A release command (a template with {{version}}) without --from/--to: from the
    latest release to the tip, "Unreleased"; the clone finds it among its tags, the API
    by releases/latest, else the tags listing; --verbose names it."""
    with tempfile.TemporaryDirectory(prefix="release-range-") as work:
        h = History(2)
        h.build()
        h.squash("main", "erin")
        h.fork_merge("main", "frank")
        after = {h.number - 1, h.number}
        clone, data = h.write(work)
        args = ["--template", "release-notes", "--maintainer", MAINT, "--no-cache", "--verbose"]
        rc, offline, err = run(["section", REPO, "--git", clone] + args)
        assert rc == 0 and "latest release: v2.0" in err, err
        assert offline.startswith("## Unreleased") and "compare/v2.0...HEAD" in offline, offline
        found = {n for n in after if f"/pull/{n})" in offline}
        assert found == after and offline.count("/pull/") == 2, offline
        with FakeGitHub(data) as gh:  # no GitHub release: the tags
            rc, online, err = run(["section", REPO, "--api-url", gh.url] + args)
            paths = [r["path"] for r in gh.requests()]
        assert rc == 0 and "latest release: v2.0" in err and online == offline, (err, online)
        assert paths[:2] == [f"/repos/{REPO}/releases/latest", f"/repos/{REPO}/tags?per_page=100"], paths
        path = os.path.join(data, "repos", OWNER, f"{NAME}.json")
        with open(path) as f:
            facts = json.load(f)
        facts["releases"] = [{"tag_name": "v1.0", "created_at": iso(START)},
                             {"tag_name": "v2.0", "created_at": iso(h.t)},
                             {"tag_name": "v3.0-rc.1", "created_at": iso(h.t + 1), "prerelease": True}]
        with open(path, "w") as f:
            json.dump(facts, f)
        with FakeGitHub(data) as gh:
            rc, online, err = run(["section", REPO, "--api-url", gh.url] + args)
            paths = [r["path"] for r in gh.requests()]
        assert rc == 0 and online == offline, (err, online)
        assert f"/repos/{REPO}/tags?per_page=100" not in paths, paths


def test_note_says_what_was_set_aside():
    """A release whose PRs were all set aside as housekeeping (a branch sync, a revert
    pair) gets no section (only their comment), and the note says what they were,
    both ways."""
    with tempfile.TemporaryDirectory(prefix="release-range-") as work:
        h = History(4)
        h.build()
        gizmo = h.squash("main", "erin", "Add a gizmo")
        h.squash("main", MAINT, 'Revert "Add a gizmo"')
        h.sync_next()
        h.tags["v2.1"] = h.tips["main"]
        clone, data = h.write(work)
        args = ["--from", "v2.0", "--to", "v2.1", "--no-cache"]
        want = ("note: acme/widget: only housekeeping (1 release or branch-sync PR, 2 PRs of "
                "revert pairs) merged in v2.0..v2.1; no section")
        comment = "widget had only dependency updates or housekeeping in this range:"
        rc, out, err = run(["section", REPO, "--git", clone] + args)
        assert rc == 0 and f"/pull/{gizmo})" in out and want in err, (out, err)
        assert comment in out, out
        with FakeGitHub(data) as gh:
            rc, out, err = run(["section", REPO, "--api-url", gh.url] + args)
        assert rc == 0 and f"/pull/{gizmo})" in out and want in err, (out, err)
        assert comment in out, out


def test_compare_pages_side_by_side():
    """A release of 230 commits: three compare pages of 100 (the pages after the first
    numbered by its Link), the PRs filled from the pulls listing, none one by one; the
    clone's answer."""
    with tempfile.TemporaryDirectory(prefix="release-range-") as work:
        h = History(5)
        h.build()
        for i in range(230):
            h.squash("main", CONTRIBUTORS[i % len(CONTRIBUTORS)])
        h.tags["v3.0"] = h.tips["main"]
        clone, data = h.write(work)
        args = ["--from", "v2.0", "--to", "v3.0", "--maintainer", MAINT, "--no-cache"]
        rc, offline, online, err, paths = both_ways(clone, data, args)
    assert rc == 0 and online == offline and online.count("/pull/") >= 230, (err, online)
    pages = sorted(p for p in paths if "/compare/" in p)
    assert len(pages) == 3 and any("page=3" in p for p in pages), pages
    assert not any("/pulls/" in p for p in paths), paths


def test_to_alone_finds_the_previous_release():
    """--to v2.0 alone: the release before it that it reaches, v1.0, not the maintenance
    release v1.1 (a higher version on another branch); through the API by the tags and
    one small compare per candidate, highest first."""
    with tempfile.TemporaryDirectory(prefix="release-range-") as work:
        h = History(1)
        h.build()
        assert "v1.1" in h.tags
        clone, data = h.write(work)
        args = ["--to", "v2.0", "--maintainer", MAINT, "--no-cache", "--verbose"]
        rc, offline, online, err, paths = both_ways(clone, data, args)
    assert rc == 0 and "previous release: v1.0" in err and online == offline, (err, online)
    assert paths[:3] == [f"/repos/{REPO}/tags?per_page=100",
                         f"/repos/{REPO}/compare/v1.1...v2.0?per_page=1",
                         f"/repos/{REPO}/compare/v1.0...v2.0?per_page=1"], paths


def test_unknown_ref():
    with tempfile.TemporaryDirectory(prefix="release-range-") as work:
        h = History(1)
        h.build()
        _, data = h.write(work)
        with FakeGitHub(data) as gh:
            rc, out, err = run(["section", REPO, "--api-url", gh.url, "--from", "v0.9", "--to", "v2.0",
                                "--no-cache"])
            rc2, _, err2 = run(["section", OWNER + "/nosuch", "--api-url", gh.url, "--from", "v1.0",
                                "--to", "v2.0", "--no-cache"])
    assert rc == 3, (rc, err)
    assert "'v0.9'" in err and "not found" in err, err
    # a repository GitHub cannot show is named as such, not as a ref
    assert rc2 == 3 and "nosuch: repository not found (HTTP 404)" in err2, (rc2, err2)


def test_rebase_merge_found_by_commit_lookup():
    """A commit that names no PR (a rebase merge) is asked about, and its PR listed."""
    with tempfile.TemporaryDirectory(prefix="release-range-") as work:
        h = History(3)
        h.build()
        n = h.next_number()
        h.tips["main"] = h.commit("Teach the timer to sleep\n", [h.tips["main"]], "erin")
        h.pull(n, "Teach the timer to sleep", "erin", h.commits[-1]["time"], "sleepy")
        h.tags["v2.0"] = h.tips["main"]
        _, data = h.write(work)
        path = os.path.join(data, "repos", OWNER, f"{NAME}.json")
        with open(path) as f:
            facts = json.load(f)
        facts["commit_pulls"] = {h.sha[h.tips["main"]]: [n]}
        with open(path, "w") as f:
            json.dump(facts, f)
        with FakeGitHub(data) as gh:
            rc, out, err = run(["section", REPO, "--api-url", gh.url] + COMMON)
            paths = [r["path"] for r in gh.requests()]
    assert rc == 0, err
    assert f"/pull/{n})" in out and "Teach the timer to sleep" in out, out
    assert f"/repos/{REPO}/commits/{h.sha[h.tips['main']]}/pulls" in paths, paths


if __name__ == "__main__":
    sys.exit(main(globals()))
