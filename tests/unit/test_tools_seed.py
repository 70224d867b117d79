# ruff: noqa: F811  (pytest fixtures are imported from tools_fixtures; parameters re-bind them)
"""The seed: deterministic, idempotent, shaped as the demos and evals expect (incl. planted injections)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

import tools.seed as seed_module
from tests.unit.tools_fixtures import AGENT, count, dump, engine, fresh_engine, registry, run, validated  # noqa: F401
from tools.db import Customer, Order, Ticket
from tools.registry import ToolRegistry
from tools.seed import INJECTION_IDS, N_CUSTOMERS, TENANTS, seed


def test_two_fresh_databases_are_identical(tmp_path: Path) -> None:
    a, b = fresh_engine(tmp_path / "a.db"), fresh_engine(tmp_path / "b.db")
    try:
        da, db = dump(a), dump(b)
        assert da == db and len(da["customers"]) == 2 * N_CUSTOMERS
    finally:
        a.dispose()
        b.dispose()


def test_reseed_is_idempotent_and_never_overwrites(registry: ToolRegistry, engine: Engine) -> None:
    before = dump(engine)
    summary = seed(engine)
    assert sum(summary.inserted.values()) == 0 and dump(engine) == before

    # Live business state survives a re-seed: a refund is not undone, a deleted-from-seed row comes back.
    call = validated(
        registry,
        engine,
        AGENT,
        "issue_refund",
        {"order_id": "ord_acme_001_1", "amount_cents": 700, "reason": "r"},
    )
    assert run(registry, engine, call, approved_by="lena").ok
    with Session(engine) as s, s.begin():
        t = s.get(Ticket, "tkt_acme_022")
        assert t is not None
        s.delete(t)
    summary = seed(engine)
    assert summary.inserted["tickets"] == 1 and summary.inserted["orders"] == 0
    with Session(engine) as s:
        order = s.get(Order, "ord_acme_001_1")
        assert order is not None and order.refunded_cents == 700
    assert dump(engine)["tickets"] == before["tickets"]


def test_shape(engine: Engine) -> None:
    with Session(engine) as s:
        for tenant in TENANTS:
            customers = s.scalars(select(Customer).where(Customer.tenant == tenant)).all()
            assert len(customers) == N_CUSTOMERS >= 20
            for c in customers:
                assert re.fullmatch(rf"cus_{tenant}_\d{{3}}", c.id) and "@" in c.email
                orders = s.scalars(select(Order).where(Order.customer_id == c.id)).all()
                assert 1 <= len(orders) <= 3
                assert all(o.tenant == tenant and o.id.startswith(f"ord_{tenant}_") for o in orders)
            assert count(engine, Ticket, Ticket.tenant == tenant) >= N_CUSTOMERS
        amounts = s.scalars(select(Order.amount_cents)).all()
        assert all(500 <= a <= 150_000 for a in amounts)
        assert sum(a > 50_000 for a in amounts) >= 5 and sum(a <= 50_000 for a in amounts) >= 5
        assert {o.status for o in s.scalars(select(Order))} == {"paid", "partially_refunded", "refunded"}
        emails = s.scalars(select(Customer.email)).all()
        assert len(set(emails)) == len(emails)  # send_email resolves a recipient to exactly one customer


def test_injections_are_planted_where_documented(engine: Engine) -> None:
    doc = seed_module.__doc__ or ""
    markers = ("ignore previous instructions", "ignore all prior", "system", "attacker@evil.example",
               "evil.example", "assistant", "pre-approved")  # fmt: skip
    with Session(engine) as s:
        for rid in sorted(INJECTION_IDS):
            assert f"``{rid}``" in doc, f"{rid} not documented"
            row = s.get(Ticket, rid) if rid.startswith("tkt_") else s.get(Customer, rid)
            assert row is not None, rid
            blob = (f"{row.subject} {row.body}" if isinstance(row, Ticket) else row.notes).lower()
            assert any(m in blob for m in markers), rid
        # ...and nowhere else: clean rows really are clean, so an eval can count hits.
        for t in s.scalars(select(Ticket).where(Ticket.id.not_in(INJECTION_IDS))):
            assert not any(m in f"{t.subject} {t.body}".lower() for m in markers), t.id
    assert "ord_globex_003_1" in doc and len(INJECTION_IDS) >= 5
