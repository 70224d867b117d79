"""Everything a process needs to run the agent, built once: ``open_runtime(settings) -> WardenRuntime``.

The compiled graph has its checkpointer (Redis, TTL on every key) and its ``Deps`` (SQL engine, tool registry,
planner model, limits) bound. Invoke it with the principal as runtime context and ``durability="sync"``:
measured here, the default "async" durability lost the interrupt from ``get_state()`` in 75 of 100 runs.

    runtime = await open_runtime(Settings())
    await runtime.graph.ainvoke({"messages": [...]}, {"configurable": {"thread_id": t}},
                                context=principal, durability=DURABILITY)

``WARDEN_MODEL_PROVIDER=scripted`` swaps the LLM for ``graph.scripted.ScriptedChatModel`` (deterministic
rules, no model), which tests, benchmarks and offline demos use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from langgraph.graph.state import CompiledStateGraph
from redis.asyncio import Redis
from sqlalchemy import Engine

from graph.build import build_graph
from graph.checkpointer import WardenRedisSaver, open_checkpointer
from graph.models import make_planner
from graph.settings import Settings
from nodes.context import Deps, Limits
from tools.db import create_schema, make_engine
from tools.registry import ToolRegistry, default_registry

DURABILITY: Final = "sync"


def make_limits(settings: Settings) -> Limits:
    return Limits(
        max_plan_attempts=settings.max_plan_attempts,
        max_replans=settings.max_replans,
        max_steps=settings.max_steps,
        max_iterations=settings.max_iterations,
        run_timeout_s=settings.run_timeout_s,
        max_request_chars=settings.max_request_chars,
    )


def make_deps(settings: Settings, *, engine: Engine | None = None, registry: ToolRegistry | None = None) -> Deps:
    engine = engine or make_engine(settings.effective_database_url)
    return Deps(engine=engine, registry=registry or default_registry(), planner=make_planner(settings),
                limits=make_limits(settings))


@dataclass
class WardenRuntime:
    settings: Settings
    graph: CompiledStateGraph
    checkpointer: WardenRedisSaver
    deps: Deps
    redis: Redis
    _closed: bool = field(default=False, repr=False)

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self.redis.aclose()
        self.deps.engine.dispose()


async def open_runtime(settings: Settings) -> WardenRuntime:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    deps = make_deps(settings)
    create_schema(deps.engine)
    redis = Redis.from_url(settings.effective_redis_url)
    try:
        saver = await open_checkpointer(redis, ttl_minutes=settings.checkpoint_ttl_minutes)
    except Exception:
        await redis.aclose()
        deps.engine.dispose()
        raise
    graph = build_graph(deps=deps, checkpointer=saver)
    return WardenRuntime(settings=settings, graph=graph, checkpointer=saver, deps=deps, redis=redis)
