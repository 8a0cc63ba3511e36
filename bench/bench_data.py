"""Deterministic data sets for bench/side_by_side.py (no randomness, no network).

Each function writes DIR/repos/ORG/NAME.json (the fake server's compact facts,
see tests/fake_github/server.py) and DIR/config.json, and returns a dict:
  config (its path), month "2024-10", merged (PRs merged in the month, all
  repositories), repos (configured names), org (the org name, or None).

  month(dir)          a newsletter month: 12 configured repositories, one of
                      them (uefi-rs) with 5 pages of PRs updated in the month,
                      most of them merged earlier (dependabot, comments)
  org(dir, n)         an organisation of n repositories found by discovery
  quiet(dir, n)       an organisation of n repositories, all pushed in the month, one
                      in five merging 3-6 PRs in it (the 1,000-repository org of
                      issue 23 whose merged PRs one search query reaches)
  merged(dir, n)      one repository with n PRs merged in the month
  closed(dir, n)      one repository with n closed PRs over eight years, 60 in the month
"""

import json
import os
from datetime import datetime, timezone

ORG = "rust-osdev"
MONTH = "2024-10"
T0 = int(datetime(2024, 10, 1, tzinfo=timezone.utc).timestamp())
T1 = int(datetime(2024, 11, 1, tzinfo=timezone.utc).timestamp())
DAY = 86400


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def pr(num, merged, updated, created=None, i=0, seed=0):
    """A PR merged at `merged` (None: closed unmerged at `updated`), updated at `updated`."""
    closed = merged if merged is not None else updated
    created = created if created is not None else closed - 3600 - (i * 911) % (5 * DAY)
    bump = i % 6 == 5
    p = {"number": num,
         "title": ("Bump serde from 1.0.%d to 1.0.%d" % (i, i + 1)) if bump
         else "Improve module %d of repo %d: `x` [part %d]" % (i % 17, seed, i),
         "user": "dependabot[bot]" if bump else "dev%d" % ((i + seed) % 23),
         "user_type": "Bot" if bump else "User",
         "created_at": iso(created), "closed_at": iso(closed), "updated_at": iso(max(updated, closed)),
         "labels": ["dependencies"] if bump else (["enhancement"] if i % 4 == 0 else []),
         "author_association": "CONTRIBUTOR" if i % 3 else "MEMBER"}
    if merged is not None:
        p["merged_at"] = iso(merged)
    return p


def in_month(i, n):
    """The i-th of n times spread over the month (never on its edges)."""
    return T0 + 600 + (i * (T1 - T0 - 1200)) // max(n, 1)


def prs_month(n_merged, n_unmerged=0, n_touched=0, n_old=20, seed=0, first=1):
    """PRs newest first by number: n_merged merged in the month, n_unmerged closed
    unmerged in it, n_touched merged before it but updated in it, n_old before it."""
    out, num = [], first
    for i in range(n_old):
        t = T0 - DAY * (1 + i % 200) - i
        out.append(pr(num, t, t, i=i, seed=seed))
        num += 1
    for i in range(n_touched):
        m = T0 - DAY * (30 + i % 300) - i
        out.append(pr(num, m, in_month(i, n_touched) + 300, i=i + 7, seed=seed))
        num += 1
    for i in range(n_merged + n_unmerged):
        t = in_month(i, n_merged + n_unmerged)
        merged = t if i % (n_merged + n_unmerged) < n_merged and (n_unmerged == 0 or i % 10 != 3 or
                                                                   n_merged == 0) else None
        out.append(pr(num, merged, t + 60, i=i, seed=seed))
        num += 1
    return out


def write_repo(data, name, rid, pulls, org=ORG, **facts):
    root = os.path.join(data, "repos", org)
    os.makedirs(root, exist_ok=True)
    facts = dict({"id": rid, "description": "The %s crate" % name,
                  "pushed_at": iso(T1 - DAY - rid % 7 * 3600), "pulls": pulls}, **facts)
    with open(os.path.join(root, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(facts, f)


def merged_count(pulls):
    return sum(1 for p in pulls if p.get("merged_at") and T0 <= _t(p["merged_at"]) < T1)


def _t(s):
    return int(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


def write_config(data, repos, org=None):
    section = {"heading": "`%s` Projects" % ORG, "intro": "Projects.",
               "repos": [{"repo": "%s/%s" % (ORG, r), "maintainers": ["dev1"], "intro": "The %s crate." % r}
                         for r in repos]}
    if org:
        section["org"] = org
    cfg = {"title": "This Month in Rust OSDev", "editors": ["phil-opp"], "sections": [section]}
    path = os.path.join(data, "config.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(cfg, f, indent=2)
    return path


def month(data):
    names = ["uefi-rs", "bootloader", "x86_64", "acpi", "multiboot2", "ovmf-prebuilt", "pic8259",
             "spinning_top", "uart_16550", "vga", "volatile", "linked-list-allocator"]
    merged = 0
    for k, name in enumerate(names):
        if k == 0:  # 5 pages updated in the month, 40 merged in it
            pulls = prs_month(40, 20, 400, 300, seed=k)
        else:
            pulls = prs_month(2 + k % 5, 1, 3, 40, seed=k)
        merged += merged_count(pulls)
        write_repo(data, name, 7000 + k, pulls)
    return {"config": write_config(data, names), "month": MONTH, "merged": merged,
            "repos": ["%s/%s" % (ORG, n) for n in names], "org": None, "section": "%s/uefi-rs" % ORG}


def org(data, n):
    merged = 0
    for k in range(n):
        pulls = prs_month(3 + k % 4, 1, 2, 5, seed=k)
        merged += merged_count(pulls)
        write_repo(data, "repo-%04d" % k, 8000 + k, pulls)
    return {"config": write_config(data, ["repo-0001"], org=ORG), "month": MONTH, "merged": merged,
            "repos": ["%s/repo-%04d" % (ORG, k) for k in range(n)], "org": ORG,
            "section": "%s/repo-0001" % ORG}


def quiet(data, n):
    merged = 0
    for k in range(n):
        pulls = prs_month(3 + k // 5 % 4 if k % 5 == 0 else 0, 0, 1, 5, seed=k)
        merged += merged_count(pulls)
        write_repo(data, "repo-%04d" % k, 8000 + k, pulls)
    return {"config": write_config(data, ["repo-0000"], org=ORG), "month": MONTH, "merged": merged,
            "repos": ["%s/repo-%04d" % (ORG, k) for k in range(n)], "org": ORG,
            "section": "%s/repo-0000" % ORG}


def merged(data, n):
    pulls = prs_month(n, 0, 0, 200)
    write_repo(data, "big", 9000, pulls)
    return {"config": write_config(data, ["big"]), "month": MONTH, "merged": merged_count(pulls),
            "repos": ["%s/big" % ORG], "org": None, "section": "%s/big" % ORG}


def closed(data, n):
    old = []
    span = 8 * 365 * DAY
    for i in range(n):  # closed over eight years before the month, oldest first
        t = T0 - span + (i * span) // n
        old.append(pr(i + 1, t if i % 5 else None, t, i=i))
    pulls = old + prs_month(60, 0, 0, 0, first=n + 1)
    write_repo(data, "history", 9100, pulls)
    return {"config": write_config(data, ["history"]), "month": MONTH, "merged": merged_count(pulls),
            "repos": ["%s/history" % ORG], "org": None, "section": "%s/history" % ORG}
