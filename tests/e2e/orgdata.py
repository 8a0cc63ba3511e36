"""Generate an organisation's data set for the fake GitHub server.

    from orgdata import make_org
    info = make_org(tmpdir, repos=40, big_pages=5)

Writes DIR/repos/ORG/NAME.json (the server's compact facts) for a month, August
2023: one "big" repository with `big_pages` full pages of PRs updated in the
month (the last page reaching back before it), the others `small` PRs each (one
page), plus archived and forked repositories whose PRs must never be listed, and
one repository pushed before the month. Returns counts and a config dict.
"""

import json
import os

ORG = "rust-osdev"
MONTH = "2023-08"


def ts(day, sec):
    """A time in August 2023 (day 1..31), or July for day <= 0."""
    if day <= 0:
        return "2023-07-%02dT%02d:%02d:%02dZ" % (31 + day, sec // 3600 % 24, sec // 60 % 60, sec % 60)
    return "2023-08-%02dT%02d:%02d:%02dZ" % (day, sec // 3600 % 24, sec // 60 % 60, sec % 60)


def _prs(n_in, n_old, seed):
    """n_in PRs updated in August (9 of 10 merged, some bumps), n_old updated in July."""
    prs, num = [], 1
    for i in range(n_in):
        day = 1 + (i * 7 + seed) % 30
        sec = 3600 + (i * 97 + seed * 13) % 70000
        merged = i % 10 != 3
        bump = i % 6 == 5
        pr = {"number": num, "title": ("Bump serde from 1.0.%d to 1.0.%d" % (i, i + 1)) if bump
              else "Improve module %d of repo %d: `x` [part %d]" % (i % 17, seed, i),
              "user": "dependabot[bot]" if bump else "dev%d" % ((i + seed) % 23),
              "user_type": "Bot" if bump else "User",
              "created_at": ts(day, sec - 3000 if sec > 3000 else 0) if day > 1 else ts(0, 100),
              "labels": ["dependencies"] if bump else (["enhancement"] if i % 4 == 0 else []),
              "author_association": "CONTRIBUTOR" if i % 3 else "MEMBER"}
        if merged:
            pr["merged_at"] = ts(day, sec)
        pr["closed_at"] = ts(day, sec)
        pr["updated_at"] = ts(day, sec + 60)
        prs.append(pr)
        num += 1
    for i in range(n_old):
        t = ts(-(i % 20), 4000 + i)
        prs.append({"number": num, "title": "Old change %d" % i, "user": "olddev",
                    "created_at": t, "merged_at": t, "closed_at": t, "updated_at": t})
        num += 1
    return prs


def make_org(data_dir, repos=40, big_pages=5, small=12, archived=2, forks=2, org=ORG):
    root = os.path.join(data_dir, "repos", org)
    os.makedirs(root, exist_ok=True)
    merged = 0
    pages_needed = 0
    names = []
    rid = 5000

    def write(name, facts):
        nonlocal rid
        rid += 1
        facts = dict({"id": rid}, **facts)
        with open(os.path.join(root, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(facts, f)

    for k in range(repos):
        name = "repo-%02d" % k
        if k == 0:
            n_in = big_pages * 100 - 20
            prs = _prs(n_in, 20 + 100, k)  # the last in-range page reaches July
            pages_needed += big_pages
        else:
            prs = _prs(small, 3, k)
            pages_needed += 1
        merged += sum(1 for p in prs if p.get("merged_at", "").startswith("2023-08"))
        write(name, {"description": "The %s crate" % name if k % 5 else "",
                     "pushed_at": ts(28 - k % 20, 500), "pulls": prs})
        names.append(name)
    for k in range(archived):
        write("archived-%d" % k, {"description": "gone", "archived": True,
                                   "pushed_at": ts(29, 100), "pulls": _prs(5, 0, 100 + k)})
    for k in range(forks):
        write("fork-%d" % k, {"description": "a fork", "fork": True,
                               "pushed_at": ts(29, 200), "pulls": _prs(5, 0, 200 + k)})
    write("dormant", {"description": "quiet", "pushed_at": ts(-5, 100),
                      "pulls": _prs(0, 4, 300)})
    config = {
        "title": "This Month in Rust OSDev",
        "editors": ["phil-opp"],
        "sections": [{
            "heading": "`%s` Projects" % org,
            "intro": "Projects of the organisation.",
            "org": org,
            "repos": [{"repo": "%s/repo-01" % org, "maintainers": ["dev1"],
                       "intro": "The configured one."}],
        }],
    }
    return {"merged": merged, "pages": pages_needed, "repos": names, "config": config, "org": org}


def write_config(path, config):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
