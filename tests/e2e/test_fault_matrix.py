#!/usr/bin/env python3
"""The fault matrix's promise: a partial draft is the clean draft with each failed
repository's section, and only it, replaced by one note in its place.

Run: python3 tests/e2e/test_fault_matrix.py [--binary PATH]   (the binary is not used:
this checks the expected outputs of tests/cases/fault-*, which run_case.py compares
byte for byte with what the binary writes)
"""

import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, parse_args, run_tests  # noqa: E402

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


def main():
    args = parse_args()
    return run_tests(globals(), args.k)


if __name__ == "__main__":
    sys.exit(main())
