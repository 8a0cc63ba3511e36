#!/usr/bin/env python3
"""Run end-to-end cases: the mergeletter binary against the fake GitHub server.

    run_case.py CASE_DIR [CASE_DIR ...] --binary PATH [--update] [--wrapper CMD] [-v]
    run_case.py CASE_DIR [CASE_DIR ...] --validate

A case is a directory tests/cases/NAME/ with a case.json:

  {"description": "what this case shows",                      (optional)
   "data": "../../data/rust-osdev-2023-08",    data set relative to the case dir, or null
                                                for no server ({api} = http://127.0.0.1:9)
   "server": {"token": "t0k3n", "faults": "faults.json" | [rules...], "latency_ms": 0,
              "core_limit": N, "search_limit": N, "reset_in": S, "max_seconds": S},
   "files": {"{tmp}/draft.md": "draft.md"},    copied from the case dir before the run
   "args": ["issue", "--config", "{root}/config/rust-osdev.json", "--api-url", "{api}"],
   "env": {"GH_TOKEN": "t0k3n"},
   "exit": 0,
   "stdout": "expected.md" | null,             expected stdout (a file in the case dir);
                                                null: stdout must be empty
   "stdout_file": "{tmp}/draft.md" | null,     a file the run writes (-o); its content must
                                                equal "stdout", and stdout must then be empty
   "stderr_contains": ["..."], "stderr_not_contains": ["..."],
   "min_requests": N, "max_requests": N,       requests the server saw during this run
   "requests": [{"match": "regex on path+query", "status": 304, "min": 1, "max": 3}],
   "min_inflight": N, "max_inflight": N,       highest concurrency the server saw
   "timeout": 60,                              the run is stopped (a failure) after this long
   "max_seconds": 45,                          a hang guard, tighter than "timeout": set it
                                                well above what the run takes on a loaded
                                                machine under sanitizers, and well below what
                                                it would take if the bound the case proves
                                                (--timeout, --stall-timeout) were broken
   "cwd": "{case}",                            the run's working directory (default: inherited)
   "stdout_normalize": [["regex", "replacement"]], applied to the actual stdout before it is
                                                compared (e.g. an ephemeral port in a message)
   "then": [{...}, ...]}                       further runs against the same server and
                                                {tmp}: each is this case with the given
                                                keys replaced (request checks count only
                                                that run's requests)

"args", "exit", "stdout" and "data" are required; unknown keys are errors.
Placeholders in args, env, files, stdout_file and stderr_*: {api} (server URL), {root}
(repo root), {case} (case dir), {tmp} (a fresh temp dir per case).

The environment is the inherited one minus GH_TOKEN, GITHUB_TOKEN, GITHUB_API_URL and
any proxy settings, plus: SOURCE_DATE_EPOCH=1693958400 (2023-09-06), TZ=XST3:30 (UTC-3:30,
so local-time bugs show), LC_ALL=C, HOME/XDG_CACHE_HOME/XDG_CONFIG_HOME under {tmp}, and a
dead proxy (http://127.0.0.1:9, no_proxy=127.0.0.1,localhost) so that nothing can reach
the Internet; then the case's "env" on top.

Besides the case's own checks, a run fails on a sanitizer report in stderr, on a
traceback from the fake server, on a timeout or a signal.  --update rewrites a case's
expected stdout file from the actual output (only when the exit code is right) and says
so; review the diff before committing it.  Prints "PASS name" or "FAIL name: reason" per
case; exits 0 only if every case passed.
"""

import argparse
import difflib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, FakeGitHub, ServerError  # noqa: E402

UNREACHABLE = "http://127.0.0.1:9"
EPOCH = "1693958400"
CASE_KEYS = {"description", "data", "server", "files", "then"}
RUN_KEYS = {"args", "env", "exit", "stdout", "stdout_file", "stderr_contains", "stderr_not_contains",
            "min_requests", "max_requests", "requests", "min_inflight", "max_inflight", "timeout",
            "max_seconds", "cwd", "stdout_normalize"}
REQUIRED = {"args", "exit", "stdout", "data"}
SERVER_KEYS = {"token", "faults", "latency_ms", "core_limit", "search_limit", "reset_in", "max_seconds"}
SANITIZER = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
             "WARNING: ThreadSanitizer", "ERROR: MemorySanitizer")
PLACEHOLDER = re.compile(r"\{(api|root|case|tmp)\}")


class CaseError(Exception):
    """The case itself is malformed."""


class Failure(Exception):
    """The binary did not do what the case expects."""


# ----------------------------------------------------------------------------- loading

def load_case(case_dir):
    path = os.path.join(case_dir, "case.json")
    try:
        with open(path, encoding="utf-8") as f:
            case = json.load(f)
    except FileNotFoundError:
        raise CaseError(f"{path}: missing")
    except ValueError as e:
        raise CaseError(f"{path}: {e}")
    if not isinstance(case, dict):
        raise CaseError(f"{path}: not a JSON object")
    unknown = set(case) - CASE_KEYS - RUN_KEYS
    if unknown:
        raise CaseError(f"unknown keys {sorted(unknown)}")
    missing = REQUIRED - set(case)
    if missing:
        raise CaseError(f"missing keys {sorted(missing)}")
    if case["data"] is not None:
        data = os.path.normpath(os.path.join(case_dir, case["data"]))
        if not os.path.isdir(os.path.join(data, "repos")):
            raise CaseError(f"data {case['data']!r}: no {data}/repos")
    server = case.get("server") or {}
    if not isinstance(server, dict) or set(server) - SERVER_KEYS:
        raise CaseError(f"server: allowed keys {sorted(SERVER_KEYS)}")
    if server and case["data"] is None:
        raise CaseError("server options without data")
    faults = server.get("faults")
    if isinstance(faults, str):
        try:
            with open(os.path.join(case_dir, faults), encoding="utf-8") as f:
                faults = json.load(f)
        except (OSError, ValueError) as e:
            raise CaseError(f"faults: {e}")
    if faults is not None and not (isinstance(faults, list) and all(
            isinstance(r, dict) and "match" in r for r in faults)):
        raise CaseError("faults: must be a list of rules with a 'match'")
    for dest, src in (case.get("files") or {}).items():
        if not os.path.isfile(os.path.join(case_dir, src)):
            raise CaseError(f"files: {src} is missing")
    runs = [dict(case)]
    for i, step in enumerate(case.get("then") or []):
        if not isinstance(step, dict) or set(step) - RUN_KEYS:
            raise CaseError(f"then[{i}]: allowed keys {sorted(RUN_KEYS)}")
        runs.append({**runs[0], **step})
    for i, run in enumerate(runs):
        check_run(run, case_dir, f"then[{i - 1}]: " if i else "")
    return case, runs


def check_run(run, case_dir, where):
    def want(key, types, ok=lambda v: True):
        v = run.get(key)
        if v is not None and (not isinstance(v, types) or not ok(v)):
            raise CaseError(f"{where}{key}: bad value {v!r}")
    want("args", list, lambda v: all(isinstance(a, str) for a in v))
    if not isinstance(run.get("args"), list):
        raise CaseError(f"{where}args: must be a list of strings")
    if not isinstance(run.get("exit"), int) or isinstance(run.get("exit"), bool):
        raise CaseError(f"{where}exit: must be an integer")
    want("env", dict, lambda v: all(isinstance(x, str) for x in v.values()))
    want("stdout", str)
    want("stdout_file", str)
    for key in ("stderr_contains", "stderr_not_contains"):
        want(key, list, lambda v: all(isinstance(x, str) and x for x in v))
    want("cwd", str)
    want("stdout_normalize", list, lambda v: all(
        isinstance(x, list) and len(x) == 2 and all(isinstance(y, str) for y in x) for x in v))
    for key in ("min_requests", "max_requests", "min_inflight", "max_inflight", "timeout", "max_seconds"):
        want(key, int)
    want("requests", list, lambda v: all(isinstance(r, dict) and set(r) <= {"match", "status", "min", "max"}
                                         and ({"min", "max"} & set(r)) for r in v))
    if run.get("stdout_file") and not run.get("stdout"):
        raise CaseError(f"{where}stdout_file needs an expected 'stdout' file")
    if run["data"] is None and any(run.get(k) is not None for k in (
            "min_requests", "max_requests", "requests", "min_inflight", "max_inflight")):
        raise CaseError(f"{where}request checks need a server")
    if run["exit"] == 0 and run.get("stdout") is None and not run.get("stderr_contains"):
        # "exit 0, no output, no message" checks almost nothing: say what should be seen.
        raise CaseError(f"{where}a successful run needs expected stdout or stderr_contains")


# ----------------------------------------------------------------------------- running

def expand(value, ctx):
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda m: ctx[m.group(1)], value)
    if isinstance(value, list):
        return [expand(v, ctx) for v in value]
    if isinstance(value, dict):
        return {expand(k, ctx): expand(v, ctx) for k, v in value.items()}
    return value


def base_env(tmp):
    env = {k: v for k, v in os.environ.items()
           if k not in ("GH_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL") and not k.lower().endswith("_proxy")}
    for d in ("home", "xdg-cache", "xdg-config"):
        os.makedirs(os.path.join(tmp, d), exist_ok=True)
    env.update(SOURCE_DATE_EPOCH=EPOCH, TZ="XST3:30", LC_ALL="C", HOME=os.path.join(tmp, "home"),
               XDG_CACHE_HOME=os.path.join(tmp, "xdg-cache"), XDG_CONFIG_HOME=os.path.join(tmp, "xdg-config"))
    for k in ("http_proxy", "https_proxy", "all_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        env[k] = UNREACHABLE
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


def diff(expected, actual, name):
    a = expected.decode("utf-8", "replace").splitlines(keepends=True)
    b = actual.decode("utf-8", "replace").splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, f"{name} (expected)", f"{name} (actual)"))
    if not lines and expected != actual:
        return "(the outputs differ only in bytes that do not show in a line diff, e.g. a final newline)\n"
    text = "".join(x if x.endswith("\n") else x + "\n\\ No newline at end of file\n" for x in lines[:300])
    return text + (f"... {len(lines) - 300} more diff lines\n" if len(lines) > 300 else "")


def run_one(run, ctx, args, case_dir, gh, before, notes):
    env = base_env(ctx["tmp"])
    env.update(expand(run.get("env") or {}, ctx))
    argv = shlex.split(args.wrapper) if args.wrapper else []
    argv += [args.binary] + expand(run["args"], ctx)
    timeout = run.get("timeout") or 60
    guard = run.get("max_seconds")
    if guard is not None and guard < timeout:
        timeout = guard
    cwd = expand(run["cwd"], ctx) if run.get("cwd") else None
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=env, timeout=timeout,
                           cwd=cwd)
    except subprocess.TimeoutExpired as e:
        what = (f"hang guard: still running after max_seconds {timeout} s (its own bounds should "
                f"have ended it long before)" if timeout == guard else f"timed out after {timeout}s")
        raise Failure(f"{what}; stderr: {tail(e.stderr or b'')}")
    out, err = p.stdout, p.stderr.decode("utf-8", "replace")
    if args.verbose:
        notes.append(f"$ {' '.join(shlex.quote(a) for a in argv)}\n--- stderr\n{err}--- exit {p.returncode}")
    if p.returncode < 0:
        raise Failure(f"killed by signal {-p.returncode}; stderr: {tail(err)}")
    for s in SANITIZER:
        if s in err:
            raise Failure(f"sanitizer report in stderr: {tail(err, 2000)}")
    if p.returncode != run["exit"]:
        raise Failure(f"exit {p.returncode}, expected {run['exit']}; stderr: {tail(err)}")

    # stdout (or the file the run wrote) against the expected file
    expected_name = run.get("stdout")
    if run.get("stdout_file"):
        if out:
            raise Failure(f"stdout should be empty when writing {run['stdout_file']}, got {tail(out)}")
        target = expand(run["stdout_file"], ctx)
        try:
            with open(target, "rb") as f:
                actual = f.read()
        except OSError as e:
            raise Failure(f"stdout_file: {e}")
    else:
        actual = out
    for pattern, repl in run.get("stdout_normalize") or []:
        actual = re.sub(pattern.encode(), repl.encode(), actual)
    if expected_name is None:
        if actual:
            raise Failure(f"stdout should be empty, got {len(actual)} bytes: {tail(actual)}")
    else:
        path = os.path.join(case_dir, expected_name)
        try:
            with open(path, "rb") as f:
                expected = f.read()
        except FileNotFoundError:
            expected = None
        if expected != actual:
            if args.update:
                if not actual:
                    raise Failure(f"--update: the run printed nothing; not writing an empty {expected_name}")
                with open(path, "wb") as f:
                    f.write(actual)
                shown = os.path.relpath(path)
                notes.append(f"UPDATED {path if shown.startswith('..') else shown} ({len(actual)} bytes)")
            elif expected is None:
                raise Failure(f"missing expected file {path} (create it with --update and review it)")
            elif not expected:
                raise Failure(f"expected file {path} is empty: use \"stdout\": null for no output")
            else:
                notes.append(diff(expected, actual, expected_name))
                raise Failure(f"stdout differs from {expected_name} (diff above)")
        elif not expected:
            raise Failure(f"expected file {path} is empty: use \"stdout\": null for no output")

    for s in expand(run.get("stderr_contains") or [], ctx):
        if s not in err:
            raise Failure(f"stderr lacks {s!r}; stderr: {tail(err)}")
    for s in expand(run.get("stderr_not_contains") or [], ctx):
        if s in err:
            raise Failure(f"stderr contains {s!r}; stderr: {tail(err)}")

    if gh is not None:
        def lower_bounds_hold(log):
            reqs = log[before:]
            return len(reqs) >= (run.get("min_requests") or 0) and all(
                len(matching(reqs, rule)) >= rule.get("min", 0) for rule in run.get("requests") or [])
        # what must be logged is waited for; then a settling time for the upper bounds
        gh.wait_until(lower_bounds_hold)
        gh.wait_idle(timeout=2)
        reqs = gh.requests()[before:]
        n = len(reqs)
        if run.get("min_requests") is not None and n < run["min_requests"]:
            raise Failure(f"{n} requests, expected at least {run['min_requests']}: {paths(reqs)}")
        if run.get("max_requests") is not None and n > run["max_requests"]:
            raise Failure(f"{n} requests, expected at most {run['max_requests']}: {paths(reqs)}")
        for rule in run.get("requests") or []:
            hits = matching(reqs, rule)
            if len(hits) < rule.get("min", 0) or len(hits) > rule.get("max", len(hits)):
                raise Failure(f"{len(hits)} requests match {rule}: {paths(reqs)}")
        top = max((r["inflight"] for r in reqs), default=0)
        if run.get("min_inflight") is not None and top < run["min_inflight"]:
            raise Failure(f"at most {top} requests in flight, expected at least {run['min_inflight']}")
        if run.get("max_inflight") is not None and top > run["max_inflight"]:
            raise Failure(f"{top} requests in flight at once, expected at most {run['max_inflight']}")
        server_err = gh.stderr()
        if server_err.strip():
            raise Failure(f"the fake server reported an error: {tail(server_err, 2000)}")


def matching(reqs, rule):
    """The requests a "requests" rule counts."""
    return [r for r in reqs if re.search(rule.get("match", ""), r["path"])
            and ("status" not in rule or r["status"] == rule["status"])]


def tail(s, n=600):
    if isinstance(s, bytes):
        s = s.decode("utf-8", "replace")
    s = s.strip()
    return repr(s if len(s) <= n else "..." + s[-n:])


def paths(reqs):
    return ", ".join(f"{r['status']} {r['path']}" for r in reqs[:20]) + (" ..." if len(reqs) > 20 else "")


def run_case(case_dir, args):
    name = os.path.basename(os.path.normpath(case_dir))
    notes = []
    try:
        case, runs = load_case(case_dir)
        if args.validate:
            return name, None, notes
        with tempfile.TemporaryDirectory(prefix=f"case-{name}-") as tmp:
            ctx = {"root": ROOT, "case": os.path.abspath(case_dir), "tmp": tmp, "api": UNREACHABLE}
            for dest, src in (case.get("files") or {}).items():
                dest = expand(dest, ctx)
                os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
                shutil.copyfile(os.path.join(case_dir, src), dest)
            gh = None
            if case["data"] is not None:
                opts = dict(case.get("server") or {})
                if isinstance(opts.get("faults"), list):
                    fpath = os.path.join(tmp, "faults.json")
                    with open(fpath, "w") as f:
                        json.dump(opts["faults"], f)
                    opts["faults"] = fpath
                elif opts.get("faults"):
                    opts["faults"] = os.path.join(case_dir, opts["faults"])
                gh = FakeGitHub(os.path.normpath(os.path.join(case_dir, case["data"])), **opts)
                gh.__enter__()
                ctx["api"] = gh.url
            try:
                for i, run in enumerate(runs):
                    before = len(gh.requests()) if gh else 0
                    try:
                        run_one(run, ctx, args, case_dir, gh, before, notes)
                    except Failure as e:
                        raise Failure(f"run {i + 1} of {len(runs)}: {e}" if len(runs) > 1 else str(e))
            finally:
                if gh:
                    gh.stop()
        return name, None, notes
    except CaseError as e:
        return name, f"bad case: {e}", notes
    except ServerError as e:
        return name, str(e), notes
    except Failure as e:
        return name, str(e), notes


def main():
    ap = argparse.ArgumentParser(description="Run end-to-end cases (see the module docstring).")
    ap.add_argument("cases", nargs="+", metavar="CASE_DIR")
    ap.add_argument("--binary", help="the mergeletter binary")
    ap.add_argument("--update", action="store_true", help="rewrite expected stdout files from the output")
    ap.add_argument("--validate", action="store_true", help="only check that the cases are well formed")
    ap.add_argument("--wrapper", help="a command to run the binary under, e.g. 'valgrind -q --error-exitcode=99'")
    ap.add_argument("-v", "--verbose", action="store_true", help="print each command and its stderr")
    args = ap.parse_args()
    if not args.validate:
        if not args.binary:
            ap.error("--binary is required (or --validate)")
        args.binary = os.path.abspath(args.binary)
        if not (os.path.isfile(args.binary) and os.access(args.binary, os.X_OK)):
            for c in args.cases:
                print(f"FAIL {os.path.basename(os.path.normpath(c))}: {args.binary} is not an executable file")
            return 1
    failed = 0
    for case_dir in args.cases:
        name, failure, notes = run_case(case_dir, args)
        for n in notes:
            print(n.rstrip("\n"))
        if failure:
            failed += 1
            print(f"FAIL {name}: {failure}")
        else:
            print(f"{'VALID' if args.validate else 'PASS'} {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
