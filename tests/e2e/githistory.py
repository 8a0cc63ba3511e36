"""A clone's history as the fake GitHub serves it (its "commits" and "git_refs").

    commits, refs = githistory.served(clone, env)

Every commit that a ref reaches, with its parents, message, author and committer
(dates in UTC, as GitHub answers them), and every branch and tag by its short name
(an annotated tag by the commit it points to).
"""

import subprocess
import time

FIELDS = "%H%x01%P%x01%an%x01%ae%x01%at%x01%cn%x01%ce%x01%ct%x01%B%x00"


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(t)))


def served(clone, env):
    out = subprocess.run(["git", "-C", clone, "log", "--all", "-z", f"--format={FIELDS}"],
                         check=True, env=env, capture_output=True, timeout=120).stdout
    commits = []
    for rec in out.decode("utf-8").split("\x00"):
        rec = rec.lstrip("\n")
        if not rec:
            continue
        sha, parents, an, ae, at, cn, ce, ct, msg = rec.split("\x01", 8)
        commits.append({"sha": sha, "parents": parents.split(), "message": msg,
                        "author": {"name": an, "email": ae, "date": iso(at)},
                        "committer": {"name": cn, "email": ce, "date": iso(ct)}})
    refs = {}
    out = subprocess.run(["git", "-C", clone, "for-each-ref",
                          "--format=%(refname:short) %(*objectname) %(objectname)",
                          "refs/heads", "refs/tags"],
                         check=True, env=env, capture_output=True, timeout=60).stdout
    for line in out.decode().splitlines():
        parts = line.split()
        refs[parts[0]] = parts[1]  # the peeled commit of an annotated tag, else the object
    return commits, refs
