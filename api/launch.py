"""Starting a run: validation, the thread lock, the interrupt checks, the resume value, the enqueue.

Multitask policy (only ``reject``): a thread runs one run at a time; a second one gets 409 ``thread_busy``.
A thread parked at an interrupt accepts only a resume (``command.resume`` or ``POST /approvals/{id}``): new
input there gets 409 ``thread_interrupted`` (it would silently drop the pending approval). A resume when
nothing is pending gets 409 ``nothing_to_resume`` (it would otherwise start the graph from the top).
The checks run while holding the thread lock, so no run can change the thread between check and enqueue.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from langchain_core.messages import convert_to_messages
from langchain_core.utils.uuid import uuid7

from api._private import Record
from api.approvals import may_decide, resume_value
from api.deps import ASSISTANT_ID, Services, resolve_assistant
from api.encode import dumps
from api.errors import ApiError, not_found
from api.keys import now_iso
from api.schemas import RunCreate
from governance.auth import Principal


def _unsupported(field: str, why: str) -> ApiError:
    return ApiError(422, "unsupported", f"{field} is not supported: {why}", field=field)


def validate_create(body: RunCreate) -> None:
    if body.input is not None and body.command is not None:
        raise ApiError(422, "validation_error", "send either input or command, not both", field="command")
    if body.input is None and body.command is None:
        raise ApiError(422, "validation_error", "a run needs input or command.resume", field="input")
    if body.command is not None:
        if body.command.update is not None or body.command.goto is not None:
            raise _unsupported("command.update", "state changes only through the graph; use command.resume")
        if "resume" not in body.command.model_fields_set:
            raise ApiError(422, "validation_error", "command needs resume", field="command.resume")
    for name in ("checkpoint", "checkpoint_id", "interrupt_before", "interrupt_after", "webhook", "after_seconds"):
        if getattr(body, name) is not None:
            raise _unsupported(name, "this server runs the graph from the thread's latest checkpoint only")
    if body.multitask_strategy not in (None, "reject"):
        raise _unsupported("multitask_strategy", "only 'reject' (409 when the thread is busy)")
    resolve_assistant(body.assistant_id)


def check_input(svc: Services, value: Mapping[str, Any]) -> None:
    """Refuse input the graph would choke on (and that would poison the thread's checkpoint) or should not
    trust: unknown keys, messages that are not messages, messages that are not the user's."""
    allowed = svc.input_keys
    for key in value:
        if allowed is not None and key not in allowed:
            raise ApiError(422, "validation_error", f"input.{key} is not an input of this graph "
                           f"(accepted: {', '.join(sorted(allowed))})", field=f"input.{key}")
    if "messages" in value:
        messages = value["messages"]
        if not isinstance(messages, list):
            raise ApiError(422, "validation_error", "input.messages must be a list", field="input.messages")
        for i, m in enumerate(messages):
            try:
                [converted] = convert_to_messages([m])
            except Exception:  # noqa: BLE001 - any coercion failure is the client's bad input
                raise ApiError(422, "validation_error", f"input.messages.{i} is not a message "
                               "({role|type, content})", field=f"input.messages.{i}") from None
            if converted.type != "human":  # system/ai/tool text from a client would pose as trusted history
                raise ApiError(422, "validation_error", f"input.messages.{i}: only user messages may be sent, "
                               f"not {converted.type!r}", field=f"input.messages.{i}")


def stream_modes(body: RunCreate) -> list[str]:
    modes = [body.stream_mode] if isinstance(body.stream_mode, str) else list(body.stream_mode)
    return list(dict.fromkeys(modes)) or ["values"]


def run_config(svc: Services, body: RunCreate) -> dict[str, Any]:
    """The client's harmless config: tags and a recursion limit capped by the server."""
    cap = max(25, 2 * svc.settings.max_iterations)
    out: dict[str, Any] = {"recursion_limit": cap}
    if body.config is not None:
        if body.config.recursion_limit is not None:
            out["recursion_limit"] = min(body.config.recursion_limit, cap)
        if body.config.tags:
            out["tags"] = body.config.tags
    return out


async def ensure_thread(svc: Services, principal: Principal, tid: str) -> None:
    """``if_not_exists="create"``: create the caller's thread unless it exists (another tenant's: 404)."""
    if await svc.store.get_thread(principal.tenant, tid) is not None:
        return
    if await svc.redis.exists(svc.keys.thread(tid)):
        raise not_found("thread", tid)
    await svc.store.create_thread(principal.tenant, tid, metadata={}, if_exists="do_nothing")


async def launch(
    svc: Services,
    principal: Principal,
    tid: str,
    *,
    input: Mapping[str, Any] | None = None,
    resume: Any = None,
    is_resume: bool = False,
    target_interrupt: str | None = None,
    modes: list[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
) -> Record:
    """Check what is pending and enqueue, holding the thread lock. Raises ApiError 403/404/409, no side effects.

    New input is one atomic script (tenant, lock, parked-thread check from the thread record, enqueue); a resume
    reads the checkpoint's pending interrupts (their ids and approval blocks) under the lock first."""
    rid, now = str(uuid7()), now_iso()
    run: Record = {
        "run_id": rid, "thread_id": tid, "assistant_id": ASSISTANT_ID, "tenant": principal.tenant,
        "principal": orjson.dumps(principal.as_dict()).decode(), "created_at": now, "updated_at": now,
        "status": "pending", "kind": "resume" if is_resume else "input", "attempt": "0",
        "stream_modes": orjson.dumps(modes or ["values"]).decode(), "multitask_strategy": "reject",
        "metadata": dumps(dict(metadata or {})).decode(), "config": dumps(dict(config or {})).decode(),
    }
    if not is_resume:
        check_input(svc, input or {})
        run["payload"] = dumps({"input": dict(input or {})}).decode()
        outcome = await svc.queue.enqueue_input(run)
        if outcome == "not_found":
            raise not_found("thread", tid)
        if outcome == "busy":
            raise _busy(tid)
        if outcome == "interrupted":
            raise ApiError(409, "thread_interrupted",
                           f"thread {tid} is waiting for a decision on a pending action; resume it "
                           "(command.resume) or decide it via /approvals first")
        return run
    await svc.store.require_thread(principal.tenant, tid)
    if not await svc.queue.try_lock(tid, rid):
        raise _busy(tid)
    try:
        snap = await svc.graph.aget_state({"configurable": {"thread_id": tid}})
        resume_map, decided = _resume_map(principal, list(snap.interrupts), resume, target_interrupt)
        run["payload"] = dumps({"resume": resume_map}).decode()
        who = principal.as_dict()

        def mark_decided(p: Any) -> None:  # in the enqueue's transaction: decided iff its resume run is queued
            for iid in decided:
                svc.store.mark_decided_in(p, principal.tenant, iid, decided_by=who, run_id=rid)

        await svc.queue.enqueue(run, also=mark_decided)
    except BaseException:
        await svc.queue.release(tid, rid)
        raise
    return run


def _busy(tid: str) -> ApiError:
    return ApiError(409, "thread_busy", f"thread {tid} has a run in progress; retry when it ends")


def _resume_map(
    principal: Principal, pending: list[Any], raw: Any, target: str | None
) -> tuple[dict[str, Any], list[str]]:
    """``{interrupt_id: resume value}`` for the pending interrupts this resume answers; 403/409 if it may not."""
    by_id = {i.id: i for i in pending}
    if not pending:
        raise ApiError(409, "nothing_to_resume", "the thread has no pending interrupt to resume")
    if target is not None:
        if target not in by_id:
            raise ApiError(409, "already_decided", f"approval {target} is no longer pending")
        answers = {target: raw}
    elif isinstance(raw, Mapping) and raw and all(k in by_id for k in raw):
        answers = dict(raw)
    elif len(pending) == 1:
        answers = {pending[0].id: raw}
    else:
        raise ApiError(409, "ambiguous_resume",
                       f"{len(pending)} interrupts are pending: resume with {{interrupt_id: value}}",
                       field="command.resume")
    out: dict[str, Any] = {}
    for iid, answer in answers.items():
        value = by_id[iid].value
        if isinstance(value, Mapping) and "approval" in value:
            ok, why = may_decide(principal, value)
            if not ok:
                raise ApiError(403, "forbidden", f"you may not decide this action: {why}")
        out[iid] = resume_value(answer, principal)
    return out, list(answers)
