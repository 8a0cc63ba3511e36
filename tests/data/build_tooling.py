#!/usr/bin/env python3
"""Writes the tooling-and-news data set: one real-sized month of rust-lang/rust (about
a thousand merged PRs) and rust-lang/cargo, a small rust-osdev repository, and feeds.

    python3 tests/data/build_tooling.py OUTDIR

Deterministic (a seeded generator, fixed dates); written at test time, not committed.
Besides the server data (OUTDIR/repos, OUTDIR/feeds) it writes OUTDIR/expected.json:
the candidates each source must yield, as [repo, number, title] in merge order.  The
candidates are made on purpose (a configured label, or a configured word as a whole
word in the title); the decoys are made on purpose too (plural and glued words that a
fuzzy search returns, rollups and bumps carrying the labels and words, merges just
outside the month, closed-unmerged PRs), so the oracle never re-implements the rule.
OUTDIR/secret.txt is a local file that the xxe feed names through an entity.
"""

import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

LABELS = ["O-x86_64", "O-riscv", "O-aarch64", "A-inline-assembly", "A-target-feature"]
RUST_WORDS = ["target", "linker", "no_std", "atomic", "LLVM", "relocation", "calling convention"]
CARGO_WORDS = ["build-std", "linker", "target"]
NEUTRAL = ["Improve diagnostics for {x}", "Fix ICE in {x}", "Document {x}", "Refactor {x}",
           "Remove unused code in {x}", "Speed up {x}", "Add a test for {x}", "Clean up {x}"]
THINGS = ["borrowck", "rustdoc", "the trait solver", "const eval", "MIR building", "pattern matching",
          "the parser", "macro expansion", "type inference", "coherence", "the query system",
          "lint levels", "closures", "async fn", "the resolver", "unused_imports"]
WORD_TITLES = {  # a configured word, whole, in the title
    "target": ["Add new tier 3 target `{t}`", "Fix the {t} target spec", "target: enable frame pointers on {t}"],
    "linker": ["Pass the right flags to the linker on {t}", "Use rust-lld as the linker for {t}"],
    "no_std": ["Make `core::error` usable in no_std", "Support no_std on {t}"],
    "atomic": ["Make atomic load relaxed on {t}", "Fix atomic fences on {t}"],
    "LLVM": ["Update to LLVM 17", "Work around an LLVM bug on {t}"],
    "relocation": ["Support the static-pie relocation model on {t}"],
    "calling convention": ["Add the x86-interrupt calling convention on {t}", "Fix the efiapi Calling  Convention"],
}
DECOYS = ["Add targets for {t}", "Retarget tests to {t}", "Add atomics docs", "Update to LLVM17 in CI",
          "Document calling conventions", "Relocations in object files", "linkers: tidy", "Untargeted fix"]
TARGETS = ["x86_64-unknown-none", "riscv64gc-unknown-none-elf", "aarch64-unknown-uefi", "i686-unknown-uefi",
           "loongarch64-unknown-none", "armv7-unknown-linux-ohos"]
AUG = datetime(2023, 8, 1, tzinfo=timezone.utc)


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class Repo:
    def __init__(self, rng, first_number):
        self.rng, self.pulls, self.next_number, self.expected = rng, [], first_number, []

    def add(self, title, merged, user="contributor", labels=(), candidate=False, bot=False, unmerged=False):
        n = self.next_number
        self.next_number += 1 + self.rng.randrange(3)
        created = merged - timedelta(days=2 + self.rng.randrange(20), seconds=self.rng.randrange(86400))
        p = {"number": n, "title": title, "user": user, "created_at": ts(created),
             "updated_at": ts(merged + timedelta(seconds=30 + self.rng.randrange(600))),
             "closed_at": ts(merged), "merged_at": None if unmerged else ts(merged),
             "labels": list(labels), "author_association": "CONTRIBUTOR", "body": None}
        if bot:
            p["user_type"] = "Bot"
        self.pulls.append(p)
        if candidate:
            self.expected.append((merged, n, title))
        return n


def month_time(rng):
    return AUG + timedelta(seconds=rng.randrange(31 * 86400))


def build_rust(rng):
    r = Repo(rng, 114000)
    events = []
    for i in range(800):
        t = rng.choice(NEUTRAL).format(x=rng.choice(THINGS))
        events.append((t, dict(user=f"dev{i % 97}", labels=rng.choice([[], ["T-compiler"], ["O-windows"], ["S-waiting-on-bors"]]))))
    for i in range(70):  # rollups: never candidates, even with a label
        events.append((f"Rollup of {2 + i % 9} pull requests",
                       dict(user="matthiaskrgr", labels=["rollup"] + ([LABELS[i % 5]] if i % 3 == 0 else []))))
    for i in range(20):  # dependency bumps: never candidates, even with a word
        events.append((f"Bump linker-shim from 0.{i}.0 to 0.{i}.1" if i % 2 else f"Bump cc from 1.0.{i} to 1.0.{i + 1}",
                       dict(user="dependabot[bot]", bot=True, labels=["dependencies"])))
    for i in range(40):  # label candidates with neutral titles
        events.append((rng.choice(NEUTRAL).format(x=rng.choice(THINGS)) + f" ({i})",
                       dict(user=f"arch{i % 11}", labels=[LABELS[i % 5], "T-compiler"], candidate=True)))
    for i in range(50):  # word candidates
        w = RUST_WORDS[i % len(RUST_WORDS)]
        events.append((rng.choice(WORD_TITLES[w]).format(t=rng.choice(TARGETS)),
                       dict(user=f"tool{i % 13}", candidate=True)))
    for i in range(40):  # decoys: fuzzy search hits, not whole words
        events.append((rng.choice(DECOYS).format(t=rng.choice(TARGETS)), dict(user=f"dev{i}")))
    events.append(("Escape [brackets] and <b>tags</b> --> in a target title", dict(user="messy", candidate=True)))
    rng.shuffle(events)
    times = sorted(month_time(rng) for _ in events)
    for (title, kw), t in zip(events, times):
        r.add(title, t, **kw)
    # the month's edges and unmerged PRs
    r.add("Add new target before the month", datetime(2023, 7, 31, 23, 59, 59, tzinfo=timezone.utc), labels=["O-riscv"])
    r.add("Add a linker flag closed unmerged", datetime(2023, 8, 15, tzinfo=timezone.utc), unmerged=True)
    r.add("First LLVM change of the month", AUG, candidate=True)
    r.add("Last atomic change of the month", datetime(2023, 8, 31, 23, 59, 59, tzinfo=timezone.utc), candidate=True)
    r.add("Add new target after the month", datetime(2023, 9, 1, tzinfo=timezone.utc), labels=["O-riscv"])
    return r


def build_cargo(rng):
    r = Repo(rng, 12400)
    events = [(rng.choice(NEUTRAL).format(x=rng.choice(["cargo add", "the resolver", "registries", "cargo doc"])),
               dict(user=f"c{i % 17}")) for i in range(100)]
    events += [(t, dict(user="weihanglo", candidate=True)) for t in
               ["Fix build-std with panic=abort", "Respect target.linker for build scripts",
                "Pass --target to rustdoc scrape", "Document the linker config"]]
    events += [(t, dict(user="epage")) for t in ["Fix -Zbuild-std docs", "Build targets in order", "linkers"]]
    events += [("Bump linker from 1.0.0 to 1.0.1", dict(user="dependabot[bot]", bot=True, labels=["dependencies"]))]
    rng.shuffle(events)
    times = sorted(month_time(rng) for _ in events)
    for (title, kw), t in zip(events, times):
        r.add(title, t, **kw)
    return r


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://os.phil-opp.example/">
  <title>Writing an OS in Rust</title>
  <entry><title>Too early</title><link href="/early/"/><published>2023-07-31T23:59:59Z</published></entry>
  <entry><title type="html">Edition 3: &lt;em&gt;UEFI&lt;/em&gt; &amp;amp; BIOS</title>
    <link rel="self" href="https://os.phil-opp.example/self"/>
    <link rel="alternate" href="edition-3/uefi (draft)/"/>
    <published>2023-08-10T08:00:00+02:00</published><updated>2023-09-10T00:00:00Z</updated></entry>
  <entry><title>Updated only</title><link href="https://os.phil-opp.example/updated/"/>
    <updated>2023-08-20T12:00:00Z</updated></entry>
  <entry><title>Plain &amp;lt;text&amp;gt; title</title><link href="javascript:alert(1)"/>
    <published>2023-08-21T00:00:00Z</published></entry>
  <entry><title>Too late</title><link href="/late/"/><published>2023-09-01T00:00:00Z</published></entry>
</feed>
"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Redox News</title><link>https://redox.example/</link>
  <item><title>This Month in Redox &lt;b&gt;July&lt;/b&gt;</title><link>https://redox.example/news/july/</link>
    <pubDate>Mon, 31 Jul 2023 22:00:00 -0200</pubDate></item>
  <item><title>Redox 0.8.1 [released] --&gt; now</title><link>https://redox.example/news/0.8.1/</link>
    <pubDate>Tue, 01 Aug 2023 00:00:00 GMT</pubDate></item>
  <item><title>RSoC: porting `std`</title><guid>https://redox.example/news/rsoc/</guid>
    <pubDate>Fri, 18 Aug 2023 15:30:00 +0000</pubDate></item>
  <item><title>September</title><link>https://redox.example/news/sep/</link>
    <pubDate>Fri, 01 Sep 2023 00:00:00 GMT</pubDate></item>
</channel></rss>
"""

OFFER = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Aggregator</title>
  <entry><title>Someone's kernel in Rust</title><link href="https://agg.example/kernel"/>
    <published>2023-08-05T00:00:00Z</published></entry>
</feed>
"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>
<rss version="2.0"><channel><title>Evil</title>
  <item><title>Leak: &xxe;</title><link>https://evil.example/post</link>
    <pubDate>Wed, 09 Aug 2023 00:00:00 GMT</pubDate></item>
</channel></rss>
"""

LAUGHS = '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "lollollollollollollollollollol">\n' + "".join(
    f'<!ENTITY {c} "{("&" + p + ";") * 10}">\n' for p, c in zip("abcdefghi", "bcdefghij")) + \
    ']>\n<rss version="2.0"><channel><item><title>&j;</title><link>https://x.example/</link>' \
    '<pubDate>Tue, 15 Aug 2023 12:00:00 GMT</pubDate></item></channel></rss>\n'


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main(out):
    rng = random.Random(2023_08)
    rust, cargo = build_rust(rng), build_cargo(rng)
    tiny = Repo(rng, 10)
    tiny.add("Add a feature", datetime(2023, 8, 3, tzinfo=timezone.utc), user="someone")
    for owner, name, repo in (("rust-lang", "rust", rust), ("rust-lang", "cargo", cargo),
                              ("rust-osdev", "tiny", tiny)):
        write(os.path.join(out, "repos", owner, name + ".json"), json.dumps(
            {"id": 1000 + len(repo.pulls) * 7 + len(name), "description": name, "archived": False, "fork": False,
             "pushed_at": "2023-09-01T00:00:00Z", "default_branch": "master", "pulls": repo.pulls}))
    secret = os.path.join(out, "secret.txt")
    write(secret, "SECRET-FILE-CONTENT\n")
    feeds = os.path.join(out, "feeds")
    write(os.path.join(feeds, "blog.atom"), ATOM)
    write(os.path.join(feeds, "redox.rss"), RSS)
    write(os.path.join(feeds, "offer.atom"), OFFER)
    write(os.path.join(feeds, "slow.atom"), OFFER)
    write(os.path.join(feeds, "broken.rss"), RSS[:len(RSS) // 2])
    write(os.path.join(feeds, "xxe.rss"), XXE.format(secret=secret))
    write(os.path.join(feeds, "laughs.rss"), LAUGHS)
    # past the 8 MiB bound: a well-formed feed that is never read whole
    write(os.path.join(feeds, "huge.atom"), OFFER.replace("<title>Aggregator</title>",
                                                          "<title>" + "x" * (9 << 20) + "</title>"))
    expected = {f"rust-lang/{k}": [[f"rust-lang/{k}", n, t] for _, n, t in sorted(r.expected)]
                for k, r in (("rust", rust), ("cargo", cargo))}
    expected["merged_in_month"] = {k: sum(1 for p in r.pulls if p["merged_at"] and p["merged_at"].startswith("2023-08"))
                                   for k, r in (("rust", rust), ("cargo", cargo))}
    write(os.path.join(out, "expected.json"), json.dumps(expected, indent=1))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
