"""approval: park the pending action with ``interrupt()`` until an allowed human decides.

The interrupt payload is agent-inbox's HumanInterrupt (``action_request``, ``config``, ``description``) plus an
``approval`` block the server indexes. The resume value is ``{"decision": ..., "args"?, "comment"?,
"decided_by": {tenant, user, roles}}``; the server stamps ``decided_by`` from the verified token. The decision
may also be an agent-inbox HumanResponse (``{"type": "accept"|"edit"|"ignore"|"response", "args": ...}``, or a
list of one). The node checks the decider again (defence in depth): a decision from someone who may not make
it, or an edit whose new arguments fail validation, is refused and the action stays parked, with the reason
shown in the next interrupt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.types import interrupt
from sqlalchemy.orm import Session

from governance.auth import Principal
from nodes.context import deps_of
from nodes.state import State, StepResult
from tools.errors import ToolError
from tools.policy import can_approve
from tools.spec import ApprovalRequirement

Kind = Literal["accept", "edit", "reject"]


@dataclass(frozen=True)
class Decision:
    kind: Kind
    decided_by: Principal
    args: dict[str, Any] | None = None
    comment: str | None = None


def parse_decision(raw: Any) -> Decision | str:
    """Normalise a resume value; return a Decision or the reason it is unusable."""
    if not isinstance(raw, dict):
        return "resume value must be an object with decision and decided_by"
    who = raw.get("decided_by")
    if not isinstance(who, dict) or not who.get("user") or not who.get("tenant"):
        return "decision carries no authenticated decider"
    decided_by = Principal(tenant=str(who["tenant"]), user=str(who["user"]), roles=tuple(who.get("roles") or ()))
    decision, args, comment = raw.get("decision"), raw.get("args"), raw.get("comment")
    if isinstance(decision, list) and len(decision) == 1:
        decision = decision[0]
    if isinstance(decision, dict):  # agent-inbox HumanResponse
        kind = decision.get("type")
        payload = decision.get("args")
        if kind == "edit" and isinstance(payload, dict):
            args = payload.get("args", payload)
        elif kind == "response":
            comment = comment or (payload if isinstance(payload, str) else None)
        decision = {"accept": "accept", "edit": "edit", "ignore": "reject", "response": "reject"}.get(str(kind))
    if decision in ("approve", "approved"):
        decision = "accept"
    if decision not in ("accept", "edit", "reject"):
        return f"unknown decision {decision!r}: use accept, edit or reject"
    if decision == "edit" and not isinstance(args, dict):
        return "an edit needs the new args as an object"
    return Decision(kind=decision, decided_by=decided_by, args=args if decision == "edit" else None,
                    comment=str(comment)[:1000] if comment else None)


def interrupt_payload(state: State, pending: dict[str, Any], refusal: str | None) -> dict[str, Any]:
    requester = state.get("requester", {})
    req = pending["requirement"]
    taint = f" Tainted arguments (derived from untrusted text): {', '.join(pending['tainted'])}." \
        if pending.get("tainted") else ""
    description = (f"{requester.get('user')} asked: {state.get('request', '')!r}. Step {pending['step'] + 1}: "
                   f"{pending['tool']} ({pending.get('tier')}, {req['risk']} risk) because: {pending.get('why') or '-'}. "
                   f"{req['reason']}.{taint} Approver roles: {', '.join(req['approver_roles'])}.")
    if refusal:
        description += f" Previous decision refused: {refusal}."
    return {
        "action_request": {"action": pending["tool"], "args": pending["args"]},
        "config": {"allow_accept": True, "allow_edit": True, "allow_respond": False, "allow_ignore": True},
        "description": description,
        "approval": {
            "tool": pending["tool"], "version": pending["version"], "tier": pending.get("tier"),
            "args": pending["args"], "approver_roles": list(req["approver_roles"]), "risk": req["risk"],
            "requested_by": requester.get("user"), "tenant": requester.get("tenant"),
            "step": pending["step"], "tainted": pending.get("tainted", []), "why": pending.get("why", ""),
        },
    }


def _requirement(req: dict[str, Any]) -> ApprovalRequirement:
    return ApprovalRequirement(approver_roles=tuple(req["approver_roles"]), reason=req["reason"], risk=req["risk"])


def approval(state: State, config: RunnableConfig) -> dict[str, Any]:
    deps = deps_of(config)
    pending = dict(state["pending"] or {})
    requester = state.get("requester", {})
    refusal: str | None = None
    while True:
        decision = parse_decision(interrupt(interrupt_payload(state, pending, refusal)))
        if isinstance(decision, str):
            refusal = decision
            continue
        ok, why = can_approve(decision.decided_by, str(requester.get("user")), str(requester.get("tenant")),
                              _requirement(pending["requirement"]))
        if not ok:
            refusal = why
            continue
        if decision.kind == "edit":
            with Session(deps.engine) as session:
                checked = deps.registry.validate(session, Principal(**requester), pending["tool"],
                                                 pending["version"], decision.args or {})
            if isinstance(checked, ToolError):
                refusal = f"edited args invalid: {checked.field or '-'}: {checked.message}"
                continue
            pending["args"] = decision.args
        break
    if decision.kind == "reject":
        rejected: StepResult = {
            "step": pending["step"], "tool": pending["tool"], "version": pending["version"], "args": pending["args"],
            "status": "rejected", "output": None, "replayed": False, "idempotency_key": None,
            "approved_by": decision.decided_by.user, "tainted": pending.get("tainted", []),
            "error": {"error": "rejected_by_approver", "message": decision.comment or "rejected",
                      "field": None, "retryable": False},
        }
        return {"results": [*state.get("results", []), rejected], "cursor": pending["step"] + 1, "pending": None}
    return {"pending": pending | {"approved": True, "approved_by": decision.decided_by.user,
                                  "comment": decision.comment}}
