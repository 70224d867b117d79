"""Process plumbing shared by the Redis and model provisioners: pidfiles, liveness, stopping, locking.

Kept apart so that both services follow the same rules: we only ever signal a PID that our own pidfile
names *and* whose command line still looks like the service we started (PIDs get reused), and every
expected failure becomes a ``DevstackError`` whose message says what failed and what to do.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path


class DevstackError(RuntimeError):
    """An expected provisioning failure; the message is meant for a human and needs no traceback."""


# Children spawned by this Python process (the model server). Keeping the Popen objects lets us reap them:
# a stopped child would otherwise stay a zombie, which `kill(pid, 0)` still reports as alive.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


def data_root(data_dir: Path) -> Path:
    """The data folder as an absolute path: Redis chdirs into its own folder, so relative paths would break."""
    return Path(data_dir).expanduser().resolve()


def spawn(argv: list[str], *, logfile: Path, cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start a detached background process (own session, so Ctrl-C in our terminal does not reach it)."""
    with open(logfile, "ab") as log:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
    _CHILDREN[proc.pid] = proc
    return proc


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    """Whether something accepts TCP connections on ``host:port`` (to tell "free" from "taken by a stranger")."""
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def read_pid(pidfile: Path) -> int | None:
    """The PID a pidfile names, or None when it is missing or garbage."""
    try:
        return int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def write_pid(pidfile: Path, pid: int) -> None:
    """Write a pidfile atomically so a concurrent reader never sees half a number."""
    tmp = pidfile.with_suffix(".tmp")
    tmp.write_text(f"{pid}\n")
    tmp.replace(pidfile)


def remove_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def pid_alive(pid: int | None, marker: str | None = None) -> bool:
    """Whether ``pid`` is a live, non-zombie process whose command line contains ``marker``."""
    if not pid or pid <= 0:
        return False
    child = _CHILDREN.get(pid)
    if child is not None and child.poll() is not None:
        del _CHILDREN[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    proc = Path("/proc") / str(pid)
    if not proc.exists():
        return True  # no procfs (not Linux): trust kill(0)
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, IndexError):
        return False
    if state in ("Z", "X"):
        return False
    return marker is None or marker in cmdline


def stop_pid(pid: int, *, marker: str | None, timeout: float = 10.0) -> bool:
    """SIGTERM, wait up to ``timeout``, then SIGKILL. Returns whether the process is gone."""
    if not pid_alive(pid, marker):
        return True
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if wait_for(lambda: not pid_alive(pid, marker), timeout):
        return True
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    return wait_for(lambda: not pid_alive(pid, marker), 5.0)


def wait_for(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass; starts at 50 ms, backs off to 0.5 s."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)


def tail(path: Path, lines: int = 8) -> str:
    """The last lines of a log file, for error messages (empty when there is no log yet)."""
    try:
        text = path.read_bytes()[-16384:].decode(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def with_log(message: str, logfile: Path) -> str:
    """Append the log's tail to an error message, so the cause is visible without opening the file."""
    last = tail(logfile)
    return f"{message}\nLog {logfile} ends with:\n{last}" if last else f"{message} (log: {logfile})"


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock, so two concurrent `services up` cannot both start the same service."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
