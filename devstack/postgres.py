"""A throwaway local PostgreSQL for the suite's PostgreSQL checks (``warden services up --postgres``).

The default business database is a SQLite file; ``WARDEN_DATABASE_URL`` points the runtime at PostgreSQL. To test
that path for real (the audit trail's trigger and REVOKE for a non-owner runtime role, the read-only engine,
advisory locks) the suite needs a real server, and CI has no Docker. So this uses the machine's own PostgreSQL
binaries (Debian's ``postgresql-NN`` puts them in ``/usr/lib/postgresql/NN/bin``; ``WARDEN_PG_BIN`` names another
folder), makes a cluster under ``<data_dir>/postgres`` with ``initdb`` (superuser ``postgres``, trust auth on
loopback only; under the system temp folder instead when the project folder is not reachable by the user the
server runs as), and starts it on 127.0.0.1:``WARDEN_PG_PORT`` (default 6391) with ``pg_ctl``, idempotently.
PostgreSQL refuses to run as root: as root, the cluster is owned by and run as the ``postgres`` system user
(``nobody`` where there is none). No binaries: ``DevstackError`` saying how to get them.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from devstack._proc import DevstackError, data_root, port_open, tail

DEFAULT_PORT = 6391


@dataclass(frozen=True)
class PgPaths:
    bin: Path
    data: Path
    log: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"


def find_bin() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, newest major version first."""
    override = os.environ.get("WARDEN_PG_BIN")
    if override:
        return Path(override) if (Path(override) / "pg_ctl").exists() else None
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name)
                        if Path(p).parent.name.isdigit() else 0, reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found and (Path(found).resolve().parent / "initdb").exists() else None


def paths(data_dir: Path) -> PgPaths:
    binary = find_bin()
    if binary is None:
        raise DevstackError("No PostgreSQL server binaries found (initdb, pg_ctl). Install Debian's "
                            "`postgresql` package or set WARDEN_PG_BIN to the folder holding them.")
    root = data_root(data_dir) / "postgres"
    if _run_as() is not None and not _searchable(root.parent):  # root's project folder the server cannot reach
        digest = hashlib.sha256(str(root).encode()).hexdigest()[:10]
        root = Path(tempfile.gettempdir()) / f"warden-postgres-{digest}"
    return PgPaths(bin=binary, data=root / "cluster", log=root / "postgres.log",
                   port=int(os.environ.get("WARDEN_PG_PORT", DEFAULT_PORT)))


def _searchable(folder: Path) -> bool:
    """Whether any user can reach ``folder`` (every folder on its path has the others' x bit)."""
    return all(p.stat().st_mode & 0o001 for p in [folder, *folder.parents] if p.exists())


def _run_as() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise DevstackError("Running as root and no 'postgres' or 'nobody' user to run PostgreSQL as.")


def _pg(p: PgPaths, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    user = _run_as()

    def demote() -> None:  # pragma: no cover - runs in the child
        if user is not None:
            os.setgid(user.pw_gid)
            os.setgroups([])
            os.setuid(user.pw_uid)

    env = {"PATH": f"{p.bin}:/usr/bin:/bin", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    return subprocess.run([str(p.bin / argv[0]), *argv[1:]], capture_output=True, text=True, env=env,
                          preexec_fn=demote, cwd="/", timeout=timeout, check=False)


def _ready(p: PgPaths) -> bool:
    return _pg(p, "pg_isready", "-h", "127.0.0.1", "-p", str(p.port), "-q", timeout=10).returncode == 0


def ensure_postgres(data_dir: Path) -> str:
    """Start (creating if need be) the local cluster; return its superuser SQLAlchemy URL."""
    p = paths(data_dir)
    if (p.data / "PG_VERSION").exists() and _ready(p):
        return p.url
    if port_open(p.port):
        raise DevstackError(f"Port {p.port} is taken by something that is not our PostgreSQL; "
                            "set WARDEN_PG_PORT to a free port.")
    p.data.parent.mkdir(parents=True, exist_ok=True)
    user = _run_as()
    if user is not None:
        os.chown(p.data.parent, user.pw_uid, user.pw_gid)
    if not (p.data / "PG_VERSION").exists():
        done = _pg(p, "initdb", "-D", str(p.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        if done.returncode != 0:
            raise DevstackError(f"initdb failed: {(done.stderr or done.stdout).strip()[-800:]}")
    opts = f"-p {p.port} -k {p.data} -c listen_addresses=127.0.0.1 -c fsync=off"
    started = _pg(p, "pg_ctl", "-D", str(p.data), "-l", str(p.log), "-o", opts, "-w", "-t", "60", "start")
    if started.returncode != 0 or not _ready(p):
        raise DevstackError(f"PostgreSQL did not start: {(started.stderr or started.stdout).strip()[-400:]}\n"
                            f"{tail(p.log) if p.log.exists() else ''}")
    return p.url


def stop_postgres(data_dir: Path) -> bool:
    """Stop our cluster if it runs; True when it was stopped."""
    if find_bin() is None:
        return False
    p = paths(data_dir)
    if not (p.data / "postmaster.pid").exists():
        return False
    return _pg(p, "pg_ctl", "-D", str(p.data), "-m", "fast", "-w", "stop").returncode == 0


def postgres_status(data_dir: Path) -> dict[str, object]:
    if find_bin() is None:
        return {"running": False, "available": False, "managed": False, "external": False}
    p = paths(data_dir)
    running = (p.data / "PG_VERSION").exists() and _ready(p)
    return {"url": p.url, "running": running, "available": True, "managed": running, "external": False,
            "data": str(p.data)}
