#!/usr/bin/env python3
"""No control byte reaches a terminal or a draft, whatever the server sends.

A property over seeded hostile repositories: for each seed, PR titles, logins,
labels, bodies and the repository's description mix ordinary words with
terminal escapes (CSI, OSC with BEL, C1 controls as UTF-8, DEL, CR, NUL as
\\u0000, bidi controls); some seeds also get an error answer whose "message"
carries them. The binary drafts the month with --verbose, and:
  - exits 0, 3 or 5 (never a crash or a sanitizer's report);
  - writes no C0 control but tab and newline, no DEL and no C1 control to
    stdout or stderr (escaped messages are fine: they are printable);
  - leaves no bidi control in the draft, and no raw line of the server's text
    that starts a heading.

Usage: test_hostile_text.py --binary PATH [-k SUBSTRING]
"""

import json
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeGitHub, main  # noqa: E402

BINARY = None
SEEDS = range(60)
OWNER = "hostile"
PIECES = ["\x1b[31m", "\x1b]0;pwned\x07", "\x1b[2J", "\x07", "\x7f", "\r", "\x08", "\x00",
          "\u009b31m", "\u0085", "\u009d0;x\u009c", "\u202e", "\u2066", "\u2069", "\x0b", "\x0c",
          "\n## Injected", "\t", "\u00e9", "\u2013"]
WORDS = ["Fix", "add", "the", "loader", "x86_64", "`code`", "[link](u)", "&amp;", "<b>b</b>", "#1"]
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def hostile(rng, words=4):
    parts = []
    for _ in range(rng.randint(1, words)):
        parts.append(rng.choice(WORDS))
        if rng.random() < 0.6:
            parts.append(rng.choice(PIECES))
    return " ".join(parts)


def login(rng):
    return rng.choice(["alice", "bob-2", hostile(rng, 1), "evil\x1b[0m", "x\u009b", "ok"])


def make_repo(seed):
    rng = random.Random(seed)
    pulls = []
    for n in range(1, rng.randint(2, 9)):
        day = rng.randint(1, 30)
        at = f"2023-08-{day:02d}T08:00:00Z"
        pulls.append({
            "number": n, "title": hostile(rng), "user": login(rng), "created_at": at,
            "updated_at": at, "closed_at": at, "merged_at": at,
            "labels": [hostile(rng, 1)] if rng.random() < 0.3 else [],
            "author_association": "CONTRIBUTOR", "body": hostile(rng, 8)})
    return {"id": 700000 + seed, "description": hostile(rng), "archived": False,
            "fork": False, "created_at": "2020-01-01T00:00:00Z",
            "pushed_at": "2023-08-31T08:00:00Z", "default_branch": "main",
            "pulls": pulls}


def fault(seed):
    rng = random.Random(seed * 7919)
    if rng.random() >= 0.3:
        return None
    return {"match": f"/repos/{OWNER}/r{seed}/", "times": -1,
            "status": rng.choice([404, 422, 500, 403]),
            "body": json.dumps({"message": hostile(rng, 6),
                                "documentation_url": "https://docs.github.com/\x1b[0m"})}


def check_bytes(what, data, seed):
    m = CONTROL.search(data)
    assert m is None, f"seed {seed}: a control byte {m.group()!r} in {what}: " \
                      f"{data[max(0, m.start() - 40):m.end() + 40]!r}"


def test_no_control_byte_reaches_a_terminal():
    with tempfile.TemporaryDirectory(prefix="ml-hostile-") as tmp:
        data = os.path.join(tmp, "data")
        os.makedirs(os.path.join(data, "repos", OWNER))
        for seed in SEEDS:
            with open(os.path.join(data, "repos", OWNER, f"r{seed}.json"), "w") as f:
                json.dump(make_repo(seed), f)
        rules = [r for r in (fault(s) for s in SEEDS) if r]
        faults = os.path.join(tmp, "faults.json")
        with open(faults, "w") as f:
            json.dump(rules, f)
        faulted = 0
        with FakeGitHub(data, token="t0k3n", faults=faults) as gh:
            for seed in SEEDS:
                env = dict(os.environ, GH_TOKEN="t0k3n", XDG_CACHE_HOME=os.path.join(tmp, "c"))
                p = subprocess.run([BINARY, "section", f"{OWNER}/r{seed}", "--month", "2023-08",
                                    "--api-url", gh.url, "--verbose", "--via", "pulls", "--max-wait", "1",
                                    "--jobs", "4"],
                                   capture_output=True, env=env, timeout=60)
                assert p.returncode in (0, 3, 5), \
                    f"seed {seed}: exit {p.returncode}\n{p.stderr.decode(errors='replace')}"
                faulted += p.returncode != 0
                check_bytes("stdout", p.stdout, seed)
                check_bytes("stderr", p.stderr, seed)
                draft = p.stdout.decode("utf-8")
                assert not BIDI.search(draft), f"seed {seed}: a bidi control in the draft"
                assert "\n## Injected" not in draft, f"seed {seed}: a heading got in"
        # the property saw both kinds of run
        assert faulted and faulted < len(SEEDS), f"{faulted} of {len(SEEDS)} runs failed"


if __name__ == "__main__":
    sys.exit(main(globals()))
