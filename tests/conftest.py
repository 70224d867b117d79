"""Shared fixtures: the real services (Redis Stack from the project's own provisioning, SQLite files).

``WARDEN_TEST_REDIS_URL`` points the suite at an already-running Redis 8 / Redis Stack; otherwise the project's
own Redis is provisioned (idempotently) exactly as ``warden services up`` does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from graph.settings import Settings


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("WARDEN_TEST_REDIS_URL")
    if url:
        return url
    import devstack

    return devstack.ensure_redis(Settings())


@pytest.fixture()
def settings(tmp_path: Path, redis_url: str) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path,
        redis_url=redis_url,
        model_provider="scripted",
        database_url=f"sqlite:///{tmp_path / 'warden.db'}",
        checkpoint_ttl_minutes=30,  # tests share one Redis: their keys must not pile up for the default 7 days
    )


@pytest.fixture()
def seeded_engine(settings: Settings) -> Iterator[Engine]:
    from tools.db import create_schema, make_engine
    from tools.seed import seed

    engine = make_engine(settings.effective_database_url)
    create_schema(engine)
    seed(engine)
    yield engine
    engine.dispose()
