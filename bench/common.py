"""Shared helpers for the benchmarks: statistics, result rows, CPU accounting, child processes, machine notes.

Result rows are plain dicts; the runner prints every row of every section in one table. The keys it knows:
``section``, ``metric``, ``value``, ``unit``, ``target`` (text such as ``"<= 1.5"``), ``met`` (bool or None)
and ``note``. Anything else a section adds is kept in ``bench/results/latest.json``.
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# --- statistics ----------------------------------------------------------------------------------------------
def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (``q`` in 0..100), like ``numpy.percentile``'s default."""
    if not values:
        return math.nan
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    pos = (len(xs) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


def summary(values: Sequence[float]) -> dict[str, float]:
    return {"n": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90),
            "p99": percentile(values, 99), "min": min(values) if values else math.nan,
            "max": max(values) if values else math.nan,
            "mean": sum(values) / len(values) if values else math.nan}


# --- result rows -----------------------------------------------------------------------------------------------
def row(section: str, metric: str, value: float | str | None, unit: str = "", *,
        target: str | None = None, met: bool | None = None, note: str = "", **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"section": section, "metric": metric, "value": value, "unit": unit,
                           "target": target, "met": met, "note": note}
    out.update(extra)
    return out


def check(value: float, op: str, bound: float) -> bool | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return {"<=": value <= bound, "<": value < bound, ">=": value >= bound, ">": value > bound}[op]


# --- CPU accounting (Linux /proc; includes every thread and every live descendant) -------------------------------
def _proc_cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat", "rb") as f:
        raw = f.read().decode(errors="replace")
    fields = raw[raw.rindex(")") + 2:].split()
    # fields[0] is state (field 3); utime, stime are fields 14, 15 -> indexes 11, 12 here
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _children(pid: int) -> list[int]:
    out: list[int] = []
    with contextlib.suppress(OSError):
        for tid in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
    return out


def tree_cpu_s(pid: int) -> float:
    """utime+stime of ``pid`` and all its live descendants, in seconds (clock-tick resolution, 10 ms)."""
    total, stack, seen = 0.0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += _proc_cpu_s(p)
            stack += _children(p)
    return total


def tree_rss_mb(pid: int) -> float:
    total, stack, seen = 0, [pid], set()
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        with contextlib.suppress(OSError, ValueError):
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            stack += _children(p)
    return total / 2**20


# --- machine notes ---------------------------------------------------------------------------------------------
def machine_notes() -> dict[str, Any]:
    notes: dict[str, Any] = {"cpus": os.cpu_count(), "loadavg": [round(x, 2) for x in os.getloadavg()]}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                notes["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                notes["mem_gb"] = round(int(line.split()[1]) / 2**20, 1)
    import platform

    notes["python"] = platform.python_version()
    notes["kernel"] = platform.release()
    return notes


# --- ports and child processes ---------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class Child:
    """A server we started, in its own process group (so its workers go with it)."""

    name: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    url: str = ""
    _log: Any = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, n: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self, timeout_s: float = 10.0) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group, by its id
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        else:  # the leader is gone; make sure nothing it spawned lingers
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None


class Children:
    """Every process the benchmarks start; ``stop_all()`` runs on exit, on Ctrl-C and on SIGTERM."""

    def __init__(self) -> None:
        self.items: list[Child] = []

    def start(self, name: str, argv: list[str], *, env: dict[str, str], cwd: Path, log_path: Path) -> Child:
        log = open(log_path, "wb")  # noqa: SIM115 - closed in Child.stop()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        child = Child(name=name, proc=proc, log_path=log_path, _log=log)
        self.items.append(child)
        return child

    def stop(self, child: Child) -> None:
        child.stop()
        with contextlib.suppress(ValueError):
            self.items.remove(child)

    def stop_all(self) -> None:
        while self.items:
            self.items.pop().stop()


CHILDREN = Children()


@contextlib.contextmanager
def cleanup_on_signals() -> Iterator[None]:
    """SIGTERM becomes KeyboardInterrupt; whatever happens, every child is stopped on the way out."""
    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, on_term)
    old_int = signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    try:
        yield
    finally:
        CHILDREN.stop_all()
        signal.signal(signal.SIGTERM, old)
        signal.signal(signal.SIGINT, old_int)


def wait_http(url: str, child: Child, timeout_s: float, *, path: str = "/ok") -> float:
    """Poll ``url+path`` until it answers 200; returns seconds waited. Raises if the child exits or times out."""
    import httpx

    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout_s:
        if not child.alive():
            raise RuntimeError(f"{child.name} exited early (code {child.proc.returncode}):\n{child.log_tail()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + path, timeout=1.0).status_code == 200:
                return time.monotonic() - t0
        time.sleep(0.1)
    raise RuntimeError(f"{child.name} not ready after {timeout_s}s:\n{child.log_tail()}")


def cpu_snapshot() -> dict[str, float]:
    """Machine-wide busy CPU seconds (all cores, /proc/stat) and this process's own + its reaped children's."""
    import resource

    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"machine_busy_s": (sum(vals[:8]) - idle) / CLK_TCK, "wall_s": time.monotonic(),
            "bench_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}


def contention(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Average cores busy during the run: all of them, and those not spent by the benchmark and its servers
    (the rest: other work on the machine, plus the shared Redis and model server)."""
    wall = max(after["wall_s"] - before["wall_s"], 1e-9)
    busy = (after["machine_busy_s"] - before["machine_busy_s"]) / wall
    ours = (after["bench_s"] - before["bench_s"]) / wall
    return {"cores_busy": round(busy, 2), "cores_busy_bench": round(ours, 2),
            "cores_busy_other": round(max(busy - ours, 0.0), 2)}
