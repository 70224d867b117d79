"""Threads: records in Redis (tenant-scoped), state and history from the checkpointer.

There is deliberately no ``POST /threads/{id}/state`` (update_state) and no ``supersteps`` on create: a client
must not write graph state past the planner's and the approval's checks. Such calls get 405 / 422.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Depends, Query
from langchain_core.utils.uuid import uuid7
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from api.auth import CurrentPrincipal, principal
from api.deps import Svc, check_uuid, json_response
from api.encode import dumps, thread_state
from api.errors import ApiError
from api.keys import now_iso
from api.schemas import (
    ErrorPublic,
    ThreadCount,
    ThreadCreate,
    ThreadHistoryQuery,
    ThreadPublic,
    ThreadSearch,
    ThreadStateAt,
    ThreadStatePublic,
)
from api.store import thread_public

router = APIRouter(prefix="/threads", tags=["threads"], dependencies=[Depends(principal)],
                   responses={401: {"model": ErrorPublic}, 404: {"model": ErrorPublic},
                              422: {"model": ErrorPublic}})


class ThreadPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")
    metadata: dict[str, Any] | None = None


@router.post("", response_model=ThreadPublic, responses={409: {"model": ErrorPublic}})
async def create_thread(svc: Svc, who: CurrentPrincipal, body: ThreadCreate) -> Response:
    tid = str(body.thread_id) if body.thread_id else str(uuid7())
    rec = await svc.store.create_thread(who.tenant, tid, metadata=body.metadata, if_exists=body.if_exists or "raise")
    return json_response(thread_public(rec))


@router.post("/search", response_model=list[ThreadPublic])
async def search_threads(svc: Svc, who: CurrentPrincipal, body: ThreadSearch) -> Response:
    recs = await svc.store.search_threads(
        who.tenant, ids=[str(i) for i in body.ids] if body.ids else None, metadata=body.metadata,
        status=body.status, limit=body.limit, offset=body.offset, sort_by=body.sort_by, sort_order=body.sort_order)
    return json_response([thread_public(r) for r in recs])


@router.post("/count", response_model=int)
async def count_threads(svc: Svc, who: CurrentPrincipal, body: ThreadCount) -> Response:
    recs = await svc.store.search_threads(who.tenant, ids=None, metadata=body.metadata, status=body.status,
                                          limit=1_000_000, offset=0, sort_by="created_at", sort_order="desc")
    return json_response(len(recs))


@router.get("/{thread_id}", response_model=ThreadPublic)
async def get_thread(svc: Svc, who: CurrentPrincipal, thread_id: str) -> Response:
    tid = check_uuid(thread_id, "thread_id")
    return json_response(thread_public(await svc.store.require_thread(who.tenant, tid)))


@router.patch("/{thread_id}", response_model=ThreadPublic)
async def patch_thread(svc: Svc, who: CurrentPrincipal, thread_id: str, body: ThreadPatch) -> Response:
    tid = check_uuid(thread_id, "thread_id")
    rec = await svc.store.require_thread(who.tenant, tid)
    if body.metadata:
        merged = {**orjson.loads(rec.get("metadata") or "{}"), **body.metadata}
        rec["metadata"], rec["updated_at"] = dumps(merged).decode(), now_iso()
        await svc.redis.hset(svc.keys.thread(tid), mapping={"metadata": rec["metadata"],
                                                            "updated_at": rec["updated_at"]})
    return json_response(thread_public(rec))


@router.delete("/{thread_id}", status_code=204, responses={409: {"model": ErrorPublic}})
async def delete_thread(svc: Svc, who: CurrentPrincipal, thread_id: str) -> Response:
    """Deletes the record, its runs, events, approval entries and checkpoints. 409 while a run holds it."""
    tid = check_uuid(thread_id, "thread_id")
    await svc.store.require_thread(who.tenant, tid)
    if await svc.queue.holder(tid):
        raise ApiError(409, "thread_busy", f"thread {tid} has a run in progress; cancel it first")
    await svc.store.delete_thread(who.tenant, tid)
    await svc.runtime.checkpointer.adelete_thread(tid)
    return Response(status_code=204)


async def _state(svc: Svc, tenant: str, thread_id: str, checkpoint: dict[str, Any] | None = None) -> Response:
    tid = check_uuid(thread_id, "thread_id")
    await svc.store.require_thread(tenant, tid)
    conf: dict[str, Any] = {"thread_id": tid}
    if checkpoint and checkpoint.get("checkpoint_id"):
        conf.update(checkpoint_id=checkpoint["checkpoint_id"], checkpoint_ns=checkpoint.get("checkpoint_ns") or "")
    snap = await svc.graph.aget_state({"configurable": conf})
    if checkpoint and checkpoint.get("checkpoint_id") and snap.config.get("configurable", {}).get(
            "checkpoint_id") != checkpoint["checkpoint_id"]:
        raise ApiError(404, "not_found", f"checkpoint {checkpoint['checkpoint_id']} not found")
    return json_response(dumps(thread_state(snap)))


@router.get("/{thread_id}/state", response_model=ThreadStatePublic)
async def get_thread_state(svc: Svc, who: CurrentPrincipal, thread_id: str,
                           subgraphs: bool = Query(default=False)) -> Response:
    return await _state(svc, who.tenant, thread_id)


@router.post("/{thread_id}/state/checkpoint", response_model=ThreadStatePublic)
async def get_thread_state_at_checkpoint(svc: Svc, who: CurrentPrincipal, thread_id: str,
                                         body: ThreadStateAt) -> Response:
    return await _state(svc, who.tenant, thread_id, body.checkpoint.model_dump())


@router.get("/{thread_id}/state/{checkpoint_id}", response_model=ThreadStatePublic)
async def get_thread_state_at(svc: Svc, who: CurrentPrincipal, thread_id: str, checkpoint_id: str) -> Response:
    return await _state(svc, who.tenant, thread_id, {"checkpoint_id": checkpoint_id})


async def _history(svc: Svc, tenant: str, thread_id: str, q: ThreadHistoryQuery) -> Response:
    tid = check_uuid(thread_id, "thread_id")
    await svc.store.require_thread(tenant, tid)
    conf: dict[str, Any] = {"thread_id": tid}
    if q.checkpoint is not None and q.checkpoint.checkpoint_id:
        conf.update(checkpoint_id=q.checkpoint.checkpoint_id, checkpoint_ns=q.checkpoint.checkpoint_ns or "")
    before = q.before if isinstance(q.before, str) or q.before is None else q.before.checkpoint_id
    before_conf = {"configurable": {"thread_id": tid, "checkpoint_id": before}} if before else None
    states = [thread_state(s) async for s in svc.graph.aget_state_history(
        {"configurable": conf}, filter=q.metadata or None, before=before_conf, limit=q.limit)]
    return json_response(dumps(states))


@router.post("/{thread_id}/history", response_model=list[ThreadStatePublic])
async def post_thread_history(svc: Svc, who: CurrentPrincipal, thread_id: str, body: ThreadHistoryQuery) -> Response:
    return await _history(svc, who.tenant, thread_id, body)


@router.get("/{thread_id}/history", response_model=list[ThreadStatePublic])
async def get_thread_history(svc: Svc, who: CurrentPrincipal, thread_id: str,
                             limit: int = Query(default=10, ge=1, le=1000), before: str | None = None) -> Response:
    return await _history(svc, who.tenant, thread_id, ThreadHistoryQuery(limit=limit, before=before))
