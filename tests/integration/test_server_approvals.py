"""Multitask rules and the approver's side, against the stand-in graph's approval interrupt.

409: a second run on a busy thread; a resume with nothing pending; new input on a parked thread; a decision
already made. 403: self-approval, a missing approver role (both for /approvals and for SDK resumes).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient

from tests.integration.server_harness import (
    ServerProcess,
    arequest,
    auth,
    redis_url,
    server_prefix,
    token,
)

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.environ.get("WARDEN_TEST_GRAPH") == "real", reason="stand-in graph behaviour")]
__all__ = ["redis_url", "server_prefix"]

ALICE = token("acme", "alice", ("support_agent",))
BOB_LEAD = token("acme", "bob", ("support_lead",))
ALICE_LEAD = token("acme", "alice", ("support_lead",))  # alice with an approver role: still not for her own
CARL_AGENT = token("acme", "carl", ("support_agent",))
FRAN_FINANCE = token("acme", "fran", ("finance",))
GINA_GLOBEX = token("globex", "gina", ("admin",))


def msg(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


@pytest.fixture(scope="module")
def server(redis_url: str, server_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """This module's server ends runs after 2 s (``run_timeout_s``); its runs are all shorter but one."""
    proc = ServerProcess(redis_url=redis_url, prefix=server_prefix, data_dir=tmp_path_factory.mktemp("srv"),
                         env={"WARDEN_RUN_TIMEOUT_S": "2"}).start()
    yield proc
    proc.stop()


@pytest.fixture()
async def alice(server: ServerProcess) -> AsyncIterator[LangGraphClient]:
    async with get_client(url=server.url, headers=auth(ALICE)) as c:
        yield c


async def parked(client: LangGraphClient, amount: int = 1500) -> tuple[str, dict[str, Any]]:
    tid = (await client.threads.create())["thread_id"]
    out = await client.runs.wait(tid, "warden", input=msg(f"refund {amount}"))
    assert isinstance(out, dict) and len(out["__interrupt__"]) == 1
    return tid, out["__interrupt__"][0]


async def approvals(server: ServerProcess, tok: str) -> list[dict[str, Any]]:
    r = await arequest("GET", f"{server.url}/approvals", headers=auth(tok))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def decide(server: ServerProcess, tok: str, iid: str, decision: str = "accept", wait: bool = True,
                 **extra: Any) -> httpx.Response:
    return await arequest("POST", f"{server.url}/approvals/{iid}", params={"wait": str(wait).lower()},
                          json={"decision": decision, **extra}, headers=auth(tok))


async def test_second_run_on_busy_thread_is_409(alice: LangGraphClient, server: ServerProcess) -> None:
    tid = (await alice.threads.create())["thread_id"]
    run = await alice.runs.create(tid, "warden", input=msg("slow 1"))
    r = await arequest("POST", f"{server.url}/threads/{tid}/runs", headers=auth(ALICE),
                   json={"assistant_id": "warden", "input": msg("hello")})
    assert r.status_code == 409 and r.json()["error"] == "thread_busy"
    r = await arequest("DELETE", f"{server.url}/threads/{tid}", headers=auth(ALICE))
    assert r.status_code == 409
    await alice.runs.join(tid, run["run_id"])
    assert (await alice.runs.get(tid, run["run_id"]))["status"] == "success"


async def test_resume_with_nothing_pending_is_409(alice: LangGraphClient, server: ServerProcess) -> None:
    tid = (await alice.threads.create())["thread_id"]
    body = {"assistant_id": "warden", "command": {"resume": {"decision": "accept"}}}
    r = await arequest("POST", f"{server.url}/threads/{tid}/runs/wait", headers=auth(BOB_LEAD), json=body)
    assert r.status_code == 409 and r.json()["error"] == "nothing_to_resume"
    await alice.runs.wait(tid, "warden", input=msg("hello"))
    r = await arequest("POST", f"{server.url}/threads/{tid}/runs", headers=auth(BOB_LEAD), json=body)
    assert r.status_code == 409 and r.json()["error"] == "nothing_to_resume"
    assert len(await alice.runs.list(tid)) == 1  # nothing was enqueued: the graph did not restart


async def test_new_input_on_parked_thread_is_409(alice: LangGraphClient, server: ServerProcess) -> None:
    tid, _ = await parked(alice)
    assert (await alice.threads.get(tid))["status"] == "interrupted"
    r = await arequest("POST", f"{server.url}/threads/{tid}/runs", headers=auth(ALICE),
                   json={"assistant_id": "warden", "input": msg("hello")})
    assert r.status_code == 409 and r.json()["error"] == "thread_interrupted"
    state = await alice.threads.get_state(tid)
    assert state["next"] == ["approval"] and len(state["interrupts"]) == 1


async def test_approval_list_and_decide(alice: LangGraphClient, server: ServerProcess) -> None:
    tid, intr = await parked(alice, 1500)
    iid = intr["id"]
    assert all(a["id"] != iid for a in await approvals(server, ALICE)), "the requester may not decide: not listed"
    assert all(a["id"] != iid for a in await approvals(server, CARL_AGENT)), "no approver role: not listed"
    assert all(a["id"] != iid for a in await approvals(server, GINA_GLOBEX)), "other tenant: not listed"
    item = next(a for a in await approvals(server, BOB_LEAD) if a["id"] == iid)
    assert item["thread_id"] == tid and item["tool"] == "issue_refund" and item["requested_by"] == "alice"
    assert item["args"] == {"order_id": "ord_1", "amount_cents": 1500}
    assert item["approver_roles"] == ["support_lead", "finance", "admin"] and item["tainted"] == []
    assert item["run_id"] and item["created_at"] and item["description"]

    r = await decide(server, ALICE_LEAD, iid)
    assert r.status_code == 403 and r.json()["error"] == "forbidden" and "own" in r.json()["message"]
    r = await decide(server, CARL_AGENT, iid)
    assert r.status_code == 403 and "roles" in r.json()["message"]
    r = await decide(server, GINA_GLOBEX, iid)
    assert r.status_code == 404
    r = await decide(server, BOB_LEAD, iid, "edit")
    assert r.status_code == 422 and r.json()["field"] == "args"

    r = await decide(server, BOB_LEAD, iid, "accept", comment="ok")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["approval_id"] == iid and body["run"]["status"] == "success"
    assert body["result"]["messages"][-1]["content"] == "refund issued by bob"
    assert body["result"]["decision"]["decided_by"] == {"tenant": "acme", "user": "bob", "roles": ["support_lead"]}
    assert body["result"]["decision"]["comment"] == "ok"
    assert (await alice.threads.get(tid))["status"] == "idle"
    assert all(a["id"] != iid for a in await approvals(server, BOB_LEAD))
    r = await decide(server, FRAN_FINANCE, iid)
    assert r.status_code == 409 and r.json()["error"] == "already_decided"


async def test_large_refund_needs_finance(alice: LangGraphClient, server: ServerProcess) -> None:
    _, intr = await parked(alice, 90_000)
    iid = intr["id"]
    assert all(a["id"] != iid for a in await approvals(server, BOB_LEAD))
    assert (await decide(server, BOB_LEAD, iid)).status_code == 403
    r = await decide(server, FRAN_FINANCE, iid, "reject", wait=False)
    assert r.status_code == 202 and r.json()["run"]["status"] in ("pending", "running", "success")
    tid = r.json()["run"]["thread_id"]
    out = await alice.runs.join(tid, r.json()["run"]["run_id"])
    assert out["messages"][-1]["content"] == "refund rejected by fran"


async def test_sdk_resume_is_checked_and_stamped(alice: LangGraphClient, server: ServerProcess) -> None:
    tid, intr = await parked(alice, 2000)
    forged = {"decision": "accept", "decided_by": {"tenant": "acme", "user": "bob", "roles": ["admin"]}}
    r = await arequest("POST", f"{server.url}/threads/{tid}/runs/wait", headers=auth(ALICE),
                   json={"assistant_id": "warden", "command": {"resume": forged}})
    assert r.status_code == 403, r.text  # alice cannot approve her own refund, whatever she claims
    async with get_client(url=server.url, headers=auth(BOB_LEAD)) as bob:
        out = await bob.runs.wait(tid, "warden", command={"resume": "accept"},
                                  context={"user": "someone-else"})
    assert isinstance(out, dict)
    assert out["decision"] == {"decision": "accept", "args": None, "comment": None,
                               "decided_by": {"tenant": "acme", "user": "bob", "roles": ["support_lead"]}}
    assert all(a["id"] != intr["id"] for a in await approvals(server, FRAN_FINANCE))
    assert (await decide(server, FRAN_FINANCE, intr["id"])).status_code == 409


async def test_deleting_a_parked_thread_drops_its_approval(alice: LangGraphClient, server: ServerProcess) -> None:
    tid, intr = await parked(alice)
    assert any(a["id"] == intr["id"] for a in await approvals(server, BOB_LEAD))
    await alice.threads.delete(tid)
    assert all(a["id"] != intr["id"] for a in await approvals(server, BOB_LEAD))
    assert (await decide(server, BOB_LEAD, intr["id"])).status_code == 404


async def test_run_timeout_ends_the_run_and_frees_the_thread(alice: LangGraphClient) -> None:
    tid = (await alice.threads.create())["thread_id"]
    events = [(p.event, p.data) async for p in alice.runs.stream(tid, "warden", input=msg("slow 0.5 steps 20"))]
    assert ("error", {"error": "TimeoutError", "message": "the run exceeded 2.0s"}) in events
    assert events[-1][1]["status"] == "timeout"
    assert (await alice.threads.get(tid))["status"] == "error"
    out = await alice.runs.wait(tid, "warden", input=msg("hello"))
    assert isinstance(out, dict) and out["messages"][-1]["content"] == "echo: hello"


def test_every_server_key_has_a_ttl(server: ServerProcess, server_prefix: str, redis_url: str) -> None:
    import redis

    r = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        keys = list(r.scan_iter(f"{server_prefix}:*", count=1000))
        assert len(keys) > 20
        no_ttl = [k for k in keys if r.ttl(k) == -1]
        assert no_ttl == []
    finally:
        r.close()
