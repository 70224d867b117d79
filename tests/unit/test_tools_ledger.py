# ruff: noqa: F811  (pytest fixtures are imported from tools_fixtures; parameters re-bind them)
"""The side-effect ledger: stable keys, exactly-once effects, races, and DB failures as values."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from governance.auth import Principal
from tests.unit.tools_fixtures import (  # noqa: F401
    AGENT,
    GLOBEX_AGENT,
    ISSUER,
    count,
    engine,
    fresh_engine,
    registry,
    run,
    validated,
)
from tools.db import LedgerEntry, Order, Refund, Ticket
from tools.effect_tools import UpdateTicketIn, UpdateTicketOut
from tools.errors import ToolError
from tools.ledger import canonical_json, idempotency_key
from tools.policy import WRITE_ROLES, parse_policy
from tools.registry import ToolRegistry
from tools.spec import RunContext, ToolSpec, ValidatedCall

ARGS = {"order_id": "ord_acme_001_1", "amount_cents": 1000, "reason": "dup", "reason_code": None}
GOLDEN = "ed44e92392746345679662c58bddf9c2caa7387b373bc8eb513d076820ce0024"


def _refund(order_id: str, amount: int) -> dict[str, Any]:
    return {"order_id": order_id, "amount_cents": amount, "reason": "r", "reason_code": "goodwill"}


def _refunded(engine: Engine, order_id: str) -> int:
    with Session(engine) as s:
        return s.scalars(select(Order.refunded_cents).where(Order.id == order_id)).one()


# ---- keys ------------------------------------------------------------------------------------------------
def test_key_is_pinned_and_order_independent() -> None:
    """Keys are persisted: a format change would make every resumed step re-run its effect."""
    assert idempotency_key("thread-1", 3, "issue_refund", 2, ARGS) == GOLDEN
    assert idempotency_key("thread-1", 3, "issue_refund", 2, dict(reversed(list(ARGS.items())))) == GOLDEN
    assert canonical_json({"b": 1, "a": [1, {"d": 2, "c": 3}]}) == '{"a":[1,{"c":3,"d":2}],"b":1}'


def test_key_is_stable_across_processes() -> None:
    code = (
        "from tools.ledger import idempotency_key;"
        f"print(idempotency_key('thread-1', 3, 'issue_refund', 2, {ARGS!r}))"
    )
    for seed in ("12345",):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        assert out.stdout.strip() == GOLDEN


def test_key_changes_with_every_component() -> None:
    variants = {
        idempotency_key("thread-2", 3, "issue_refund", 2, ARGS),
        idempotency_key("thread-1", 4, "issue_refund", 2, ARGS),
        idempotency_key("thread-1", 3, "send_email", 2, ARGS),
        idempotency_key("thread-1", 3, "issue_refund", 1, ARGS),
        idempotency_key("thread-1", 3, "issue_refund", 2, {**ARGS, "amount_cents": 1001}),
    }
    assert len(variants) == 5 and GOLDEN not in variants


# ---- exactly once ----------------------------------------------------------------------------------------
def test_same_key_twice_one_effect(registry: ToolRegistry, engine: Engine) -> None:
    call = validated(registry, engine, AGENT, "issue_refund", _refund("ord_acme_001_1", 1000))
    first = run(registry, engine, call, approved_by="lena")
    second = run(registry, engine, call, approved_by="lena")
    assert first.ok and not first.replayed
    assert second.ok and second.replayed
    assert second.output == first.output and second.idempotency_key == first.idempotency_key
    assert count(engine, Refund) == 1 and count(engine, LedgerEntry) == 1
    assert _refunded(engine, "ord_acme_001_1") == 1000
    with Session(engine) as s:
        refund = s.scalars(select(Refund)).one()
        entry = s.scalars(select(LedgerEntry)).one()
        assert (refund.idempotency_key, refund.reason_code, refund.approved_by) == (
            first.idempotency_key,
            "goodwill",
            "lena",
        )
        assert (entry.tool, entry.tool_version, entry.tenant, entry.actor) == (
            "issue_refund",
            2,
            "acme",
            "alice",
        )


def test_update_ticket_replay_does_not_append_twice(registry: ToolRegistry, engine: Engine) -> None:
    call = validated(
        registry,
        engine,
        AGENT,
        "update_ticket",
        {"ticket_id": "tkt_acme_002", "status": "pending", "note": "chased"},
    )
    assert [run(registry, engine, call).replayed for _ in range(3)] == [False, True, True]
    with Session(engine) as s:
        t = s.get(Ticket, "tkt_acme_002")
        assert t is not None and t.notes.count("chased") == 1


def test_key_reused_for_other_args_or_tenant_is_conflict(registry: ToolRegistry, engine: Engine) -> None:
    a = validated(registry, engine, AGENT, "issue_refund", _refund("ord_acme_001_1", 1000))
    b = validated(registry, engine, AGENT, "issue_refund", _refund("ord_acme_001_1", 2000))
    g = validated(registry, engine, GLOBEX_AGENT, "issue_refund", _refund("ord_globex_001_1", 1000))
    assert run(registry, engine, a, key="k", approved_by="lena").ok
    for call in (b, g):
        out = run(registry, engine, call, key="k", approved_by="x")
        assert not out.ok and out.error is not None and out.error.error == "conflict"
        assert out.output is None  # the other call's result is never handed out
    assert count(engine, Refund) == 1


def test_reads_write_no_ledger_and_are_never_replayed(registry: ToolRegistry, engine: Engine) -> None:
    call = validated(registry, engine, AGENT, "list_orders", {"customer_id": "cus_acme_001"})
    before = run(registry, engine, call, key="r")
    with Session(engine) as s, s.begin():
        s.execute(update(Order).where(Order.id == "ord_acme_001_1").values(refunded_cents=100))
    after = run(registry, engine, call, key="r")
    assert before.ok and after.ok and not after.replayed
    assert before.output != after.output  # fresh data, not a stored result
    assert count(engine, LedgerEntry) == 0


# ---- races -----------------------------------------------------------------------------------------------
def _hammer(n: int, fn: Any) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = fn(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_same_key_exactly_one_effect(registry: ToolRegistry, engine: Engine) -> None:
    call = validated(registry, engine, AGENT, "issue_refund", _refund("ord_acme_001_1", 1000))
    outs = _hammer(8, lambda _i: run(registry, engine, call, approved_by="lena"))
    assert all(o.ok for o in outs), [o.error for o in outs]
    assert sorted(o.replayed for o in outs) == [False] + [True] * 7
    assert len({canonical_json(o.output) for o in outs}) == 1
    assert count(engine, Refund) == 1 and count(engine, LedgerEntry) == 1
    assert _refunded(engine, "ord_acme_001_1") == 1000


def test_concurrent_distinct_refunds_never_over_refund(registry: ToolRegistry, engine: Engine) -> None:
    with Session(engine) as s:
        order = s.get(Order, "ord_acme_002_1")
        assert order is not None
        amount = order.amount_cents
    part = amount // 3 + 1  # three fit only if 3*part <= amount: they don't, so exactly two land
    call = validated(registry, engine, AGENT, "issue_refund", _refund("ord_acme_002_1", part))
    outs = _hammer(6, lambda i: run(registry, engine, call, thread=f"t{i}", approved_by="lena"))
    assert sum(o.ok for o in outs) == 2
    assert {o.error.error for o in outs if not o.ok} == {"invariant_violated"}
    assert _refunded(engine, "ord_acme_002_1") == 2 * part <= amount
    assert count(engine, Refund) == 2 and count(engine, LedgerEntry) == 2


def test_duplicate_effect_blocked_by_unique_key_even_without_ledger(
    registry: ToolRegistry, engine: Engine
) -> None:
    """A bug that wrote the effect but not the ledger row: the refunds UNIQUE key still stops a second one."""
    call = validated(registry, engine, AGENT, "issue_refund", _refund("ord_acme_001_1", 1000))
    key = idempotency_key("thread-1", 1, call.name, call.version, call.args_dict)
    with Session(engine) as s, s.begin():
        s.execute(
            text(
                "INSERT INTO refunds (id, tenant, order_id, amount_cents, reason, created_by, idempotency_key, "
                "created_at) VALUES ('ref_bug', 'acme', 'ord_acme_001_1', 1000, 'r', 'bug', :k, '2025-01-01')"
            ),
            {"k": key},
        )
    out = run(registry, engine, call, approved_by="lena")
    assert (
        not out.ok and out.error is not None and (out.error.error, out.error.retryable) == ("conflict", False)
    )
    assert count(engine, Refund) == 1 and count(engine, LedgerEntry) == 0
    assert _refunded(engine, "ord_acme_001_1") == 0  # the guarded UPDATE rolled back with the failed insert


# ---- failures are values ---------------------------------------------------------------------------------
def test_locked_database_is_retryable(registry: ToolRegistry, tmp_path: Path) -> None:
    eng = fresh_engine(tmp_path / "locked.db", busy_timeout_ms=100)
    try:
        call = validated(
            registry,
            eng,
            AGENT,
            "update_ticket",
            {"ticket_id": "tkt_acme_001", "status": "pending", "note": "n"},
        )
        with eng.connect().execution_options(sqlite_begin="IMMEDIATE") as holder:
            holder.execute(text("SELECT 1"))  # opens BEGIN IMMEDIATE: holds the write lock
            out = run(registry, eng, call)
            holder.rollback()
        assert (
            not out.ok
            and out.error is not None
            and (out.error.error, out.error.retryable) == ("timeout", True)
        )
        assert count(eng, LedgerEntry) == 0
        retry = run(registry, eng, call)
        assert retry.ok and not retry.replayed
    finally:
        eng.dispose()


def _custom_registry(body: Any, timeout_s: float = 5.0) -> ToolRegistry:
    def check(session: Session, principal: Principal, args: UpdateTicketIn) -> None:
        return None

    def runner(
        session: Session, principal: Principal, args: UpdateTicketIn, ctx: RunContext
    ) -> UpdateTicketOut:
        session.execute(update(Ticket).where(Ticket.id == args.ticket_id).values(status=args.status))
        body(session)
        return UpdateTicketOut(ticket_id=args.ticket_id, status=args.status, previous_status="open")

    spec = ToolSpec(
        name="touch_ticket", version=1, description="test tool", input_model=UpdateTicketIn,
        output_model=UpdateTicketOut, tier="write", required_roles=WRITE_ROLES,
        timeout_s=timeout_s, idempotent=False, check=check, run=runner, data_read=frozenset({"tickets"}),
    )  # fmt: skip
    policy = parse_policy('version = 1\n[tainted]\napprovers = ["admin"]\nreason = "r"\n'
                          '[[rules]]\nname = "t"\ntool = "touch_ticket"\napprovers = []\nreason = "r"\n',
                          specs=[spec])
    return ToolRegistry([spec], policy=policy, verifier=ISSUER.verifier)


def _ticket_status(engine: Engine, ticket_id: str) -> str:
    with Session(engine) as s:
        return s.scalars(select(Ticket.status).where(Ticket.id == ticket_id)).one()


def test_deadline_interrupts_and_rolls_back(engine: Engine) -> None:
    def slow(session: Session) -> None:
        session.execute(
            text(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000000) SELECT count(*) FROM c"
            )
        )

    reg = _custom_registry(slow, timeout_s=0.2)
    before = _ticket_status(engine, "tkt_acme_001")
    call = validated(
        reg, engine, AGENT, "touch_ticket", {"ticket_id": "tkt_acme_001", "status": "closed", "note": "n"}
    )
    out = run(reg, engine, call)
    assert (
        not out.ok and out.error is not None and (out.error.error, out.error.retryable) == ("timeout", True)
    )
    assert _ticket_status(engine, "tkt_acme_001") == before != "closed"
    assert count(engine, LedgerEntry) == 0


def test_tool_crash_is_internal_error_and_rolls_back(engine: Engine) -> None:
    def boom(session: Session) -> None:
        raise RuntimeError("bug in a tool")

    reg = _custom_registry(boom)
    before = _ticket_status(engine, "tkt_acme_001")
    call = validated(
        reg, engine, AGENT, "touch_ticket", {"ticket_id": "tkt_acme_001", "status": "closed", "note": "n"}
    )
    out = run(reg, engine, call)
    assert (
        not out.ok and out.error is not None and (out.error.error, out.error.retryable) == ("internal", False)
    )
    assert "bug in a tool" not in out.error.message  # internals are logged, not leaked to the model
    assert _ticket_status(engine, "tkt_acme_001") == before


def test_revalidation_on_resume_replays_instead_of_failing(registry: ToolRegistry, engine: Engine) -> None:
    """A full refund commits, the process dies before recording it; the resumed step re-validates. The
    invariants now say "already fully refunded", but with the key the call validates and replays."""
    with Session(engine) as s:
        order = s.get(Order, "ord_acme_003_1")
        assert order is not None
        args = _refund(order.id, order.amount_cents - order.refunded_cents)
    call = validated(registry, engine, AGENT, "issue_refund", args)
    key = idempotency_key("thread-1", 1, call.name, call.version, call.args_dict)
    first = run(registry, engine, call, key=key, approved_by="fred")
    assert first.ok

    with Session(engine) as s:
        plain = registry.validate(s, AGENT, "issue_refund", None, args)
        assert plain == ToolError(error="invariant_violated", message=plain.message, field="order_id")  # type: ignore[union-attr]
        again = registry.validate(s, AGENT, "issue_refund", None, args, idempotency_key=key)
        other = registry.validate(s, GLOBEX_AGENT, "issue_refund", None, args, idempotency_key=key)
    assert isinstance(again, ValidatedCall)
    assert isinstance(other, ToolError) and other.error == "not_found"  # another tenant's key skips nothing
    replay = run(registry, engine, again, key=key, approved_by="fred")
    assert replay.ok and replay.replayed and replay.output == first.output
    assert count(engine, Refund) == 1
