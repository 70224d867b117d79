"""Everything a process needs to run the agent, built once: ``open_runtime(settings) -> WardenRuntime``.

The compiled graph has its checkpointer (Redis, TTL on every key) and its ``Deps`` (SQL engine, tool registry,
planner model, limits) bound. Invoke it with the principal as runtime context and ``durability="sync"``:
measured here, the default "async" durability lost the interrupt from ``get_state()`` in 75 of 100 runs.

    runtime = await open_runtime(Settings())
    await runtime.graph.ainvoke({"messages": [...]}, {"configurable": {"thread_id": t}},
                                context=principal, durability=DURABILITY)

``WARDEN_MODEL_PROVIDER=scripted`` swaps the LLM for ``graph.scripted.ScriptedChatModel`` (deterministic
rules, no model), which tests, benchmarks and offline demos use.

``make_deps`` also builds the governance services (SECURITY.md): the approval policy (loaded and checked against
the registry: a bad file stops start-up with a ``PolicyError`` naming the file, rule and field), the credential
issuer (an in-memory HMAC key; the registry gets only its verifier), the read-only engine, the audit trail
and the role directory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from langgraph.graph.state import CompiledStateGraph
from redis.asyncio import Redis
from sqlalchemy import Engine

from governance.audit import SqlAuditLog
from governance.guard import GuardPolicy
from governance.injection.topics import TopicPolicy, default_topic_policy
from graph.build import build_graph
from graph.checkpointer import WardenRedisSaver, open_checkpointer
from graph.models import make_extractor, make_planner
from graph.settings import Settings
from nodes.context import Deps, Limits
from nodes.guard import GUARD_POLICY_KEY
from tools.credentials import CredentialIssuer
from tools.db import create_schema, make_engine, make_read_engine
from tools.effect_tools import EFFECT_TOOLS
from tools.policy import load_policy
from tools.read_tools import READ_TOOLS
from tools.registry import ToolRegistry
from tools.roles import RoleDirectory

DURABILITY: Final = "sync"


def make_limits(settings: Settings) -> Limits:
    return Limits(
        max_plan_attempts=settings.max_plan_attempts,
        max_replans=settings.max_replans,
        max_steps=settings.max_steps,
        max_iterations=settings.max_iterations,
        run_timeout_s=settings.run_timeout_s,
        max_request_chars=settings.max_request_chars,
        approval_ttl_s=settings.approval_ttl_s,
    )


def make_registry(settings: Settings, issuer: CredentialIssuer) -> ToolRegistry:
    """Every shipped tool, the checked approval policy, and the verifier paired with ``issuer``."""
    specs = [*READ_TOOLS, *EFFECT_TOOLS]
    policy = load_policy(settings.approval_policy, specs=specs)
    return ToolRegistry(specs, policy=policy, verifier=issuer.verifier)


def make_deps(settings: Settings, *, engine: Engine | None = None, registry: ToolRegistry | None = None,
              issuer: CredentialIssuer | None = None) -> Deps:
    """The node dependencies. A ``registry`` passed in must verify ``issuer``'s credentials (pass both)."""
    engine = engine or make_engine(settings.effective_database_url)
    read_engine = make_read_engine(engine.url.render_as_string(hide_password=False))
    issuer = issuer or CredentialIssuer.generate(ttl_s=settings.tool_credential_ttl_s)
    audit = SqlAuditLog(engine)
    return Deps(engine=engine, read_engine=read_engine, registry=registry or make_registry(settings, issuer),
                planner=make_planner(settings), extractor=make_extractor(settings), audit=audit,
                roles=RoleDirectory(read_engine, write_engine=engine, audit=audit), credentials=issuer,
                limits=make_limits(settings))


def make_guard_policy(settings: Settings) -> GuardPolicy:
    """The guard's per-deployment policy: the topic allow-list from ``WARDEN_TOPIC_POLICY`` (unset: the shipped
    support-desk list). Read at start-up, so a missing or malformed file refuses to start."""
    topics = TopicPolicy.load(settings.topic_policy) if settings.topic_policy else default_topic_policy()
    return GuardPolicy(topics=topics)


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
        self.deps.engines.dispose()


async def open_runtime(settings: Settings) -> WardenRuntime:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    deps = make_deps(settings)
    create_schema(deps.engine, runtime_role=settings.database_runtime_role)
    redis = Redis.from_url(settings.effective_redis_url)
    try:
        saver = await open_checkpointer(redis, ttl_minutes=settings.checkpoint_ttl_minutes)
    except Exception:
        await redis.aclose()
        deps.engines.dispose()
        raise
    try:
        guard_policy = make_guard_policy(settings)
    except Exception:
        await redis.aclose()
        deps.engines.dispose()
        raise
    graph = build_graph(deps=deps, checkpointer=saver).with_config(configurable={GUARD_POLICY_KEY: guard_policy})
    return WardenRuntime(settings=settings, graph=graph, checkpointer=saver, deps=deps, redis=redis)
