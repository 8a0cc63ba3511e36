"""The example workflow's shell steps (contrib/github-actions/monthly-draft.yml),
run as GitHub would run them against a local "origin" (a bare git repository),
with stand-ins for mergeletter and gh on PATH: the first run drafts on a new
branch cut from BASE_BRANCH and opens the pull request against BASE_BRANCH; a
later run checks out that branch as the editors left it and runs --update there,
pushing on top (never forced); exit 5 still opens or updates the pull request,
with the notes in its description and a ::warning::; another exit fails.

Needs git and PyYAML (exit 77: skipped without them).
Run: python3 tests/e2e/test_workflow.py --binary build/mergeletter
"""

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, main  # noqa: E402

BINARY = None
WORKFLOW = os.path.join(ROOT, "contrib", "github-actions", "monthly-draft.yml")

# mergeletter's stand-in: a fresh draft, or one line added by --update; the
# exit code and a note from the environment
FAKE_MERGELETTER = r"""#!/bin/sh
out= update=
while [ $# -gt 0 ]; do
  case $1 in -o) out=$2; shift ;; --update) update=1 ;; esac
  shift
done
if [ -n "$update" ]; then
  [ -f "$out" ] || { echo "no file to update" >&2; exit 2; }
  echo "- a PR merged later" >>"$out"
else
  printf '# Draft\n\n- a PR\n' >"$out"
fi
[ "${FAKE_EXIT:-0}" = 5 ] && echo "example/repo: not fetched: HTTP 502 after 4 tries" >&2
exit "${FAKE_EXIT:-0}"
"""

# gh's stand-in: every call logged; "pr list" answers FAKE_PR
FAKE_GH = r"""#!/bin/sh
echo "gh $*" >>"$GH_LOG"
if [ "$1 $2" = "pr list" ]; then echo "${FAKE_PR:-}"; fi
if [ "$1 $2" = "pr edit" ] || [ "$1 $2" = "pr create" ]; then
  while [ $# -gt 0 ]; do
    [ "$1" = --body-file ] && cp "$2" "$GH_LOG.body"
    shift
  done
fi
exit 0
"""


def sh(args, cwd, env=None, check=True):
    p = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"{args}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p


def steps():
    import yaml
    with open(WORKFLOW, encoding="utf-8") as f:
        wf = yaml.safe_load(f)
    runs = {s["name"]: s["run"] for s in wf["jobs"]["draft"]["steps"] if "run" in s}
    draft = next(v for k, v in runs.items() if k.startswith("Draft"))
    pr = next(v for k, v in runs.items() if "pull request" in k)
    checkout = wf["jobs"]["draft"]["steps"][0]
    return wf["env"], draft, pr, checkout


class Site:
    """origin (bare), the editors' clone, and a fresh checkout per run."""

    def __init__(self, tmp, env):
        self.tmp, self.env = tmp, env
        self.origin = os.path.join(tmp, "origin.git")
        sh(["git", "init", "-q", "--bare", "-b", "main", self.origin], tmp)
        seed = os.path.join(tmp, "seed")
        sh(["git", "clone", "-q", self.origin, seed], tmp, env)
        with open(os.path.join(seed, "mergeletter.json"), "w") as f:
            f.write("{}\n")
        sh(["git", "add", "."], seed, env)
        sh(["git", "commit", "-qm", "site"], seed, env)
        sh(["git", "push", "-q", "origin", "HEAD:refs/heads/main", "HEAD:refs/heads/next"], seed, env)
        self.runs = 0

    def run(self, base, draft, pr, extra):
        """One workflow run: checkout of base (fetch-depth 0), then both steps."""
        self.runs += 1
        work = os.path.join(self.tmp, f"run{self.runs}")
        sh(["git", "clone", "-q", "-b", base, self.origin, work], self.tmp, self.env)
        genv = os.path.join(self.tmp, f"github_env{self.runs}")
        rtemp = os.path.join(self.tmp, f"runner{self.runs}")
        os.mkdir(rtemp)
        open(genv, "w").close()
        env = dict(self.env, GITHUB_ENV=genv, RUNNER_TEMP=rtemp, INPUT_MONTH="2023-08", **extra)
        p = sh(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", draft], work, env, check=False)
        if p.returncode != 0:
            return p, None
        with open(genv) as f:
            env.update(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        q = sh(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", pr], work, env, check=False)
        return p, q

    def branch_file(self, branch, path):
        return sh(["git", "--git-dir", self.origin, "show", f"{branch}:{path}"], self.tmp).stdout


def test_workflow_steps():
    try:
        import yaml  # noqa: F401
    except ImportError:
        print("SKIP: no PyYAML")
        sys.exit(77)
    wenv, draft, pr, checkout = steps()
    # one variable: the branch checked out is the one the PR targets
    assert checkout["with"]["ref"] == "${{ env.BASE_BRANCH }}", checkout
    assert '--base "$BASE_BRANCH"' in pr and "--force" not in pr and "-f " not in pr
    with tempfile.TemporaryDirectory() as tmp:
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        for name, text in (("mergeletter", FAKE_MERGELETTER), ("gh", FAKE_GH)):
            with open(os.path.join(bindir, name), "w") as f:
                f.write(text)
            os.chmod(os.path.join(bindir, name), 0o755)
        log = os.path.join(tmp, "gh.log")
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(PATH=bindir + os.pathsep + os.environ["PATH"], GH_LOG=log, HOME=tmp,
                   GIT_AUTHOR_NAME="ed", GIT_AUTHOR_EMAIL="ed@example.com",
                   GIT_COMMITTER_NAME="ed", GIT_COMMITTER_EMAIL="ed@example.com",
                   CONFIG=wenv["CONFIG"], POST_DIR=wenv["POST_DIR"], BASE_BRANCH="next")
        site = Site(tmp, env)
        post = wenv["POST_DIR"] + "/2023-08/index.md"
        branch = "mergeletter/draft-2023-08"

        # 1. the scheduled run: a fresh draft, a new branch from next, the PR against next
        p, q = site.run("next", draft, pr, {})
        assert p.returncode == 0 and q.returncode == 0, (p.stderr, q.stderr)
        assert site.branch_file(branch, post) == "# Draft\n\n- a PR\n"
        with open(log) as f:
            calls = f.read()
        assert f"gh pr create --base next --head {branch}" in calls, calls

        # the editors edit the draft on its branch
        ed = os.path.join(tmp, "editor")
        sh(["git", "clone", "-q", "-b", branch, site.origin, ed], tmp, env)
        with open(os.path.join(ed, post), "a") as f:
            f.write("An editor's sentence.\n")
        sh(["git", "commit", "-qam", "edit"], ed, env)
        sh(["git", "push", "-q", "origin", branch], ed, env)

        # 2. a re-run, partial (exit 5): --update on the branch, pushed on top,
        #    the open PR's description carries the notes, a warning
        open(log, "w").close()
        p, q = site.run("next", draft, pr, {"FAKE_EXIT": "5", "FAKE_PR": "7"})
        assert p.returncode == 0 and q.returncode == 0, (p.stderr, q.stderr)
        assert "::warning" in p.stdout, p.stdout
        text = site.branch_file(branch, post)
        assert text == "# Draft\n\n- a PR\nAn editor's sentence.\n- a PR merged later\n", text
        log_text = sh(["git", "--git-dir", site.origin, "log", "--format=%s", branch], tmp).stdout
        assert log_text.splitlines()[:2] == ["Partial draft of the 2023-08 issue (mergeletter)", "edit"]
        with open(log) as f:
            calls = f.read()
        assert "gh pr edit 7 --body-file" in calls and "pr create" not in calls, calls
        with open(log + ".body") as f:
            body = f.read()
        assert "exit 5" in body and "example/repo: not fetched: HTTP 502" in body, body

        # 3. any other failure fails the job and pushes nothing
        before = sh(["git", "--git-dir", site.origin, "rev-parse", branch], tmp).stdout
        p, q = site.run("next", draft, pr, {"FAKE_EXIT": "3"})
        assert p.returncode == 3 and q is None and "::error" in p.stdout, (p.returncode, p.stdout)
        assert sh(["git", "--git-dir", site.origin, "rev-parse", branch], tmp).stdout == before


if __name__ == "__main__":
    sys.exit(main(globals()))
