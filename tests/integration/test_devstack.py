"""devstack against real processes: a private data_dir and free ports per test, never the shared dev stack.

libssl1.1 is vendored once per session (the real apt route) and shared by symlink, so only the first test
pays for the download; everything else measures the idempotent start/stop paths.
"""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import redis as redis_py

import devstack
from devstack import DevstackError, services_down, services_status, services_up
from devstack import redis as dev_redis
from graph.settings import Settings

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def vendor_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Vendor libssl1.1 through the real private-apt route once (cold provisioning is exercised here)."""
    vendor = tmp_path_factory.mktemp("vendor")
    if shutil.which("apt-get") is None:
        pytest.skip("apt-get not available")
    dev_redis.ensure_libssl(vendor)
    return vendor


@pytest.fixture
def make_settings(tmp_path: Path, vendor_cache: Path) -> Iterator[Callable[..., Settings]]:
    """Settings on a temporary data_dir and free ports; everything started is stopped afterwards."""
    made: list[Settings] = []

    def make(**overrides) -> Settings:
        data_dir = tmp_path / f"data{len(made)}"
        data_dir.mkdir()
        (data_dir / "vendor").symlink_to(vendor_cache, target_is_directory=True)
        fields = {"env": "test", "data_dir": data_dir, "redis_url": None, "model_base_url": None,
                  "redis_port": free_port(), "model_port": free_port()}  # fmt: skip
        settings = Settings(**{**fields, **overrides})
        made.append(settings)
        return settings

    yield make
    for settings in made:
        services_down(settings)


def client_for(settings: Settings) -> redis_py.Redis:
    return redis_py.Redis.from_url(settings.effective_redis_url, decode_responses=True, socket_timeout=5)


def test_libssl_vendoring_is_idempotent(vendor_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    libdir = dev_redis.ensure_libssl(vendor_cache)
    assert (libdir / "libssl.so.1.1").is_file() and (libdir / "libcrypto.so.1.1").is_file()

    def no_apt(*_: object, **__: object) -> None:
        raise AssertionError("a second ensure_libssl ran apt again")

    monkeypatch.setattr(dev_redis, "_apt", no_apt)
    assert dev_redis.ensure_libssl(vendor_cache) == libdir  # no second download


def test_redis_up_is_idempotent_with_modules_and_aof(make_settings) -> None:
    settings = make_settings()
    before = services_status(settings)["redis"]
    assert before["running"] is False and before["managed"] is False

    assert services_up(settings, model=False) == {"redis": settings.effective_redis_url}
    first = services_status(settings)["redis"]
    assert first["running"] and first["managed"] and first["pid"]

    started = time.perf_counter()
    services_up(settings, model=False)
    assert time.perf_counter() - started < 1.0
    assert services_status(settings)["redis"]["pid"] == first["pid"]

    client = client_for(settings)
    try:
        names = {m["name"] for m in client.module_list()}
        assert {"ReJSON", "search"} <= names
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        assert client.config_get("bind")["bind"] == "127.0.0.1"
    finally:
        client.close()


def test_aof_survives_restart(make_settings) -> None:
    settings = make_settings()
    services_up(settings, model=False)
    old_pid = services_status(settings)["redis"]["pid"]
    client = client_for(settings)
    try:
        client.set("warden:test:key", "kept")
        client.json().set("warden:test:doc", "$", {"a": 1})
    finally:
        client.close()

    assert services_down(settings) == ["redis"]
    assert services_status(settings)["redis"]["running"] is False
    assert not (settings.data_dir / "redis" / "redis.pid").exists()

    services_up(settings, model=False)
    status = services_status(settings)["redis"]
    assert status["pid"] != old_pid and status["managed"]
    client = client_for(settings)
    try:
        assert client.get("warden:test:key") == "kept"
        assert client.json().get("warden:test:doc") == {"a": 1}
    finally:
        client.close()


def test_down_is_idempotent_and_only_stops_our_own(make_settings) -> None:
    settings = make_settings()
    assert services_down(settings) == []
    services_up(settings, model=False)
    # The same port seen as an external Redis: usable, reported as external, never stopped by us.
    external = make_settings(redis_url=settings.effective_redis_url)
    assert devstack.ensure_redis(external) == settings.effective_redis_url
    ext_status = services_status(external)["redis"]
    assert ext_status["running"] and ext_status["external"] and not ext_status["managed"]
    assert services_down(external) == []
    assert services_status(settings)["redis"]["running"]
    assert services_down(settings, only=["model"]) == []
    assert services_status(settings)["redis"]["running"]
    with pytest.raises(DevstackError, match="Unknown service"):
        services_down(settings, only=["mysql"])
    assert services_down(settings, only=["redis"]) == ["redis"]
    services_up(settings, model=False)
    assert services_down(settings) == ["redis"]
    assert services_down(settings) == []


def test_postgres_is_provisioned_idempotently_and_stopped(make_settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from devstack.postgres import find_bin

    if find_bin() is None:
        pytest.skip("no PostgreSQL binaries on this machine")
    monkeypatch.setenv("WARDEN_PG_PORT", str(free_port()))
    settings = make_settings()
    url = services_up(settings, redis=False, model=False, postgres=True)["postgres"]
    try:
        assert services_up(settings, redis=False, model=False, postgres=True)["postgres"] == url
        assert services_status(settings)["postgres"]["running"]
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_user")).scalar() == "postgres"
        engine.dispose()
    finally:
        assert services_down(settings, only=["postgres"]) == ["postgres"]
    assert services_down(settings, only=["postgres"]) == []
    assert not services_status(settings)["postgres"]["running"]


def test_unreachable_external_redis_is_a_clear_error(make_settings) -> None:
    settings = make_settings(redis_url=f"redis://:hunter2@127.0.0.1:{free_port()}/0")
    with pytest.raises(DevstackError, match="does not answer PING") as info:
        services_up(settings, model=False)
    assert "hunter2" not in str(info.value)


def test_port_taken_by_a_stranger_is_a_clear_error(make_settings) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        settings = make_settings(redis_port=squatter.getsockname()[1])
        with pytest.raises(DevstackError, match="taken by something that is not Redis"):
            devstack.ensure_redis(settings)


def test_falls_back_to_redis_8_without_libssl(make_settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_libssl(vendor: Path) -> Path:
        raise DevstackError("simulated: apt unavailable")

    monkeypatch.setattr(dev_redis, "ensure_libssl", no_libssl)
    settings = make_settings()
    services_up(settings, model=False)
    status = services_status(settings)["redis"]
    assert status["version"].startswith("8.") and status["modules_ok"] and status["managed"]


def test_external_model_is_never_started(make_settings) -> None:
    settings = make_settings(model_base_url=f"http://127.0.0.1:{free_port()}/v1")
    assert devstack.ensure_model(settings) == settings.model_base_url
    status = services_status(settings)["model"]
    assert status == {"url": settings.model_base_url, "running": False, "pid": None, "managed": False,
                      "external": True}  # fmt: skip
    assert services_down(settings) == []


@pytest.mark.slow
def test_model_server_serves_a_real_completion(make_settings) -> None:
    settings = make_settings()
    assert services_status(settings)["model"]["running"] is False
    base = services_up(settings, redis=False)["model"]
    assert base == f"http://127.0.0.1:{settings.model_port}/v1"
    first = services_status(settings)["model"]
    assert first["running"] and first["managed"] and first["pid"]
    services_up(settings, redis=False)
    assert services_status(settings)["model"]["pid"] == first["pid"]

    key = settings.model_api_key.get_secret_value()
    body = {
        "model": settings.model_name,
        "messages": [{"role": "user", "content": "Say hello."}],
        "max_tokens": 8,
    }
    with httpx.Client(timeout=60, trust_env=False) as http:
        reply = http.post(f"{base}/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"})
        assert reply.status_code == 200
        assert reply.json()["choices"][0]["message"]["content"]
        assert http.post(f"{base}/chat/completions", json=body).status_code == 401
        models = http.get(f"{base}/models", headers={"Authorization": f"Bearer {key}"}).json()
        assert settings.model_name in {m["id"] for m in models["data"]}

    assert services_down(settings) == ["model"]
    after = services_status(settings)["model"]
    assert after["running"] is False and after["pid"] is None
