# ruff: noqa: F811  (pytest fixtures are imported from tools_fixtures; parameters re-bind them)
"""RBAC and the approval matrix: who may call, who may approve, and the four-eyes rule."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from governance.auth import Principal
from tests.unit.tools_fixtures import (  # noqa: F401
    ADMIN,
    AGENT,
    AUDITOR,
    FINANCE,
    GLOBEX_FINANCE,
    ISSUER,
    LEAD,
    engine,
    engines_for,
    registry,
    run,
    validate,
    validated,
)
from tools.errors import ToolError
from tools.policy import can_approve
from tools.registry import ToolRegistry
from tools.spec import ApprovalRequirement, ToolSpec, ValidatedCall

REFUND_LEAD_LIMIT_CENTS = 50_000  # the shipped policy's "large-refund" threshold


def approval_rule(spec: ToolSpec, args: dict[str, object], *, tainted: bool = False,
                  registry: ToolRegistry | None = None) -> ApprovalRequirement | None:
    from tools.registry import default_registry

    return (registry or default_registry()).policy.requirement(spec, args, tainted=tainted)


def _refund(amount: int) -> dict[str, object]:
    return {"order_id": "ord_acme_001_2", "amount_cents": amount, "reason": "r", "reason_code": "goodwill"}


def test_auditor_is_read_only(registry: ToolRegistry, engine: Engine) -> None:
    for name, args in [
        ("issue_refund", _refund(1000)),
        ("send_email", {"to": "ada.lovelace@acme-client.example", "subject": "s", "body": "b"}),
        ("update_ticket", {"ticket_id": "tkt_acme_001", "status": "solved", "note": "n"}),
    ]:
        err = validate(registry, engine, AUDITOR, name, args)
        assert isinstance(err, ToolError) and err.error == "forbidden", name
    ok = validate(registry, engine, AUDITOR, "get_customer", {"customer_id": "cus_acme_001"})
    assert isinstance(ok, ValidatedCall)


def test_finance_cannot_update_tickets(registry: ToolRegistry, engine: Engine) -> None:
    err = validate(
        registry,
        engine,
        FINANCE,
        "update_ticket",
        {"ticket_id": "tkt_acme_001", "status": "open", "note": "n"},
    )
    assert isinstance(err, ToolError) and err.error == "forbidden"


def test_no_roles_no_reads(registry: ToolRegistry, engine: Engine) -> None:
    nobody = Principal("acme", "x", ())
    err = validate(registry, engine, nobody, "get_customer", {"customer_id": "cus_acme_001"})
    assert isinstance(err, ToolError) and err.error == "forbidden"


def test_execute_rechecks_rbac(registry: ToolRegistry, engine: Engine) -> None:
    """A ValidatedCall replayed by a principal who lost the role (or someone else) does not run."""
    call = validated(
        registry,
        engine,
        AGENT,
        "update_ticket",
        {"ticket_id": "tkt_acme_002", "status": "pending", "note": "n"},
    )
    demoted = Principal("acme", "alice", ("auditor",))
    engines = engines_for(engine)
    for who, key in ((demoted, "k1"), (LEAD, "k2")):
        cred = ISSUER.mint(tenant="acme", user=who.user, run="t", tools=["update_ticket@1"], access="write")
        out = registry.execute(engines, call, principal=who, credential=cred, idempotency_key=key,
                               thread_id="t", step=1)
        assert not out.ok and out.error is not None and out.error.error == "forbidden"
    engines.read.dispose()


@pytest.mark.parametrize(
    ("amount", "roles"),
    [
        (1000, ("support_lead", "finance", "admin")),
        (REFUND_LEAD_LIMIT_CENTS, ("support_lead", "finance", "admin")),
        (REFUND_LEAD_LIMIT_CENTS + 1, ("finance", "admin")),
        (120_000, ("finance", "admin")),
    ],
)
def test_refund_approver_roles_by_amount(registry: ToolRegistry, amount: int, roles: tuple[str, ...]) -> None:
    spec = registry.get("issue_refund")
    assert isinstance(spec, ToolSpec)
    req = approval_rule(spec, _refund(amount))
    assert req is not None and set(req.approver_roles) == set(roles)


def test_validated_call_carries_its_approval(registry: ToolRegistry, engine: Engine) -> None:
    small = validated(registry, engine, AGENT, "issue_refund", _refund(1000))
    assert small.approval is not None and "support_lead" in small.approval.approver_roles
    email = validated(
        registry,
        engine,
        AGENT,
        "send_email",
        {"to": "ada.lovelace@acme-client.example", "subject": "s", "body": "b"},
    )
    assert email.approval is not None and set(email.approval.approver_roles) == {"support_lead", "admin"}
    read = validated(registry, engine, AGENT, "get_ticket", {"ticket_id": "tkt_acme_001"})
    assert read.approval is None


def test_tainted_writes_need_approval_reads_never(registry: ToolRegistry) -> None:
    upd = registry.get("update_ticket")
    read = registry.get("get_ticket")
    assert isinstance(upd, ToolSpec) and isinstance(read, ToolSpec)
    args = {"ticket_id": "tkt_acme_001", "status": "closed", "note": "n"}
    assert approval_rule(upd, args) is None
    tainted = approval_rule(upd, args, tainted=True)
    assert tainted is not None and set(tainted.approver_roles) == {"support_lead", "admin"}
    assert approval_rule(read, {"ticket_id": "tkt_acme_001"}, tainted=True) is None


def test_can_approve_matrix(registry: ToolRegistry) -> None:
    spec = registry.get("issue_refund")
    assert isinstance(spec, ToolSpec)
    small = approval_rule(spec, _refund(1000))
    large = approval_rule(spec, _refund(120_000))

    assert can_approve(LEAD, "alice", "acme", small)[0]
    assert can_approve(FINANCE, "alice", "acme", small)[0]
    assert not can_approve(AGENT, "bob", "acme", small)[0]
    assert not can_approve(AUDITOR, "alice", "acme", small)[0]

    ok, why = can_approve(LEAD, "alice", "acme", large)
    assert not ok and "finance" in why
    assert can_approve(FINANCE, "alice", "acme", large)[0]
    assert can_approve(ADMIN, "alice", "acme", large)[0]

    ok, why = can_approve(FINANCE, "fred", "acme", small)  # requester approving themself
    assert not ok and "own" in why
    ok, why = can_approve(GLOBEX_FINANCE, "alice", "acme", large)  # other tenant
    assert not ok and "tenant" in why
    assert not can_approve(ADMIN, "alice", "acme", None)[0]


def test_execute_enforces_approval_presence_and_four_eyes(registry: ToolRegistry, engine: Engine) -> None:
    call = validated(registry, engine, FINANCE, "issue_refund", _refund(1000))
    out = run(registry, engine, call)
    assert not out.ok and out.error is not None and out.error.error == "approval_required"
    out = run(registry, engine, call, approved_by="fred")  # fred is the requester
    assert not out.ok and out.error is not None and out.error.error == "forbidden"
    out = run(registry, engine, call, approved_by="ann")
    assert out.ok and out.output is not None and out.output["amount_cents"] == 1000


def test_requirement_round_trips_through_json(registry: ToolRegistry) -> None:
    spec = registry.get("issue_refund")
    assert isinstance(spec, ToolSpec)
    req = approval_rule(spec, _refund(100))
    assert req is not None
    again = type(req).model_validate(req.model_dump(mode="json"))  # roles come back as a list
    assert again == req and can_approve(LEAD, "alice", "acme", again)[0]
