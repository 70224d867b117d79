"""The approver's inbox: pending actions the caller may decide (their tenant only), and the decision.

``POST /approvals/{id}`` answers 202 with the resume run (queued through Redis like any run), or with
``?wait=true`` 200 once that run has ended, its result included. 403 when ``may_decide`` refuses (self-approval,
missing role), 404 for an unknown id or another tenant's, 409 when it was already decided or the thread is busy.
"""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Depends
from starlette.responses import Response

from api.approvals import approval_item, fresh, may_decide
from api.auth import CurrentPrincipal, principal
from api.deps import Svc, json_response
from api.errors import ApiError, not_found
from api.events import wait_result
from api.launch import launch
from api.schemas import ApprovalDecided, ApprovalDecision, ApprovalPublic, ErrorPublic
from api.store import run_public

router = APIRouter(prefix="/approvals", tags=["approvals"], dependencies=[Depends(principal)],
                   responses={401: {"model": ErrorPublic}})


@router.get("", response_model=list[ApprovalPublic])
async def list_approvals(svc: Svc, who: CurrentPrincipal) -> Response:
    """Pending actions in the caller's tenant that the caller may decide (with the roles they hold now), oldest
    first."""
    recs = await svc.store.pending_approvals(who.tenant)
    who = await fresh(svc.runtime, who)
    items = [approval_item(r) for r in recs if may_decide(who, orjson.loads(r["value"]))[0]]
    return json_response(items)


@router.get("/{approval_id}", response_model=ApprovalPublic, responses={404: {"model": ErrorPublic}})
async def get_approval(svc: Svc, who: CurrentPrincipal, approval_id: str) -> Response:
    rec = await svc.store.get_approval(who.tenant, approval_id)
    if rec is None:
        raise not_found("approval", approval_id)
    return json_response({**approval_item(rec), "status": rec.get("status")})


@router.post("/{approval_id}", response_model=ApprovalDecided, status_code=202,
             responses={200: {"model": ApprovalDecided, "description": "with ?wait=true: the run has ended"},
                        403: {"model": ErrorPublic}, 404: {"model": ErrorPublic}, 409: {"model": ErrorPublic},
                        422: {"model": ErrorPublic}})
async def decide(svc: Svc, who: CurrentPrincipal, approval_id: str, body: ApprovalDecision,
                 wait: bool = False) -> Response:
    rec = await svc.store.get_approval(who.tenant, approval_id)
    if rec is None:
        raise not_found("approval", approval_id)
    if rec.get("status") != "pending":
        raise ApiError(409, "already_decided", f"approval {approval_id} was already decided")
    ok, why = may_decide(await fresh(svc.runtime, who), orjson.loads(rec["value"]))
    if not ok:
        raise ApiError(403, "forbidden", f"you may not decide this action: {why}")
    if body.decision == "edit" and body.args is None:
        raise ApiError(422, "validation_error", "an edit needs the new args", field="args")
    run = await launch(svc, who, rec["thread_id"], resume=body.model_dump(), is_resume=True,
                       target_interrupt=approval_id, modes=["values"],
                       metadata={"approval_id": approval_id, "decision": body.decision})
    out: dict[str, object] = {"approval_id": approval_id, "run": run_public(run), "result": None}
    if not wait:
        return json_response(out, status_code=202)
    result = await wait_result(svc.redis, svc.keys, run["run_id"])
    run = await svc.store.require_run(run["thread_id"], run["run_id"])
    out.update(run=run_public(run), result=orjson.Fragment(result))
    return json_response(out)
