"""The installable tool: `cmake --install` into a temporary prefix, the installed
binary run, its man page rendered by man(1) (else groff) without a warning, and
every option, environment variable and exit code of --help documented in the
man page and offered by the bash completion.

The build directory is the one of --binary (BUILD/mergeletter).

Run: python3 tests/e2e/test_install.py --binary build/mergeletter
The last line is "N passed, N failed".
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, parse_args, run_tests  # noqa: E402

BINARY = None
PREFIX = None  # the temporary install prefix
MAN_SOURCE = os.path.join(ROOT, "doc", "mergeletter.1.in")
BASH_COMPLETION = os.path.join(ROOT, "contrib", "completion", "mergeletter.bash")
ZSH_COMPLETION = os.path.join(ROOT, "contrib", "completion", "_mergeletter")


def run(args, **kw):
    p = subprocess.run(args, capture_output=True, timeout=120, **kw)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def configured_prefix():
    build = os.path.dirname(BINARY)
    with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("CMAKE_INSTALL_PREFIX:"):
                return line.split("=", 1)[1].strip()
    raise AssertionError("no CMAKE_INSTALL_PREFIX in CMakeCache.txt")


def install():
    global PREFIX
    if PREFIX:
        return PREFIX
    PREFIX = tempfile.mkdtemp(prefix="ml-install-")
    code, out, err = run(["cmake", "--install", os.path.dirname(BINARY), "--prefix", PREFIX])
    assert code == 0, out + err
    return PREFIX


def render_man(page):
    """The page as plain text, by man -l when man is there, else groff; any
    warning (stderr) fails."""
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")
    if shutil.which("man"):
        code, out, err = run(["man", "--warnings=w", "-l", page], env=env)  # -ww: every warning
        assert code == 0 and err == "", f"man -l {page}: exit {code}\n{err}"
        assert "EXIT STATUS" in out, out
    code, text, err = run(["groff", "-man", "-Tascii", "-ww", "-P-cbou", page], env=env)
    assert code == 0 and err == "", f"groff: exit {code}\n{err}"
    return text


def help_texts():
    out = []
    for args in (["--help"], ["section", "--help"], ["issue", "--help"]):
        code, text, err = run([BINARY] + args)
        assert code == 0 and err == "", err
        out.append(text)
    return "\n".join(out)


def help_options(text):
    """Every option that a help line documents ("  --month YYYY-MM ...")."""
    opts = set()
    for line in text.splitlines():
        m = re.match(r"^\s{2}(-[-\w, ]+?)(?:\s{2,}|\s[A-Z|a-z]+\s|$)", line)
        if m:
            opts.update(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b", m.group(1)))
    return opts


def test_installed_tree():
    prefix = install()
    for rel in ("bin/mergeletter", "share/man/man1/mergeletter.1",
                "share/bash-completion/completions/mergeletter",
                "share/zsh/site-functions/_mergeletter",
                "share/mergeletter/config/rust-osdev.json",
                "share/mergeletter/config/release-notes-uefi-rs.json"):
        assert os.path.isfile(os.path.join(prefix, rel)), f"{rel} not installed"
    assert os.access(os.path.join(prefix, "bin/mergeletter"), os.X_OK)


def test_installed_binary_runs():
    prefix = install()
    exe = os.path.join(prefix, "bin", "mergeletter")
    code, out, err = run([exe, "--version"])
    assert code == 0 and re.fullmatch(r"mergeletter \d+\.\d+\.\d+\n", out), out + err
    version = out.split()[1]
    code, out, err = run([exe, "--help"])
    assert code == 0 and "Commands:" in out and "Exit codes:" in out, out + err
    code, out, err = run([exe, "issue", "--help"])
    # the data folder of the prefix it was installed under, not the configured one
    datadir = os.path.join(prefix, "share", "mergeletter", "config")
    assert code == 0 and datadir in out, f"issue --help does not name {datadir}:\n{out}"
    code, out, err = run([BINARY, "issue", "--help"])  # the build tree's: the configured one
    assert os.path.join(configured_prefix(), "share", "mergeletter", "config") in out, out
    code, out, err = run([exe])
    assert code == 2 and "usage:" in err, err
    text = render_man(os.path.join(prefix, "share", "man", "man1", "mergeletter.1"))
    for heading in ("NAME", "SYNOPSIS", "OPTIONS", "ENVIRONMENT", "FILES", "EXIT STATUS"):
        assert re.search(rf"^{heading}$", text, re.M), f"no {heading} in the man page"
    assert f"mergeletter {version}" in text, "the man page names another version"
    assert datadir in text, f"the man page does not name {datadir}"
    # --config NAME: a shipped config, found in that folder from anywhere (the
    # run stops at the missing clone, before anything is fetched)
    with tempfile.TemporaryDirectory() as tmp:
        section = [exe, "section", "rust-osdev/x86_64", "--git", os.path.join(tmp, "none"),
                   "--month", "2023-08", "--config"]
        code, out, err = run(section + ["no-such.json"], cwd=tmp)
        assert code == 2 and "cannot read config: no-such.json" in err, err
        code, out, err = run(section + ["rust-osdev.json"], cwd=tmp)
        assert code == 4 and "not a git repository" in err, err


def test_help_is_in_the_man_page():
    helps = help_texts()
    opts = help_options(helps)
    assert len(opts) >= 24 and {"--from", "--to", "--config", "-o", "-h"} <= opts, sorted(opts)
    text = render_man(MAN_SOURCE)
    missing = [o for o in sorted(opts) if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]
    assert not missing, f"options of --help missing from the man page: {missing}"
    env = set(re.findall(r"\b((?:GH|GITHUB|XDG|SOURCE)_[A-Z_]+)\b", helps))
    assert {"GH_HOST", "GH_ENTERPRISE_TOKEN", "GITHUB_TOKEN"} <= env, env
    missing = [v for v in sorted(env) if v not in text]
    assert not missing, f"environment variables missing from the man page: {missing}"
    section = text[text.index("EXIT STATUS"):text.index("EXAMPLES")]
    codes = re.findall(r"^\s+(\d)\s{2}", helps[helps.index("Exit codes:"):], re.M)
    assert len(codes) >= 5, codes
    for code in codes:
        assert re.search(rf"^\s+{code}\s", section, re.M), f"exit code {code} not in the man page"


def test_completions_know_every_option():
    opts = help_options(help_texts())
    with open(BASH_COMPLETION, encoding="utf-8") as f:
        bash = f.read()
    with open(ZSH_COMPLETION, encoding="utf-8") as f:
        zsh = f.read()
    for name, text in (("bash", bash), ("zsh", zsh)):
        missing = [o for o in sorted(opts) if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text)]
        assert not missing, f"{name} completion lacks {missing}"
    # the bash completion, run: options of a command and values of an option
    script = (f"source {BASH_COMPLETION}\n"
              "COMP_WORDS=(mergeletter section --f); COMP_CWORD=2; _mergeletter; echo \"${COMPREPLY[*]}\"\n"
              "COMP_WORDS=(mergeletter issue --deps ''); COMP_CWORD=3; _mergeletter; echo \"${COMPREPLY[*]}\"\n"
              "COMP_WORDS=(mergeletter is); COMP_CWORD=1; _mergeletter; echo \"${COMPREPLY[*]}\"\n")
    code, out, err = run(["bash", "-c", script])
    lines = out.splitlines()
    assert code == 0 and err == "" and len(lines) == 3, out + err
    assert set(lines[0].split()) == {"--from", "--force", "--finalize", "--format"}, lines[0]
    assert lines[1].split() == ["comment", "drop", "keep"], lines[1]
    assert lines[2] == "issue", lines[2]
    if shutil.which("zsh"):
        code, out, err = run(["zsh", "-n", ZSH_COMPLETION])
        assert code == 0, err


def test_example_workflow():
    """contrib/github-actions/monthly-draft.yml: the 2nd of each month, the
    previous month, GITHUB_TOKEN, the cache kept with actions/cache, a PR."""
    path = os.path.join(ROOT, "contrib", "github-actions", "monthly-draft.yml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        import yaml
    except ImportError:
        yaml = None
    if yaml:
        wf = yaml.safe_load(text)
        on = wf.get("on", wf.get(True))  # YAML 1.1 reads a bare on as true
        assert on["schedule"][0]["cron"] == "0 6 2 * *", on
        steps = wf["jobs"]["draft"]["steps"]
        uses = [s.get("uses", "") for s in steps]
        assert any(u.startswith("actions/cache@") for u in uses), uses
        cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
        assert cache["with"]["path"] == "~/.cache/mergeletter", cache
        runs = "\n".join(s.get("run", "") for s in steps)
        assert "cmake --install" in runs and "mergeletter issue" in runs and "gh pr create" in runs
        assert wf["permissions"] == {"contents": "write", "pull-requests": "write"}
    assert "secrets.GITHUB_TOKEN" in text
    # the previous month, as the workflow computes it
    expr = re.search(r'month=\$\{INPUT_MONTH:-\$\((.*)\)\}', text).group(1)
    for today, want in (("2024-03-02", "2024-02"), ("2025-01-02", "2024-12")):
        code, out, err = run(["bash", "-c", expr.replace("$(date -u +%Y-%m-01)", today[:8] + "01")])
        assert code == 0 and out.strip() == want, (today, out, err)


def main():
    global BINARY
    args = parse_args()
    BINARY = args.binary
    try:
        return run_tests(globals(), args.k)
    finally:
        if PREFIX:
            shutil.rmtree(PREFIX, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
