"""guard: the deterministic gate before any model reads the request. Starts a new turn on the thread."""

from __future__ import annotations

import time
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from governance.auth import Principal
from governance.guard import scan
from nodes.context import deps_of
from nodes.state import State


def _last_user_text(state: State) -> tuple[str, int]:
    humans = [m for m in state.get("messages", []) if isinstance(m, HumanMessage)]
    if not humans:
        return "", 0
    content = humans[-1].content
    text = content if isinstance(content, str) else " ".join(
        part.get("text", "") if isinstance(part, dict) else str(part) for part in content
    )
    return text, len(humans)


def guard(state: State, config: RunnableConfig, runtime: Runtime[Principal]) -> dict[str, Any]:
    limits = deps_of(config).limits
    principal = runtime.context
    text, turn = _last_user_text(state)
    fresh: dict[str, Any] = {
        "turn": turn,
        "plan": None,
        "plan_attempts": 0,
        "plan_errors": [],
        "replans": 0,
        "cursor": 0,
        "pending": None,
        "results": [],
        "iterations": 0,
        "started_at": time.time(),
        "stop_reason": None,
    }
    if not isinstance(principal, Principal):
        reply = "No authenticated principal was given for this run; nothing was done."
        return fresh | {"stop_reason": "unauthenticated", "messages": [AIMessage(reply)]}
    verdict = scan(text, max_chars=limits.max_request_chars)
    fresh |= {
        "requester": principal.as_dict(),
        "request": verdict.normalized,
        "guard": {"flagged": verdict.flagged, "score": verdict.score, "reasons": list(verdict.reasons)},
    }
    if verdict.flagged:
        reply = "I can't act on this request: " + ", ".join(verdict.reasons) + "."
        return fresh | {"stop_reason": "refused_by_guard", "messages": [AIMessage(reply)]}
    return fresh
