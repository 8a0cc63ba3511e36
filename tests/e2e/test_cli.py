"""End-to-end checks of the `section` and `issue` commands against the fake GitHub.

Run: python3 tests/e2e/test_cli.py --binary build/mergeletter
Each check starts the real binary; the last line is "N passed, N failed".
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FakeGitHub, ROOT, main, opener  # noqa: E402

DATA = os.path.join(ROOT, "tests", "data")
AUG = os.path.join(DATA, "rust-osdev-2023-08")
PAGINATED = os.path.join(DATA, "paginated")
CONFIG = os.path.join(ROOT, "tests", "data", "rust-osdev-sections.json")  # the shipped config without tooling and news
BINARY = None
EPOCH = "1693958400"  # 2023-09-06


def run(args, env=None, check_exit=None):
    e = {k: v for k, v in os.environ.items()
         if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
    e["SOURCE_DATE_EPOCH"] = EPOCH
    e.update(env or {})
    p = subprocess.run([BINARY] + args, capture_output=True, env=e, timeout=60)
    out, err = p.stdout.decode("utf-8"), p.stderr.decode("utf-8")
    if check_exit is not None and p.returncode != check_exit:
        raise AssertionError(f"exit {p.returncode}, wanted {check_exit}\nstderr: {err}")
    return p.returncode, out, err


def sections(md):
    """{repo name: section text} of a draft."""
    out = {}
    for part in re.split(r"\n(?=### )", md):
        m = re.match(r"### \[`([^`]+)`\]", part)
        if m:
            out[m.group(1)] = part
    return out


def listed(section):
    return [int(n) for n in re.findall(r"^- \[.*\]\(https://github\.com/[^)]+/pull/(\d+)\)$", section, re.M)]


def commented(section):
    return [int(n) for n in re.findall(r"^<!-- - \[.*\]\(https://github\.com/[^)]+/pull/(\d+)\) -->$", section, re.M)]


def line(section, prefix):
    hits = [l for l in section.splitlines() if l.startswith(prefix)]
    return hits[0] if len(hits) == 1 else None


def gh(login, url=None):
    return f"[@{login}]({url or 'https://github.com/' + login})"


# The facts of the August 2023 post's rust-osdev sections.
AUGUST = {
    "uefi-rs": {
        "listed": [906, 909, 911, 896, 913, 910, 916, 928, 851, 915],
        "bumps": [908, 912, 919, 923, 924, 926, 927, 929, 930],
        "maint": "<span class=\"maintainers\">Maintained by " + gh("GabrielMajeri") + ", " + gh("nicholasbishop") + ", and " + gh("phip1611") + "</span>",
        "thanks": "Thanks to " + gh("cmoylan") + " and " + gh("julic20s") + " for their contributions!",
    },
    "bootloader": {
        "listed": [346, 390, 391], "bumps": [],
        "maint": "<span class=\"maintainers\">Maintained by " + gh("phil-opp") + "</span>",
        "thanks": "Thanks to " + gh("frisoft") + ", " + gh("devsnek") + ", and " + gh("kuzeyardabulut") + " for their contributions!",
    },
    "x86_64": {
        "listed": [430, 431, 432], "bumps": [],
        "maint": "<span class=\"maintainers\">Maintained by " + gh("phil-opp") + ", "
                 + gh("josephlr", "https://github.com/orgs/rust-osdev/people/josephlr") + ", and "
                 + gh("Freax13", "https://github.com/orgs/rust-osdev/people/Freax13") + "</span>",
        "thanks": "Thanks to " + gh("tsoutsman") + ", " + gh("NathanKolpa") + ", and " + gh("xzmeng") + " for their contributions!",
    },
    "acpi": {
        "listed": [189, 190], "bumps": [],
        "maint": "<span class=\"maintainers\">Maintained by " + gh("IsaacWoods") + "</span>",
        "thanks": "Thanks to " + gh("alnyan") + " for their contributions!",
    },
    "uart_16550": {
        "listed": [29], "bumps": [],
        "maint": "<span class=\"maintainers\">Maintained by " + gh("phil-opp") + "</span>",
        # the post says "contributions" for one PR; the template's rule says "contribution"
        "thanks": "Thanks to " + gh("phip1611") + " for their contribution!",
    },
}


def test_request_headers_and_paging_stop():
    with FakeGitHub(AUG, token="t0k3n") as srv:
        run(["section", "rust-osdev/uefi-rs", "--month", "2023-08", "--api-url", srv.url,
             "--via", "pulls"], env={"GH_TOKEN": "t0k3n"}, check_exit=0)
        reqs = srv.requests()
        # how many pages would the whole listing have?
        first = opener().open(srv.url + reqs[0]["path"])
        link = first.headers.get("Link", "")
    assert reqs, "no request"
    for r in reqs:
        assert r["user_agent"].startswith("mergeletter/"), r
        assert r["accept"] == "application/vnd.github+json", r
        assert r["api_version"] == "2022-11-28", r
        assert r["auth"] == "bearer", r
        assert "gzip" in (r["accept_encoding"] or ""), r
        assert "state=closed" in r["path"] and "sort=updated" in r["path"] and "direction=desc" in r["path"] \
            and "per_page=100" in r["path"], r
    last = re.search(r'page=(\d+)>; rel="last"', link)
    assert last and int(last.group(1)) > len(reqs), f"fetched {len(reqs)} pages of {link}"


def test_nothing_in_range():
    with FakeGitHub(PAGINATED) as srv:
        code, out, err = run(["section", "example/quiet", "--month", "2023-08", "--api-url", srv.url],
                             check_exit=0)
    assert out == "", out
    assert "example/quiet: nothing merged in August 2023" in err


def test_messy_titles_stay_valid():
    with FakeGitHub(PAGINATED) as srv:
        code, out, err = run(["section", "example/messy", "--month", "2023-08", "--deps", "keep",
                              "--api-url", srv.url], check_exit=0)
    s = sections(out)["messy"]
    assert "\\]odd\\[" in s and "\\<script>" in s and "a \\< b" in s
    assert "[Fix things](" in s  # the embedded newline is folded
    assert "Überarbeitung – naïve café 日本" in s
    for l in s.splitlines():
        if l.startswith("- ["):
            assert re.match(r"^- \[.*\]\(https://github\.com/example/messy/pull/\d+\)$", l), l


def test_comment_cannot_be_closed_by_a_title():
    with FakeGitHub(PAGINATED) as srv:
        code, out, err = run(["section", "example/messy", "--month", "2023-08", "--api-url", srv.url],
                             check_exit=0)
    for l in out.splitlines():
        if l.startswith("<!--"):
            assert l.count("-->") == 1 and l.endswith("-->"), l


def test_broken_item_is_a_clear_error():
    for via in ("pulls", "search", None):
        with FakeGitHub(PAGINATED) as srv:
            code, out, err = run(["section", "example/broken", "--month", "2023-08", "--api-url", srv.url]
                                 + (["--via", via] if via else []))
        assert code == 3 and out == "", (via, code, out)
        assert re.search(r"example/broken: not fetched: pull request #\d+: field \"user\"", err), (via, err)
        assert len(err.strip().splitlines()) <= 3, (via, err)


def test_output_file_is_atomic():
    with tempfile.TemporaryDirectory() as tmp, FakeGitHub(AUG) as srv:
        path = os.path.join(tmp, "draft.md")
        run(["issue", "--config", CONFIG, "--month", "2023-08", "--api-url", srv.url, "-o", path],
            check_exit=0)
        good = open(path, encoding="utf-8").read()
        assert "### [`uefi-rs`]" in good
        code, out, err = run(["section", "rust-osdev/nope", "--month", "2023-08", "--api-url", srv.url,
                              "-o", path])
        assert code == 3, code
        assert open(path, encoding="utf-8").read() == good, "a failed run changed the file"
        assert os.listdir(tmp) == ["draft.md"], os.listdir(tmp)
        code, out, err = run(["section", "rust-osdev/acpi", "--month", "2023-08", "--api-url", srv.url,
                              "-o", os.path.join(tmp, "missing-dir", "x.md")])
        assert code == 1 and "cannot write" in err, (code, err)


def test_json_format():
    with FakeGitHub(AUG) as srv:
        code, out, err = run(["issue", "--config", CONFIG, "--month", "2023-08", "--api-url", srv.url,
                              "--format", "json"], check_exit=0)
    doc = json.loads(out)
    repos = {r["repo"]: r for s in doc["sections"] for r in s["repos"]}
    uefi = repos["rust-osdev/uefi-rs"]
    assert [p["number"] for p in uefi["prs"] if p["listed"]] == AUGUST["uefi-rs"]["listed"]
    assert [p["number"] for p in uefi["prs"] if p["bump"]] == AUGUST["uefi-rs"]["bumps"]
    assert uefi["thanks"] == ["cmoylan", "julic20s"]
    assert doc["range"]["since"] == "2023-08-01T00:00:00Z" and doc["range"]["until"] == "2023-09-01T00:00:00Z"


def test_env_api_url_and_token_precedence():
    with FakeGitHub(AUG, token="t0k3n") as srv:
        code, out, err = run(["section", "rust-osdev/acpi", "--month", "2023-08"],
                             env={"GITHUB_API_URL": srv.url, "GH_TOKEN": "t0k3n", "GITHUB_TOKEN": "wrong"},
                             check_exit=0)
        assert listed(sections(out)["acpi"]) == [189, 190]
        code, out, err = run(["section", "rust-osdev/acpi", "--month", "2023-08"],
                             env={"GITHUB_API_URL": srv.url, "GITHUB_TOKEN": "t0k3n"}, check_exit=0)
        code, out, err = run(["section", "rust-osdev/acpi", "--month", "2023-08"],
                             env={"GITHUB_API_URL": srv.url, "GITHUB_TOKEN": "wrong"})
        assert code == 3 and "401" in err, (code, err)
        assert "wrong" not in err  # the token is never shown


def test_since_until_range():
    with FakeGitHub(AUG) as srv:
        code, out, err = run(["section", "rust-osdev/uefi-rs", "--since", "2023-08-01", "--until",
                              "2023-08-15", "--api-url", srv.url], check_exit=0)
        code2, out2, _ = run(["section", "rust-osdev/uefi-rs", "--since", "2023-08-01T00:00:00Z",
                              "--until", "2023-09-01T00:00:00Z", "--api-url", srv.url], check_exit=0)
        code3, out3, _ = run(["section", "rust-osdev/uefi-rs", "--month", "2023-08", "--api-url", srv.url],
                             check_exit=0)
    assert out2 == out3, "a whole month given as --since/--until differs from --month"
    s = sections(out)["uefi-rs"]
    assert set(listed(s)) < set(AUGUST["uefi-rs"]["listed"]), listed(s)
    assert "from 2023-08-01 to 2023-08-14:" in s


def test_help_and_version():
    code, out, err = run(["--help"], check_exit=0)
    assert "Exit codes:" in out and "section" in out and "issue" in out
    code, out, err = run(["section", "--help"], check_exit=0)
    assert "--maintainer" in out
    code, out, err = run(["--version"], check_exit=0)
    assert re.match(r"mergeletter \d+\.\d+\.\d+\n", out)
    code, out, err = run([])
    assert code == 2 and "usage:" in err


def test_help_and_version_to_a_full_disk():
    """--help and --version fail like every other output when stdout cannot be written."""
    for args in (["--help"], ["-h"], ["--version"], ["section", "--help"], ["issue", "--help"],
                 ["issue", "--version"]):
        with open("/dev/full", "w") as full:
            p = subprocess.run([BINARY] + args, stdout=full, stderr=subprocess.PIPE, timeout=60)
        err = p.stderr.decode("utf-8")
        assert p.returncode == 1, (args, p.returncode, err)
        assert "error: cannot write to standard output" in err, (args, err)


if __name__ == "__main__":
    sys.exit(main(globals()))
