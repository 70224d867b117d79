"""Expired approvals end on their own: a sweeper in every server process resumes them with a system decision.

The graph already refuses a decision that comes after ``expires_at`` (nodes.approval); this makes a run whose
approver never shows up end too, rather than sit in the inbox until its checkpoint TTL. Every
``WARDEN_APPROVAL_SWEEP_S`` seconds each process reads the tenants' pending-approval indexes and, for each one
past its ``expires_at``, launches a resume with ``{"decision": "expire"}`` as ``warden:expiry`` — through the same
``launch`` as any decision, so the thread lock makes concurrent sweepers (or a human deciding at that very
moment) harmless: one wins, the others get 409 and move on. The run then ends ``approval_expired`` and the
approval leaves every inbox. ``warden:expiry`` carries the action's approver roles only to pass the server's
inbox check; the node honours an ``expire`` decision by the clock alone, whoever sends it, and never as an
approval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import orjson

from api.anchors import publish_heads, read_heads
from api.deps import Services
from api.errors import ApiError
from api.launch import launch
from governance.auth import Principal

log = logging.getLogger("warden.expiry")
SYSTEM_USER = "warden:expiry"
MARGIN_S = 0.01  # expires_at is published with microsecond precision; never fire before the node agrees


def _expires_at(value: dict[str, Any]) -> float | None:
    raw = (value.get("approval") or {}).get("expires_at")
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw).timestamp()
    except ValueError:
        return None


def _audit_engine(svc: Services) -> Any:
    """The engine of this runtime's audit trail, or None (a stand-in runtime keeps none)."""
    return getattr(getattr(svc.runtime, "deps", None), "engine", None)


async def _tenants(svc: Services, audit_heads: dict[str, Any] | None) -> list[str]:
    """Tenants that may have pending approvals. With an audit trail: every tenant with audit records (its
    heads) — a superset, since an action is recorded (fail-closed) before it is parked — from one indexed SQL
    query rather than a SCAN of the whole Redis keyspace every sweep. Without one: the SCAN."""
    if audit_heads is not None:
        return sorted(audit_heads)
    head, tail = f"{svc.keys.prefix}:tenant:", ":approvals"
    found = [key async for key in svc.redis.scan_iter(match=f"{head}*{tail}", count=500)]
    return sorted({k[len(head):-len(tail)] for k in found})


async def sweep_once(svc: Services, *, now: float | None = None,
                     audit_heads: dict[str, Any] | None = None) -> list[str]:
    """Resume every expired pending approval once; returns the approval ids it launched an expiry for.
    ``audit_heads`` (``api.anchors.read_heads``) names the tenants to look at; without it they are read here."""
    now = time.time() if now is None else now
    if audit_heads is None and (engine := _audit_engine(svc)) is not None:
        audit_heads = await read_heads(engine)
    launched: list[str] = []
    for tenant in await _tenants(svc, audit_heads):
        for rec in await svc.store.pending_approvals(tenant):
            value = orjson.loads(rec["value"])
            expires = _expires_at(value)
            if expires is None or now < expires + MARGIN_S:
                continue
            approval = value.get("approval") or {}
            system = Principal(tenant, SYSTEM_USER, tuple(str(r) for r in approval.get("approver_roles") or ()))
            try:
                await launch(svc, system, rec["thread_id"], resume={"decision": "expire", "comment": "expired"},
                             is_resume=True, target_interrupt=rec["id"], modes=["values"],
                             metadata={"approval_id": rec["id"], "decision": "expire"})
            except ApiError as err:  # busy thread, already decided, ...: the next sweep sees the new state
                log.info("expiry of approval %s skipped: %s %s", rec["id"], err.status_code, err.code)
                continue
            launched.append(rec["id"])
    return launched


async def _loop(svc: Services) -> None:
    interval = svc.settings.approval_sweep_s
    while True:
        audit_heads = None
        try:
            engine = _audit_engine(svc)
            audit_heads = await read_heads(engine) if engine is not None else None
            expired = await sweep_once(svc, audit_heads=audit_heads)
            if expired:
                log.warning("expired %d pending approval(s): %s", len(expired), ", ".join(expired))
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("approval expiry sweep failed; retrying")
        try:  # the same heads, published as anchors (api.anchors)
            if audit_heads:
                await publish_heads(svc.redis, svc.keys.prefix, audit_heads)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("publishing the audit heads failed; retrying")
        await asyncio.sleep(interval)


@asynccontextmanager
async def expiry_sweeper(svc: Services | None) -> AsyncIterator[None]:
    """Run the sweeper for the lifetime of the server (used by the lifespan in api.app)."""
    task = asyncio.create_task(_loop(svc), name="approval-expiry") if svc is not None else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
