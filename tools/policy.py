"""Who may call a tool and who may approve it. One table, read by the registry and the approval node.

Call matrix (``required_roles`` on each spec)::

    tool                    support_agent  support_lead  finance  admin  auditor
    get_customer/list_orders/get_ticket  x       x          x       x      x      (read)
    update_ticket                  x             x          -       x      -      (write, low impact)
    issue_refund (request)         x             x          x       x      -      (high_impact)
    send_email   (request)         x             x          x       x      -      (external)

Approval matrix (``approval_rule``)::

    issue_refund  amount_cents <= 50_000   -> support_lead | finance | admin    risk medium
    issue_refund  amount_cents  > 50_000   -> finance | admin                   risk high
    send_email                             -> support_lead | admin              risk high
    any write with tainted arguments       -> support_lead | admin              risk medium
    reads                                  -> none

``can_approve`` adds: same tenant as the action, an approver role, and never the requester themself
(four eyes). The auditor is read-only everywhere and never approves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from governance.auth import Principal
from tools.spec import ApprovalRequirement, ToolSpec

READ_ROLES: frozenset[str] = frozenset({"support_agent", "support_lead", "finance", "admin", "auditor"})
WRITE_ROLES: frozenset[str] = frozenset({"support_agent", "support_lead", "admin"})
REQUEST_ROLES: frozenset[str] = frozenset({"support_agent", "support_lead", "finance", "admin"})

REFUND_LEAD_LIMIT_CENTS = 50_000
SMALL_REFUND_APPROVERS: tuple[str, ...] = ("support_lead", "finance", "admin")
LARGE_REFUND_APPROVERS: tuple[str, ...] = ("finance", "admin")
EMAIL_APPROVERS: tuple[str, ...] = ("support_lead", "admin")
TAINTED_WRITE_APPROVERS: tuple[str, ...] = ("support_lead", "admin")


def refund_approval(args: Mapping[str, Any]) -> ApprovalRequirement:
    """Every refund needs a second person; above the lead limit it must be finance (or admin)."""
    amount = args.get("amount_cents")
    # Called on raw plan arguments too: an amount we cannot read gets the strictest rule, never a crash.
    if not isinstance(amount, int) or isinstance(amount, bool) or amount > REFUND_LEAD_LIMIT_CENTS:
        return ApprovalRequirement(
            approver_roles=LARGE_REFUND_APPROVERS,
            reason=f"refund of {amount} cents exceeds {REFUND_LEAD_LIMIT_CENTS}: finance approval required",
            risk="high",
        )
    return ApprovalRequirement(
        approver_roles=SMALL_REFUND_APPROVERS,
        reason=f"refund of {amount} cents: a lead, finance or admin must approve",
        risk="medium",
    )


def email_approval(args: Mapping[str, Any]) -> ApprovalRequirement:
    """Outbound mail is the exfiltration channel an injection would use, so a human always reads it first."""
    return ApprovalRequirement(
        approver_roles=EMAIL_APPROVERS,
        reason=f"outbound email to {args.get('to', '?')}: a lead or admin must read it first",
        risk="high",
    )


def _as_mapping(args: Mapping[str, Any] | BaseModel) -> Mapping[str, Any]:
    return args.model_dump(mode="json") if isinstance(args, BaseModel) else args


def approval_rule(
    spec: ToolSpec, args: Mapping[str, Any] | BaseModel, *, tainted: bool = False
) -> ApprovalRequirement | None:
    """The approval a call needs, or None. ``tainted``: some argument came from untrusted data (executor)."""
    mapping = _as_mapping(args)
    if spec.approval is not None:
        return spec.approval(mapping)
    if tainted and spec.has_effect:
        return ApprovalRequirement(
            approver_roles=TAINTED_WRITE_APPROVERS,
            reason=f"{spec.name} arguments derive from untrusted text: a lead or admin must confirm",
            risk="medium",
        )
    return None


def can_call(principal: Principal, spec: ToolSpec) -> bool:
    """RBAC for requesting a tool: the principal holds at least one of the spec's roles."""
    return principal.has_any(*spec.required_roles)


def can_approve(
    approver: Principal, requester_user: str, tenant: str, requirement: ApprovalRequirement | None
) -> tuple[bool, str]:
    """Whether ``approver`` may approve an action requested by ``requester_user`` in ``tenant``; and why not."""
    if requirement is None:
        return False, "this action needs no approval"
    if approver.tenant != tenant:
        return False, "approver belongs to another tenant"
    if approver.user == requester_user:
        return False, "nobody approves their own action"
    if not approver.has_any(*requirement.approver_roles):
        return False, f"approver needs one of the roles: {', '.join(requirement.approver_roles)}"
    return True, "ok"
