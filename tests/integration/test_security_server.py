"""Issue 5 against the real server serving the real graph (scripted model, seeded SQLite), over HTTP and the CLI:
a role revoked while a run is parked, self-approval, another tenant's approvals and ids, an edit over the order
amount, approvals that expire on their own, ``GET /audit`` for auditors only, and tampering found by verify."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient
from redis.asyncio import Redis
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api.anchors import anchor_key
from governance.audit import verify_chain
from tests.integration.server_harness import ROOT, ServerProcess, arequest, auth, redis_url, token
from tools.db import LedgerEntry, Refund, make_engine
from tools.roles import RoleDirectory
from tools.seed import seed

pytestmark = pytest.mark.integration
__all__ = ["redis_url"]

ALICE = token("acme", "alice", ("support_agent",))
DAN = token("acme", "dan", ("support_agent",))
BOB_LEAD = token("acme", "bob", ("support_lead",))
ALICE_ADMIN = token("acme", "alice", ("support_agent", "admin"))
GINA_GLOBEX = token("globex", "gina", ("admin",))
AUDREY = token("acme", "audrey", ("auditor",))
ANN_ADMIN = token("acme", "ann", ("admin",))
GUS_AUDITOR = token("globex", "gus", ("auditor",))


def msg(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


def _serve(redis_url: str, data: Path, **env: str) -> ServerProcess:
    engine = make_engine(f"sqlite:///{data / 'warden.db'}")
    seed(engine)
    engine.dispose()
    return ServerProcess(redis_url=redis_url, prefix=f"wsec{uuid.uuid4().hex[:10]}", data_dir=data, graph="real",
                         env=env).start(timeout_s=60)


@pytest.fixture(scope="module")
def real(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = _serve(redis_url, tmp_path_factory.mktemp("sec"))
    yield proc
    proc.stop()


@pytest.fixture()
def db(real: ServerProcess) -> Iterator[Engine]:
    engine = make_engine(real.env["WARDEN_DATABASE_URL"])
    yield engine
    engine.dispose()


@pytest.fixture()
async def alice(real: ServerProcess) -> AsyncIterator[LangGraphClient]:
    async with get_client(url=real.url, headers=auth(ALICE)) as c:
        yield c


def _refunds(engine: Engine, order_id: str) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(Refund).where(Refund.order_id == order_id)) or 0


async def _park(client: LangGraphClient, text: str) -> tuple[str, dict[str, Any]]:
    tid = (await client.threads.create())["thread_id"]
    out = await client.runs.wait(tid, "warden", input=msg(text))
    assert isinstance(out, dict) and len(out.get("__interrupt__", [])) == 1, (out.get("stop_reason"), out["messages"][-1])
    return tid, out["__interrupt__"][0]


async def _decide(server: ServerProcess, tok: str, iid: str, decision: str = "accept", **extra: Any) -> Any:
    return await arequest("POST", f"{server.url}/approvals/{iid}", params={"wait": "true"},
                          json={"decision": decision, **extra}, headers=auth(tok))


async def test_a_role_revoked_while_parked_stops_the_run(alice: LangGraphClient, real: ServerProcess,
                                                         db: Engine) -> None:
    dan = token("acme", "dan", ("support_agent",))
    async with get_client(url=real.url, headers=auth(dan)) as client:
        tid, intr = await _park(client, "refund 700 cents on order ord_acme_002_1")
    RoleDirectory(db).change("revoke", tenant="acme", user="dan", role="support_agent", by="ann")
    r = await _decide(real, BOB_LEAD, intr["id"])
    assert r.status_code == 200, r.text
    result = r.json()["result"]
    assert result["stop_reason"] == "forbidden" and result["results"][0]["error"]["error"] == "forbidden"
    assert _refunds(db, "ord_acme_002_1") == 0
    assert (await alice.threads.get_state(tid))["values"]["stop_reason"] == "forbidden"



async def test_an_approver_whose_role_was_revoked_is_neither_offered_nor_heard(real: ServerProcess,
                                                                                db: Engine) -> None:
    """Her token still says support_lead (it lives up to 2 h); the role directory says otherwise."""
    lena = token("acme", "lena", ("support_lead",))
    async with get_client(url=real.url, headers=auth(token("acme", "erin", ("support_agent",)))) as client:
        _, intr = await _park(client, "refund 400 cents on order ord_acme_009_1")
    listed = (await arequest("GET", f"{real.url}/approvals", headers=auth(lena))).json()
    assert intr["id"] in [a["id"] for a in listed]
    RoleDirectory(db).change("revoke", tenant="acme", user="lena", role="support_lead", by="ann")
    listed = (await arequest("GET", f"{real.url}/approvals", headers=auth(lena))).json()
    assert intr["id"] not in [a["id"] for a in listed]
    r = await _decide(real, lena, intr["id"])
    assert r.status_code == 403 and "support_lead" in r.json()["message"], r.text
    assert _refunds(db, "ord_acme_009_1") == 0
    r = await _decide(real, BOB_LEAD, intr["id"])
    assert r.status_code == 200 and r.json()["result"]["stop_reason"] == "completed"

async def test_self_approval_is_refused_even_with_an_approver_role(alice: LangGraphClient, real: ServerProcess,
                                                                   db: Engine) -> None:
    _, intr = await _park(alice, "refund 600 cents on order ord_acme_003_1")
    r = await _decide(real, ALICE_ADMIN, intr["id"])
    assert r.status_code == 403 and r.json() == {
        "error": "forbidden", "message": "you may not decide this action: nobody approves their own action",
        "field": None}
    items = (await arequest("GET", f"{real.url}/approvals", headers=auth(ALICE_ADMIN))).json()
    assert all(a["id"] != intr["id"] for a in items), "the requester is never offered their own action"
    assert _refunds(db, "ord_acme_003_1") == 0
    r = await _decide(real, BOB_LEAD, intr["id"])
    assert r.status_code == 200 and r.json()["result"]["stop_reason"] == "completed"


async def test_another_tenant_neither_sees_nor_decides_nor_reaches_ids(alice: LangGraphClient, real: ServerProcess,
                                                                       db: Engine) -> None:
    _, intr = await _park(alice, "refund 500 cents on order ord_acme_005_2")
    globex_items = (await arequest("GET", f"{real.url}/approvals", headers=auth(GINA_GLOBEX))).json()
    assert all(a["id"] != intr["id"] for a in globex_items)
    r = await _decide(real, GINA_GLOBEX, intr["id"])
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    # acme's agent naming globex's order: rejected at planning, nothing parked, nothing run
    tid = (await alice.threads.create())["thread_id"]
    out = await alice.runs.wait(tid, "warden", input=msg("refund 100 cents on order ord_globex_003_1"))
    assert isinstance(out, dict) and out["stop_reason"] == "plan_rejected" and "__interrupt__" not in out
    assert "not_found" in str(out["messages"][-1]) or "no order" in str(out["messages"][-1])
    assert _refunds(db, "ord_globex_003_1") == 0


async def test_an_edit_over_the_order_amount_is_refused(alice: LangGraphClient, real: ServerProcess,
                                                        db: Engine) -> None:
    tid, intr = await _park(alice, "refund 1000 cents on order ord_acme_006_1")
    with Session(db) as s:
        from tools.db import Order

        order = s.get(Order, "ord_acme_006_1")
        assert order is not None
        too_much = order.amount_cents - order.refunded_cents + 1
    r = await _decide(real, BOB_LEAD, intr["id"], "edit",
                      args={"order_id": "ord_acme_006_1", "amount_cents": too_much, "reason": "x"})
    assert r.status_code == 200, r.text
    again = r.json()["result"]["__interrupt__"]
    assert "edited args invalid: amount_cents" in again[0]["value"]["description"]
    assert _refunds(db, "ord_acme_006_1") == 0
    assert (await alice.threads.get(tid))["status"] == "interrupted"


async def test_get_audit_is_for_auditors_tenant_scoped_and_paged(alice: LangGraphClient, real: ServerProcess) -> None:
    tid = (await alice.threads.create())["thread_id"]
    await alice.runs.wait(tid, "warden", input=msg("show customer cus_acme_001"))
    for tok in (ALICE, BOB_LEAD):
        r = await arequest("GET", f"{real.url}/audit", headers=auth(tok))
        assert r.status_code == 403 and r.json()["error"] == "forbidden" and "auditor" in r.json()["message"]
    r = await arequest("GET", f"{real.url}/audit", params={"thread_id": tid}, headers=auth(AUDREY))
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["tenant"] == "acme" and [i["kind"] for i in page["items"]] == [
        "request", "plan", "tool_executed", "stop"]
    executed = page["items"][2]["payload"]
    assert (executed["tool"], executed["status"], executed["args"]) == (
        "get_customer", "ok", {"customer_id": "cus_acme_001"})
    seqs: list[int] = []
    after = 0
    while True:
        r = await arequest("GET", f"{real.url}/audit", params={"after": after, "limit": 3}, headers=auth(ANN_ADMIN))
        body = r.json()
        seqs += [i["seq"] for i in body["items"]]
        assert len(body["items"]) <= 3
        if body["next_after"] is None:
            break
        after = body["next_after"]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 4
    globex = (await arequest("GET", f"{real.url}/audit", headers=auth(GUS_AUDITOR))).json()
    assert all(i["thread_id"] != tid for i in globex["items"])
    r = await arequest("GET", f"{real.url}/audit", params={"kind": "gossip"}, headers=auth(AUDREY))
    assert r.status_code == 422 and r.json()["field"] == "kind"
    r = await arequest("GET", f"{real.url}/audit", params={"limit": 0}, headers=auth(AUDREY))
    assert r.status_code == 422


async def test_a_revoked_auditor_is_refused_at_once(real: ServerProcess, db: Engine) -> None:
    vic = token("acme", "vic", ("auditor",))
    assert (await arequest("GET", f"{real.url}/audit", headers=auth(vic))).status_code == 200
    RoleDirectory(db).change("revoke", tenant="acme", user="vic", role="auditor", by="ann")
    assert (await arequest("GET", f"{real.url}/audit", headers=auth(vic))).status_code == 403


def _cli(server: ServerProcess, *args: str, tok: str) -> subprocess.CompletedProcess[str]:
    env = {**server.env, "WARDEN_TOKEN": tok, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "cli", *args, "--url", server.url], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


async def test_cli_lists_and_decides_and_verify_finds_tampering(alice: LangGraphClient, real: ServerProcess,
                                                                db: Engine) -> None:
    _, intr = await _park(alice, "refund 400 cents on order ord_acme_007_1")
    listed = await asyncio.to_thread(_cli, real, "approvals", "list", tok=BOB_LEAD)
    assert listed.returncode == 0 and intr["id"] in listed.stdout and "issue_refund" in listed.stdout
    mine = await asyncio.to_thread(_cli, real, "approvals", "accept", intr["id"], tok=ALICE)
    assert mine.returncode != 0 and "403 forbidden" in mine.stderr
    done = await asyncio.to_thread(_cli, real, "approvals", "accept", intr["id"], "--wait", "--comment", "ok",
                                   tok=BOB_LEAD)
    assert done.returncode == 0, done.stderr
    assert '"stop_reason": "completed"' in done.stdout and _refunds(db, "ord_acme_007_1") == 1
    _, second = await _park(alice, "refund 300 cents on order ord_acme_008_1")
    rejected = await asyncio.to_thread(_cli, real, "approvals", "reject", second["id"], "--wait", tok=BOB_LEAD)
    assert rejected.returncode == 0 and '"stop_reason": "rejected_by_approver"' in rejected.stdout

    ok = (await arequest("GET", f"{real.url}/audit/verify", headers=auth(AUDREY))).json()
    assert ok["ok"] and ok["records"] == ok["head_seq"] > 0
    with db.begin() as conn:  # someone with file access drops the guard and edits a record
        conn.exec_driver_sql("DROP TRIGGER audit_log_no_update")
        conn.exec_driver_sql("UPDATE audit_log SET payload = replace(payload, '\"amount_cents\":400', "
                             "'\"amount_cents\":40000') WHERE tenant = 'acme' AND kind = 'tool_executed' "
                             "AND payload LIKE '%ord_acme_007_1%'")
    bad = (await arequest("GET", f"{real.url}/audit/verify", headers=auth(AUDREY))).json()
    assert not bad["ok"] and "edited" in bad["broken"]["reason"] and bad["broken"]["event_key"].startswith("tool:")
    env = {**real.env, "PYTHONPATH": str(ROOT)}
    cli = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "cli", "audit", "verify", "--tenant", "acme"],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert cli.returncode == 1 and f"BROKEN at seq {bad['broken']['seq']}" in cli.stdout


@pytest.fixture(scope="module")
def expiring(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = _serve(redis_url, tmp_path_factory.mktemp("exp"), WARDEN_APPROVAL_TTL_S="1.5",
                  WARDEN_APPROVAL_SWEEP_S="0.25")
    yield proc
    proc.stop()


async def test_pending_approvals_expire_on_their_own(expiring: ServerProcess) -> None:
    async with get_client(url=expiring.url, headers=auth(ALICE)) as client:
        tid, intr = await _park(client, "refund 1500 cents on order ord_acme_001_1")
        assert intr["value"]["approval"]["expires_at"]
        listed = (await arequest("GET", f"{expiring.url}/approvals", headers=auth(BOB_LEAD))).json()
        assert [a["id"] for a in listed] == [intr["id"]]
        assert listed[0]["expires_at"] == intr["value"]["approval"]["expires_at"]
        assert listed[0]["risk"] and listed[0]["rule"]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            thread = await client.threads.get(tid)
            if thread["status"] == "idle":
                break
            await asyncio.sleep(0.2)
        state = await client.threads.get_state(tid)
        assert state["values"]["stop_reason"] == "approval_expired", state["values"].get("stop_reason")
        assert state["values"]["results"][0]["status"] == "expired"
        assert (await arequest("GET", f"{expiring.url}/approvals", headers=auth(BOB_LEAD))).json() == []
        r = await _decide(expiring, BOB_LEAD, intr["id"])
        assert r.status_code == 409  # a late decision cannot revive it
    engine = make_engine(expiring.env["WARDEN_DATABASE_URL"])
    try:
        assert _refunds(engine, "ord_acme_001_1") == 0
        with Session(engine) as s:
            assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 0
    finally:
        engine.dispose()
    audit = (await arequest("GET", f"{expiring.url}/audit", params={"thread_id": tid},
                            headers=auth(AUDREY))).json()["items"]
    assert [i["kind"] for i in audit][-2:] == ["approval_decided", "stop"]
    assert audit[-2]["actor"] == "warden:expiry" and audit[-1]["payload"]["stop_reason"] == "approval_expired"


def test_the_server_refuses_to_start_with_a_bad_policy(redis_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "approvals.toml"
    bad.write_text('version = 1\n[tainted]\napprovers = ["admin"]\nreason = "r"\n'
                   '[[rules]]\nname = "r"\ntool = "issue_refund"\napprovers = ["wizard"]\nreason = "r"\n')
    proc = ServerProcess(redis_url=redis_url, prefix=f"wsec{uuid.uuid4().hex[:10]}", data_dir=tmp_path, graph="real",
                         env={"WARDEN_APPROVAL_POLICY": str(bad)})
    with pytest.raises(RuntimeError, match="server exited early"):
        proc.start(timeout_s=60)
    proc.stop()
    assert "unknown role(s) wizard" in proc.output()
    assert os.path.exists(proc.log_path)


async def test_the_server_publishes_audit_heads_and_verify_finds_a_cut_tail(expiring: ServerProcess,
                                                                             redis_url: str) -> None:
    """Deleting the newest records leaves a valid, shorter chain; the heads each server anchored in Redis show it."""
    async with get_client(url=expiring.url, headers=auth(ALICE)) as client:
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, "warden", input=msg("show customer cus_acme_002"))
    head = (await arequest("GET", f"{expiring.url}/audit/verify", headers=auth(AUDREY))).json()
    assert head["ok"]
    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # the sweeper (every 0.25 s here) anchors the head as it moves
            if await redis.zscore(anchor_key(expiring.env["WARDEN_SERVER_KEY_PREFIX"], "acme"), f"{head['head_seq']}:{head['head_hash']}"):
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the head was never published")
    finally:
        await redis.aclose()
    engine = make_engine(expiring.env["WARDEN_DATABASE_URL"])
    try:
        with engine.begin() as conn:  # someone with file access drops the guard and cuts the run's records
            conn.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
            conn.exec_driver_sql(f"DELETE FROM audit_log WHERE tenant = 'acme' AND thread_id = '{tid}'")
        [alone] = verify_chain(engine, "acme")
        assert alone.ok and alone.head_seq < head["head_seq"], "on its own the shorter chain verifies"
    finally:
        engine.dispose()
    bad = (await arequest("GET", f"{expiring.url}/audit/verify", headers=auth(AUDREY))).json()
    assert not bad["ok"] and bad["anchors_checked"] >= 1 and "cut off" in bad["broken"]["reason"]
    assert bad["broken"]["seq"] >= head["head_seq"]
    env = {**expiring.env, "PYTHONPATH": str(ROOT)}
    cli = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "cli", "audit", "verify", "--tenant", "acme",
                                                   "--anchors"], cwd=ROOT, env=env, capture_output=True, text=True,
                                  timeout=120, check=False)
    assert cli.returncode == 1 and "cut off" in cli.stdout, cli.stdout + cli.stderr
