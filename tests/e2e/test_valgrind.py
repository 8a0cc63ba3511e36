"""Run a whole-issue draft and a failing run under valgrind: no leaks, no invalid accesses.

Run: python3 tests/e2e/test_valgrind.py --binary build/mergeletter
A sanitizer build cannot run under valgrind; there the sanitizers do this job, and
this script says so and exits 77, which ctest reports as skipped.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, FakeGitHub  # noqa: E402


SKIPPED = 77  # ctest: SKIP_RETURN_CODE


def sanitized(binary):
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, timeout=60).stdout
    return "libasan" in out or "libubsan" in out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    if sanitized(args.binary):
        print("sanitizer build: valgrind run left to ASan/UBSan; skipped")
        return SKIPPED
    if not shutil.which("valgrind"):
        print("valgrind is not installed (tools/deps.sh installs it)")
        print("0 passed, 1 failed")
        return 1
    vg = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
          "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect"]
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
    env["SOURCE_DATE_EPOCH"] = "1693958400"
    tmp = tempfile.TemporaryDirectory()
    draft = os.path.join(tmp.name, "draft.md")
    issue = ["issue", "--config", os.path.join(ROOT, "tests", "data", "rust-osdev-sections.json"), "--month", "2023-08"]
    cases = [
        (issue, 0),
        (["section", "rust-osdev/nope", "--month", "2023-08"], 3),
        (issue + ["-o", draft], 0),
        (issue + ["-o", draft, "--update"], 0),
        (issue + ["--previous", os.path.join(ROOT, "tests", "cases", "issue-previous", "previous.md")], 0),
        (["section", "--config", os.path.join(ROOT, "config", "release-notes-uefi-rs.json"),
          "--from", "uefi-v0.24.0", "--to", "uefi-v0.25.0-rc1"], 0),
        (["section", "rust-osdev/uefi-rs", "--from", "uefi-v9"], 3),
    ]
    passed = failed = 0
    with FakeGitHub(os.path.join(ROOT, "tests", "data", "rust-osdev-2023-08")) as srv:
        for argv, want in cases:
            p = subprocess.run(vg + [args.binary] + argv + ["--api-url", srv.url], capture_output=True,
                               text=True, env=env, timeout=300)
            if p.returncode == want:
                passed += 1
                print(f"PASS {' '.join(argv[:2])}")
            else:
                failed += 1
                print(f"FAIL {' '.join(argv[:2])}: exit {p.returncode}, wanted {want}\n{p.stderr}")
    tmp.cleanup()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
