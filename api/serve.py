"""Run the server with uvicorn. One worker: the app object in this process, built from ``settings``; more:
uvicorn's process manager, each process importing ``server:create`` (a factory), so nothing is shared but
Redis and each process reads its settings from the environment (``WARDEN_*``), not from ``settings``."""

from __future__ import annotations

import uvicorn

from graph.settings import Settings


def serve(settings: Settings, host: str | None = None, port: int | None = None, workers: int | None = None) -> None:
    host = host or settings.host
    port = port or settings.port
    workers = workers or settings.workers
    common = {"host": host, "port": port, "log_level": "info", "timeout_graceful_shutdown": 10,
              "proxy_headers": False, "server_header": False}
    if workers > 1:
        uvicorn.run("server:create", factory=True, workers=workers, **common)  # type: ignore[arg-type]
        return
    from api.app import create_app

    uvicorn.run(create_app(settings), **common)  # type: ignore[arg-type]
