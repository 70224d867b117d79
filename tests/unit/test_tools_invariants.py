# ruff: noqa: F811  (pytest fixtures are imported from tools_fixtures; parameters re-bind them)
"""Business invariants against the real DB: tenant isolation, refund limits, ticket and email rules."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.unit.tools_fixtures import (  # noqa: F401
    AGENT,
    FINANCE,
    GLOBEX_AGENT,
    count,
    engine,
    registry,
    run,
    validate,
    validated,
)
from tools.db import LedgerEntry, Order, Outbox, Refund, Ticket
from tools.errors import ToolError
from tools.registry import ToolRegistry


def _order(engine: Engine, order_id: str) -> Order:
    with Session(engine, expire_on_commit=False) as s:
        return s.scalars(select(Order).where(Order.id == order_id)).one()


def _refund(order_id: str, amount: int) -> dict[str, Any]:
    return {"order_id": order_id, "amount_cents": amount, "reason": "r", "reason_code": "billing_error"}


@pytest.mark.parametrize(
    ("name", "args", "field"),
    [
        ("get_customer", {"customer_id": "cus_globex_001"}, "customer_id"),
        ("list_orders", {"customer_id": "cus_globex_001"}, "customer_id"),
        ("get_ticket", {"ticket_id": "tkt_globex_001"}, "ticket_id"),
        ("update_ticket", {"ticket_id": "tkt_globex_001", "status": "closed", "note": "n"}, "ticket_id"),
        ("issue_refund", _refund("ord_globex_003_1", 1000), "order_id"),
    ],
)
def test_other_tenant_rows_are_not_found(
    registry: ToolRegistry, engine: Engine, name: str, args: dict[str, Any], field: str
) -> None:
    err = validate(registry, engine, AGENT, name, args)
    assert isinstance(err, ToolError) and (err.error, err.field) == ("not_found", field)
    assert "globex" not in err.message.replace(str(args[field]), "")  # nothing beyond the id echoed back
    # ... while the owner can see it: the row exists, isolation is what hid it.
    assert not isinstance(validate(registry, engine, GLOBEX_AGENT, name, args), ToolError)


def test_other_tenant_is_indistinguishable_from_missing(registry: ToolRegistry, engine: Engine) -> None:
    other = validate(registry, engine, AGENT, "get_customer", {"customer_id": "cus_globex_001"})
    missing = validate(registry, engine, AGENT, "get_customer", {"customer_id": "cus_nope_001"})
    assert isinstance(other, ToolError) and isinstance(missing, ToolError)
    assert (other.error, other.field) == (missing.error, missing.field)
    assert other.message.replace("cus_globex_001", "X") == missing.message.replace("cus_nope_001", "X")


def test_execute_is_tenant_scoped_too(registry: ToolRegistry, engine: Engine) -> None:
    call = validated(registry, engine, AGENT, "list_orders", {"customer_id": "cus_acme_001"})
    out = run(registry, engine, call)
    assert out.ok and out.output is not None
    assert out.output["orders"] and all(
        o["order_id"].startswith("ord_acme_001_") for o in out.output["orders"]
    )


def test_refund_above_remaining_rejected(registry: ToolRegistry, engine: Engine) -> None:
    o = _order(engine, "ord_acme_005_1")  # seeded half refunded
    remaining = o.amount_cents - o.refunded_cents
    assert 0 < remaining < o.amount_cents
    err = validate(registry, engine, AGENT, "issue_refund", _refund(o.id, remaining + 1))
    assert isinstance(err, ToolError) and (err.error, err.field) == ("invariant_violated", "amount_cents")
    assert not isinstance(
        validate(registry, engine, AGENT, "issue_refund", _refund(o.id, remaining)), ToolError
    )


def test_fully_refunded_order_rejected(registry: ToolRegistry, engine: Engine) -> None:
    err = validate(registry, engine, AGENT, "issue_refund", _refund("ord_acme_004_1", 500))
    assert isinstance(err, ToolError) and (err.error, err.field) == ("invariant_violated", "order_id")


def test_double_refund_rejected(registry: ToolRegistry, engine: Engine) -> None:
    o = _order(engine, "ord_acme_002_1")
    first = validated(registry, engine, AGENT, "issue_refund", _refund(o.id, o.amount_cents))
    assert run(registry, engine, first, step=1, approved_by="fred").ok
    after = _order(engine, o.id)
    assert (after.refunded_cents, after.status) == (o.amount_cents, "refunded")

    # A second refund of the same order (a new step, so a new key) is refused at validation ...
    err = validate(registry, engine, AGENT, "issue_refund", _refund(o.id, o.amount_cents))
    assert isinstance(err, ToolError) and err.error == "invariant_violated"
    # ... and at execution, even for a call validated before the first one ran.
    assert run(registry, engine, first, step=2, approved_by="fred").error == ToolError(
        error="invariant_violated", message=f"order {o.id} is already fully refunded", field="order_id"
    )
    assert count(engine, Refund, Refund.order_id == o.id) == 1


def test_execute_rechecks_invariants_after_approval_wait(registry: ToolRegistry, engine: Engine) -> None:
    """Two refunds validated against the same state; together they exceed the order. Only one lands."""
    o = _order(engine, "ord_acme_003_1")
    share = o.amount_cents // 2 + 100
    a = validated(registry, engine, AGENT, "issue_refund", _refund(o.id, share))
    b = validated(registry, engine, FINANCE, "issue_refund", _refund(o.id, share))
    assert run(registry, engine, a, thread="ta", approved_by="fred").ok
    out = run(registry, engine, b, thread="tb", approved_by="ann")
    assert not out.ok and out.error is not None and out.error.error == "invariant_violated"
    assert _order(engine, o.id).refunded_cents == share
    assert count(engine, LedgerEntry) == 1  # failures leave no ledger row


def test_partial_refund_updates_status(registry: ToolRegistry, engine: Engine) -> None:
    o = _order(engine, "ord_acme_006_1")
    out = run(
        registry,
        engine,
        validated(registry, engine, AGENT, "issue_refund", _refund(o.id, 500)),
        approved_by="l",
    )
    assert out.ok and out.output is not None
    assert out.output["order_refundable_cents"] == o.amount_cents - 500
    assert _order(engine, o.id).status == "partially_refunded"


def test_closed_ticket_cannot_change(registry: ToolRegistry, engine: Engine) -> None:
    close = validated(
        registry,
        engine,
        AGENT,
        "update_ticket",
        {"ticket_id": "tkt_acme_008", "status": "closed", "note": "done"},
    )
    out = run(registry, engine, close)
    assert out.ok and out.output is not None and out.output["status"] == "closed"
    err = validate(
        registry,
        engine,
        AGENT,
        "update_ticket",
        {"ticket_id": "tkt_acme_008", "status": "open", "note": "again"},
    )
    assert isinstance(err, ToolError) and err.error == "invariant_violated"
    with Session(engine) as s:
        t = s.get(Ticket, "tkt_acme_008")
        assert t is not None and t.notes.count("alice: done") == 1


def test_ticket_status_is_a_closed_set(registry: ToolRegistry, engine: Engine) -> None:
    err = validate(
        registry,
        engine,
        AGENT,
        "update_ticket",
        {"ticket_id": "tkt_acme_001", "status": "deleted", "note": "n"},
    )
    assert isinstance(err, ToolError) and (err.error, err.field) == ("validation_error", "status")


@pytest.mark.parametrize(
    ("to", "code"),
    [
        ("not-an-address", "validation_error"),
        ("ada.lovelace@acme-client", "validation_error"),
        ("Ada <ada.lovelace@acme-client.example>", "validation_error"),
    ],
)
def test_email_recipient_rules(registry: ToolRegistry, engine: Engine, to: str, code: str) -> None:
    err = validate(registry, engine, AGENT, "send_email", {"to": to, "subject": "Hello", "body": "b"})
    assert isinstance(err, ToolError) and (err.error, err.field) == (code, "to")


@pytest.mark.parametrize(
    ("to", "on_record", "risk"),
    [
        ("ada.lovelace@acme-client.example", True, "medium"),
        ("ADA.LOVELACE@acme-client.example", True, "medium"),
        ("attacker@evil.example", False, "high"),  # well-formed, but on nobody's record
        ("hank.scorpio@globex-client.example", False, "high"),  # another tenant's customer: outside for acme
    ],
)
def test_email_outside_the_record_needs_a_high_risk_approval(
    registry: ToolRegistry, engine: Engine, to: str, on_record: bool, risk: str
) -> None:
    call = validate(registry, engine, AGENT, "send_email", {"to": to, "subject": "Hello", "body": "b"})
    assert not isinstance(call, ToolError), call
    assert call.facts == {"recipient_on_record": on_record}
    assert call.approval is not None and call.approval.risk == risk
    assert set(call.approval.approver_roles) == {"support_lead", "admin"}


def test_email_subject_cannot_inject_headers(registry: ToolRegistry, engine: Engine) -> None:
    args = {"to": "ada.lovelace@acme-client.example", "subject": "Hi\r\nBcc: x@evil.example", "body": "b"}
    err = validate(registry, engine, AGENT, "send_email", args)
    assert isinstance(err, ToolError) and (err.error, err.field) == ("validation_error", "subject")


def test_email_goes_to_outbox_only(registry: ToolRegistry, engine: Engine) -> None:
    args = {"to": "Ada.Lovelace@acme-client.example", "subject": "Your refund", "body": "Done."}
    out = run(registry, engine, validated(registry, engine, AGENT, "send_email", args), approved_by="lena")
    assert out.ok and out.output is not None and out.output["queued"] is True
    with Session(engine) as s:
        row = s.scalars(select(Outbox)).one()
        assert (row.tenant, row.to, row.created_by, row.approved_by) == (
            "acme",
            "Ada.Lovelace@acme-client.example",
            "alice",
            "lena",
        )
