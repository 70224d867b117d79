"""The real server in a subprocess over HTTP, and a stand-in graph it can serve.

``ServerProcess`` starts ``python -m uvicorn --factory server:create`` on a free port with its own Redis key
prefix, waits for ``/healthz`` and stops it (SIGTERM, or ``kill()`` = SIGKILL for crash tests).

``open_standin_runtime`` is a ``WARDEN_RUNTIME_FACTORY`` for the stand-in graph (selected by default; set
``WARDEN_TEST_GRAPH=real`` to serve the real agent with the scripted model). The stand-in reads the last user
message: ``refund N`` parks at an approval interrupt (agent-inbox payload + ``approval`` block; the requester
is the run's principal), ``slow S [steps K]`` sleeps S seconds in each of K checkpointed steps, ``fail`` raises,
anything else is echoed back by a fake chat model that streams word by word.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AnyMessage
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.runtime import Runtime
from langgraph.types import interrupt
from typing_extensions import TypedDict

from governance.auth import Principal, mint_token
from graph.settings import DEV_JWT_SECRET, Settings

ROOT = Path(__file__).resolve().parents[2]
TEST_SECRET = "warden-server-tests-secret-000000000000000000"


# --- the stand-in graph ----------------------------------------------------------------------------------------
class StandinState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    steps_done: int
    decision: dict[str, Any]
    stop_reason: str
    requester: dict[str, Any]


def _request(state: StandinState) -> str:
    for m in reversed(state.get("messages", [])):
        if m.type == "human":
            return str(m.content)
    return ""


async def route(state: StandinState, runtime: Runtime[Principal]) -> dict[str, Any]:
    return {"requester": runtime.context.as_dict()}  # who asked; a resume runs as the approver


def next_node(state: StandinState) -> str:
    text = _request(state).split()
    kind = text[0] if text else ""
    return {"refund": "approval", "slow": "slow", "fail": "fail"}.get(kind, "chat")


async def chat(state: StandinState) -> dict[str, Any]:
    model = GenericFakeChatModel(messages=iter([AIMessage(content=f"echo: {_request(state)}")]))
    reply = await model.ainvoke(state["messages"])
    return {"messages": [reply], "stop_reason": "done"}


async def slow(state: StandinState) -> dict[str, Any]:
    words = _request(state).split()
    await asyncio.sleep(float(words[1]) if len(words) > 1 else 0.5)
    return {"steps_done": state.get("steps_done", 0) + 1}


def slow_next(state: StandinState) -> str:
    words = _request(state).split()
    total = int(words[3]) if len(words) > 3 and words[2] == "steps" else 1
    return "slow" if state.get("steps_done", 0) < total else "finish"


async def finish(state: StandinState) -> dict[str, Any]:
    return {"messages": [AIMessage(content=f"slept {state.get('steps_done', 0)} steps")], "stop_reason": "done"}


async def fail(state: StandinState) -> dict[str, Any]:
    raise ValueError("the stand-in graph was asked to fail")


async def approval(state: StandinState, runtime: Runtime[Principal]) -> dict[str, Any]:
    words = _request(state).split()
    amount = int(words[1]) if len(words) > 1 and words[1].isdigit() else 100
    who = Principal(**state["requester"])
    args = {"order_id": "ord_1", "amount_cents": amount}
    roles = ["finance", "admin"] if amount > 50_000 else ["support_lead", "finance", "admin"]
    decision = interrupt({
        "action_request": {"action": "issue_refund", "args": args},
        "config": {"allow_accept": True, "allow_edit": True, "allow_respond": False, "allow_ignore": True},
        "description": f"refund {amount} cents on ord_1",
        "approval": {"tool": "issue_refund", "version": 1, "tier": "high_impact", "args": args,
                     "approver_roles": roles, "requested_by": who.user, "tenant": who.tenant, "step": 0,
                     "tainted": []},
    })
    decided_by = decision.get("decided_by") or {}
    if decided_by.get("user") == who.user or decided_by.get("tenant") != who.tenant:
        raise ValueError("decision by a principal who may not decide")
    verdict = decision.get("decision")
    text = f"refund {'issued' if verdict in ('accept', 'edit') else 'rejected'} by {decided_by.get('user')}"
    return {"decision": decision, "messages": [AIMessage(content=text)], "stop_reason": "done"}


def build_standin() -> Any:
    g = StateGraph(StandinState, context_schema=Principal)
    for name, fn in (("route", route), ("chat", chat), ("slow", slow), ("finish", finish), ("fail", fail),
                     ("approval", approval)):
        g.add_node(name, fn)
    g.add_edge(START, "route")
    g.add_conditional_edges("route", next_node, ["approval", "slow", "fail", "chat"])
    g.add_conditional_edges("slow", slow_next, ["slow", "finish"])
    for name in ("chat", "finish", "fail", "approval"):
        g.add_edge(name, END)
    return g


@dataclass
class StandinRuntime:
    graph: Any
    checkpointer: Any
    _closers: list[Any] = field(default_factory=list)

    async def aclose(self) -> None:
        for close in self._closers:
            await close()


async def open_standin_runtime(settings: Settings) -> StandinRuntime:
    from langgraph.checkpoint.redis.aio import AsyncRedisSaver

    saver = AsyncRedisSaver(redis_url=settings.effective_redis_url,
                            ttl={"default_ttl": settings.checkpoint_ttl_minutes, "refresh_on_read": True})
    await saver.asetup()
    graph = build_standin().compile(checkpointer=saver)
    return StandinRuntime(graph=graph, checkpointer=saver, _closers=[saver._redis.aclose])


# --- tokens ----------------------------------------------------------------------------------------------------
def token(tenant: str = "acme", user: str = "alice", roles: tuple[str, ...] = ("support_agent",),
          ttl_s: int = 600, secret: str = TEST_SECRET) -> str:
    return mint_token(tenant=tenant, user=user, roles=list(roles), ttl_s=ttl_s, secret=secret)


def auth(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}


async def arequest(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """One request from async test code without blocking its event loop."""
    async with httpx.AsyncClient(timeout=60) as c:
        return await c.request(method, url, **kwargs)


# --- the server process ----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerProcess:
    def __init__(self, *, redis_url: str, prefix: str, data_dir: Path, env: dict[str, str] | None = None,
                 graph: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        graph = graph or os.environ.get("WARDEN_TEST_GRAPH", "standin")
        self.env = {
            **os.environ,
            "WARDEN_ENV": "test",
            "WARDEN_REDIS_URL": redis_url,
            "WARDEN_SERVER_KEY_PREFIX": prefix,
            "WARDEN_JWT_SECRET": TEST_SECRET,
            "WARDEN_DATA_DIR": str(data_dir),
            "WARDEN_DATABASE_URL": f"sqlite:///{data_dir / 'warden.db'}",
            "WARDEN_MODEL_PROVIDER": "scripted",
            "WARDEN_CHECKPOINT_TTL_MINUTES": "60",
            "PYTHONPATH": str(ROOT),
            "PYTHONDONTWRITEBYTECODE": "",  # let the server cache bytecode: start-up in ~2 s instead of ~8 s
            **({"WARDEN_RUNTIME_FACTORY": "tests.integration.server_harness:open_standin_runtime"}
               if graph == "standin" else {}),
            **(env or {}),
        }
        if graph != "standin":
            self.env.pop("WARDEN_RUNTIME_FACTORY", None)
        self.log_path = data_dir / f"server-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 30.0) -> ServerProcess:
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "server:create", "--host", "127.0.0.1",
             "--port", str(self.port), "--timeout-graceful-shutdown", "5", "--log-level", "warning"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()[-4000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server not ready after {timeout_s}s:\n{self.log_path.read_text()[-4000:]}")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        if hasattr(self, "log"):
            self.log.close()

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def server_prefix() -> str:
    return f"wtest{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def server(redis_url: str, server_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(redis_url=redis_url, prefix=server_prefix, data_dir=tmp_path_factory.mktemp("srv")).start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def redis_url() -> str:
    """Module-scoped twin of the conftest fixture (module-scoped servers need it)."""
    url = os.environ.get("WARDEN_TEST_REDIS_URL")
    if url:
        return url
    import devstack

    return devstack.ensure_redis(Settings())


__all__ = ["DEV_JWT_SECRET", "ServerProcess", "arequest", "auth", "open_standin_runtime", "redis_url", "server",
           "server_prefix", "token"]
