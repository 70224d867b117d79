"""``GET /audit``: the caller's tenant's audit trail, for the ``auditor`` and ``admin`` roles; paged in chain order.

``GET /audit/verify`` recomputes the tenant's hash chain, checks it against the heads published in Redis
(``api.anchors``: a cut or rewritten tail) and names the first broken record (what
``warden audit verify`` does, for those who may read the trail). Roles are refreshed from the role directory, so a
revoked auditor is refused at once; anyone else gets a structured 403. Tenant-scoped by the token: there is no
parameter that names a tenant. Payloads were PII-redacted before they were written (governance.pii).
"""

from __future__ import annotations

from typing import Any

import anyio
from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from starlette.responses import Response

from api.anchors import read_anchors
from api.auth import CurrentPrincipal, principal
from api.deps import Services, Svc, json_response
from api.errors import ApiError
from api.schemas import ErrorPublic
from governance.audit import AUDIT_KINDS, verify_chain
from governance.auth import Principal

READERS = frozenset({"auditor", "admin"})
router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[Depends(principal)],
                   responses={401: {"model": ErrorPublic}, 403: {"model": ErrorPublic},
                              503: {"model": ErrorPublic}})


class AuditRecordPublic(BaseModel):
    seq: int = Field(description="position in the tenant's chain, from 1")
    ts: str
    kind: str
    actor: str
    thread_id: str | None
    event_key: str
    payload: Any
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    tenant: str
    items: list[AuditRecordPublic]
    next_after: int | None = Field(description="pass as ?after= for the next page; null on the last page")


class ChainVerdict(BaseModel):
    tenant: str
    ok: bool
    records: int
    head_seq: int
    head_hash: str
    broken: dict[str, Any] | None
    anchors_checked: int = Field(description="published heads (api.anchors) the chain was checked against")


def _reader(svc: Services, who: Principal) -> Any:
    deps = getattr(svc.runtime, "deps", None)
    if deps is None or not hasattr(deps, "audit"):
        raise ApiError(503, "unavailable", "this server's runtime keeps no audit trail")
    fresh = deps.roles.refresh(who)
    if not fresh.has_any(*READERS):
        raise ApiError(403, "forbidden", "the audit trail is readable by the auditor and admin roles only")
    return deps


@router.get("", response_model=AuditPage)
async def list_audit(svc: Svc, who: CurrentPrincipal,
                     after: int = Query(0, ge=0, le=2**62, description="return records with seq greater than this"),
                     limit: int = Query(100, ge=1, le=500),
                     kind: str | None = Query(None, description=f"one of: {', '.join(sorted(AUDIT_KINDS))}"),
                     thread_id: str | None = Query(None, max_length=160)) -> Response:
    """One page of the caller's tenant's audit records, oldest first."""
    if kind is not None and kind not in AUDIT_KINDS:
        raise ApiError(422, "validation_error", f"kind must be one of: {', '.join(sorted(AUDIT_KINDS))}",
                       field="kind")
    deps = await anyio.to_thread.run_sync(_reader, svc, who)
    records = await anyio.to_thread.run_sync(
        lambda: deps.audit.read(who.tenant, after_seq=after, limit=limit, kind=kind, thread_id=thread_id))
    items = [r.public() for r in records]
    next_after = records[-1].seq if len(records) == limit else None
    return json_response({"tenant": who.tenant, "items": items, "next_after": next_after})


@router.get("/verify", response_model=ChainVerdict)
async def verify(svc: Svc, who: CurrentPrincipal) -> Response:
    """Recompute the caller's tenant's hash chain; ``broken`` names the first record that does not verify."""
    deps = await anyio.to_thread.run_sync(_reader, svc, who)
    anchors = await read_anchors(svc.redis, svc.keys.prefix, who.tenant)
    [report] = await anyio.to_thread.run_sync(lambda: verify_chain(deps.engine, who.tenant, anchors=anchors))
    broken = None if report.broken is None else {
        "seq": report.broken.seq, "id": report.broken.id, "event_key": report.broken.event_key,
        "reason": report.broken.reason}
    return json_response({"tenant": report.tenant, "ok": report.ok, "records": report.records,
                          "head_seq": report.head_seq, "head_hash": report.head_hash, "broken": broken,
                          "anchors_checked": len(anchors.get(who.tenant, []))})
