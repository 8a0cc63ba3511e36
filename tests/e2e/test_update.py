"""End-to-end checks of the editor's month: a draft in the middle of the month
against the fake GitHub as it was then (--now), an editor's edits, --update
after the month against GitHub as it is at its end, never clobbering, --force,
--finalize.

Run: python3 tests/e2e/test_update.py --binary build/mergeletter
"""

import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeGitHub, ROOT, main  # noqa: E402

AUG = os.path.join(ROOT, "tests", "data", "rust-osdev-2023-08")
CONFIG = os.path.join(ROOT, "tests", "data", "rust-osdev-sections.json")
MID = ("2023-08-16T00:00:00Z", "1692144000")
END = ("2023-09-06T00:00:00Z", "1693958400")
BINARY = None
LINK = re.compile(r"https://github\.com/([^/\s]+/[^/\s]+)/pull/(\d+)\)")


def run(clock, args, tmp, check_exit=None):
    """The binary against GitHub as it was at clock = (ISO time, SOURCE_DATE_EPOCH)."""
    with FakeGitHub(AUG, now=clock[0]) as gh:
        env = {k: v for k, v in os.environ.items()
               if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
        env.update(SOURCE_DATE_EPOCH=clock[1], GH_TOKEN="t", XDG_CACHE_HOME=os.path.join(tmp, "cache"))
        p = subprocess.run([BINARY] + [a.replace("{api}", gh.url) for a in args], capture_output=True,
                           env=env, timeout=60)
    out, err = p.stdout.decode(), p.stderr.decode()
    for report in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
        assert report not in err, err
    if check_exit is not None and p.returncode != check_exit:
        raise AssertionError(f"exit {p.returncode}, wanted {check_exit}\nstderr: {err}")
    return p.returncode, out, err


def issue(path, *extra):
    return ["issue", "--config", CONFIG, "--month", "2023-08", "--api-url", "{api}", "--no-cache",
            *(["-o", path] if path else []), *extra]


def read(path):
    with open(path, "rb") as f:
        return f.read().decode()


def write(path, text):
    with open(path, "wb") as f:
        f.write(text.encode())


def links(text):
    return set(LINK.findall(text))


def edit(text):
    """An editor's week: text added, a PR deleted, items reordered, a thanks line
    rewritten, a section moved to the top and another deleted."""
    def sub(old, new):
        nonlocal text
        assert old in text, old
        text = text.replace(old, new, 1)
    sub("Here we collect news, blog posts, etc. related to OS development in Rust.\n",
        "Here we collect news, blog posts, etc. related to OS development in Rust.\n\n"
        "- [An editor's blog post](https://example.com/post)\n")
    sub("- [Add block I/O protocol to `uefi-raw` and use it in `uefi`](https://github.com/rust-osdev/uefi-rs/pull/909)\n", "")
    a = "- [kernel image fields & zero out rbp](https://github.com/rust-osdev/bootloader/pull/346)\n"
    b = "- [`RacyCell<T>`: Data race allowed on T](https://github.com/rust-osdev/bootloader/pull/390)\n"
    sub(a + b, b + a)
    m = re.search(r"Thanks to \[@frisoft\][^\n]*\n", text)
    sub(m.group(0), "Thanks to everyone who sent a PR to the bootloader this month!\n")
    x86 = re.search(r"### \[`x86_64`\].*?\n\n(?=###|\n)", text, re.S).group(0)
    sub(x86, "")
    sub("### [`uefi-rs`]", x86 + "### [`uefi-rs`]")
    acpi = re.search(r"### \[`acpi`\].*?\n\n(?=###|\n)", text, re.S).group(0)
    sub(acpi, "")
    return text


def test_the_editors_month():
    with tempfile.TemporaryDirectory() as tmp:
        draft = os.path.join(tmp, "draft.md")
        code, out, err = run(MID, issue(draft), tmp, check_exit=0)
        assert out == "" and "August 2023 is not over" in err, err
        mid = read(draft)
        assert "<!-- mergeletter: drafted 2023-08-16; PRs merged later will be added by --update -->" in mid
        assert "rust-osdev/uefi-rs/pull/915" not in mid  # merged on the 31st
        edited = edit(mid)
        write(draft, edited)
        deleted = links(mid) - links(edited)
        assert deleted == {("rust-osdev/uefi-rs", "909"), ("rust-osdev/acpi", "189")}, deleted

        code, out, err = run(END, issue(draft, "--update"), tmp, check_exit=0)
        updated = read(draft)
        for kept in ("- [An editor's blog post](https://example.com/post)\n",
                     "Thanks to everyone who sent a PR to the bootloader this month!\n"
                     "<!-- mergeletter: also thank @kuzeyardabulut -->\n"):
            assert kept in updated, kept
        assert updated.index("### [`x86_64`]") < updated.index("### [`uefi-rs`]")
        assert updated.index("/bootloader/pull/390") < updated.index("/bootloader/pull/346")
        assert "drafted" not in updated
        assert not deleted & links(updated), deleted & links(updated)
        code, fresh, err = run(END, issue(None), tmp, check_exit=0)
        missing = links(fresh) - deleted - links(updated)
        assert not missing, missing
        assert "/acpi/pull/190" in updated  # acpi's new PR comes back in a section of its own
        assert updated.count("### [`acpi`]") == 1

        code, out, err = run(END, issue(draft, "--update"), tmp, check_exit=0)
        assert read(draft) == updated, "a second --update changed the file"

        code, out, err = run(END, ["issue", "-o", draft, "--finalize"], tmp, check_exit=0)
        final = read(draft)
        assert "mergeletter" not in final
        # the front matter's date: the first draft's until --finalize sets its day
        assert "\ndate = 2023-08-16\n" in updated and "\ndate = 2023-09-06\n" in final
        assert "date 2023-08-16 is now 2023-09-06" in err
        assert "<!-- more -->" in final and "<!-- - [build(deps): bump" in final
        assert "also thank @kuzeyardabulut" in err  # an unanswered note is reported
        code, out, err = run(END, issue(draft, "--update"), tmp, check_exit=2)
        assert "finalized" in err and read(draft) == final


def test_never_clobber_and_force():
    with tempfile.TemporaryDirectory() as tmp:
        draft = os.path.join(tmp, "draft.md")
        run(END, issue(draft), tmp, check_exit=0)
        first = read(draft)
        run(END, issue(draft), tmp, check_exit=0)  # unchanged: rewritten
        assert read(draft) == first
        write(draft, first.replace("Welcome to a new issue", "Welcome to the editor's issue"))
        before = read(draft)
        code, out, err = run(END, issue(draft), tmp, check_exit=2)
        assert "--update" in err and "--force" in err and read(draft) == before, err
        write(draft, "my own notes\n")
        code, out, err = run(END, issue(draft), tmp, check_exit=2)
        assert "--force" in err and read(draft) == "my own notes\n"
        code, out, err = run(END, issue(draft, "--update"), tmp, check_exit=2)
        assert "no mergeletter trailer" in err and read(draft) == "my own notes\n"
        run(END, issue(draft, "--force"), tmp, check_exit=0)
        assert read(draft) == first
        os.unlink(draft)
        run(END, issue(draft, "--update"), tmp, check_exit=0)  # missing: a fresh draft
        assert read(draft) == first


def test_section_crlf_update():
    with tempfile.TemporaryDirectory() as tmp:
        out_path = os.path.join(tmp, "uefi.md")
        args = ["section", "rust-osdev/uefi-rs", "--month", "2023-08", "--api-url", "{api}", "--no-cache",
                "--maintainer", "GabrielMajeri", "-o", out_path]
        run(MID, args, tmp, check_exit=0)
        text = read(out_path).replace("\n", "\r\n").replace("We merged", "Lots happened. We merged", 1)
        write(out_path, text)
        run(END, args + ["--update"], tmp, check_exit=0)
        updated = read(out_path)
        assert "\n" not in updated.replace("\r\n", ""), "line ends are CRLF throughout"
        assert "Lots happened. We merged" in updated and "/uefi-rs/pull/915)" in updated
        run(END, args + ["--update"], tmp, check_exit=0)
        assert read(out_path) == updated


def test_usage_errors():
    with tempfile.TemporaryDirectory() as tmp:
        code, out, err = run(MID, ["issue", "--config", CONFIG, "--month", "2023-09", "--api-url", "{api}"],
                             tmp, check_exit=2)
        assert "has not begun" in err, err
        for extra in (["--update"], ["--force", "--update", "-o", "x.md"], ["--finalize"]):
            code, out, err = run(END, issue(None, *extra), tmp, check_exit=2)
            assert "--update" in err, err


if __name__ == "__main__":
    sys.exit(main(globals()))
