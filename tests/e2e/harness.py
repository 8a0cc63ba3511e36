"""Start and stop the fake GitHub server from Python test scripts.

    from harness import FakeGitHub
    with FakeGitHub("tests/data/paginated", token="t0k3n", faults="faults.json") as gh:
        ... gh.url ...            # "http://127.0.0.1:PORT"
        for r in gh.requests():   # the server's request log, parsed
            ...

Keyword arguments are server options (latency_ms=50 -> --latency-ms 50).  The server
runs with its stdin on a pipe to us, so it exits when we do, however we die.
"""

import json
import os
import select
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.join(ROOT, "tests", "fake_github", "server.py")
START_SECONDS = 30  # a hang guard: the server prints its port in well under a second


class ServerError(Exception):
    pass


class FakeGitHub:
    def __init__(self, data, **options):
        self.data = data
        self.options = options
        self.proc = None
        self.url = None
        self.port = None
        self._tmp = None
        self._saved_log = self._saved_err = None

    def __enter__(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="fake-github-")
        self.log_path = os.path.join(self._tmp.name, "requests.jsonl")
        self.stderr_path = os.path.join(self._tmp.name, "server.stderr")
        open(self.log_path, "w").close()
        cmd = [sys.executable, SERVER, "--data", self.data, "--log", self.log_path]
        for key, value in self.options.items():
            if value is None or value is False:
                continue
            cmd.append("--" + key.replace("_", "-"))
            if value is not True:
                cmd.append(str(value))
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._stderr, text=True)
        # the port line, or a dead server: waited for at most START_SECONDS
        ready, _, _ = select.select([self.proc.stdout], [], [], START_SECONDS)
        line = self.proc.stdout.readline().strip() if ready else ""
        if not line.isdigit():
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait(timeout=10)
            self._stderr.close()
            with open(self.stderr_path) as f:
                err = f.read()
            self._tmp.cleanup()
            raise ServerError(f"fake server did not start (exit {self.proc.returncode}): {err.strip()}")
        self.port = int(line)
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def requests(self):
        """The log so far: one dict per completed request, in completion order."""
        if self.proc is None and self._saved_log is not None:
            return list(self._saved_log)
        return self.requests_from(self.log_path)

    def stderr(self):
        """What the server wrote on stderr (tracebacks of server bugs end up here)."""
        if self.proc is None and self._saved_err is not None:
            return self._saved_err
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def wait_until(self, done, timeout=10.0):
        """The log once done(log) holds, or as it is after timeout seconds (a hang
        guard: the caller's own checks then fail). A request whose answer the client
        gave up on (a trickle, a close, an oversized body) is logged when the server
        notices, which may be after the client has exited: wait for it by this."""
        deadline = time.monotonic() + timeout
        while True:
            log = self.requests()
            if done(log) or time.monotonic() >= deadline:
                return log
            time.sleep(0.02)

    def wait_idle(self, timeout=5.0):
        """Wait until the log stops growing for 50 ms: only a settling time, so use it
        only before checks that late lines could not make fail (upper bounds); wait for
        what must be there with wait_until."""
        deadline, last = time.time() + timeout, -1
        while time.time() < deadline:
            n = len(self.requests())
            if n == last:
                return n
            last = n
            time.sleep(0.05)
        return last

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        if self.proc is None:
            return
        try:
            self.proc.stdin.close()   # EOF on stdin makes the server exit
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self._stderr.close()
        self.proc = None
        # Keep the temp dir until stop so requests()/stderr() work up to here.
        self._saved_log = self.requests_from(self.log_path)
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            self._saved_err = f.read()
        self._tmp.cleanup()

    @staticmethod
    def requests_from(path):
        with open(path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]


def opener():
    """A urllib opener that never uses a proxy (the environment may name one)."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def parse_args():
    """The scripts' common command line: --binary PATH [-k SUBSTRING]."""
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("-k", help="run only tests whose name contains this")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    return args


def run_tests(namespace, only=None):
    """Run every callable test_* in namespace (a module's globals()), in order of
    definition; print PASS/FAIL per test and "N passed, N failed" last. Returns the
    exit code: 0 only when something ran and nothing failed."""
    import traceback
    passed = failed = 0
    for name, fn in list(namespace.items()):
        if not name.startswith("test_") or not callable(fn) or (only and only not in name):
            continue
        t0 = time.time()
        try:
            fn()
            passed += 1
            print(f"PASS {name} ({time.time() - t0:.1f} s)")
        except Exception:
            failed += 1
            print(f"FAIL {name}")
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


def main(namespace):
    """A script's entry: --binary into its BINARY, then run_tests. Returns the exit code."""
    args = parse_args()
    namespace["BINARY"] = args.binary
    return run_tests(namespace, args.k)
