"""What the git benches share: months of a synthetic history and best-of-N wall times.

    import ranges                      # with bench/ on sys.path
    ranges.month_of(t) -> (year, month); ranges.bounds(y, m) -> (since, until)
    ranges.best(cmd, runs) -> (best ms, stdout of the last run)
    ranges.measure(cmd, runs) -> (best wall ms, best CPU ms (user + system), stdout)
"""
import resource
import subprocess
import sys
import time


def month_of(t):
    g = time.gmtime(t)
    return g.tm_year, g.tm_mon


def bounds(y, m):
    ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
    return f"{y:04d}-{m:02d}-01T00:00:00Z", f"{ny:04d}-{nm:02d}-01T00:00:00Z"


def cpu_children():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (r.ru_utime + r.ru_stime) * 1000


def timed_cpu(cmd):
    """(wall ms, CPU ms, stdout) of one run; a failure ends the bench."""
    c, t = cpu_children(), time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ms, cpu = (time.perf_counter() - t) * 1000, cpu_children() - c
    if p.returncode != 0:
        sys.exit(f"error: {' '.join(cmd)} failed: {p.stderr.decode()}")
    return ms, cpu, p.stdout


def timed(cmd):
    """(wall ms, stdout) of one run."""
    ms, _, out = timed_cpu(cmd)
    return ms, out


def measure(cmd, runs):
    """The best wall time and the best CPU time of runs runs, and the last stdout:
    on a shared machine the CPU time is the steadier figure."""
    walls, cpus, out = [], [], None
    for _ in range(runs):
        ms, cpu, out = timed_cpu(cmd)
        walls.append(ms)
        cpus.append(cpu)
    return min(walls), min(cpus), out


def best(cmd, runs):
    """The best wall time of runs runs, and the last run's stdout."""
    times, out = [], None
    for _ in range(runs):
        ms, out = timed(cmd)
        times.append(ms)
    return min(times), out
