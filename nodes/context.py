"""What a node gets from outside: the principal (runtime context) and the clients (``Deps``, bound config).

- The **principal** arrives per run as LangGraph's runtime context (``context=Principal(...)``, or a dict that
  LangGraph coerces), set by the server from the verified token — never from the request body.
- The **clients** (SQL engines, tool registry, planner model) and the limits are built once per process by the
  factories in ``graph/`` and bound to the compiled graph with ``with_config(configurable={DEPS_KEY: deps})``.
  Only primitive configurable values reach checkpoint metadata, so the objects never touch Redis.
- The **security services**: ``audit`` (the hash-chained audit trail), ``roles`` (the role directory: fresh roles
  right before anything is authorised), ``credentials`` (mints the per-step tool credential; the registry holds
  only its verifier), and ``clock`` (approval expiry; injectable for tests). ``graph.runtime.make_deps`` builds
  all of them consistently — build ``Deps`` through it.
Nodes never import ``graph/`` and never read globals.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.runnables import RunnableConfig
from sqlalchemy import Engine

from governance.audit import AuditSink
from nodes import prompts as default_prompts
from tools.credentials import CredentialIssuer
from tools.db import Engines
from tools.registry import ToolRegistry
from tools.roles import RoleDirectory
from tools.spec import ToolSpec

DEPS_KEY = "warden_deps"


@dataclass(frozen=True)
class PlannerOutput:
    """What a planner model produced: the parsed JSON object (or None) and the raw message for accounting."""

    parsed: dict[str, Any] | None
    raw: AIMessage | None = None
    error: str | None = None


class PlannerModel(Protocol):
    """A model that turns trusted messages into a plan, constrained to the principal's tool catalogue."""

    name: str

    def plan(
        self, messages: list[BaseMessage], catalogue: list[ToolSpec], config: RunnableConfig | None = None
    ) -> PlannerOutput: ...


@dataclass(frozen=True)
class Extraction:
    """What a quarantined extraction returned: the raw value (checked by the caller) or why there is none."""

    value: Any = None
    error: str | None = None


class ExtractorModel(Protocol):
    """A model call with a fixed output schema and no tools: reads untrusted text, returns one value of a kind
    (``nodes.plan.EXTRACT_KINDS``). It may be fooled by the text; it can never add a step or call a tool."""

    name: str

    def extract(self, text: str, kind: str, config: RunnableConfig | None = None) -> Extraction: ...


@dataclass(frozen=True)
class Limits:
    max_plan_attempts: int = 3
    max_replans: int = 1
    max_steps: int = 8
    max_iterations: int = 40
    run_timeout_s: float = 300.0
    max_request_chars: int = 4000
    approval_ttl_s: float = 24 * 3600.0


@dataclass(frozen=True)
class Prompts:
    planner_system: str = default_prompts.PLANNER_SYSTEM
    planner_errors: str = default_prompts.PLANNER_ERRORS
    planner_replan: str = default_prompts.PLANNER_REPLAN


@dataclass(frozen=True)
class Deps:
    engine: Engine  # the write engine (effects, ledger, audit)
    read_engine: Engine  # the read-only engine (validation, read tools, the role directory)
    registry: ToolRegistry
    planner: PlannerModel
    audit: AuditSink
    roles: RoleDirectory
    credentials: CredentialIssuer
    limits: Limits = field(default_factory=Limits)
    prompts: Prompts = field(default_factory=Prompts)
    clock: Callable[[], float] = time.time
    extractor: ExtractorModel | None = None  # None: plans with ``$extract`` slots fail at that step

    def __reduce__(self) -> tuple[Callable[[int], Deps | None], tuple[int]]:
        """Pickle as a reference to this process's live instance, never the clients themselves.

        Deps travel in the graph's bound ``configurable``; ``langgraph dev`` (langgraph-api) serialises a run's
        config with pickle, and a SQL engine cannot be pickled (measured: every Studio run failed). Unpickled in
        another process the reference resolves to None, and ``deps_of`` says so.
        """
        _LIVE_DEPS[id(self)] = self
        return (_live_deps, (id(self),))

    @property
    def engines(self) -> Engines:
        return Engines(write=self.engine, read=self.read_engine)


_LIVE_DEPS: weakref.WeakValueDictionary[int, Deps] = weakref.WeakValueDictionary()


def _live_deps(ref: int) -> Deps | None:
    return _LIVE_DEPS.get(ref)


class MissingDepsError(RuntimeError):
    """The graph was invoked without its dependencies bound: a wiring bug, not bad input."""


def deps_of(config: RunnableConfig) -> Deps:
    deps = config.get("configurable", {}).get(DEPS_KEY)
    if not isinstance(deps, Deps):
        raise MissingDepsError("graph compiled without Deps: build it with graph.build.build_graph(deps=...)")
    return deps
