"""The graph's one state schema, with separate input and output views.

Everything in state is JSON-shaped (dicts, lists, strings, numbers) except ``messages``: it survives any
serializer change and is what the HTTP API returns after encoding. Per-turn fields are reset by the guard
when a new user message starts a turn on an existing thread.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from typing_extensions import TypedDict  # pydantic can describe these on 3.11 (get_schemas, Studio)

StopReason = Literal[
    "completed",
    "refused_by_guard",
    "unauthenticated",
    "plan_rejected",
    "step_failed",
    "rejected_by_approver",
    "approval_expired",  # the pending approval outlived WARDEN_APPROVAL_TTL_S; nothing ran
    "forbidden",  # a step was refused for authorisation (a role revoked while parked, a bad credential)
    "max_iterations",
    "timeout",
    "nothing_to_do",
]


def stamp(ts: float) -> str:
    """A time for the state: ISO 8601 UTC with microseconds. Never a float: the checkpoint keeps the state in
    RedisJSON, which re-prints about one double in eight an ulp off (1795502509.4109643 comes back
    ...645), and a node re-run on resume must rebuild exactly what it showed the first time."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="microseconds")


def epoch(value: str | float) -> float:
    """Seconds since the epoch for a ``stamp`` (or a bare number, as parked runs of older versions hold)."""
    return datetime.fromisoformat(value).timestamp() if isinstance(value, str) else float(value)


class StepResult(TypedDict, total=False):
    step: int
    tool: str
    version: int
    args: dict[str, Any]
    status: Literal["ok", "error", "rejected", "expired"]
    output: dict[str, Any] | None
    error: dict[str, Any] | None
    replayed: bool
    idempotency_key: str | None
    approved_by: str | None
    tainted: list[str]


class InputState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


class OutputState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    stop_reason: StopReason | None
    plan: dict[str, Any] | None
    results: list[StepResult]


class State(InputState, total=False):
    requester: dict[str, Any]          # the principal who asked: tenant, user, roles
    turn: int                          # number of user messages so far; scopes idempotency keys
    request: str                       # the normalised user request of this turn
    guard: dict[str, Any]              # the guard's verdict on the request
    plan: dict[str, Any] | None        # the accepted plan: {"steps": [{"tool","args","why","version"}]}
    plan_attempts: int
    plan_errors: list[dict[str, Any]]  # structured errors of the last rejected plan, shown to the planner
    replans: int
    cursor: int                        # index of the next step to run
    pending: dict[str, Any] | None     # the validated call waiting for approval or execution
    results: list[StepResult]
    iterations: int
    started_at: float
    stop_reason: StopReason | None
