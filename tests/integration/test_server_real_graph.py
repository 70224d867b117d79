"""The real Warden graph (scripted model, seeded SQLite) behind the server: a refund parks for approval, is
listed for an approver, refused to its requester, approved through /approvals, and its effect happens once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.integration.server_harness import ServerProcess, arequest, auth, redis_url, token
from tools.db import Refund, make_engine
from tools.seed import seed

pytestmark = pytest.mark.integration
__all__ = ["redis_url"]

ALICE = token("acme", "alice", ("support_agent",))
BOB_LEAD = token("acme", "bob", ("support_lead",))
REFUND = "refund 1500 cents on order ord_acme_001_1"


def msg(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


@pytest.fixture(scope="module")
def real(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    data = tmp_path_factory.mktemp("real")
    engine = make_engine(f"sqlite:///{data / 'warden.db'}")
    seed(engine)
    engine.dispose()
    proc = ServerProcess(redis_url=redis_url, prefix=f"wtest{uuid.uuid4().hex[:10]}", data_dir=data, graph="real")
    proc.start(timeout_s=60)
    yield proc
    proc.stop()


@pytest.fixture()
async def alice(real: ServerProcess) -> AsyncIterator[LangGraphClient]:
    async with get_client(url=real.url, headers=auth(ALICE)) as c:
        yield c


def refunds(real: ServerProcess, order_id: str) -> list[tuple[int, str | None]]:
    engine = make_engine(real.env["WARDEN_DATABASE_URL"])
    try:
        with Session(engine) as s:
            return [(r.amount_cents, r.approved_by)
                    for r in s.scalars(select(Refund).where(Refund.order_id == order_id))]
    finally:
        engine.dispose()


async def test_read_request_completes(alice: LangGraphClient) -> None:
    tid = (await alice.threads.create())["thread_id"]
    events = [(p.event, p.data) async for p in alice.runs.stream(
        tid, "warden", input=msg("show customer cus_acme_001"), stream_mode=["values", "updates"])]
    assert events[0][0] == "metadata" and events[-1] == ("end", {"run_id": events[0][1]["run_id"],
                                                                  "status": "success"})
    final = [d for e, d in events if e == "values"][-1]
    assert final["stop_reason"] == "completed", final.get("stop_reason")
    assert (await alice.threads.get(tid))["status"] == "idle"
    state = await alice.threads.get_state(tid)
    assert state["values"]["stop_reason"] == "completed" and state["next"] == []


async def test_refund_parks_and_is_approved_via_approvals(alice: LangGraphClient, real: ServerProcess) -> None:
    tid = (await alice.threads.create())["thread_id"]
    out = await alice.runs.wait(tid, "warden", input=msg(REFUND))
    assert isinstance(out, dict)
    [intr] = out["__interrupt__"]
    assert intr["value"]["approval"]["requested_by"] == "alice"
    assert (await alice.threads.get(tid))["status"] == "interrupted"
    state = await alice.threads.get_state(tid)
    assert state["next"] == ["approval"] and state["interrupts"][0]["id"] == intr["id"]
    assert state["tasks"][0]["interrupts"][0]["id"] == intr["id"]

    listed = (await arequest("GET", f"{real.url}/approvals", headers=auth(BOB_LEAD))).json()
    item = next(a for a in listed if a["id"] == intr["id"])
    assert item["tool"] == "issue_refund" and item["args"]["amount_cents"] == 1500 and item["thread_id"] == tid
    mine = (await arequest("GET", f"{real.url}/approvals", headers=auth(ALICE))).json()
    assert all(a["id"] != intr["id"] for a in mine)
    r = await arequest("POST", f"{real.url}/approvals/{intr['id']}", json={"decision": "accept"},
                       headers=auth(ALICE))
    assert r.status_code == 403
    r = await arequest("POST", f"{real.url}/threads/{tid}/runs", headers=auth(ALICE),
                   json={"assistant_id": "warden", "input": msg("show customer cus_acme_001")})
    assert r.status_code == 409 and r.json()["error"] == "thread_interrupted"
    assert refunds(real, "ord_acme_001_1") == []

    r = await arequest("POST", f"{real.url}/approvals/{intr['id']}?wait=true",
                       json={"decision": "accept", "comment": "ok"}, headers=auth(BOB_LEAD))
    assert r.status_code == 200, r.text
    result = r.json()["result"]
    assert result["stop_reason"] == "completed" and "approved by bob" in result["messages"][-1]["content"]
    assert refunds(real, "ord_acme_001_1") == [(1500, "bob")]
    assert (await alice.threads.get(tid))["status"] == "idle"
    r = await arequest("POST", f"{real.url}/approvals/{intr['id']}", json={"decision": "accept"},
                       headers=auth(BOB_LEAD))
    assert r.status_code == 409
    body = {"assistant_id": "warden", "command": {"resume": "accept"}}
    r = await arequest("POST", f"{real.url}/threads/{tid}/runs/wait", headers=auth(BOB_LEAD), json=body)
    assert r.status_code == 409 and r.json()["error"] == "nothing_to_resume"
    assert refunds(real, "ord_acme_001_1") == [(1500, "bob")]


async def test_reject_through_sdk_resume(alice: LangGraphClient, real: ServerProcess) -> None:
    tid = (await alice.threads.create())["thread_id"]
    out = await alice.runs.wait(tid, "warden", input=msg("refund 700 cents on order ord_acme_002_1"))
    assert isinstance(out, dict) and out["__interrupt__"]
    async with get_client(url=real.url, headers=auth(BOB_LEAD)) as bob:
        done = await bob.runs.wait(tid, "warden", command={"resume": {"decision": "reject", "comment": "no"}})
    assert isinstance(done, dict) and done["stop_reason"] == "rejected_by_approver"
    assert refunds(real, "ord_acme_002_1") == []


async def test_schemas_describe_the_real_graph(alice: LangGraphClient) -> None:
    schemas = await alice.assistants.get_schemas("warden")
    assert list(schemas["input_schema"]["properties"]) == ["messages"]
    assert {"messages", "stop_reason", "plan", "results"} <= set(schemas["output_schema"]["properties"])
    assert {"tenant", "user", "roles"} <= set(schemas["context_schema"]["properties"])
