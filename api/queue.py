"""The run queue and thread locks in Redis: enqueue, claim, finish, cancel, requeue (scripts in ``api.scripts``).

Lifecycle of a run: ``pending`` (in ``P:queue``) -> ``running`` (claimed: moved to the claiming process's
``inflight`` list, attempt + 1) -> ``success`` | ``error`` | ``timeout`` | ``interrupted`` (cancelled). A process
that stops heartbeating loses its lease after ``run_lease_s``; any other process then moves its inflight runs
back to the queue head, and the next claim resumes them from their last checkpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson
from redis.asyncio import Redis

from api import scripts
from api._private import text
from api.keys import Keys, entry, now_iso, now_ms

BUSY = {"error": "ThreadBusy", "message": "another run holds the thread"}


class RunQueue:
    def __init__(self, redis: Redis, keys: Keys, *, ttl_s: int, lease_s: float) -> None:
        self.redis, self.keys, self.ttl_s = redis, keys, ttl_s
        self.lease_ms = int(lease_s * 1000)
        self.pending_lock_ms = ttl_s * 1000
        self._release = redis.register_script(scripts.RELEASE_LOCK)
        self._extend = redis.register_script(scripts.EXTEND_LOCK)
        self._claim = redis.register_script(scripts.CLAIM)
        self._finish = redis.register_script(scripts.FINISH)
        self._cancel = redis.register_script(scripts.CANCEL)
        self._requeue = redis.register_script(scripts.REQUEUE)
        self._enqueue_input = redis.register_script(scripts.ENQUEUE_INPUT)
        self._abandon = redis.register_script(scripts.ABANDON)

    # --- thread locks --------------------------------------------------------------------------------------
    async def try_lock(self, tid: str, rid: str) -> bool:
        """Take the thread for a new run; short TTL until the run is safely enqueued."""
        return bool(await self.redis.set(self.keys.thread_lock(tid), rid, nx=True, px=self.lease_ms))

    async def release(self, tid: str, rid: str) -> None:
        await self._release(keys=[self.keys.thread_lock(tid)], args=[rid])

    async def holder(self, tid: str) -> str | None:
        return text(await self.redis.get(self.keys.thread_lock(tid)))

    # --- enqueue -------------------------------------------------------------------------------------------
    async def enqueue(self, run: Mapping[str, str], also: Callable[[Any], None] | None = None) -> None:
        """Record the run, mark its thread busy, keep the lock for as long as the run may wait, queue it;
        ``also(pipeline)`` adds the caller's own commands to the same transaction."""
        k, rid, tid = self.keys, run["run_id"], run["thread_id"]
        async with self.redis.pipeline(transaction=True) as p:
            p.hset(k.run(rid), mapping=dict(run))  # type: ignore[arg-type]  # str values are fine
            p.expire(k.run(rid), self.ttl_s)
            p.zadd(k.thread_runs(tid), {rid: now_ms()})
            p.expire(k.thread_runs(tid), self.ttl_s)
            p.hset(k.thread(tid), mapping={"status": "busy", "updated_at": now_iso(), "last_run_id": rid})
            p.pexpire(k.thread_lock(tid), self.pending_lock_ms)
            if also is not None:
                also(p)
            p.lpush(k.queue, entry(rid, tid))
            p.expire(k.queue, self.ttl_s)
            await p.execute()

    async def enqueue_input(self, run: Mapping[str, str]) -> str:
        """New input in one atomic step: 'ok', or why not: 'busy', 'interrupted', 'not_found'."""
        k, rid, tid = self.keys, run["run_id"], run["thread_id"]
        args: list[str | int] = [rid, run["tenant"], self.pending_lock_ms, self.ttl_s, now_ms(), now_iso(),
                                 entry(rid, tid)]
        for field, value in run.items():
            args += [field, value]
        res = await self._enqueue_input(
            keys=[k.thread_lock(tid), k.thread(tid), k.run(rid), k.thread_runs(tid), k.queue,
                  k.tenant_threads(run["tenant"])], args=args)
        return str(res)

    async def fail_unclaimed(self, rid: str, error: Mapping[str, str]) -> None:
        """Events for a run that could not start (its record says why)."""
        k = self.keys
        end = orjson.dumps({"run_id": rid, "status": "error"})
        async with self.redis.pipeline(transaction=True) as p:
            p.xadd(k.run_events(rid), {"e": "error", "d": orjson.dumps(dict(error))})
            p.xadd(k.run_events(rid), {"e": "end", "d": end})
            p.xadd(k.run_done(rid), {"s": "error", "r": orjson.dumps({"__error__": dict(error)})})
            p.expire(k.run_events(rid), self.ttl_s)
            p.expire(k.run_done(rid), self.ttl_s)
            await p.execute()

    # --- worker side ---------------------------------------------------------------------------------------
    async def claim(self, wid: str, item: str) -> dict[str, str] | str:
        rid, _, tid = item.partition(" ")
        busy = orjson.dumps(BUSY).decode()
        res = await self._claim(
            keys=[self.keys.run(rid), self.keys.inflight(wid), self.keys.thread_lock(tid), self.keys.worker(wid),
                  self.keys.queue],
            args=[item, wid, now_iso(), self.lease_ms * 2, rid, busy, self.ttl_s],
        )
        if isinstance(res, list):
            return dict(zip(res[::2], res[1::2], strict=True))
        return str(res)

    async def finish(
        self,
        wid: str,
        run: Mapping[str, str],
        *,
        status: str,
        result: bytes,
        thread_status: str,
        values: bytes,
        interrupts: bytes,
        error: bytes,
    ) -> bool:
        k, rid, tid = self.keys, run["run_id"], run["thread_id"]
        end = orjson.dumps({"run_id": rid, "status": status})
        done = await self._finish(
            keys=[k.run(rid), k.thread(tid), k.thread_lock(tid), k.inflight(wid), k.run_events(rid), k.run_done(rid)],
            args=[wid, run["attempt"], entry(rid, tid), rid, status, now_iso(), result, thread_status, values,
                  interrupts, error, self.ttl_s, end],
        )
        return bool(done)

    async def extend_locks(self, runs: Mapping[str, str]) -> None:
        """Heartbeat for the threads of the runs this process executes (run id -> thread id)."""
        if not runs:
            return
        async with self.redis.pipeline(transaction=False) as p:
            for rid, tid in runs.items():
                await self._extend(keys=[self.keys.thread_lock(tid)], args=[rid, self.lease_ms * 2], client=p)
            await p.execute()

    async def requeue_dead(self, wid: str) -> int:
        """Hand back the runs of worker ``wid`` if its lease is gone; -1 if it is alive."""
        k = self.keys
        n = await self._requeue(
            keys=[k.worker(wid), k.inflight(wid), k.queue, k.workers],
            args=[wid, k.prefix, self.pending_lock_ms, now_iso(), self.ttl_s],
        )
        return int(n)

    async def abandon(self, wid: str, rid: str, tid: str) -> bool:
        """Give a run this worker still owns back to the queue (after it lost its lease and stopped the run)."""
        k = self.keys
        done = await self._abandon(keys=[k.run(rid), k.inflight(wid), k.queue],
                                   args=[entry(rid, tid), wid, now_iso(), self.ttl_s])
        return bool(done)

    # --- cancel --------------------------------------------------------------------------------------------
    async def cancel(self, run: Mapping[str, str], *, thread_status: str) -> Any:
        k, rid, tid = self.keys, run["run_id"], run["thread_id"]
        end = orjson.dumps({"run_id": rid, "status": "interrupted"})
        return await self._cancel(
            keys=[k.run(rid), k.queue, k.thread_lock(tid), k.thread(tid), k.run_events(rid), k.run_done(rid)],
            args=[entry(rid, tid), rid, now_iso(), thread_status, end, self.ttl_s],
        )
