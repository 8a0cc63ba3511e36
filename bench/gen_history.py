#!/usr/bin/env python3
"""Write a git fast-import stream of a synthetic GitHub-style history to stdout.

usage: gen_history.py [--logins] [--tag-every K] COMMITS [START_EPOCH] [STEP_SECONDS]

COMMITS first-parent commits on refs/heads/main, one every STEP_SECONDS
(default 1500) from START_EPOCH (default 2010-01-01T00:00:00Z), committed at
+02:00: squash commits "Title (#N)", merge commits "Merge pull request #N
from LOGIN/BRANCH" (with one commit on the merged branch, every 4th), a
dependabot merge every 10th and a direct push every 13th. Every commit has
the empty tree: walking history reads commits only.

--logins: the squash commits carry their authors' plain addresses
(LOGIN@example.com, as the merged branches' commits do) instead of noreply
ones, so that every squash's author login is the login evidence's to find
(gitlogins.h: the merges "from LOGIN/..." whose commits carry the address).
--tag-every K: a release tag vN.0.0 on every K-th first-parent commit.
"""
import sys


def main():
    args = sys.argv[1:]
    logins = "--logins" in args
    tag_every = 0
    if "--tag-every" in args:
        k = args.index("--tag-every")
        tag_every = int(args[k + 1])
        del args[k:k + 2]
    args = [a for a in args if a != "--logins"]
    n = int(args[0])
    start = int(args[1]) if len(args) > 1 else 1262304000
    step = int(args[2]) if len(args) > 2 else 1500
    out = sys.stdout.buffer
    buf = []
    mark = 0
    pr = 0

    def commit(ref, email, when, msg, parents):
        nonlocal mark
        mark += 1
        data = msg.encode()
        s = (f"commit {ref}\nmark :{mark}\nauthor Some One <{email}> {when} +0200\n"
             f"committer GitHub <noreply@github.com> {when} +0200\ndata {len(data)}\n").encode() + data + b"\n"
        if parents:
            s += f"from :{parents[0]}\n".encode()
            for p in parents[1:]:
                s += f"merge :{p}\n".encode()
        buf.append(s + b"\n")
        return mark

    tip = None
    for i in range(n):
        when = start + i * step
        login = f"user{i % 97}"
        parents = [tip] if tip else []
        if i % 13 == 5:
            tip = commit("refs/heads/main", "someone@example.com", when, "Fix a typo\n", parents)
        elif i % 10 == 7 and tip:
            pr += 1
            side = commit(f"refs/heads/side", "49699333+dependabot[bot]@users.noreply.github.com",
                          when - 60, f"Bump dep from 1.{i} to 1.{i + 1}\n", [tip])
            tip = commit("refs/heads/main", "noreply@github.com", when,
                         f"Merge pull request #{pr} from org/dependabot/cargo/dep-{i}\n\n"
                         f"Bump dep from 1.{i} to 1.{i + 1}\n", [tip, side])
        elif i % 4 == 1 and tip:
            pr += 1
            side = commit(f"refs/heads/side", f"{login}@example.com", when - 60,
                          f"Work on change {i}\n", [tip])
            tip = commit("refs/heads/main", "noreply@github.com", when,
                         f"Merge pull request #{pr} from {login}/change-{i}\n\nChange number {i}\n",
                         [tip, side])
        else:
            pr += 1
            email = f"{login}@example.com" if logins else f"{1000 + i % 97}+{login}@users.noreply.github.com"
            tip = commit("refs/heads/main", email, when,
                         f"Change number {i} (#{pr})\n\nDetails of the change.\n", parents)
        if tag_every and i % tag_every == tag_every - 1:
            buf.append(f"reset refs/tags/v{i // tag_every + 1}.0.0\nfrom :{tip}\n\n".encode())
        if len(buf) >= 4096:
            out.write(b"".join(buf))
            buf.clear()
    out.write(b"".join(buf))


if __name__ == "__main__":
    main()
