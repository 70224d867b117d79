"""Runs: create (background), wait, stream, get, list, join, join_stream, cancel, delete.

Every run goes through the Redis queue, whichever process executes it; ``wait``/``stream``/``join`` tail the
run's event stream in Redis. ``wait`` answers with a plain JSON body when the run ends within ~4.5 s, else it
streams newlines as keep-alives until the body (langgraph-api does the same). A resume of a parked thread is
``command: {"resume": ...}``; see ``api.launch`` for the 403/409 rules.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from langchain_core.utils.uuid import uuid7
from starlette.responses import Response, StreamingResponse

from api._private import Record
from api.auth import CurrentPrincipal, principal
from api.deps import Services, Svc, check_uuid, json_response
from api.errors import ApiError
from api.events import TERMINAL, keepalive_body, sse_frames, tail, wait_result
from api.launch import ensure_thread, launch, run_config, stream_modes, validate_create
from api.schemas import ErrorPublic, RunCreate, RunPublic, RunStatus
from api.store import run_public
from governance.auth import Principal

router = APIRouter(tags=["runs"], dependencies=[Depends(principal)],
                   responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic},
                              409: {"model": ErrorPublic}, 422: {"model": ErrorPublic}})
_background: set[asyncio.Task[Any]] = set()
_STREAM_ID = re.compile(r"\d{1,20}(-\d{1,20})?")
_WAIT_JSON: dict[int | str, dict[str, Any]] = {200: {"description": "the run's final values, plus `__interrupt__` when it parked at an interrupt "
                                   "or `__error__` when it failed", "content": {"application/json": {}}}}
_SSE: dict[int | str, dict[str, Any]] = {200: {"description": "Server-sent events: metadata, the requested stream modes, error, end",
              "content": {"text/event-stream": {}}}}


def _locations(rec: Record) -> dict[str, str]:
    base = f"/threads/{rec['thread_id']}/runs/{rec['run_id']}"
    return {"Content-Location": base, "Location": f"{base}/join"}


async def _create(svc: Services, who: Principal, thread_id: str | None, body: RunCreate) -> Record:
    validate_create(body)
    if thread_id is None:  # stateless: a fresh thread of the caller's tenant, kept (it may park at an approval)
        tid = str(uuid7())
        await svc.store.create_thread(who.tenant, tid, metadata={"stateless": True})
    else:
        tid = check_uuid(thread_id, "thread_id")
        if body.if_not_exists == "create":
            await ensure_thread(svc, who, tid)
    cmd = body.command
    return await launch(svc, who, tid, input=body.input, resume=cmd.resume if cmd else None,
                        is_resume=cmd is not None, modes=stream_modes(body), metadata=body.metadata,
                        config=run_config(svc, body))


async def _wait_response(svc: Services, rec: Record, headers: dict[str, str]) -> Response:
    task = asyncio.create_task(wait_result(svc.redis, svc.keys, rec["run_id"]))
    done, _ = await asyncio.wait({task}, timeout=4.5)
    if done:
        return json_response(task.result(), headers=headers)
    return StreamingResponse(keepalive_body(task), media_type="application/json", headers=headers)


def _sse_response(svc: Services, rec: Record, modes: list[str], *, last_id: str = "0",
                  cancel_on_disconnect: bool = False) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        finished = False
        try:
            async for frame in sse_frames(tail(svc.redis, svc.keys, rec["run_id"], last_id=last_id), modes):
                yield frame
            finished = True
        finally:
            if cancel_on_disconnect and not finished:
                task = asyncio.get_running_loop().create_task(_cancel(svc, rec))
                _background.add(task)
                task.add_done_callback(_background.discard)

    base = f"/threads/{rec['thread_id']}/runs/{rec['run_id']}"
    return StreamingResponse(body(), media_type="text/event-stream",
                             headers={"Content-Location": base, "Location": f"{base}/stream",
                                      "Cache-Control": "no-store", "X-Accel-Buffering": "no"})


async def _cancel(svc: Services, rec: Record) -> Any:
    snap = await svc.graph.aget_state({"configurable": {"thread_id": rec["thread_id"]}})
    res = await svc.queue.cancel(rec, thread_status="interrupted" if snap.interrupts else "idle")
    if res == "interrupted":  # cancelled while pending: its decisions were never applied
        await svc.store.sync_approvals(rec["tenant"], rec["thread_id"], rec["run_id"],
                                       [(i.id, i.value) for i in snap.interrupts])
    return res


# --- thread runs ---------------------------------------------------------------------------------------------
@router.post("/threads/{thread_id}/runs", response_model=RunPublic)
async def create_run(svc: Svc, who: CurrentPrincipal, thread_id: str, body: RunCreate) -> Response:
    """Queue a background run. 409 ``thread_busy`` while another run holds the thread (multitask strategy
    ``reject``); 409 ``thread_interrupted`` for new input on a thread parked at an interrupt (it would drop the
    pending approval: resume it with ``command.resume`` or ``POST /approvals/{id}``); 409 ``nothing_to_resume``
    for a resume when nothing is pending; 403 when the caller may not decide the pending approval."""
    rec = await _create(svc, who, thread_id, body)
    return json_response(run_public(rec), headers=_locations(rec))


@router.post("/threads/{thread_id}/runs/wait", responses=_WAIT_JSON)
async def wait_run(svc: Svc, who: CurrentPrincipal, thread_id: str, body: RunCreate) -> Response:
    """Queue a run and answer with its result; the same 403/409 rules as creating one."""
    rec = await _create(svc, who, thread_id, body)
    return await _wait_response(svc, rec, _locations(rec))


@router.post("/threads/{thread_id}/runs/stream", responses=_SSE)
async def stream_run(svc: Svc, who: CurrentPrincipal, thread_id: str, body: RunCreate) -> Response:
    """Queue a run and stream its events (SSE); the same 403/409 rules as creating one."""
    rec = await _create(svc, who, thread_id, body)
    return _sse_response(svc, rec, stream_modes(body), cancel_on_disconnect=body.on_disconnect == "cancel")


@router.get("/threads/{thread_id}/runs", response_model=list[RunPublic])
async def list_runs(svc: Svc, who: CurrentPrincipal, thread_id: str, limit: int = Query(default=10, ge=1, le=1000),
                    offset: int = Query(default=0, ge=0), status: RunStatus | None = None) -> Response:
    tid = check_uuid(thread_id, "thread_id")
    await svc.store.require_thread(who.tenant, tid)
    recs = await svc.store.list_runs(tid, limit=limit, offset=offset, status=status)
    return json_response([run_public(r) for r in recs])


async def _run_of(svc: Services, who: Principal, thread_id: str, run_id: str) -> Record:
    tid = check_uuid(thread_id, "thread_id")
    rid = check_uuid(run_id, "run_id")
    await svc.store.require_thread(who.tenant, tid)
    return await svc.store.require_run(tid, rid)


@router.get("/threads/{thread_id}/runs/{run_id}", response_model=RunPublic)
async def get_run(svc: Svc, who: CurrentPrincipal, thread_id: str, run_id: str) -> Response:
    return json_response(run_public(await _run_of(svc, who, thread_id, run_id)))


@router.delete("/threads/{thread_id}/runs/{run_id}", status_code=204)
async def delete_run(svc: Svc, who: CurrentPrincipal, thread_id: str, run_id: str) -> Response:
    rec = await _run_of(svc, who, thread_id, run_id)
    if rec["status"] not in TERMINAL:
        raise ApiError(409, "run_active", f"run {rec['run_id']} is {rec['status']}; cancel it first")
    await svc.store.delete_run(rec["thread_id"], rec["run_id"])
    return Response(status_code=204)


@router.get("/threads/{thread_id}/runs/{run_id}/join", responses=_WAIT_JSON)
async def join_run(svc: Svc, who: CurrentPrincipal, thread_id: str, run_id: str) -> Response:
    rec = await _run_of(svc, who, thread_id, run_id)
    if rec["status"] in TERMINAL:
        return json_response((rec.get("result") or "{}").encode(), headers=_locations(rec))
    return await _wait_response(svc, rec, _locations(rec))


@router.get("/threads/{thread_id}/runs/{run_id}/stream", responses=_SSE)
async def join_run_stream(svc: Svc, who: CurrentPrincipal, request: Request, thread_id: str, run_id: str,
                          cancel_on_disconnect: bool = False) -> Response:
    """Replays the run's events from the start (or after ``Last-Event-ID``) and follows it to the end."""
    rec = await _run_of(svc, who, thread_id, run_id)
    modes: list[str] = []
    for raw in request.query_params.getlist("stream_mode"):
        try:
            parsed = orjson.loads(raw) if raw.startswith("[") else [raw]
        except orjson.JSONDecodeError:
            raise ApiError(422, "validation_error", "stream_mode is not valid", field="stream_mode") from None
        modes += [str(m) for m in parsed if m] if isinstance(parsed, list) else []
    modes = modes or orjson.loads(rec.get("stream_modes") or '["values"]')
    last_id = request.headers.get("last-event-id") or "0"
    if not _STREAM_ID.fullmatch(last_id):
        raise ApiError(422, "validation_error", "Last-Event-ID must be an id this server sent", field="last-event-id")
    return _sse_response(svc, rec, modes, last_id=last_id, cancel_on_disconnect=cancel_on_disconnect)


@router.post("/threads/{thread_id}/runs/{run_id}/cancel", status_code=202,
             responses={200: _WAIT_JSON[200], 202: {"description": "cancellation requested"}})
async def cancel_run(svc: Svc, who: CurrentPrincipal, thread_id: str, run_id: str, wait: bool = False,
                     action: str = "interrupt") -> Response:
    """Pending runs are cancelled at once; running ones stop before their next step (status ``interrupted``)."""
    if action not in ("interrupt", "rollback"):
        raise ApiError(422, "validation_error", "action must be interrupt or rollback", field="action")
    rec = await _run_of(svc, who, thread_id, run_id)
    if rec["status"] in TERMINAL:
        raise ApiError(409, "run_finished", f"run {rec['run_id']} already ended ({rec['status']})")
    await _cancel(svc, rec)
    if wait:
        return json_response(await wait_result(svc.redis, svc.keys, rec["run_id"]))
    return Response(status_code=202)


# --- stateless runs (a new thread of the caller's tenant) ----------------------------------------------------------
@router.post("/runs", response_model=RunPublic)
async def create_stateless_run(svc: Svc, who: CurrentPrincipal, body: RunCreate) -> Response:
    rec = await _create(svc, who, None, body)
    return json_response(run_public(rec), headers=_locations(rec))


@router.post("/runs/wait", responses=_WAIT_JSON)
async def wait_stateless_run(svc: Svc, who: CurrentPrincipal, body: RunCreate) -> Response:
    rec = await _create(svc, who, None, body)
    return await _wait_response(svc, rec, _locations(rec))


@router.post("/runs/stream", responses=_SSE)
async def stream_stateless_run(svc: Svc, who: CurrentPrincipal, body: RunCreate) -> Response:
    rec = await _create(svc, who, None, body)
    return _sse_response(svc, rec, stream_modes(body), cancel_on_disconnect=body.on_disconnect == "cancel")
