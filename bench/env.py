"""The benchmarks' own world: a fresh data folder with a seeded SQLite database, the Redis URL, the principals.

Everything the benchmarks write lives under a temporary folder (removed at the end) or in Redis under
bench-only thread ids / key prefixes with a short TTL, so a benchmark never touches ``.data/warden.db``.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

from governance.auth import Principal
from graph.settings import Settings

REQUEST = "show customer cus_acme_001"  # read-only, 4 node steps: guard -> planner -> executor -> evaluator
REFUND_ORDER = "ord_acme_001_1"  # 21700 cents refundable in the seed: room for 200 one-cent refunds
REQUESTER = Principal("acme", "bench", ("support_agent",))
APPROVER = Principal("acme", "bench-lead", ("support_lead",))
CHECKPOINT_TTL_MINUTES = 30
_TMP_ROOT: list[Path] = []


def refund_request(cents: int = 1) -> str:
    return f"refund {cents} cents on order {REFUND_ORDER}"


def user_input(text: str) -> dict[str, list[dict[str, str]]]:
    return {"messages": [{"role": "user", "content": text}]}


@functools.cache
def redis_url() -> str:
    """``WARDEN_REDIS_URL`` if set, else the project's local Redis Stack (started if needed, idempotent)."""
    settings = Settings()
    if not settings.uses_local_redis:
        return settings.effective_redis_url
    import devstack

    return devstack.ensure_redis(settings)


def tmp_root() -> Path:
    if not _TMP_ROOT:
        _TMP_ROOT.append(Path(tempfile.mkdtemp(prefix="warden-bench-")))
    return _TMP_ROOT[0]


def cleanup_tmp() -> None:
    while _TMP_ROOT:
        shutil.rmtree(_TMP_ROOT.pop(), ignore_errors=True)


def data_dir(name: str) -> Path:
    """A fresh folder with a seeded business database for one section (``<dir>/warden.db``)."""
    from tools.db import create_schema, make_engine
    from tools.seed import seed

    d = tmp_root() / name
    d.mkdir(parents=True, exist_ok=True)
    engine = make_engine(db_url(d))
    try:
        create_schema(engine)
        seed(engine)
    finally:
        engine.dispose()
    return d


def db_url(d: Path) -> str:
    return f"sqlite:///{(d / 'warden.db').resolve()}"


def settings_for(d: Path) -> Settings:
    return Settings(model_provider="scripted", data_dir=d, database_url=db_url(d), redis_url=redis_url(),
                    checkpoint_ttl_minutes=CHECKPOINT_TTL_MINUTES)


def server_env(d: Path, **extra: str) -> dict[str, str]:
    """Environment for a server subprocess serving the real graph with the scripted model on ``d``."""
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("WARDEN_")}
    env.update({
        "WARDEN_ENV": "dev",
        "WARDEN_MODEL_PROVIDER": "scripted",
        "WARDEN_DATA_DIR": str(d),
        "WARDEN_DATABASE_URL": db_url(d),
        "WARDEN_REDIS_URL": redis_url(),
        "WARDEN_CHECKPOINT_TTL_MINUTES": str(CHECKPOINT_TTL_MINUTES),
        "PYTHONPATH": str(root) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
        "PYTHONUNBUFFERED": "1",
        **extra,
    })
    return env
