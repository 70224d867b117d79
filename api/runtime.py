"""What the server needs from the agent runtime, and how it finds the factory that opens it.

``WARDEN_RUNTIME_FACTORY=module:function`` (a test and extension hook) names an ``async (Settings) -> runtime``
to use instead of ``graph.runtime.open_runtime``; the integration tests use it to serve a stand-in graph.
``WARDEN_SERVER_KEY_PREFIX`` (default ``warden``) prefixes the server's own Redis keys, so several deployments
or test runs can share one Redis; processes that should share runs must share the prefix. (Both are read here
rather than in ``Settings`` because they are deployment wiring, not agent configuration.)
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from langgraph.checkpoint.base import BaseCheckpointSaver

from graph.settings import Settings

RUNTIME_FACTORY_ENV = "WARDEN_RUNTIME_FACTORY"
KEY_PREFIX_ENV = "WARDEN_SERVER_KEY_PREFIX"


class AgentRuntime(Protocol):
    @property
    def graph(self) -> Any: ...  # a CompiledStateGraph with its checkpointer; context_schema = Principal

    @property
    def checkpointer(self) -> BaseCheckpointSaver[Any]: ...

    async def aclose(self) -> None: ...


RuntimeFactory = Callable[[Settings], Awaitable[AgentRuntime]]


def load_factory(spec: str) -> RuntimeFactory:
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"{RUNTIME_FACTORY_ENV} must look like 'package.module:function', got {spec!r}")
    factory = getattr(importlib.import_module(module_name), attr)
    if not callable(factory):
        raise TypeError(f"{spec} is not callable")
    return factory  # type: ignore[no-any-return]


def default_factory() -> RuntimeFactory:
    """The factory named by the environment, else the real agent's ``open_runtime`` (imported lazily)."""
    spec = os.environ.get(RUNTIME_FACTORY_ENV)
    if spec:
        return load_factory(spec)

    async def open_real(settings: Settings) -> AgentRuntime:
        from graph.runtime import open_runtime

        return await open_runtime(settings)

    return open_real


def key_prefix() -> str:
    """Prefix of the server's own Redis keys (queue, runs, threads); lets tests and deployments share a Redis."""
    return os.environ.get(KEY_PREFIX_ENV, "warden")
