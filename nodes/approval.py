"""approval: park the pending action with ``interrupt()`` until an allowed human decides, or until it expires.

The interrupt payload is agent-inbox's HumanInterrupt (``action_request``, ``config``, ``description``) plus an
``approval`` block the server indexes (tool, version, args, approver roles, risk, the policy rule and its
reason, the facts it used, who asked, ``expires_at``). The resume value is ``{"decision": ..., "args"?,
"comment"?, "decided_by": {tenant, user, roles}}``; the server stamps ``decided_by`` from the verified token.
The decision may also be an agent-inbox HumanResponse (``{"type": "accept"|"edit"|"ignore"|"response", ...}``,
or a list of one).

Checks, again here (defence in depth): the decider's roles are refreshed from the role directory; the decider
must be of the action's tenant, hold an approver role, and not be the requester. An edit re-runs the full
validation with the requester's fresh roles, and the policy again on the new arguments: an edit that raises the
approval level (a lead raising a refund above the lead limit) is refused unless the decider may approve *that*.
A refused decision leaves the action parked, with the reason shown in the next interrupt.

Expiry: the executor stamps ``expires_at`` (``WARDEN_APPROVAL_TTL_S`` after parking) into the pending action.
When this node runs at or after it — a late decision, or the server's sweeper resuming with ``{"decision":
"expire"}`` — nothing is decided: the step is recorded ``expired`` and the run ends ``approval_expired``. The
check is at the top of the node, before any earlier decision is replayed, so a re-execution after expiry (the
node runs again on every resume) can only expire, never approve. ``"expire"`` before the deadline is refused.

Audit: each time the action is shown (``approval_requested``: the exact payload) and each decision
(``approval_decided``: who, their fresh roles, accept/edit/reject/refused and why, the sha256 of what they were
shown). Keys count the asks, so replays on resume append nothing new.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from langchain_core.runnables import RunnableConfig
from langgraph.types import interrupt
from sqlalchemy.orm import Session

from governance.audit import canonical_json
from governance.auth import Principal
from nodes import audit
from nodes.context import Deps, deps_of
from nodes.state import State, StepResult, epoch
from tools.errors import ToolError
from tools.policy import can_approve
from tools.spec import ApprovalRequirement

Kind = Literal["accept", "edit", "reject", "expire"]


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
    roles = who.get("roles") or ()
    if not isinstance(roles, list | tuple) or not all(isinstance(r, str) for r in roles):
        return "decider roles must be a list of strings"
    decided_by = Principal(tenant=str(who["tenant"]), user=str(who["user"]), roles=tuple(roles))
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
    if decision not in ("accept", "edit", "reject", "expire"):
        return f"unknown decision {str(decision)[:40]!r}: use accept, edit or reject"
    if decision == "edit" and not isinstance(args, dict):
        return "an edit needs the new args as an object"
    return Decision(kind=decision, decided_by=decided_by, args=args if decision == "edit" else None,
                    comment=str(comment)[:1000] if comment else None)


def _iso(value: str | float, timespec: str = "microseconds") -> str:
    return datetime.fromtimestamp(epoch(value), UTC).isoformat(timespec=timespec)


def interrupt_payload(state: State, pending: dict[str, Any], refusal: str | None) -> dict[str, Any]:
    requester = state.get("requester", {})
    req = pending["requirement"]
    sources = pending.get("provenance") or {}
    taint = " Tainted arguments (derived from untrusted text): " + ", ".join(
        f"{name} ({sources[name]})" if name in sources else name for name in pending["tainted"]) + "." \
        if pending.get("tainted") else ""
    expires = _iso(pending["expires_at"]) if pending.get("expires_at") else None
    expires_text = _iso(pending["expires_at"], "seconds") if pending.get("expires_at") else None
    description = (f"{requester.get('user')} asked: {state.get('request', '')!r}. Step {pending['step'] + 1}: "
                   f"{pending['tool']} ({pending.get('tier')}, {req['risk']} risk) because: {pending.get('why') or '-'}. "
                   f"{req['reason']}.{taint} Approver roles: {', '.join(req['approver_roles'])}."
                   + (f" Expires {expires_text}." if expires_text else ""))
    if refusal:
        description += f" Previous decision refused: {refusal}."
    return {
        "action_request": {"action": pending["tool"], "args": pending["args"]},
        "config": {"allow_accept": True, "allow_edit": True, "allow_respond": False, "allow_ignore": True},
        "description": description,
        "approval": {
            "tool": pending["tool"], "version": pending["version"], "tier": pending.get("tier"),
            "args": pending["args"], "approver_roles": list(req["approver_roles"]), "risk": req["risk"],
            "rule": req.get("rule", ""), "reason": req["reason"], "facts": pending.get("facts", {}),
            "requested_by": requester.get("user"), "tenant": requester.get("tenant"),
            "step": pending["step"], "tainted": pending.get("tainted", []), "why": pending.get("why", ""),
            "provenance": dict(sources),
            "requested_at": _iso(pending["requested_at"]) if pending.get("requested_at") else None,
            "expires_at": expires,
        },
    }


def _requirement(req: dict[str, Any]) -> ApprovalRequirement:
    return ApprovalRequirement.model_validate(req)


def _edit(deps: Deps, requester: Principal, decider: Principal, pending: dict[str, Any],
          args: dict[str, Any]) -> dict[str, Any] | str:
    """The pending action with the edited args and the requirement they need, or why the edit is refused."""
    with Session(deps.read_engine) as session:
        checked = deps.registry.validate(session, requester, pending["tool"], pending["version"], args,
                                         tainted=bool(pending.get("tainted")))
    if isinstance(checked, ToolError):
        return f"edited args invalid: {checked.field or '-'}: {checked.message}"
    if checked.approval is None:  # never weaker than what was asked: keep the original requirement
        return pending | {"args": args}
    ok, why = can_approve(decider, str(requester.user), requester.tenant, checked.approval)
    if not ok:
        return f"the edited call needs another approval ({checked.approval.reason}): {why}"
    return pending | {"args": args, "requirement": checked.approval.model_dump(mode="json"),
                      "facts": checked.facts}


def _step_result(pending: dict[str, Any], status: Literal["rejected", "expired"], by: str | None,
                 error: str, message: str) -> StepResult:
    return {"step": pending["step"], "tool": pending["tool"], "version": pending["version"],
            "args": pending["args"], "status": status, "output": None, "replayed": False, "idempotency_key": None,
            "approved_by": by, "tainted": pending.get("tainted", []),
            "error": {"error": error, "message": message, "field": None, "retryable": False}}


def approval(state: State, config: RunnableConfig) -> dict[str, Any]:
    deps = deps_of(config)
    pending = dict(state["pending"] or {})
    requester = Principal(**state["requester"])
    step_key = f"step-{pending['step']}"
    if pending.get("expires_at") is not None and deps.clock() >= epoch(pending["expires_at"]):
        expired = _step_result(pending, "expired", None, "approval_expired",
                               f"no decision before {_iso(pending['expires_at'])}")
        audit.emit(deps, config, state, "approval_decided", f"{step_key}/expired",
                   {"decision": "expired", "tool": pending["tool"], "expires_at": _iso(pending["expires_at"])},
                   actor="warden:expiry")
        return {"results": [*state.get("results", []), expired], "cursor": pending["step"] + 1, "pending": None}
    refusal: str | None = None
    ask = 0
    while True:
        ask += 1
        shown = interrupt_payload(state, pending, refusal)
        audit.emit(deps, config, state, "approval_requested", f"{step_key}/ask-{ask}", {"shown": shown})
        raw = interrupt(shown)
        decision = parse_decision(raw)
        record: dict[str, Any] = {"ask": ask, "shown_sha256": hashlib.sha256(canonical_json(shown).encode())
                                  .hexdigest(), "tool": pending["tool"]}
        if isinstance(decision, str):
            refusal = decision
            audit.emit(deps, config, state, "approval_decided", f"{step_key}/ask-{ask}",
                       record | {"decision": "unusable", "refused": refusal})
            continue
        decider = deps.roles.refresh(decision.decided_by)
        record |= {"decision": decision.kind, "decided_by": decider.user, "roles": list(decider.roles),
                   "token_roles": list(decision.decided_by.roles), "comment": decision.comment}
        actor = decider.user
        if decision.kind == "expire":
            refusal = "the approval has not expired yet"
        else:
            ok, why = can_approve(decider, requester.user, requester.tenant, _requirement(pending["requirement"]))
            refusal = None if ok else why
            if ok and decision.kind == "edit":
                edited = _edit(deps, requester, decider, pending, decision.args or {})
                if isinstance(edited, str):
                    refusal = edited
                else:
                    pending = edited
                    record["edited_args"] = pending["args"]
        audit.emit(deps, config, state, "approval_decided", f"{step_key}/ask-{ask}",
                   record | ({"refused": refusal} if refusal else {}), actor=actor)
        if refusal is None:
            break
    if decision.kind == "reject":
        rejected = _step_result(pending, "rejected", decider.user, "rejected_by_approver",
                                decision.comment or "rejected")
        return {"results": [*state.get("results", []), rejected], "cursor": pending["step"] + 1, "pending": None}
    return {"pending": pending | {"approved": True, "approved_by": decider.user, "approver": decider.as_dict(),
                                  "comment": decision.comment}}
