"""The approver's side: who may decide a parked action, the resume value the graph expects, the list items.

``may_decide`` is the one check, used by ``POST /approvals/{id}`` and by SDK resumes (``command.resume``) of a
thread parked at an approval; the graph checks the decision again when it resumes. ``fresh`` gives the principal
the roles it holds *now* (the role directory, when the runtime has one): a token minted before a revocation
still carries the revoked role for up to two hours, and the inbox must neither list nor accept decisions on
that basis.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import anyio
import orjson

from governance.auth import Principal

log = logging.getLogger("warden.api")


async def fresh(runtime: Any, principal: Principal) -> Principal:
    """``principal`` with its revoked roles removed, read from the runtime's role directory (a SQL read, so in a
    worker thread). A runtime without one (a stand-in graph in tests) leaves the token's roles."""
    roles = getattr(getattr(runtime, "deps", None), "roles", None)
    if roles is None or not hasattr(roles, "refresh"):
        return principal
    refreshed: Principal = await anyio.to_thread.run_sync(roles.refresh, principal)
    return refreshed


def may_decide(principal: Principal, approval_payload: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether ``principal`` may decide the action described by an interrupt's ``approval`` block."""
    approval = approval_payload.get("approval", approval_payload)
    if not isinstance(approval, Mapping):
        return False, "the pending action carries no approval requirement"
    tenant = str(approval.get("tenant", ""))
    requester = str(approval.get("requested_by", ""))
    roles = tuple(str(r) for r in approval.get("approver_roles") or ())
    if principal.tenant != tenant:
        return False, "approver belongs to another tenant"
    if principal.user == requester:
        return False, "nobody approves their own action"
    if not principal.has_any(*roles):
        return False, f"approver needs one of the roles: {', '.join(roles) or '(none listed)'}"
    return _policy_check(principal, requester, tenant, roles)


def _policy_check(principal: Principal, requester: str, tenant: str, roles: tuple[str, ...]) -> tuple[bool, str]:
    """The tools' own approval policy, when it is importable, may refuse more (never allow more)."""
    try:
        from tools.policy import can_approve
        from tools.spec import ApprovalRequirement
    except ImportError:
        return True, "ok"
    requirement = ApprovalRequirement.model_construct(approver_roles=roles, reason="", risk="medium")
    try:
        return can_approve(principal, requester, tenant, requirement)
    except (TypeError, AttributeError) as exc:  # its signature moved on: the checks above stand
        log.warning("tools.policy.can_approve unusable (%s); using the server's check", exc)
        return True, "ok"


def resume_value(raw: Any, principal: Principal) -> dict[str, Any]:
    """The graph's resume value from a client's: ``{decision, args, comment}`` kept, anything else wrapped as
    the decision; ``decided_by`` is always the authenticated principal, whatever the client sent."""
    if isinstance(raw, Mapping) and "decision" in raw:
        value = {"decision": raw.get("decision"), "args": raw.get("args"), "comment": raw.get("comment")}
    else:
        value = {"decision": raw, "args": None, "comment": None}
    value["decided_by"] = principal.as_dict()
    return value


def approval_item(rec: Mapping[str, str]) -> dict[str, Any]:
    """An index entry as ``GET /approvals`` lists it."""
    value: dict[str, Any] = orjson.loads(rec["value"])
    approval = value.get("approval") or {}
    action = value.get("action_request") or {}
    return {
        "id": rec["id"],
        "thread_id": rec["thread_id"],
        "run_id": rec.get("run_id"),
        "created_at": rec.get("created_at"),
        "tool": approval.get("tool") or action.get("action"),
        "args": approval.get("args", action.get("args")),
        "description": value.get("description"),
        "requested_by": approval.get("requested_by"),
        "approver_roles": list(approval.get("approver_roles") or ()),
        "tainted": list(approval.get("tainted") or ()),
        "provenance": dict(approval.get("provenance") or {}),
        "tier": approval.get("tier"),
        "version": approval.get("version"),
        "step": approval.get("step"),
        "risk": approval.get("risk"),
        "rule": approval.get("rule"),
        "reason": approval.get("reason"),
        "expires_at": approval.get("expires_at"),
        "config": value.get("config"),
    }
