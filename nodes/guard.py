"""guard: the deterministic gate before any model reads the request. Starts a new turn on the thread.

The request is scanned (``governance.guard.screen_request``: normalisation, size, attack signatures) and then
checked against the deployment's topic allow-list. Either refusal ends the run with ``refused_by_guard`` and a
structured ``guard`` record (``refusal``: ``injection`` | ``off_topic``, ``reasons``, ``score``). The allow-list
is a ``GuardPolicy`` bound under ``configurable[GUARD_POLICY_KEY]`` (e.g. ``graph.with_config(configurable=
{GUARD_POLICY_KEY: GuardPolicy(topics=TopicPolicy.load(path))})``); unbound, the shipped support-desk list
applies, and ``GuardPolicy(topics=None)`` turns it off.
"""

from __future__ import annotations

import time
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langgraph.runtime import Runtime

from governance.auth import Principal
from governance.guard import GuardPolicy, screen_request
from governance.injection.topics import TopicPolicy, default_topic_policy
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


GUARD_POLICY_KEY = "warden_guard_policy"

_REFUSAL_TEXT = {
    "injection": "I can't act on this request: it looks like an attempt to override my instructions",
    "off_topic": "I can only help with this support desk's work (customers, orders, refunds, tickets, email)",
    "too_long": "I can't act on this request: it is longer than this deployment accepts",
    "empty": "There is no request to act on",
}


def _topics(config: RunnableConfig) -> TopicPolicy | None:
    policy = config.get("configurable", {}).get(GUARD_POLICY_KEY)
    return policy.topics if isinstance(policy, GuardPolicy) else default_topic_policy()


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
    verdict = screen_request(text, max_chars=limits.max_request_chars, topics=_topics(config))
    fresh |= {
        "requester": principal.as_dict(),
        "request": verdict.normalized,
        "guard": {"flagged": verdict.flagged, "score": verdict.score, "reasons": list(verdict.reasons),
                  "refusal": verdict.refusal, "families": list(verdict.families), "topics": list(verdict.topics)},
    }
    if verdict.flagged:
        lead = _REFUSAL_TEXT.get(verdict.refusal or "", "I can't act on this request")
        reply = f"{lead} ({', '.join(verdict.reasons)})."
        return fresh | {"stop_reason": "refused_by_guard", "messages": [AIMessage(reply)]}
    return fresh
