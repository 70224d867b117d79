"""Two server processes sharing one Redis: a run parked on A is listed and approved through B and seen
finished from A; a run executing on one process is streamed from the other; a process killed with SIGKILL
mid-run has the run requeued by the survivor after the lease and continued from its last checkpoint."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from langgraph_sdk import get_client

from tests.integration.server_harness import ServerProcess, arequest, auth, redis_url, token

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(os.environ.get("WARDEN_TEST_GRAPH") == "real", reason="stand-in graph behaviour")]
__all__ = ["redis_url"]

ALICE = token("acme", "alice", ("support_agent",))
BOB_LEAD = token("acme", "bob", ("support_lead",))
LEASE_S = 2.0


def msg(text: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": text}]}


@pytest.fixture(scope="module")
def pair(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    prefix = f"wtest{uuid.uuid4().hex[:10]}"
    env = {"WARDEN_RUN_LEASE_S": str(LEASE_S), "WARDEN_WORKER_CONCURRENCY": "2"}
    data: Path = tmp_path_factory.mktemp("pair")
    a = ServerProcess(redis_url=redis_url, prefix=prefix, data_dir=data, env=env)
    b = ServerProcess(redis_url=redis_url, prefix=prefix, data_dir=data, env=env)
    a.start()
    try:
        b.start()
    except Exception:
        a.stop()
        raise
    yield a, b
    a.stop()
    b.stop()


def worker_id(server: ServerProcess) -> str:
    return str(httpx.get(f"{server.url}/info", headers=auth(ALICE)).json()["worker_id"])


async def test_park_on_a_approve_on_b_visible_on_a(pair: tuple[ServerProcess, ServerProcess]) -> None:
    a, b = pair
    async with get_client(url=a.url, headers=auth(ALICE)) as alice_a:
        tid = (await alice_a.threads.create())["thread_id"]
        out = await alice_a.runs.wait(tid, "warden", input=msg("refund 4200"))
        assert isinstance(out, dict)
        iid = out["__interrupt__"][0]["id"]
    listed = (await arequest("GET", f"{b.url}/approvals", headers=auth(BOB_LEAD))).json()
    assert any(x["id"] == iid and x["thread_id"] == tid for x in listed)
    r = await arequest("POST", f"{b.url}/approvals/{iid}?wait=true", json={"decision": "accept"},
                       headers=auth(BOB_LEAD))
    assert r.status_code == 200, r.text
    assert r.json()["result"]["messages"][-1]["content"] == "refund issued by bob"
    async with get_client(url=a.url, headers=auth(ALICE)) as alice_a:
        thread = await alice_a.threads.get(tid)
        assert thread["status"] == "idle"
        assert thread["values"]["messages"][-1]["content"] == "refund issued by bob"
        runs = await alice_a.runs.list(tid)
        assert [x["status"] for x in runs] == ["success", "success"]
        state = await alice_a.threads.get_state(tid)
        assert state["next"] == [] and state["interrupts"] == []


async def test_stream_from_the_other_process(pair: tuple[ServerProcess, ServerProcess], redis_url: str) -> None:
    a, b = pair
    wid_b = worker_id(b)
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    executors = []
    async with get_client(url=a.url, headers=auth(ALICE)) as on_a, get_client(url=b.url, headers=auth(ALICE)) as on_b:
        for _ in range(6):
            tid = (await on_a.threads.create())["thread_id"]
            run = await on_a.runs.create(tid, "warden", input=msg("slow 0.2 steps 2"),
                                         stream_mode=["values", "updates"])
            events = [p.event async for p in on_b.runs.join_stream(tid, run["run_id"])]
            assert events[0] == "metadata" and events[-1] == "end" and "updates" in events
            executors.append(r.hget(f"{a.env['WARDEN_SERVER_KEY_PREFIX']}:run:{run['run_id']}", "worker"))
    assert set(executors) - {wid_b}, "no run executed on A while streamed from B"
    r.close()


async def test_long_run_holds_its_thread_past_the_lease(pair: tuple[ServerProcess, ServerProcess]) -> None:
    """The thread lock lives two leases unless the executing process's heartbeat extends it."""
    a, b = pair
    async with get_client(url=a.url, headers=auth(ALICE)) as client:
        tid = (await client.threads.create())["thread_id"]
        run = await client.runs.create(tid, "warden", input=msg("slow 0.5 steps 12"))
        await asyncio.sleep(LEASE_S * 2.5)
        r = await arequest("POST", f"{b.url}/threads/{tid}/runs", headers=auth(ALICE),
                           json={"assistant_id": "warden", "input": msg("hello")})
        assert r.status_code == 409 and r.json()["error"] == "thread_busy"
        await client.runs.join(tid, run["run_id"])
        assert (await client.runs.get(tid, run["run_id"]))["status"] == "success"


async def test_a_stalled_worker_that_lost_its_lease_stands_down(pair: tuple[ServerProcess, ServerProcess],
                                                                redis_url: str) -> None:
    """Simulated stall: the executing process's lease vanishes; the run is requeued (by the other's reaper, or
    handed back by the stalled one when its heartbeat notices) and runs again as attempt 2, once; the stalled
    process stops its own copy and serves on."""
    a, b = pair
    prefix = a.env["WARDEN_SERVER_KEY_PREFIX"]
    by_wid = {worker_id(a): a, worker_id(b): b}
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    async with get_client(url=a.url, headers=auth(ALICE)) as client:
        tid = (await client.threads.create())["thread_id"]
        rid = (await client.runs.create(tid, "warden", input=msg("slow 0.3 steps 15")))["run_id"]
        while (await client.threads.get_state(tid))["values"].get("steps_done", 0) < 1:
            await asyncio.sleep(0.1)
        stalled_wid = r.hget(f"{prefix}:run:{rid}", "worker") or ""
        r.delete(f"{prefix}:worker:{stalled_wid}")
        await client.runs.join(tid, rid)
        assert (await client.runs.get(tid, rid))["status"] == "success"
    # either the other's reaper requeued it or the stalled one handed it back first (and may have re-claimed it)
    assert r.hget(f"{prefix}:run:{rid}", "attempt") == "2"
    stalled = by_wid[stalled_wid]
    for _ in range(50):
        if "lost its lease" in stalled.output():
            break
        await asyncio.sleep(0.1)
    assert "lost its lease" in stalled.output()
    assert worker_id(stalled) == stalled_wid and r.exists(f"{prefix}:worker:{stalled_wid}")
    r.close()


async def test_sigterm_hands_its_runs_back_at_once(pair: tuple[ServerProcess, ServerProcess], redis_url: str) -> None:
    """Graceful stop: runs that outlast the grace period go back to the queue as the process exits, without
    waiting for the lease to lapse; the other process continues them from their checkpoint."""
    a, b = pair
    prefix = a.env["WARDEN_SERVER_KEY_PREFIX"]
    by_wid = {worker_id(a): a, worker_id(b): b}
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    async with get_client(url=a.url, headers=auth(ALICE)) as client:
        tid = (await client.threads.create())["thread_id"]
        rid = (await client.runs.create(tid, "warden", input=msg("slow 0.5 steps 24")))["run_id"]
        while (await client.threads.get_state(tid))["values"].get("steps_done", 0) < 1:
            await asyncio.sleep(0.1)
    victim_wid = r.hget(f"{prefix}:run:{rid}", "worker") or ""
    victim = by_wid[victim_wid]
    survivor = b if victim is a else a
    survivor_wid = next(w for w in by_wid if w != victim_wid)
    assert victim.proc is not None
    victim.proc.terminate()
    await asyncio.to_thread(victim.proc.wait, 30)
    await asyncio.sleep(0.5)  # well under the lease: only the graceful hand-back explains a new owner
    assert r.hget(f"{prefix}:run:{rid}", "worker") == survivor_wid
    assert not r.sismember(f"{prefix}:workers", victim_wid)
    async with get_client(url=survivor.url, headers=auth(ALICE)) as client:
        await client.runs.join(tid, rid)
        final = await client.runs.get(tid, rid)
        assert final["status"] == "success"
        assert (await client.threads.get_state(tid))["values"]["steps_done"] == 24
    assert r.hget(f"{prefix}:run:{rid}", "attempt") == "2"
    assert "Traceback" not in victim.output()
    r.close()
    victim.stop()
    victim.start()


async def test_sigkill_mid_run_is_requeued_and_continued(pair: tuple[ServerProcess, ServerProcess],
                                                        redis_url: str) -> None:
    a, b = pair
    prefix = a.env["WARDEN_SERVER_KEY_PREFIX"]
    by_wid = {worker_id(a): a, worker_id(b): b}
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    async with get_client(url=a.url, headers=auth(ALICE)) as client:
        tid = (await client.threads.create())["thread_id"]
        run = await client.runs.create(tid, "warden", input=msg("slow 0.5 steps 8"))
        rid = run["run_id"]
        for _ in range(100):
            await asyncio.sleep(0.1)
            state = await client.threads.get_state(tid)
            if state["values"].get("steps_done", 0) >= 2:
                break
        victim = by_wid[r.hget(f"{prefix}:run:{rid}", "worker") or ""]
        survivor = b if victim is a else a
        victim.kill()
    async with get_client(url=survivor.url, headers=auth(ALICE)) as client:
        events = [(p.event, p.data) async for p in client.runs.join_stream(tid, rid, stream_mode="values")]
        metas = [d for e, d in events if e == "metadata"]
        assert [m["attempt"] for m in metas] == [1, 2]
        resumed_values = [d for e, d in events if e == "values"][len([1 for e, _ in events[: events.index(
            ("metadata", metas[1]))] if e == "values"]):]
        assert resumed_values[0].get("steps_done", 0) >= 2, "attempt 2 did not continue from the checkpoint"
        assert events[-1][1]["status"] == "success"
        final = await client.runs.get(tid, rid)
        assert final["status"] == "success"
        state = await client.threads.get_state(tid)
        assert state["values"]["steps_done"] == 8
        assert state["values"]["messages"][-1]["content"] == "slept 8 steps"
        assert (await client.threads.get(tid))["status"] == "idle"
    assert r.hget(f"{prefix}:run:{rid}", "attempt") == "2"
    r.close()
    victim.start()  # leave the pair whole for any later test


def test_every_key_has_a_ttl_after_crashes(pair: tuple[ServerProcess, ServerProcess], redis_url: str) -> None:
    prefix = pair[0].env["WARDEN_SERVER_KEY_PREFIX"]
    r = redis.Redis.from_url(redis_url, decode_responses=True)
    try:
        keys = list(r.scan_iter(f"{prefix}:*", count=1000))
        assert keys and [k for k in keys if r.ttl(k) == -1] == []
    finally:
        r.close()
