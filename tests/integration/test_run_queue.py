"""The run queue's claim against the real Redis: a worker whose lease is gone takes nothing (the entry goes
straight back to the head of the queue, the run's attempt unchanged); with its lease it claims normally. Without
this, a stalled worker re-claimed a run the reaper had just requeued, the reaper requeued it again, and the run
was claimed a third time (seen under load in test_server_cluster)."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis

from api.keys import Keys
from api.queue import RunQueue

pytestmark = pytest.mark.integration


async def test_a_worker_without_a_lease_claims_nothing(redis_url: str) -> None:
    redis = Redis.from_url(redis_url, decode_responses=True)
    keys = Keys(prefix=f"wq{uuid.uuid4().hex[:10]}")
    queue = RunQueue(redis, keys, ttl_s=600, lease_s=5)
    rid, tid, wid = str(uuid.uuid4()), str(uuid.uuid4()), "w-test"
    try:
        await queue.enqueue({"run_id": rid, "thread_id": tid, "status": "pending", "attempt": "0"})
        item = await redis.blmove(keys.queue, keys.inflight(wid), 1, "RIGHT", "LEFT")
        assert item == f"{rid} {tid}"
        assert await queue.claim(wid, item) == "no_lease"
        assert await redis.lrange(keys.inflight(wid), 0, -1) == []
        assert await redis.lindex(keys.queue, -1) == item, "back at the head of the queue, next to be taken"
        assert await redis.hget(keys.run(rid), "attempt") == "0"
        await redis.set(keys.worker(wid), "1", px=5000)
        item = await redis.blmove(keys.queue, keys.inflight(wid), 1, "RIGHT", "LEFT")
        claimed = await queue.claim(wid, item)
        assert isinstance(claimed, dict) and claimed["attempt"] == "1" and claimed["worker"] == wid
        assert await redis.get(keys.thread_lock(tid)) == rid
    finally:
        await redis.delete(keys.run(rid), keys.thread(tid), keys.thread_runs(tid), keys.thread_lock(tid), keys.queue,
                           keys.inflight(wid), keys.worker(wid))
        await redis.aclose()
