"""Audit events from the graph: one function per kind, with event keys that make node re-execution harmless.

LangGraph runs a node at least once: after a crash, and — for the approval node — on every resume, from the top.
Each event key therefore names *what* happened, never *when* or in which run (``plan:{thread}/turn-2/replan-0/
attempt-1``), and payloads hold no run id or clock: a node that runs again and does the same thing appends
nothing (governance.audit deduplicates); one that does something different is recorded as a re-execution.

What is recorded, and where:
- ``request`` and a guard ``stop``: ``with_request_audit`` around the guard node (wired in graph.build);
- ``plan`` / ``validation_failed``: the planner; ``validation_failed`` also by the executor's re-validation;
- ``approval_requested`` (what the approver is shown) / ``approval_decided`` (who, what, why): the approval node;
- ``tool_executed``: effects in their own SQL transaction (tools.ledger), reads, replays and failures here;
- ``stop``: wherever a run ends (planner cut-off, evaluator).
Fail-closed: a record that cannot be appended (the audit store down, the chain contended past its retries) raises
``AuditUnavailable`` out of the node, so the step does not happen unrecorded: the run fails at that step and a
retry re-runs it from its checkpoint (already-written events deduplicate). An effect's record commits in the
effect's own transaction, so an effect never exists without it.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.config import get_config

from governance.audit import AuditEvent, AuditFailure, AuditKind
from nodes.context import Deps, deps_of
from nodes.state import State

log = logging.getLogger(__name__)


class AuditUnavailable(RuntimeError):
    """An audit event could not be recorded; the node stops rather than act unrecorded."""


def thread_of(config: RunnableConfig) -> str:
    return str(config.get("configurable", {}).get("thread_id", "-"))


def turn_prefix(state: Mapping[str, Any], config: RunnableConfig) -> str:
    return f"{thread_of(config)}/turn-{state.get('turn', 0)}"


def emit(deps: Deps, config: RunnableConfig, state: Mapping[str, Any], kind: AuditKind, key: str,
         payload: Mapping[str, Any], *, actor: str | None = None) -> None:
    """Append one event for the run's tenant; ``key`` is appended to ``{kind}:{thread}/turn-N/``."""
    requester = state.get("requester") or {}
    tenant = str(requester.get("tenant") or "_unauthenticated")
    event = AuditEvent(tenant=tenant, kind=kind, event_key=f"{kind}:{turn_prefix(state, config)}/{key}".rstrip("/"),
                       actor=actor or str(requester.get("user") or "-"), thread_id=thread_of(config),
                       payload=dict(payload))
    result = deps.audit.record(event)
    if isinstance(result, AuditFailure):
        log.error("audit event %s not recorded: %s; stopping the step", event.event_key, result.message)
        raise AuditUnavailable(f"audit trail unavailable ({result.message}); nothing was done unrecorded")


def stop(deps: Deps, config: RunnableConfig, state: Mapping[str, Any], reason: str,
         results: list[Any] | None = None) -> None:
    summary = [{"step": r.get("step"), "tool": r.get("tool"), "status": r.get("status"),
                "error": (r.get("error") or {}).get("error")} for r in (results or [])]
    emit(deps, config, state, "stop", "", {"stop_reason": reason, "results": summary})


def with_request_audit(node: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap the guard: record every request (who, what, the guard's verdict) and a guard stop.

    ``functools.wraps`` keeps the guard's signature visible, so LangGraph injects exactly what it asks for
    (config, runtime, ...); the wrapper forwards it untouched and reads the config from LangGraph's context."""

    def _after(state: State, update: Mapping[str, Any]) -> None:
        config = get_config()
        deps = deps_of(config)
        merged = {**state, **update}
        emit(deps, config, merged, "request", "", {
            "request": merged.get("request", ""), "roles": list((merged.get("requester") or {}).get("roles", [])),
            "guard": merged.get("guard")})
        if update.get("stop_reason"):
            stop(deps, config, merged, str(update["stop_reason"]))

    if inspect.iscoroutinefunction(node):
        @functools.wraps(node)
        async def awrapped(state: State, *args: Any, **kwargs: Any) -> Any:
            update = await node(state, *args, **kwargs)
            _after(state, update)
            return update

        return awrapped

    @functools.wraps(node)
    def wrapped(state: State, *args: Any, **kwargs: Any) -> Any:
        update = node(state, *args, **kwargs)
        _after(state, update)
        return update

    return wrapped
