"""Start the two servers the HTTP benchmarks compare, on loopback, as children in their own process groups.

- ``start_warden``: OUR server, ``warden serve`` (``.venv/bin/warden``; ``python -m cli`` if the console script
  is missing), the real graph with the scripted model, runs through Redis under a bench-only key prefix.
- ``start_langgraph_dev``: ``langgraph dev`` (langgraph-cli[inmem]) serving the project's own Studio entry
  point, ``graph/studio.py:make_graph`` (same graph, scripted model, the bench's seeded SQLite through
  ``WARDEN_DATABASE_URL`` / ``WARDEN_DATA_DIR`` / ``WARDEN_MODEL_PROVIDER=scripted``), from a temporary folder
  holding a generated ``langgraph.json`` (absolute graph path, ``dependencies: [ROOT]``), so its
  ``.langgraph_api/`` persistence folder lands there and not in the working tree. Offline it needs
  ``LANGGRAPH_CLI_NO_ANALYTICS=1``, ``LANGGRAPH_NO_VERSION_CHECK=true`` and ``LANGSMITH_TRACING=false``
  (plus ``LANGCHAIN_TRACING_V2=false`` for older env names); it silently picks another port when the asked
  one is taken, so we read the port it announces and refuse to go on when it differs.
"""

from __future__ import annotations

import json
import re
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import env
from bench.common import CHILDREN, ROOT, Child, free_port, port_free, wait_http
from governance.auth import Principal, mint_token

BENCH_SECRET = "warden-bench-secret-" + "0" * 32
LANGGRAPH_DEV_PORT = 2025
LANGGRAPH_DEV_FLAGS = ["--no-browser", "--no-reload", "--n-jobs-per-worker", "10"]
OFFLINE_ENV = {"LANGGRAPH_CLI_NO_ANALYTICS": "1", "LANGGRAPH_NO_VERSION_CHECK": "true",
               "LANGSMITH_TRACING": "false", "LANGCHAIN_TRACING_V2": "false"}


@dataclass
class Server:
    name: str
    child: Child
    url: str
    headers: dict[str, str]
    startup_s: float
    data_dir: Path
    key_prefix: str = ""

    @property
    def pid(self) -> int:
        return self.child.pid


def token_for(p: Principal, ttl_s: int = 3600) -> str:
    return mint_token(tenant=p.tenant, user=p.user, roles=list(p.roles), ttl_s=ttl_s, secret=BENCH_SECRET)


def auth_headers(p: Principal) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(p)}"}


def _bin(name: str) -> Path | None:
    for d in (ROOT / ".venv" / "bin", Path(sys.executable).parent):
        if (d / name).exists():
            return d / name
    return None


def start_warden(name: str = "warden", *, workers: int = 1, timeout_s: float = 60.0) -> Server:
    """``warden serve`` with the real runtime (``graph.runtime.open_runtime``)."""
    d = env.data_dir(name)
    port = free_port()
    prefix = f"bench{uuid.uuid4().hex[:10]}"
    environ = env.server_env(d, WARDEN_SERVER_KEY_PREFIX=prefix, WARDEN_JWT_SECRET=BENCH_SECRET)
    exe = _bin("warden")
    argv = ([str(exe)] if exe else [sys.executable, "-m", "cli"]) + [
        "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    child = CHILDREN.start(name, argv, env=environ, cwd=ROOT, log_path=env.tmp_root() / f"{name}.log")
    url = f"http://127.0.0.1:{port}"
    waited = wait_http(url, child, timeout_s, path="/readyz")
    return Server(name=name, child=child, url=url, headers=auth_headers(env.REQUESTER), startup_s=waited,
                  data_dir=d, key_prefix=prefix)


def start_langgraph_dev(name: str = "langgraph-dev", *, port: int = LANGGRAPH_DEV_PORT,
                        timeout_s: float = 120.0) -> Server:
    exe = _bin("langgraph")
    if exe is None:
        raise RuntimeError("langgraph-cli is not installed in .venv (the dev group has langgraph-cli[inmem])")
    if not port_free(port):
        port = free_port()  # 2024/2025 may be taken by someone else's server: never talk to theirs
    d = env.data_dir(name)
    home = env.tmp_root() / f"{name}-home"
    home.mkdir(exist_ok=True)
    config = {"python_version": "3.11", "dependencies": [str(ROOT)],
              "graphs": {"warden": f"{ROOT / 'graph' / 'studio.py'}:make_graph"}, "env": {}}
    (home / "langgraph.json").write_text(json.dumps(config, indent=2))
    environ = env.server_env(d, **OFFLINE_ENV)
    argv = [str(exe), "dev", "--config", str(home / "langgraph.json"), "--host", "127.0.0.1",
            "--port", str(port), *LANGGRAPH_DEV_FLAGS]
    child = CHILDREN.start(name, argv, env=environ, cwd=home, log_path=env.tmp_root() / f"{name}.log")
    url = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    announced = None
    while time.monotonic() - t0 < timeout_s and announced is None:
        m = re.search(r"API: \S*?http://127\.0\.0\.1:(\d+)", re.sub(r"\x1b\[[0-9;]*m", "", child.log_tail(20000)))
        if m:
            announced = int(m[1])
        elif not child.alive():
            raise RuntimeError(f"langgraph dev exited early:\n{child.log_tail()}")
        else:
            time.sleep(0.1)
    if announced is not None and announced != port:
        raise RuntimeError(f"langgraph dev announced port {announced}, not {port}: refusing to measure another server")
    waited = wait_http(url, child, max(5.0, timeout_s - (time.monotonic() - t0)), path="/ok")
    return Server(name=name, child=child, url=url, headers={}, startup_s=time.monotonic() - t0 if waited else 0.0,
                  data_dir=d)
