"""The real graph on the real Redis saver: approvals parked and resumed from a second runtime, exactly-once
effects, TTLs, and interrupt visibility under ``durability="sync"``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from graph.runtime import WardenRuntime, open_runtime
from graph.settings import Settings
from tests.integration.graph_helpers import (
    ALICE,
    BOB_LEAD,
    FRAN_FINANCE,
    GLOBEX_LEAD,
    ask,
    decide,
    new_config,
)
from tools.db import LedgerEntry, Order, Refund

pytestmark = pytest.mark.integration

REFUND = "refund 1500 cents on order ord_acme_001_1"


@pytest.fixture()
async def runtimes(settings: Settings, seeded_engine: Engine) -> AsyncIterator[tuple[WardenRuntime, WardenRuntime]]:
    """Two independent runtimes (own Redis clients, savers, engines): what two processes would hold."""
    first, second = await open_runtime(settings), await open_runtime(settings)
    yield first, second
    await first.aclose()
    await second.aclose()


def _refunds(engine: Engine, order_id: str) -> list[Refund]:
    with Session(engine) as s:
        return list(s.scalars(select(Refund).where(Refund.order_id == order_id)))


async def test_refund_parks_for_approval_and_resumes_from_another_runtime(
    runtimes: tuple[WardenRuntime, WardenRuntime], seeded_engine: Engine
) -> None:
    first, second = runtimes
    config = new_config()
    out = await ask(first, config, REFUND)
    [intr] = out["__interrupt__"]
    payload = intr.value
    assert payload["action_request"] == {"action": "issue_refund", "args": {
        "order_id": "ord_acme_001_1", "amount_cents": 1500, "reason": "customer request"}}
    assert set(payload["config"]) == {"allow_accept", "allow_edit", "allow_respond", "allow_ignore"}
    assert "alice" in payload["description"] and "issue_refund" in payload["description"]
    assert payload["approval"]["requested_by"] == "alice" and "support_lead" in payload["approval"]["approver_roles"]
    assert _refunds(seeded_engine, "ord_acme_001_1") == []

    state = await second.graph.aget_state(config)
    assert [i.id for i in state.interrupts] == [intr.id] and state.next == ("approval",)

    done = await decide(second, config, BOB_LEAD, "accept")
    assert done["stop_reason"] == "completed"
    assert "approved by bob" in done["messages"][-1].content
    [refund] = _refunds(seeded_engine, "ord_acme_001_1")
    assert (refund.amount_cents, refund.approved_by) == (1500, "bob")
    with Session(seeded_engine) as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 1
        assert s.get(Order, "ord_acme_001_1").refunded_cents == 1500  # type: ignore[union-attr]


async def test_reject_stops_without_effect(runtimes: tuple[WardenRuntime, WardenRuntime],
                                           seeded_engine: Engine) -> None:
    first, second = runtimes
    config = new_config()
    await ask(first, config, REFUND)
    done = await decide(second, config, BOB_LEAD, "reject", comment="not eligible")
    assert done["stop_reason"] == "rejected_by_approver"
    assert "not eligible" in done["messages"][-1].content
    assert _refunds(seeded_engine, "ord_acme_001_1") == []


@pytest.mark.parametrize(
    ("decider", "why"),
    [(ALICE, "own action"), (GLOBEX_LEAD, "another tenant"),
     (type(ALICE)("acme", "carl", ("support_agent",)), "roles")],
)
async def test_disallowed_decider_leaves_action_parked(
    runtimes: tuple[WardenRuntime, WardenRuntime], seeded_engine: Engine, decider: object, why: str
) -> None:
    first, second = runtimes
    config = new_config()
    await ask(first, config, REFUND)
    out = await decide(second, config, decider, "accept")  # type: ignore[arg-type]
    [intr] = out["__interrupt__"]
    assert "Previous decision refused" in intr.value["description"] and why in intr.value["description"]
    assert _refunds(seeded_engine, "ord_acme_001_1") == []
    done = await decide(first, config, BOB_LEAD, "accept")
    assert done["stop_reason"] == "completed" and len(_refunds(seeded_engine, "ord_acme_001_1")) == 1


async def test_edit_is_revalidated(runtimes: tuple[WardenRuntime, WardenRuntime], seeded_engine: Engine) -> None:
    first, second = runtimes
    config = new_config()
    await ask(first, config, REFUND)
    args = {"order_id": "ord_acme_001_1", "amount_cents": 10_000_000, "reason": "too much"}
    out = await decide(second, config, BOB_LEAD, "edit", args=args)
    [intr] = out["__interrupt__"]
    assert "edited args invalid" in intr.value["description"]
    args["amount_cents"] = 900
    done = await decide(second, config, BOB_LEAD, "edit", args=args)
    assert done["stop_reason"] == "completed"
    assert [r.amount_cents for r in _refunds(seeded_engine, "ord_acme_001_1")] == [900]


async def test_large_refund_needs_finance(runtimes: tuple[WardenRuntime, WardenRuntime],
                                          seeded_engine: Engine) -> None:
    first, second = runtimes
    config = new_config()
    out = await ask(first, config, "refund 60000 cents on order ord_acme_001_2")
    assert out["__interrupt__"][0].value["approval"]["approver_roles"] == ["finance", "admin"] or \
        "support_lead" not in out["__interrupt__"][0].value["approval"]["approver_roles"]
    still = await decide(second, config, BOB_LEAD, "accept")
    assert "__interrupt__" in still
    done = await decide(second, config, FRAN_FINANCE, "accept")
    assert done["stop_reason"] == "completed"
    assert [r.amount_cents for r in _refunds(seeded_engine, "ord_acme_001_2")] == [60000]


async def test_read_only_request_completes_without_approval(runtimes: tuple[WardenRuntime, WardenRuntime]) -> None:
    first, _ = runtimes
    out = await ask(first, new_config(), "show customer cus_acme_001 and list orders for cus_acme_001")
    assert out["stop_reason"] == "completed" and "__interrupt__" not in out
    assert [r["tool"] for r in out["results"]] == ["get_customer", "list_orders"]
    assert "ord_acme_001_1" in out["messages"][-1].content


async def test_cross_tenant_ids_are_not_found(runtimes: tuple[WardenRuntime, WardenRuntime],
                                              seeded_engine: Engine) -> None:
    first, _ = runtimes
    out = await ask(first, new_config(), "refund 100 cents on order ord_globex_003_1")
    assert out["stop_reason"] == "plan_rejected" and "__interrupt__" not in out
    assert _refunds(seeded_engine, "ord_globex_003_1") == []


async def test_every_key_has_a_ttl(runtimes: tuple[WardenRuntime, WardenRuntime], redis_url: str) -> None:
    first, second = runtimes
    config = new_config()
    await ask(first, config, REFUND)
    await decide(second, config, BOB_LEAD, "accept")
    thread = config["configurable"]["thread_id"]
    redis = Redis.from_url(redis_url)
    try:
        keys = [k async for k in redis.scan_iter(match=f"*{thread}*", count=1000)]
        assert keys, "the run wrote no keys under its thread id"
        no_ttl = [k for k in keys if await redis.ttl(k) < 0]
        assert no_ttl == []
    finally:
        await redis.aclose()


async def test_interrupt_is_visible_immediately_100_of_100(runtimes: tuple[WardenRuntime, WardenRuntime]) -> None:
    first, second = runtimes
    missing = 0
    for _ in range(100):
        config = new_config()
        await ask(first, config, REFUND)
        if not (await second.graph.aget_state(config)).interrupts:
            missing += 1
    assert missing == 0
